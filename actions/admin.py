from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from agencies.admin import PortalModelAdmin
from roundtables.admin import RoundTableListFilter

from .forms import FIELD_LABELS
from .models import ORGANISATION_SETS, FollowUpAction, StatusChange
from .services import (
    EDITABLE_FIELDS,
    action_record_created,
    action_update,
    check_organisation_roles,
)


class StatusChangeInline(admin.TabularInline):
    """The history is append-only: shown here, written only by actions.services."""

    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "changed_by", "old_status", "new_status", "progress", "note"]
    readonly_fields = fields
    ordering = ["-changed_at", "-id"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class FollowUpActionAdminForm(forms.ModelForm):
    # The version the form was read at: an edit made meanwhile is not overwritten.
    read_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = FollowUpAction
        fields = ["slug", *EDITABLE_FIELDS, *ORGANISATION_SETS]
        labels = FIELD_LABELS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["read_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        read = cleaned.get("read_version")
        if self.instance.pk and read is not None:
            current = FollowUpAction.objects.filter(pk=self.instance.pk).values("version")
            if current and current[0]["version"] != read:
                raise forms.ValidationError(
                    _(
                        "Someone changed this action since you opened it: nothing was saved. "
                        "Reload the page to see the current values."
                    )
                )
        # The service's own rule, here so the page says it instead of failing on save.
        check_organisation_roles(
            cleaned.get("lead"), {name: cleaned.get(name) or [] for name in ORGANISATION_SETS}
        )
        return cleaned


@admin.register(FollowUpAction)
class FollowUpActionAdmin(PortalModelAdmin):
    form = FollowUpActionAdminForm
    list_display = ["title", "lead", "status", "progress", "due_date", "forum", "updated_at"]
    list_filter = ["status", "forum", ("round_table", RoundTableListFilter), "lead"]
    list_select_related = ["lead", "forum"]
    search_fields = ["title", "description", "lead__acronym"]
    autocomplete_fields = ["forum", "round_table", "session", "lead", *ORGANISATION_SETS]
    date_hierarchy = "due_date"
    # Status and progress change only through the status service, which keeps the history.
    readonly_fields = [
        "status",
        "progress",
        "started_on",
        "completed_on",
        "version",
        "created_at",
        "updated_at",
        "status_changed_at",
        "last_reported_at",
    ]
    inlines = [StatusChangeInline]
    prepopulated_fields = {"slug": ["title"]}

    def get_readonly_fields(self, request, obj=None):
        # The slug is the record's natural key (load_gfmd matches on it): set once.
        return [*self.readonly_fields, "slug"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            # The note is stored, so it stays in the record's language (English).
            action_record_created(action=obj, created_by=request.user, note="Added in the admin.")
            return
        # Through the edit service, as the portal's form: a lock, the version check, only what
        # differs, one audit entry.
        action_update(
            action=obj,
            updated_by=request.user,
            expected_version=form.cleaned_data.get("read_version"),
            **{name: form.cleaned_data[name] for name in ORGANISATION_SETS},
            **{
                name: form.cleaned_data[name]
                for name in EDITABLE_FIELDS
                if name in form.cleaned_data
            },
        )


@admin.register(StatusChange)
class StatusChangeAdmin(PortalModelAdmin):
    list_display = ["action", "changed_at", "changed_by", "old_status", "new_status", "progress"]
    list_filter = ["new_status"]
    list_select_related = ["action", "changed_by"]
    search_fields = ["action__title", "note"]
    date_hierarchy = "changed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
