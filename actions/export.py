"""The action list as CSV, streamed: plain value rows from one query for the whole file.

Model instances, reverse() and a prefetch per row made the export slow (bench/RESULTS.md).
Now: plain tuples, partners joined and the latest note read as a subquery in the
same query (one query for the file), memory flat whatever the number of rows, and each chunk
of 2,000 rows goes out as one piece of text (about 500 KB), not line by line.

For Excel: UTF-8 with a byte-order mark, headers in words, formula-like cells neutralised.
The XLSX download (spreadsheets/writing.py) is made of the same rows (`rows_with_partners`)
and neutralises cells with the same `spreadsheet_safe`.

Headers, status labels and yes/no are in the reader's language (the request's), except the
ID column's header, "ID" in every language: the import finds each row's action by it.
Values stay machine-readable: ISO dates and times, numbers as digits.
"""

import csv
import io
import itertools
import operator
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import BooleanField, Case, OuterRef, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext, pgettext_lazy

from .filters import DEFAULT_SORT, sort_order
from .models import ActionParticipant, FollowUpAction, StatusChange, overdue_condition

CHUNK_SIZE = 2000
# Excel reads a CSV as UTF-8 only when it starts with a byte-order mark.
BYTE_ORDER_MARK = "\ufeff"
# The same in every language: the column the import finds each row's action by.
ID_HEADER = "ID"
# The CSV's name for the progress column; the import reads it too (spreadsheets.reading).
PROGRESS_HEADER = pgettext_lazy("spreadsheet column", "Progress (%)")
# Whether the status is only the default (FollowUpAction.status_assumed), in both downloads.
STATUS_ASSUMED_HEADER = pgettext_lazy("spreadsheet column", "Status assumed")
DEVELOPED_BY_HEADER = pgettext_lazy("spreadsheet column", "Developed by")
HEADER = [
    ID_HEADER,
    pgettext_lazy("spreadsheet column", "Title"),
    pgettext_lazy("spreadsheet column", "Status"),
    STATUS_ASSUMED_HEADER,
    PROGRESS_HEADER,
    pgettext_lazy("spreadsheet column", "Lead"),
    pgettext_lazy("spreadsheet column", "Partners"),
    DEVELOPED_BY_HEADER,
    pgettext_lazy("spreadsheet column", "Forum"),
    pgettext_lazy("spreadsheet column", "Round table"),
    pgettext_lazy("spreadsheet column", "Session"),
    pgettext_lazy("spreadsheet column", "Due date"),
    pgettext_lazy("spreadsheet column", "Overdue"),
    pgettext_lazy("spreadsheet column", "Started on"),
    pgettext_lazy("spreadsheet column", "Completed on"),
    pgettext_lazy("spreadsheet column", "Status changed"),
    pgettext_lazy("spreadsheet column", "Last report"),
    pgettext_lazy("spreadsheet column", "Description"),
    pgettext_lazy("spreadsheet column", "Latest note"),
    pgettext_lazy("spreadsheet column", "Source"),
    pgettext_lazy("spreadsheet column", "Link"),
]
VALUES = (
    "pk",
    "title",
    "status",
    "status_assumed",
    "progress",
    "lead__acronym",
    "forum__short_name",
    "round_table__number",
    "round_table__theme",
    "session__code",
    "due_date",
    "overdue",
    "started_on",
    "completed_on",
    "status_changed_at",
    "last_reported_at",
    "description",
    "latest_note",
    "source_reference",
)


def status_labels():
    """{status value: its label}, in the language active now: read once for a whole file."""
    return {value: str(label) for value, label in FollowUpAction.Status.choices}


def assumed_words():
    """{status_assumed: the cell saying it}, in the language active now."""
    return {
        True: pgettext("the status is assumed", "yes: not stated in the source"),
        False: pgettext("the status is assumed", "no"),
    }


def spreadsheet_safe(text):
    """Stop spreadsheets from running a cell as a formula (CSV injection): the one rule
    for every download, CSV and XLSX alike."""
    if text and text[0] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text or ""


def _chunks(rows, size):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _with_partners(rows):
    """(action values, partner acronyms) per action, from rows that repeat an action's
    values once per partner, one after the other (the acronym is None when it has none)."""
    for _pk, group in itertools.groupby(rows, key=operator.itemgetter(0)):
        group = list(group)
        yield group[0][:-1], [row[-1] for row in group if row[-1] is not None]


def _date(value):
    return value.isoformat() if value else ""


def _moment(value, zone):
    return value.astimezone(zone).isoformat(timespec="minutes") if value else ""


def round_table_namer():
    """A function naming a round table from its number and theme ("RT 2: Remittances"), in
    the language active now: the words are looked up once for a whole file, not per row."""
    pattern = gettext("RT %(number)s: %(theme)s")

    def round_table_name(number, theme):
        return pattern % {"number": number, "theme": theme} if number is not None else ""

    return round_table_name


def _written(rows):
    """The CSV text of these rows."""
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue()


