"""What a saved view keeps of a list's address: its filters and sort order, checked by the
list's own filter set (actions.filters), so a view that cannot be opened cannot be saved."""

from django.http import QueryDict
from django.utils.translation import pgettext

from actions.filters import FollowUpActionFilter
from actions.models import FollowUpAction


def kept_query(query_string: str) -> QueryDict:
    """The filters and sort order of `query_string`, in the filter set's order.

    Dropped: the page number (a view opens on its first page), empty fields (the filter
    form sends every field, chosen or not) and anything the list does not read.
    """
    given = QueryDict(query_string)
    kept = QueryDict(mutable=True)
    for name in FollowUpActionFilter.base_filters:
        values = [value for value in given.getlist(name) if value.strip()]
        if values:
            kept.setlist(name, values)
    return kept


def filter_problems(query: QueryDict) -> list[str]:
    """What the list would refuse in these filters, in words; empty if it accepts them all."""
    filterset = FollowUpActionFilter(query, queryset=FollowUpAction.objects.none())
    if filterset.is_valid():
        return []
    form = filterset.form
    return [
        pgettext("a field and its errors", "%(field)s: %(errors)s")
        % {"field": form[name].label, "errors": " ".join(errors)}
        if name in form.fields
        else " ".join(errors)
        for name, errors in form.errors.items()
    ]
