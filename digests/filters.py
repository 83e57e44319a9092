"""The delivery log's filters."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .content import parse_week
from .models import DigestDelivery


class WeekField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return parse_week(value.strip())
        except ValueError as problem:
            raise forms.ValidationError(str(problem)) from None


class WeekFilter(django_filters.CharFilter):
    field_class = WeekField


class DigestDeliveryFilter(django_filters.FilterSet):
    week = WeekFilter(label=_("Week"), help_text=_("An ISO week, e.g. 2026-W48."))
    status = django_filters.ChoiceFilter(
        label=pgettext_lazy("of a digest delivery", "Status"),
        choices=DigestDelivery.Status.choices,
        empty_label=_("Any status"),
    )
    recipient = django_filters.CharFilter(
        field_name="recipient__username", label=_("Recipient (username)")
    )

    class Meta:
        model = DigestDelivery
        fields = []

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", DigestDelivery.objects.all())
        super().__init__(*args, **kwargs)

    def shown_fields(self):
        """What templates/actions/_filters.html renders: every field."""
        return list(self.form)
