"""Every write to a follow-up action goes through here.

The status rules live in `action_change_status` and nowhere else: views, the
admin, commands and tasks all call it, so every change leaves a history entry.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import ACTION_FIELD_NAMES, FollowUpAction, StatusChange

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # settings.AUTH_USER_MODEL
    from django.db import models
    from django.db.models import Field, QuerySet

    from agencies.models import Organisation

Status = FollowUpAction.Status

# Fields the secretariat edits on the action form; status and progress are not among them.
EDITABLE_FIELDS = (
    "title",
    "description",
    "forum",
    "round_table",
    "session",
    "lead",
    "due_date",
    "started_on",
    "completed_on",
    "source_reference",
    "source_meeting",
    "venue",
)

# What a status report writes.
STATUS_REPORT_FIELDS = [
    "status",
    "status_assumed",
    "progress",
    "started_on",
    "completed_on",
    "status_changed_at",
    "last_reported_at",
    "version",
    "updated_at",
]


class ActionChangedSinceRead(Exception):
    """Someone saved the action after the form was read: nothing was written."""

    def __init__(self, action: FollowUpAction, last_change: StatusChange | None) -> None:
        self.action = action
        self.last_change = last_change
        who = _("someone")
        if last_change is not None and last_change.changed_by is not None:
            who = last_change.changed_by.get_full_name() or last_change.changed_by.username
        self.changed_by_name = who
        super().__init__(
            _("%(action)s was changed by %(who)s since you opened it.")
            % {"action": action, "who": who}
        )


def _lock_current(action: FollowUpAction, expected_version: int | None) -> FollowUpAction:
    """Re-read the action under a row lock and refuse if it moved on since `expected_version`."""
    locked = FollowUpAction.objects.select_for_update().get(pk=action.pk)
    if expected_version is not None and locked.version != expected_version:
        last_change = locked.history.select_related("changed_by").first()
        raise ActionChangedSinceRead(locked, last_change)
    return locked


def clean_progress(progress: int | str) -> int:
    try:
        progress = int(progress)
    except (TypeError, ValueError):
        raise ValidationError(
            {"progress": _("Progress is a whole number from 0 to 100.")}
        ) from None
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": _("Progress is a whole number from 0 to 100.")})
    return progress


# The rules' sentences below are their English text, marked for translation (gettext_noop)
# and translated where they are shown: `_(PROGRESS_RULES)`, `gettext_lazy(PROGRESS_RULES)`.
# Plain strings, not lazy ones, so they can be searched for, compared and stored as they are.

# What the form says before saving, next to the progress field; `settle_status` does it.
PROGRESS_RULES = gettext_noop(
    "From 0 to 100; empty while not known. Completed sets it to 100; a cancelled action keeps "
    "the progress it reached."
)
# What the form says before saving, next to the status field; `settle_status` does it.
STATUS_DATE_RULES = gettext_noop(
    "In progress dates the start today, and Completed the completion, unless the date is "
    "already known."
)


def settle_status(
    action: FollowUpAction,
    *,
    old_status: str | None,
    old_progress: int | None,
    today: datetime.date | None,
) -> list[str]:
    """What a status means for progress and dates: the rules for reports and new actions.

    Changes `action` in place and returns what it adjusted, in words, for the person who
    reported (never silently). `today` is None when no date may be invented (the record
    states its own dates, or leaves them unknown).
    Raises ValidationError for a pair that cannot be: progress moving on a cancelled action.
    """
    adjusted = []
    entering = action.status != old_status
    if action.status == Status.CANCELLED and not entering and action.progress != old_progress:
        raise ValidationError(
            {
                "progress": _(
                    "A cancelled action's progress cannot change. To resume it, "
                    "choose another status."
                )
            }
        )
    if action.status == Status.COMPLETED and action.progress != 100:
        action.progress = 100
        adjusted.append(_("Progress set to 100%: a completed action is done."))
    # Only a real change into a status dates it, and never over a date already known.
    if entering and today is not None:
        if action.status == Status.IN_PROGRESS and action.started_on is None:
            action.started_on = today
            adjusted.append(_("Started on set to today (%(day)s).") % {"day": day_in_words(today)})
        if action.status == Status.COMPLETED and action.completed_on is None:
            action.completed_on = max(today, action.started_on or today)
            adjusted.append(
                _("Completed on set to %(day)s.") % {"day": day_in_words(action.completed_on)}
            )
    if action.status != Status.COMPLETED and action.completed_on is not None:
        action.completed_on = None
        if old_status == Status.COMPLETED:
            adjusted.append(_("Completion date cleared: the action is no longer completed."))
    return adjusted


# A report that changes neither status nor progress and has no note: refused. The bulk form
# says the same of each selected action it would leave as it is. English, marked for
# translation: shown as `_(NOTHING_CHANGED)` (see PROGRESS_RULES).
NOTHING_CHANGED = gettext_noop(
    "Nothing changed. To confirm the action is still on track, add a note."
)


def day_in_words(date: datetime.date) -> str:
    """A date as the active language writes it: "1 December 2026", "1 décembre 2026"."""
    return formats.date_format(date, "DATE_FORMAT")


def action_change_status(
    *,
    action: FollowUpAction,
    changed_by: User | None,
    status: str,
    progress: int | str | None = None,
    note: str | None = "",
    expected_version: int | None = None,
) -> StatusChange:
    """Record a status report on an action: the one way its status ever changes.

    Reporting the same status and progress is a confirmation and needs a note.
    Returns the history entry it wrote, with `adjusted`: what the status rules changed
    beyond what was reported, in words. Raises ValidationError for a bad report and
    ActionChangedSinceRead when `expected_version` is no longer current.
    """
    if status not in Status.values:
        raise ValidationError(
            {"status": _("“%(status)s” is not a status an action can have.") % {"status": status}}
        )
    note = (note or "").strip()

    with transaction.atomic():
        current = _lock_current(action, expected_version)
        now = timezone.now()
        old_status, old_progress = current.status, current.progress
        current.status = status
        current.status_assumed = False  # a report states the status, even the same one
        if progress is not None and progress != "":
            current.progress = clean_progress(progress)
        adjusted = settle_status(
            current, old_status=old_status, old_progress=old_progress, today=timezone.localdate(now)
        )
        is_change = status != old_status or current.progress != old_progress
        if not is_change and not note:
            raise ValidationError({"note": _(NOTHING_CHANGED)})
        if is_change:
            current.status_changed_at = now
        current._history_user = changed_by  # type: ignore[attr-defined]  # for the audit trail
        current.last_reported_at = now
        current.version += 1
        current.save(update_fields=STATUS_REPORT_FIELDS)
        change = StatusChange.objects.create(
            action=current,
            changed_by=changed_by,
            changed_at=now,
            old_status=old_status,
            new_status=status,
            old_progress=old_progress,
            progress=current.progress,
            note=note,
        )

    # Let the caller's object show what was saved.
    for field in STATUS_REPORT_FIELDS:
        setattr(action, field, getattr(current, field))
    change.adjusted = adjusted  # type: ignore[attr-defined]
    return change


def action_restate_from_record(
    *, action: FollowUpAction, status_assumed: bool, progress: int | None
) -> None:
    """What the GFMD record says of an action nobody has reported on yet: whether its status
    is assumed (no source states it) and its progress (None: no source gives one). For the
    record's loader only; a report is never overwritten. The version moves on, so an open
    form notices."""
    with transaction.atomic():
        current = _lock_current(action, None)
        current.status_assumed = status_assumed
        current.progress = progress
        current.version += 1
        current.save(update_fields=["status_assumed", "progress", "version", "updated_at"])
        # The history's first entry is the record's own statement too ("Recorded as in
        # progress, 0%" from an older record): it says the same now.
        StatusChange.objects.from_the_record().filter(action=current).update(progress=progress)
    action.status_assumed, action.progress = current.status_assumed, current.progress
    action.version = current.version


def unique_slug_for(title: str) -> str:
    """A readable natural key for an action made in the portal, free when it is read.

    Two actions of the same title made at the same moment may both read a slug as free:
    `action_create` then tries the next one (the unique index decides).
    """
    base = slugify(title)[:80] or "action"
    taken = set(FollowUpAction.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


# Tries at a free slug before giving up; each loses only to an action saved meanwhile.
SLUG_ATTEMPTS = 5


class ActionAlreadyCreated(Exception):
    """The same "New action" form was sent twice: the action it made the first time."""

    def __init__(self, action: FollowUpAction) -> None:
        self.action = action
        super().__init__(_("%(action)s was already created from this form.") % {"action": action})


def action_create(
    *,
    created_by: User | None,
    partners: Iterable[Organisation] = (),
    co_leads: Iterable[Organisation] = (),
    developed_by: Iterable[Organisation] = (),
    note: str = "",
    from_record: bool = False,
    creation_token: uuid.UUID | None = None,
    **fields: Any,
) -> FollowUpAction:
    """Create an action with its first history entry (the status it starts in).

    A new action follows the status rules as a report does: created as completed, it is
    at 100% and completed today unless a date is given. `from_record`: the GFMD record
    loads it, stating its own dates (or leaving them unknown); nobody has reported on it
    in the portal yet, so it has no report time. `creation_token`: the form's own token,
    so a form sent twice makes one action (ActionAlreadyCreated the second time).
    Returns the action, with `adjusted`: what the status rules changed, in words.
    """
    if creation_token is not None:
        existing = FollowUpAction.objects.filter(creation_token=creation_token).first()
        if existing is not None:
            raise ActionAlreadyCreated(existing)
    action = FollowUpAction(creation_token=creation_token, **fields)
    organisation_sets = {
        "co_leads": list(co_leads),
        "partners": list(partners),
        "developed_by": list(developed_by),
    }
    check_organisation_roles(action.lead, organisation_sets)
    action._history_user = created_by  # type: ignore[attr-defined]  # for the audit trail
    adjusted = settle_status(
        action,
        old_status=None,
        old_progress=None,
        today=None if from_record else timezone.localdate(action.created_at),
    )
    if from_record:
        action.status_changed_at = action.last_reported_at = None
    else:
        # One moment for both, so a new action does not look "confirmed since created".
        action.status_changed_at = action.last_reported_at = action.created_at
    slug_given = bool(action.slug)
    for _attempt in range(1 if slug_given else SLUG_ATTEMPTS):
        if not slug_given:
            action.slug = unique_slug_for(action.title)
        action.full_clean(validate_unique=slug_given)
        try:
            with transaction.atomic():
                action.save(force_insert=True)
                for name, organisations in organisation_sets.items():
                    getattr(action, name).set(organisations)
                action_record_created(action=action, created_by=created_by, note=note)
        except IntegrityError:
            # The unique indexes decide between two forms sent at the same moment.
            if creation_token is not None:
                twin = FollowUpAction.objects.filter(creation_token=creation_token).first()
                if twin is not None:
                    raise ActionAlreadyCreated(twin) from None
            if slug_given or not FollowUpAction.objects.filter(slug=action.slug).exists():
                raise
            action.pk = None  # someone took the slug meanwhile: try the next one
            continue
        break
    else:
        raise ValidationError(_("Could not find a free name for this action; please try again."))
    action.adjusted = adjusted  # type: ignore[attr-defined]
    return action


def action_record_created(
    *, action: FollowUpAction, created_by: User | None, note: str = ""
) -> StatusChange:
    """The history entry every action starts with; for creators that save the row themselves."""
    return StatusChange.objects.create(
        action=action,
        changed_by=created_by,
        changed_at=action.created_at,
        old_status="",
        new_status=action.status,
        old_progress=None,
        progress=action.progress,
        # Stored, so in the record's language (English) whoever creates it.
        note=note or "Action recorded.",
    )


def action_update(
    *,
    action: FollowUpAction,
    updated_by: User | None,
    expected_version: int | None,
    partners: QuerySet[Organisation] | Collection[Organisation] | None = None,
    co_leads: QuerySet[Organisation] | Collection[Organisation] | None = None,
    developed_by: QuerySet[Organisation] | Collection[Organisation] | None = None,
    **fields: Any,
) -> tuple[FollowUpAction, list[str]]:
    """Edit what an action is (title, dates, lead, ...), never its status.

    Writes only when something differs: an unchanged form leaves no audit entry and keeps
    the version. Returns (the action, the names of the fields it changed, in words: "due date").
    `partners`, `co_leads` and `developed_by` (None: leave as they are) are read twice
    (compared, then set): a queryset or a list, not an iterator.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"action_update cannot change {', '.join(sorted(unknown))}")
    with transaction.atomic():
        current = _lock_current(action, expected_version)
        changed = [name for name, value in fields.items() if value_differs(current, name, value)]
        for name in changed:
            setattr(current, name, fields[name])
        given = {"co_leads": co_leads, "partners": partners, "developed_by": developed_by}
        changed_sets = [
            name
            for name, organisations in given.items()
            if organisations is not None
            and set(getattr(current, name).values_list("pk", flat=True))
            != {organisation.pk for organisation in organisations}
        ]
        changed.extend(changed_sets)
        if not changed:
            return current, []
        current.full_clean()
        if "lead" in changed or changed_sets:
            # The sets as they will be: those given, and the others as they are.
            check_organisation_roles(
                current.lead,
                {
                    name: getattr(current, name).all() if organisations is None else organisations
                    for name, organisations in given.items()
                },
            )
        current.version += 1
        current._history_user = updated_by  # type: ignore[attr-defined]  # for the audit trail
        for name in changed_sets:
            getattr(current, name).set(given[name])
        current.save()
    return current, [str(ACTION_FIELD_NAMES[name]) for name in changed]


