from django.contrib import admin

from .models import Forum, Involvement, RoundTable, Session


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
class ForumAdmin(admin.ModelAdmin):
    list_display = ["short_name", "number", "city", "host_government", "when"]
    search_fields = ["short_name", "city"]
    autocomplete_fields = ["host_government"]
    filter_horizontal = ["steering_group"]
    inlines = [RoundTableInline]


@admin.register(RoundTable)
class RoundTableAdmin(admin.ModelAdmin):
    list_display = ["__str__", "forum", "number", "theme"]
    list_filter = ["forum"]
    list_select_related = ["forum"]
    search_fields = ["theme"]
    inlines = [SessionInline]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "round_table", "starts_at", "ends_at"]
    list_filter = ["round_table__forum", "round_table"]
    list_select_related = ["round_table__forum"]
    search_fields = ["code", "title"]
    autocomplete_fields = ["round_table", "coordinators"]
    inlines = [InvolvementInline]


@admin.register(Involvement)
class InvolvementAdmin(admin.ModelAdmin):
    list_display = ["organisation", "role", "session", "forum", "detail"]
    list_filter = ["role", "forum", "organisation"]
    list_select_related = ["organisation", "session__round_table__forum", "forum"]
    search_fields = ["organisation__acronym", "organisation__name", "detail", "session__code"]
    autocomplete_fields = ["forum", "session", "organisation"]
