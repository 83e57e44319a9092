from django.contrib import admin
from django.core.exceptions import BadRequest

from .models import FocalPoint, Organisation


class PortalModelAdmin(admin.ModelAdmin):
    """The portal's ModelAdmin: a filter value out of any date's range answers 400, not 500.

    The admin accepts any lookup on a model's own fields from the address, so
    `?due_date__year=99999999999999999999` (or a date hierarchy year, month or day that far
    out) reaches the query, where building the year's bounds raises OverflowError. Django
    turns the ValueErrors of other bad filters into its "?e=1" page, but not that one.
    """

    def changelist_view(self, request, extra_context=None):
        try:
            response = super().changelist_view(request, extra_context)
            # The result query is built while rendering: render here, inside the try.
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        except OverflowError as error:
            raise BadRequest("A filter in the address is out of range.") from error
        return response


class FocalPointInline(admin.TabularInline):
    model = FocalPoint
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(PortalModelAdmin):
    list_display = ["acronym", "name", "kind", "is_gmg_member"]
    list_filter = ["kind", "is_gmg_member"]
    search_fields = ["acronym", "name"]
    inlines = [FocalPointInline]


@admin.register(FocalPoint)
class FocalPointAdmin(PortalModelAdmin):
    list_display = ["user", "organisation"]
    list_filter = ["organisation__kind"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__acronym", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
