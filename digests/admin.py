from django.contrib import admin

from agencies.admin import PortalModelAdmin

from .models import DigestDelivery, DigestPreference


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(PortalModelAdmin):
    list_display = ["recipient", "week", "kind", "status", "attempts", "item_count", "sent_at"]
    list_filter = ["status", "kind", "week"]
    list_select_related = ["recipient"]
    search_fields = ["recipient__username", "recipient__email", "week", "last_error", "subject"]
    readonly_fields = [
        "recipient",
        "week",
        "kind",
        "status",
        "created_at",
        "claimed_at",
        "sent_at",
        "attempts",
        "last_error",
        "item_count",
        "subject",
        "contents",
        "language",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(DigestPreference)
class DigestPreferenceAdmin(PortalModelAdmin):
    list_display = ["user", "receives_digests", "updated_at"]
    list_filter = ["receives_digests"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    readonly_fields = ["link_generation"]