def _latest_note():
    """The action's most recent non-empty report note, read in the rows' own query."""
    notes = (
        StatusChange.objects.filter(action=OuterRef("pk"))
        .exclude(note="")
        .order_by("-changed_at", "-id")
        .values("note")[:1]
    )
    return Subquery(notes)


def csv_lines(queryset, site_url, sort=DEFAULT_SORT):
    """The CSV, a chunk of lines at a time, for every action of `queryset`, in the order of
    the list sorted by `sort` (a ?sort= value).

    Its words are those of the language active when this is called (the request's): the
    lines are made later, while the response streams, and no language is promised then.
    """
    words = _CsvWords(
        statuses=status_labels(),
        yes=pgettext("an action is overdue", "yes"),
        no=pgettext("an action is overdue", "no"),
        assumed=assumed_words(),
        round_table_name=round_table_namer(),
    )
    header = [str(name) for name in HEADER]
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    detail_url = action_url_pattern(site_url)
    rows = rows_with_partners(
        queryset,
        sort,
        VALUES,
        # The one definition of overdue, computed by the database like the list's filter.
        overdue=Case(
            When(overdue_condition(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        latest_note=_latest_note(),
    )
    others = other_leads_and_developers(queryset)
    return _lines(header, rows, zone, detail_url, words, others)


@dataclass(frozen=True)
class _CsvWords:
    """The words of the CSV's cells, in one language."""

    statuses: dict[str, str]
    yes: str
    no: str
    assumed: dict[bool, str]
    round_table_name: Callable[[int | None, str], str]


def _lines(header, rows, zone, detail_url, words, others):
    yield BYTE_ORDER_MARK + _written([header])
    for chunk in _chunks(rows, CHUNK_SIZE):
        yield _written(_csv_rows(chunk, zone, detail_url, words, others))


def rows_with_partners(queryset, sort, fields, **annotations):
    """(values of `fields`, partner acronyms) for every action of `queryset`, in the order of
    the list sorted by `sort`, from one query: what the CSV and the XLSX downloads are made of.

    `fields` starts with "pk"; `annotations` may add computed values for `fields` to name.
    Partners come in the same query, an action's rows one after the other (the list's order
    ends with pk): one query and one snapshot for the whole file; looking them up per chunk
    took half the export's time.
    """
    rows = (
        queryset.annotate(**annotations)
        .order_by(*sort_order(sort), "partners__acronym")
        .values_list(*fields, "partners__acronym")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    return _with_partners(rows)


def other_leads_and_developers(queryset):
    """{action id: {role: acronyms}} of the co-leads and developers of the actions of
    `queryset`, for the few that have any (most have one lead and name no developer), in
    one query beside the rows'. The lead's cell names the lead, then its co-leads."""
    found = defaultdict(lambda: defaultdict(list))
    rows = (
        ActionParticipant.objects.filter(
            role__in=[ActionParticipant.Role.CO_LEAD, ActionParticipant.Role.DEVELOPER],
            action__in=queryset.order_by().values("pk"),
        )
        .order_by("organisation__acronym")
        .values_list("action_id", "role", "organisation__acronym")
    )
    for action_id, role, acronym in rows.iterator(chunk_size=CHUNK_SIZE):
        found[action_id][role].append(acronym)
    return found


def leads_and_developers(others, pk, lead):
    """(the lead's cell, the developers' cell) of one action, from other_leads_and_developers()."""
    if pk not in others:
        return lead or "", ""
    mine = others[pk]
    leads = [lead, *mine[ActionParticipant.Role.CO_LEAD]] if lead else []
    return "; ".join(leads), "; ".join(mine[ActionParticipant.Role.DEVELOPER])


def action_url_pattern(site_url):
    """An action's address with "{}" for its id: reverse() once, not once per row."""
    return site_url + reverse("action_detail", args=[0])[:-2] + "{}/"


def _csv_rows(chunk, zone, detail_url, words, others):
    for values, partners in chunk:
        (
            pk,
            title,
            status,
            status_assumed,
            progress,
            lead,
            forum,
            round_table_number,
            round_table_theme,
            session,
            due_date,
            overdue,
            started_on,
            completed_on,
            status_changed_at,
            last_reported_at,
            description,
            latest_note,
            source_reference,
        ) = values
        leads, developers = leads_and_developers(others, pk, lead)
        yield [
            pk,
            spreadsheet_safe(title),
            words.statuses[status],
            words.assumed[status_assumed],
            progress,
            spreadsheet_safe(leads),
            spreadsheet_safe("; ".join(partners)),
            spreadsheet_safe(developers),
            spreadsheet_safe(forum),
            spreadsheet_safe(words.round_table_name(round_table_number, round_table_theme)),
            spreadsheet_safe(session),
            _date(due_date),
            words.yes if overdue else words.no,
            _date(started_on),
            _date(completed_on),
            _moment(status_changed_at, zone),
            _moment(last_reported_at, zone),
            spreadsheet_safe(description),
            spreadsheet_safe(latest_note),
            spreadsheet_safe(source_reference),
            detail_url.format(pk),
        ]
