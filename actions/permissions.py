"""Who may do what with follow-up actions: the portal's roles, in one place.

- Secretariat staff (group "Secretariat" or superusers) create and edit actions and
  report on any of them.
- A focal point reports status, progress and notes on actions their organisations
  lead, co-lead, partner in or developed, and reads everything else.
- Anyone else signed in reads.

Views ask these functions; templates get their answers from the views.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, TypeAlias

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from agencies.models import Organisation, is_secretariat

from .models import FollowUpAction

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

# Who asks: `request.user`, signed in or not.
AnyUser: TypeAlias = "AbstractBaseUser | AnonymousUser"


class Viewer:
    """Who is asking, worked out once per request and handed to every check: whether they
    are secretariat staff, and which organisations they serve, each read when first asked.

    `request.viewer` (set by gfmd_portal.middleware.ViewerMiddleware) is the one a view uses.
    """

    def __init__(self, user: AnyUser) -> None:
        self.user = user

    @cached_property
    def is_secretariat(self) -> bool:
        return is_secretariat(self.user)

    @cached_property
    def organisation_ids(self) -> frozenset[int]:
        """The organisations this user is focal point for."""
        if not self.user.is_authenticated:
            return frozenset()
        return frozenset(Organisation.objects.for_user(self.user).values_list("id", flat=True))

    def can_manage_actions(self) -> bool:
        """Create actions and edit what they are (title, dates, lead, partners)."""
        return self.is_secretariat

    def can_report_on(self, action: FollowUpAction) -> bool:
        """Record a status, progress or a note on this action."""
        if self.is_secretariat:
            return True
        mine = self.organisation_ids
        if not mine:
            return False
        if action.lead_id in mine:
            return True
        # Co-leads, partners and developers alike, from the one table that holds them all.
        return any(row.organisation_id in mine for row in action.participants.all())


def get_action_for_reading(pk: int) -> FollowUpAction:
    return get_object_or_404(FollowUpAction.objects.for_detail(), pk=pk)


def get_action_for_report(viewer: Viewer, pk: int) -> FollowUpAction:
    """The action, if this viewer may report on it; 404 or 403 otherwise."""
    action = get_action_for_reading(pk)
    if not viewer.can_report_on(action):
        raise PermissionDenied(
            _(
                "Only the secretariat and focal points of the lead or partner organisations "
                "can report on this action."
            )
        )
    return action


def get_action_for_edit(viewer: Viewer, pk: int) -> FollowUpAction:
    """The action, if this viewer may edit what it is; 404 or 403 otherwise."""
    if not viewer.can_manage_actions():
        raise PermissionDenied(_("Only secretariat staff can edit actions."))
    return get_action_for_reading(pk)


def require_secretariat(viewer: Viewer, to_do: str) -> None:
    """403 unless secretariat staff; `to_do` names what was refused, e.g. "create actions",
    so the page says "Only secretariat staff can create actions.". Pass it translated:
    `pgettext("what only secretariat staff can do", "create actions")`."""
    if not viewer.is_secretariat:
        raise PermissionDenied(
            _("Only secretariat staff can %(to_do)s.") % {"to_do": to_do},
        )
