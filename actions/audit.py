"""The audit trail of an action, readable: who changed which fields, from what to what."""

import datetime
import itertools
from dataclasses import dataclass

from django.utils import formats

from agencies.models import Organisation
from roundtables.models import Forum, RoundTable, Session

from .models import FollowUpAction

AUDIT_LIMIT = 25
# Bookkeeping that changes with every save; the status history already tells that story.
NOT_SHOWN = ["version", "last_reported_at", "status_changed_at"]
RELATED = {"forum": Forum, "round_table": RoundTable, "session": Session, "lead": Organisation}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class AuditEntry:
    version: int
    when: object
    who: str
    kind: str
    changes: list


def _labels():
    return {
        field.name: field.verbose_name
        for field in FollowUpAction._meta.get_fields()
        if hasattr(field, "verbose_name")
    }


def _show(value, names):
    """A value as people read it: labels for choices and related objects, dates as dates."""
    if value in (None, ""):
        return "–"
    if isinstance(value, datetime.date):
        return formats.date_format(value, "j F Y")
    return names.get(value, str(value))


def _newest_first(records):
    return records.select_related("history_user").order_by("-history_date", "-history_id")


def audit_entries(action, limit=AUDIT_LIMIT):
    """The newest `limit` saved versions of the action, each with what it changed."""
    records = list(_newest_first(action.audit_trail.all())[: limit + 1])
    return _entries(records, limit)


def changes_since(action, version):
    """What was saved after the form that was read at `version`: who, when, old → new."""
    records = list(_newest_first(action.audit_trail.filter(version__gte=version)))
    return [entry for entry in _entries(records, len(records) - 1) if entry.version > version]


def _entries(records, limit):
    diffs = []
    # The oldest record is paired with None. Rows written in bulk (generate_load_data,
    # bulk_create) have no record at all, and so no pair.
    for newer, older in itertools.pairwise([*records, None]):
        if older is None:
            diffs.append((newer, []))
        else:
            diffs.append((newer, newer.diff_against(older, excluded_fields=NOT_SHOWN).changes))
    diffs = diffs[:limit]

    # One query per kind of related object named in the changes, not one per change.
    wanted = {name: set() for name in RELATED}
    partner_ids = set()
    for _, changes in diffs:
        for change in changes:
            if change.field in RELATED:
                wanted[change.field].update(v for v in (change.old, change.new) if v)
            elif change.field == "partners":
                for rows in (change.old, change.new):
                    partner_ids.update(row["organisation"] for row in rows)
    names = {
        field: {obj.pk: str(obj) for obj in model.objects.filter(pk__in=ids)}
        for field, model in RELATED.items()
        if (ids := wanted[field])
    }
    names["status"] = dict(FollowUpAction.Status.choices)
    acronyms = dict(Organisation.objects.filter(pk__in=partner_ids).values_list("pk", "acronym"))
    labels = _labels()

    entries = []
    for record, changes in diffs:
        shown = []
        for change in changes:
            label = str(labels.get(change.field, change.field)).capitalize()
            if change.field == "partners":
                old = ", ".join(sorted(acronyms.get(r["organisation"], "?") for r in change.old))
                new = ", ".join(sorted(acronyms.get(r["organisation"], "?") for r in change.new))
                shown.append(FieldChange(label, old or "–", new or "–"))
            else:
                lookup = names.get(change.field, {})
                shown.append(
                    FieldChange(label, _show(change.old, lookup), _show(change.new, lookup))
                )
        user = record.history_user
        entries.append(
            AuditEntry(
                version=record.version,
                when=record.history_date,
                who=(user.get_full_name() or user.username) if user else "System",
                kind={"+": "Created", "~": "Changed", "-": "Deleted"}[record.history_type],
                changes=shown,
            )
        )
    return [entry for entry in entries if entry.changes or entry.kind == "Created"]
