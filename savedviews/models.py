"""Saved views: a filtered, sorted action list kept under a name, private or shared."""

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NAME_MAX_LENGTH = 80
# Longer links break in some mail clients and spreadsheets; no real filter comes near it.
QUERY_MAX_LENGTH = 2000


class SavedViewQuerySet(models.QuerySet):
    def shared_with_everyone(self):
        """Every shared view, with its owner, by name: the dashboard's "Shared views"."""
        return self.filter(shared=True).select_related("owner").order_by(Lower("name"), "pk")

    def visible_to(self, user):
        """The user's own views first, then the others' shared ones, each group by name."""
        return (
            self.filter(Q(owner=user) | Q(shared=True))
            .select_related("owner")
            .order_by(Case(When(owner=user, then=Value(0)), default=Value(1)), Lower("name"), "pk")
        )


class SavedView(models.Model):
    """One list (by its URL name, never a path, so a view cannot lead off the portal) and the
    query string of its filters and sort order."""

    class List(models.TextChoices):
        ACTIONS = "action_list", _("All actions")
        MY_ASSIGNMENTS = "my_assignments", _("My assignments")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_views",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    list_name = models.CharField(_("list"), max_length=20, choices=List.choices)
    query = models.CharField(
        _("query"),
        max_length=QUERY_MAX_LENGTH,
        blank=True,
        help_text=_("The list's filters and sort order, as in its address (no page number)."),
    )
    shared = models.BooleanField(
        _("shared with everyone"),
        default=False,
        help_text=_("Shared views are listed on the dashboard and beside everyone's lists."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            # "RT 3 overdue" and "rt 3 Overdue" would be the same link in the list.
            models.UniqueConstraint(Lower("name"), "owner", name="savedview_name_unique_per_owner"),
            models.CheckConstraint(condition=~Q(name=""), name="savedview_name_not_empty"),
            models.CheckConstraint(
                # SavedView.List.values; the nested class is not in scope here.
                condition=Q(list_name__in=["action_list", "my_assignments"]),
                name="savedview_list_known",
            ),
        ]
        indexes = [
            # The dashboard's "Shared views" and the shared half of every list's "Your views".
            models.Index(fields=["shared"], condition=Q(shared=True), name="savedview_shared_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        url = reverse(self.list_name)
        return f"{url}?{self.query}" if self.query else url
