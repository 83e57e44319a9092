"""Reading lists that more than one view shows: one definition each."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, cast

from django.core.paginator import Page, Paginator
from django.db.models import Subquery

from agencies.models import Organisation

from .filters import sort_order
from .models import (
    ActionsOfOrganisations,
    ActionTally,
    FollowUpAction,
    led_by,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from .filters import FollowUpActionFilter
    from .permissions import Viewer


@dataclass
class Assignments:
    """What /my/ and its export list for a user."""

    actions: QuerySet[FollowUpAction]  # the user's actions
    scope: ActionsOfOrganisations | None  # how they are limited; None: everything
    organisation_ids: dict[str, int]  # {acronym: id} of every organisation, for the filters
    mine: dict[str, int]  # {acronym: id} of the organisations the user serves


def organisation_directory(viewer: Viewer) -> tuple[dict[str, int], dict[str, int]]:
    """{acronym: id} of every organisation (what the filters offer) and of those the viewer
    serves, in one query."""
    directory = list(
        Organisation.objects.with_served_by(viewer.user).values_list("acronym", "id", "served")
    )
    every = {acronym: pk for acronym, pk, _served in directory}
    mine = {acronym: pk for acronym, pk, served in directory if served}
    return every, mine


def assignments_of(viewer: Viewer) -> Assignments:
    """A focal point's actions (their organisations lead or partner in); secretariat staff
    get everything. Every organisation, and which are the user's, in one query."""
    organisation_ids, mine = organisation_directory(viewer)
    actions = FollowUpAction.objects.all()
    scope = None
    if not viewer.can_manage_actions():
        scope = ActionsOfOrganisations(mine.values())
        actions = scope.filter(actions)
    return Assignments(actions, scope, organisation_ids, mine)


class CountedPaginator(Paginator):
    """A paginator told the list's length when a smaller table knows it (list_count)."""

    def __init__(self, object_list: QuerySet, per_page: int, known_count: int | None) -> None:
        super().__init__(object_list, per_page)
        self.queryset = object_list
        self.known_count = known_count

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        return self.queryset.count()


def list_count(filterset: FollowUpActionFilter, scope: ActionsOfOrganisations | None) -> int | None:
    """The list's length, where a smaller table knows it; None when only a COUNT over the
    list itself will do.

    - Organisations the only limit (/my/ with no filter, or /actions/ with only one
      organisation's lead-or-partner filter): from ActionParticipant, so a busy
      organisation's 30,000 actions are not visited.
    - One organisation's led actions the only limit: from its lead rows there too.
    - /actions/ with no limit but statuses: from ActionTally, a few hundred rows instead of
      every action.
    """
    narrowing = filterset.narrowing_filters()
    if scope is not None:
        return None if narrowing else scope.count()
    organisation_scope = filterset.lead_or_partner_actions()
    if organisation_scope is not None and narrowing in ({"agency"}, {"organisation"}):
        return organisation_scope.count()
    lead_id = filterset.chosen_lead_id()
    if lead_id is not None and narrowing in ({"lead"}, {"organisation", "role"}):
        # An organisation leads an action once, as lead or co-lead: its rows of those roles
        # in ActionParticipant are its actions.
        return led_by([lead_id]).count()
    if narrowing <= {"status"}:
        statuses = filterset.form.cleaned_data["status"] if narrowing else None
        return ActionTally.objects.action_count(statuses)
    return None


def list_page(
    filterset: FollowUpActionFilter,
    scope: ActionsOfOrganisations | None,
    page_number: str | None,
    per_page: int,
) -> Page:
    """One page of a filtered, sorted list, the ids first: the page's ids are found on the
    sort index (skipped rows are index entries only; with OFFSET on the joined rows, page
    1,000 built 25,000 joined rows to drop them), then only those rows are read with what a
    row shows. One query for the rows (the ids as a subquery), one for their partners."""
    listed = filterset.qs  # filtered and sorted
    paginator = CountedPaginator(listed.values("pk"), per_page, list_count(filterset, scope))
    page = paginator.get_page(page_number)
    page_ids = cast("QuerySet[FollowUpAction]", page.object_list)  # a slice of `listed`
    rows = FollowUpAction.objects.for_list().filter(pk__in=Subquery(page_ids))
    page.object_list = list(rows.order_by(*sort_order(filterset.current_sort())))
    return page
