"""Who may do what with follow-up actions: the portal's roles, in one place.

- Secretariat staff (group "Secretariat" or superusers) create and edit actions and
  report on any of them.
- A focal point reports status, progress and notes on actions their organisations
  lead or partner in, and reads everything else.
- Anyone else signed in reads.

Views ask these functions; templates get their answers from the views.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from agencies.models import Organisation, is_secretariat

from .models import FollowUpAction

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

# Who asks: `request.user`, signed in or not.
AnyUser: TypeAlias = "AbstractBaseUser | AnonymousUser"


def organisation_ids_of(user: AnyUser) -> frozenset[int]:
    """The ids of the organisations a user is focal point for (remembered per request)."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_organisation_ids"):
        user._organisation_ids = frozenset(  # type: ignore[attr-defined]
            Organisation.objects.for_user(user).values_list("id", flat=True)
        )
    return user._organisation_ids  # type: ignore[attr-defined]


def can_manage_actions(user: AnyUser) -> bool:
    """Create actions and edit what they are (title, dates, lead, partners)."""
    return is_secretariat(user)


def can_report_on(user: AnyUser, action: FollowUpAction) -> bool:
    """Record a status, progress or a note on this action."""
    if is_secretariat(user):
        return True
    mine = organisation_ids_of(user)
    if not mine:
        return False
    if action.lead_id in mine:
        return True
    return any(partner.id in mine for partner in action.partners.all())


def get_action_for_reading(pk: int) -> FollowUpAction:
    return get_object_or_404(FollowUpAction.objects.for_detail(), pk=pk)


def get_action_for_report(user: AnyUser, pk: int) -> FollowUpAction:
    """The action, if this user may report on it; 404 or 403 otherwise."""
    action = get_action_for_reading(pk)
    if not can_report_on(user, action):
        raise PermissionDenied(
            "Only the secretariat and focal points of the lead or partner organisations "
            "can report on this action."
        )
    return action


def get_action_for_edit(user: AnyUser, pk: int) -> FollowUpAction:
    """The action, if this user may edit what it is; 404 or 403 otherwise."""
    if not can_manage_actions(user):
        raise PermissionDenied("Only secretariat staff can edit actions.")
    return get_action_for_reading(pk)


def require_secretariat(user: AnyUser, to_do: str) -> None:
    """403 unless secretariat staff; `to_do` names what was refused, e.g. "create actions",
    so the page says "Only secretariat staff can create actions."."""
    if not is_secretariat(user):
        raise PermissionDenied(f"Only secretariat staff can {to_do}.")


def require_manager(user: AnyUser) -> None:
    require_secretariat(user, "create actions")
