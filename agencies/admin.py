from django.contrib import admin

from .models import FocalPoint, Organisation


class FocalPointInline(admin.TabularInline):
    model = FocalPoint
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["acronym", "name", "kind", "is_gmg_member"]
    list_filter = ["kind", "is_gmg_member"]
    search_fields = ["acronym", "name"]
    inlines = [FocalPointInline]


@admin.register(FocalPoint)
class FocalPointAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation"]
    list_filter = ["organisation__kind"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__acronym", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
