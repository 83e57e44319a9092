from django.contrib import admin

from agencies.admin import PortalModelAdmin
from roundtables.admin import RoundTableListFilter

from .models import FollowUpAction, StatusChange
from .services import action_record_created


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


@admin.register(FollowUpAction)
class FollowUpActionAdmin(PortalModelAdmin):
    list_display = ["title", "lead", "status", "progress", "due_date", "forum", "updated_at"]
    list_filter = ["status", "forum", ("round_table", RoundTableListFilter), "lead"]
    list_select_related = ["lead", "forum"]
    search_fields = ["title", "description", "lead__acronym"]
    autocomplete_fields = ["forum", "round_table", "session", "lead", "partners"]
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

    def save_model(self, request, obj, form, change):
        if change:
            # An admin edit still invalidates forms opened before it.
            obj.version += 1
        super().save_model(request, obj, form, change)
        if not change:
            action_record_created(action=obj, created_by=request.user, note="Added in the admin.")


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
