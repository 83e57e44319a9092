"""Many actions at once: one proposed change per action, checked without writing (a
preview), then applied, each action in its own transaction, through the status and edit
services (`action_change_status`, `action_update`), so every change is one history row,
checked against the version the person read and the rights of the person who sends it.

The bulk form on the lists (actions/bulk_views.py) and the spreadsheet import
(spreadsheets/) both propose changes here; neither writes to an action itself.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from agencies.models import Organisation

from .models import ACTION_FIELD_NAMES, FollowUpAction
from .permissions import Viewer
from .services import (
    ActionChangedSinceRead,
    action_change_status,
    action_update,
    clean_progress,
    day_in_words,
    settle_status,
)
from .wording import progress_in_words

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Status = FollowUpAction.Status


class Keep(enum.Enum):
    """A field the proposal leaves as it is (None would mean "no due date", "no lead")."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class Proposal:
    """What someone asks for one action. `read_version`: the version they saw (the list
    they selected from, the spreadsheet they downloaded); a later save makes it stale."""

    action_id: int
    read_version: int | None
    status: str | None = None  # a Status value; None keeps the status
    progress: int | str | None = None  # None keeps the progress
    note: str = ""
    due_date: datetime.date | None | Keep = KEEP  # secretariat only
    lead_id: int | None | Keep = KEEP  # secretariat only


class Verdict(enum.StrEnum):
    """What a proposal does. The values are kept (a spreadsheet's batch stores them and reads
    them back with `Verdict(value)`), so they stay as they are in every language: `label`
    is what a page shows."""

    UNCHANGED = "unchanged"
    WILL_CHANGE = "will change"
    APPLIED = "applied"
    REFUSED = "refused"
    STALE = "changed by someone else"

    @property
    def label(self) -> str:
        """The verdict in the active language, in lower case as the value is ("will change")."""
        return str(_VERDICT_LABELS[self])


_VERDICT_LABELS = {
    Verdict.UNCHANGED: pgettext_lazy("what a proposed change does", "unchanged"),
    Verdict.WILL_CHANGE: pgettext_lazy("what a proposed change does", "will change"),
    Verdict.APPLIED: pgettext_lazy("what a proposed change does", "applied"),
    Verdict.REFUSED: pgettext_lazy("what a proposed change does", "refused"),
    Verdict.STALE: pgettext_lazy("what a proposed change does", "changed by someone else"),
}


@dataclass(frozen=True)
class Change:
    """One field's change, in words: "Status: Planned → In progress".

    `field_name` says which field, the same in every language ("status", "due_date", "note":
    a key of models.ACTION_FIELD_NAMES); `old` and `new` are already in words.
    """

    field_name: str
    old: str
    new: str

    @property
    def label(self) -> str:
        """The field's name, to show: "Due date"."""
        return capfirst(str(ACTION_FIELD_NAMES[self.field_name]))

    def __str__(self) -> str:
        if self.field_name == "note":
            return _("Note: “%(note)s”") % {"note": self.new}
        return _("%(field)s: %(old)s → %(new)s") % {
            "field": self.label,
            "old": self.old,
            "new": self.new,
        }


@dataclass
class Outcome:
    proposal: Proposal
    verdict: Verdict
    action: FollowUpAction | None = None
    changes: list[Change] = field(default_factory=list)
    # What the status rules will adjust or did adjust, in words (Progress set to 100% ...).
    adjusted: list[str] = field(default_factory=list)
    reason: str = ""  # why a row is refused or stale, in words

    @property
    def title(self) -> str:
        return self.action.title if self.action else ""


def _date_words(date: datetime.date | None) -> str:
    return day_in_words(date) if date else pgettext("no due date", "none")


def _lead_words(lead: Organisation | None) -> str:
    return lead.acronym if lead else pgettext("no lead organisation", "none")


def _last_saved_by(action: FollowUpAction) -> str:
    """Who saved the action last (a report or an edit), for "changed by ... since"."""
    record = action.audit_trail.select_related("history_user").order_by("-history_date").first()
    user = record.history_user if record else None
    if user is None:
        return _("someone")
    return user.get_full_name() or user.username


def _stale(proposal: Proposal, action: FollowUpAction, who: str) -> Outcome:
    reason = _(
        "Changed by %(who)s since you read it (now version %(version)s, you read version "
        "%(read_version)s). Nothing was written; read it again."
    ) % {"who": who, "version": action.version, "read_version": proposal.read_version}
    return Outcome(proposal, Verdict.STALE, action, reason=reason)


def _refused(proposal: Proposal, reason: str, action: FollowUpAction | None = None) -> Outcome:
    return Outcome(proposal, Verdict.REFUSED, action, reason=reason)


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def _secretariat_only(field_names: Iterable[str]) -> str:
    """Why a focal point may not send these fields (of "due_date" and "lead")."""
    field_names = set(field_names)
    if field_names == {"due_date"}:
        return _("Only secretariat staff can change the due date.")
    if field_names == {"lead"}:
        return _("Only secretariat staff can change the lead.")
    return _("Only secretariat staff can change the due date and lead.")