def check_organisation_roles(
    lead: Organisation | None, organisation_sets: Mapping[str, Iterable[Organisation]]
) -> None:
    """A co-lead is neither the lead nor a partner: an organisation leads an action once.
    (A developer may be anything else too: IOM may develop what it partners in.)"""
    co_leads = {organisation.pk: organisation for organisation in organisation_sets["co_leads"]}
    partners = {organisation.pk for organisation in organisation_sets["partners"]}
    errors = {}
    if lead is not None and lead.pk in co_leads:
        errors["co_leads"] = _("%(organisation)s is the lead: it cannot be a co-lead too.") % {
            "organisation": lead.acronym
        }
    both = sorted(organisation.acronym for pk, organisation in co_leads.items() if pk in partners)
    if both:
        errors["partners"] = _("A co-lead cannot be a partner too: %(organisations)s.") % {
            "organisations": ", ".join(both)
        }
    if errors:
        raise ValidationError(errors)


def value_differs(instance: models.Model, name: str, value: Any) -> bool:
    """Whether setting field `name` of a model instance to `value` would change it."""
    field = _field(instance, name)
    if field.is_relation:
        return getattr(instance, field.attname) != (value.pk if value is not None else None)
    return getattr(instance, name) != value


def _field(model: type[models.Model] | models.Model, name: str) -> Field[Any, Any]:
    """A model's own field by name: get_field() may also return reverse relations and
    generic foreign keys, which these services are never given."""
    return cast("Field[Any, Any]", model._meta.get_field(name))
