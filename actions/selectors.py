"""Reading lists that more than one view shows: one definition each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from agencies.models import Organisation

from .models import ActionsOfOrganisations, FollowUpAction

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from .permissions import Viewer


@dataclass
class Assignments:
    """What /my/ and its export list for a user."""

    actions: QuerySet[FollowUpAction]  # the user's actions
    scope: ActionsOfOrganisations | None  # how they are limited; None: everything
    organisation_ids: dict[str, int]  # {acronym: id} of every organisation, for the filters
    mine: dict[str, int]  # {acronym: id} of the organisations the user serves


def assignments_of(viewer: Viewer) -> Assignments:
    """A focal point's actions (their organisations lead or partner in); secretariat staff
    get everything. Every organisation, and which are the user's, in one query."""
    directory = list(
        Organisation.objects.with_served_by(viewer.user).values_list("acronym", "id", "served")
    )
    organisation_ids = {acronym: pk for acronym, pk, _served in directory}
    mine = {acronym: pk for acronym, pk, served in directory if served}
    actions = FollowUpAction.objects.all()
    scope = None
    if not viewer.can_manage_actions():
        scope = ActionsOfOrganisations(mine.values())
        actions = scope.filter(actions)
    return Assignments(actions, scope, organisation_ids, mine)