def check(
    viewer: Viewer,
    proposal: Proposal,
    action: FollowUpAction | None,
    leads: dict[int, Organisation],
    today: datetime.date,
) -> Outcome:
    """What this proposal would do to `action` (read with its participants), without writing."""
    if action is None:
        return _refused(proposal, _("No action has the ID %(id)s.") % {"id": proposal.action_id})
    if not viewer.can_report_on(action):
        return _refused(
            proposal,
            _(
                "Not your organisation's action: only the secretariat and the focal points "
                "of the organisations taking part in it can change it."
            ),
            action,
        )
    if proposal.read_version is not None and proposal.read_version != action.version:
        return _stale(proposal, action, _last_saved_by(action))

    changes: list[Change] = []
    fields: dict[str, Any] = {}
    if proposal.due_date is not KEEP and proposal.due_date != action.due_date:
        fields["due_date"] = proposal.due_date
        changes.append(
            Change("due_date", _date_words(action.due_date), _date_words(proposal.due_date))
        )
    if proposal.lead_id is not KEEP and proposal.lead_id != action.lead_id:
        lead = leads.get(proposal.lead_id) if proposal.lead_id is not None else None
        if proposal.lead_id is not None and lead is None:
            return _refused(proposal, _("That lead organisation does not exist."), action)
        fields["lead"] = lead
        changes.append(Change("lead", _lead_words(action.lead), _lead_words(lead)))
    if fields and not viewer.can_manage_actions():
        return _refused(proposal, _secretariat_only(fields), action)

    # The status report, tried on a copy with the same rules the status service applies.
    report = copy.copy(action)
    report.status = proposal.status or action.status
    if report.status not in Status.values:
        return _refused(
            proposal,
            _("“%(status)s” is not a status an action can have.") % {"status": proposal.status},
            action,
        )
    try:
        if proposal.progress is not None and proposal.progress != "":
            report.progress = clean_progress(proposal.progress)
        adjusted = settle_status(
            report, old_status=action.status, old_progress=action.progress, today=today
        )
    except ValidationError as error:
        return _refused(proposal, _messages(error), action)
    if report.status != action.status:
        changes.append(Change("status", action.get_status_display(), report.get_status_display()))
    if report.progress != action.progress:
        changes.append(
            Change(
                "progress", progress_in_words(action.progress), progress_in_words(report.progress)
            )
        )
    note = proposal.note.strip()
    if note:
        changes.append(Change("note", "", note))
    if not changes:
        return Outcome(proposal, Verdict.UNCHANGED, action)
    return Outcome(proposal, Verdict.WILL_CHANGE, action, changes, adjusted)


def _read(
    proposals: Sequence[Proposal],
) -> tuple[dict[int, FollowUpAction], dict[int, Organisation]]:
    """The actions and the new leads the proposals name, in three queries whatever their number."""
    actions = (
        FollowUpAction.objects.select_related("lead")
        .prefetch_related("participants")
        .in_bulk({p.action_id for p in proposals})
    )
    lead_ids = {p.lead_id for p in proposals if isinstance(p.lead_id, int)}
    leads = Organisation.objects.in_bulk(lead_ids) if lead_ids else {}
    return actions, leads


def preview(viewer: Viewer, proposals: Iterable[Proposal]) -> list[Outcome]:
    """What each proposal would do, in their order; writes nothing."""
    proposals = list(proposals)
    actions, leads = _read(proposals)
    today = timezone.localdate()
    return [check(viewer, p, actions.get(p.action_id), leads, today) for p in proposals]


def apply(viewer: Viewer, user: User, proposals: Iterable[Proposal]) -> list[Outcome]:
    """Check each proposal again and write the ones that change something, each action in
    its own transaction: one refused or stale action leaves the others applied."""
    proposals = list(proposals)
    actions, leads = _read(proposals)
    today = timezone.localdate()
    outcomes = []
    for proposal in proposals:
        planned = check(viewer, proposal, actions.get(proposal.action_id), leads, today)
        if planned.verdict == Verdict.WILL_CHANGE:
            planned = _apply_one(user, planned, leads)
        outcomes.append(planned)
    return outcomes


# The fields a status report writes (action_change_status); the others are edits.
REPORTED = {"status", "progress", "note"}


def _apply_one(user: User, planned: Outcome, leads: dict[int, Organisation]) -> Outcome:
    proposal, action = planned.proposal, planned.action
    assert action is not None  # a change is only planned for an action that exists
    changed = {change.field_name for change in planned.changes}
    # Only what differs: a spreadsheet row repeats the due date it was downloaded with.
    edits: dict[str, Any] = {}
    if "due_date" in changed:
        edits["due_date"] = proposal.due_date
    if "lead" in changed and proposal.lead_id is not KEEP:
        edits["lead"] = leads.get(proposal.lead_id) if proposal.lead_id is not None else None
    adjusted: list[str] = []
    reports = bool(changed & REPORTED)
    # A report alone is its own transaction (the service's); a report and an edit share one.
    together = transaction.atomic() if reports and edits else contextlib.nullcontext()
    try:
        with together:
            if reports:
                report = action_change_status(
                    action=action,
                    changed_by=user,
                    status=proposal.status or action.status,
                    progress=proposal.progress,
                    note=proposal.note,
                    expected_version=action.version,
                )
                adjusted = report.adjusted  # type: ignore[attr-defined]
            if edits:
                # action_change_status moved `action` to the version it saved.
                action_update(
                    action=action, updated_by=user, expected_version=action.version, **edits
                )
    except ActionChangedSinceRead as conflict:
        return _stale(proposal, conflict.action, _last_saved_by(conflict.action))
    except ValidationError as error:
        return _refused(proposal, _messages(error), action)
    return Outcome(proposal, Verdict.APPLIED, action, planned.changes, adjusted)
