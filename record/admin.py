from django.contrib import admin

from agencies.admin import PortalModelAdmin

from .models import Citation, Source, Statement


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


@admin.register(Statement)
class StatementAdmin(PortalModelAdmin):
    list_display = ["text", "kind", "forum", "round_table", "is_draft", "source"]
    list_filter = ["kind", "forum", "is_draft", "source"]
    list_select_related = ["forum", "round_table__forum", "source"]
    search_fields = ["text"]
