from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from agencies.admin import PortalModelAdmin

from .models import Forum, Involvement, Meeting, MeetingSitting, RoundTable, Session


class RoundTableListFilter(admin.RelatedFieldListFilter):
    """The round table filter in one query, not one more per round table for its forum's
    name (RoundTable.__str__)."""

    def field_choices(self, field, request, model_admin):
        round_tables = RoundTable.objects.select_related("forum")
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            round_tables = round_tables.order_by(*ordering)
        return [(round_table.pk, str(round_table)) for round_table in round_tables]


class RoundTableInline(admin.TabularInline):
    model = RoundTable
    extra = 0


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["code", "title", "starts_at", "ends_at"]


class InvolvementInline(admin.TabularInline):
    model = Involvement
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "role", "detail"]


@admin.register(Forum)
class ForumAdmin(PortalModelAdmin):
    list_display = ["short_name", "number", "city", "host_government", "when"]
    list_select_related = ["host_government"]
    search_fields = ["short_name", "city"]
    autocomplete_fields = ["host_government"]
    filter_horizontal = ["steering_group"]
    inlines = [RoundTableInline]

    # A column of its own, so its heading is translated (Forum.when is a plain property).
    @admin.display(description=_("When"))
    def when(self, forum):
        return forum.when


@admin.register(RoundTable)
class RoundTableAdmin(PortalModelAdmin):
    list_display = ["__str__", "forum", "number", "theme"]
    list_filter = ["forum"]
    list_select_related = ["forum"]
    search_fields = ["theme"]
    inlines = [SessionInline]


@admin.register(Session)
class SessionAdmin(PortalModelAdmin):
    list_display = ["code", "title", "round_table", "starts_at", "ends_at"]
    list_filter = ["round_table__forum", ("round_table", RoundTableListFilter)]
    list_select_related = ["round_table__forum"]
    search_fields = ["code", "title"]
    autocomplete_fields = ["round_table", "coordinators"]
    inlines = [InvolvementInline]


@admin.register(Involvement)
class InvolvementAdmin(PortalModelAdmin):
    list_display = ["organisation", "role", "session", "forum", "detail"]
    list_filter = ["role", "forum", "organisation"]
    list_select_related = ["organisation", "session__round_table__forum", "forum"]
    search_fields = ["organisation__acronym", "organisation__name", "detail", "session__code"]
    autocomplete_fields = ["forum", "session", "organisation"]


class MeetingSittingInline(admin.TabularInline):
    model = MeetingSitting
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(PortalModelAdmin):
    list_display = ["name", "kind", "start_date", "date_precision", "place", "forum"]
    list_filter = ["kind", "forum"]
    list_select_related = ["forum"]
    search_fields = ["name", "place", "description"]
    inlines = [MeetingSittingInline]
    prepopulated_fields = {"slug": ["name"]}
