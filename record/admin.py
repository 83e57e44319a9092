from django.contrib import admin

from agencies.admin import PortalModelAdmin

from .models import Citation, Source


@admin.register(Source)
class SourceAdmin(PortalModelAdmin):
    list_display = ["title", "author", "kind", "date", "key"]
    search_fields = ["title", "author", "key"]


@admin.register(Citation)
class CitationAdmin(PortalModelAdmin):
    list_display = ["source", "action", "meeting", "position"]
    list_select_related = ["source", "action", "meeting"]
    list_filter = ["source"]
    search_fields = ["passage"]
    autocomplete_fields = ["action", "meeting"]
