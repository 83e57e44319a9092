from django.contrib import admin

from .models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """To see what an upload held and did; batches are made and applied on the portal's
    pages only (through actions.bulk), never here."""

    list_display = ("file_name", "uploaded_by", "uploaded_at", "applied_at")
    list_select_related = ("uploaded_by",)
    readonly_fields = [field.name for field in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
