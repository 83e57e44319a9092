"""The audit trail of an action, readable: who changed which fields, from what to what."""

import datetime
import itertools
from dataclasses import dataclass

from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from agencies.models import Organisation
from roundtables.models import Forum, Meeting, RoundTable, Session

from .models import ORGANISATION_SETS, FollowUpAction

AUDIT_LIMIT = 25
# Bookkeeping that changes with every save; the status history already tells that story.
NOT_SHOWN = ["version", "last_reported_at", "status_changed_at"]
RELATED = {
    "forum": Forum,
    "round_table": RoundTable,
    "session": Session,
    "lead": Organisation,
    "source_meeting": Meeting,
    "venue": Meeting,
}
# What a saved version did, by django-simple-history's history_type.
CREATED, CHANGED, DELETED = "+", "~", "-"
KIND_LABELS = {
    CREATED: pgettext_lazy("what a saved version of an action did", "Created"),
    CHANGED: pgettext_lazy("what a saved version of an action did", "Changed"),
    DELETED: pgettext_lazy("what a saved version of an action did", "Deleted"),
}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    # The values are the record's own words (a title, an organisation), which stay English
    # in any language; not labels or dates in the page's language.
    is_content: bool = False


@dataclass
class AuditEntry:
    version: int
    when: object
    who: str
    kind: str  # CREATED, CHANGED or DELETED
    changes: list

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]


def _fields():
    """{name: field} of the action's own fields (reverse relations have no verbose_name)."""
    return {
        field.name: field
        for field in FollowUpAction._meta.get_fields()
        if hasattr(field, "verbose_name")
    }


def _is_content(field):
    """Whether a field's values show as the record wrote them (text, names, numbers), not
    as a choice's label or a date."""
    return field is not None and not field.choices and not isinstance(field, models.DateField)


def _show(value, names):
    """A value as people read it: labels for choices and related objects, dates as dates."""
    if value in (None, ""):
        return "–"
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
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
    for _record, changes in diffs:
        for change in changes:
            if change.field in RELATED:
                wanted[change.field].update(v for v in (change.old, change.new) if v)
            elif change.field in ORGANISATION_SETS:
                for rows in (change.old, change.new):
                    partner_ids.update(row["organisation"] for row in rows)
    names = {
        field: {obj.pk: str(obj) for obj in model.objects.filter(pk__in=ids)}
        for field, model in RELATED.items()
        if (ids := wanted[field])
    }
    names["status"] = dict(FollowUpAction.Status.choices)
    acronyms = dict(Organisation.objects.filter(pk__in=partner_ids).values_list("pk", "acronym"))
    fields = _fields()

    entries = []
    for record, changes in diffs:
        shown = []
        for change in changes:
            field = fields.get(change.field)
            label = str(field.verbose_name if field else change.field).capitalize()
            is_content = _is_content(field)
            if change.field in ORGANISATION_SETS:
                old = ", ".join(sorted(acronyms.get(r["organisation"], "?") for r in change.old))
                new = ", ".join(sorted(acronyms.get(r["organisation"], "?") for r in change.new))
                shown.append(FieldChange(label, old or "–", new or "–", is_content))
            else:
                lookup = names.get(change.field, {})
                old, new = _show(change.old, lookup), _show(change.new, lookup)
                shown.append(FieldChange(label, old, new, is_content))
        user = record.history_user
        entries.append(
            AuditEntry(
                version=record.version,
                when=record.history_date,
                who=(user.get_full_name() or user.username) if user else _("System"),
                kind=record.history_type,
                changes=shown,
            )
        )
    return [entry for entry in entries if entry.changes or entry.kind == CREATED]
