"""The action list as CSV, streamed: plain value rows from one query for the whole file.

Model instances, reverse() and a prefetch per row made the export slow (bench/RESULTS.md).
Now: plain tuples, partners joined and the latest note read as a subquery in the
same query (one query for the file), memory flat whatever the number of rows, and each chunk
of 2,000 rows goes out as one piece of text (about 500 KB), not line by line.

For Excel: UTF-8 with a byte-order mark, headers in words, formula-like cells neutralised.
The XLSX download (spreadsheets/writing.py) is made of the same rows (`rows_with_partners`)
and neutralises cells with the same `spreadsheet_safe`.
"""

import csv
import io
import itertools
import operator

from django.db.models import BooleanField, Case, OuterRef, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone

from .filters import DEFAULT_SORT, sort_order
from .models import FollowUpAction, StatusChange, overdue_condition

CHUNK_SIZE = 2000
# Excel reads a CSV as UTF-8 only when it starts with a byte-order mark.
BYTE_ORDER_MARK = "\ufeff"
HEADER = [
    "ID",
    "Title",
    "Status",
    "Progress (%)",
    "Lead",
    "Partners",
    "Forum",
    "Round table",
    "Session",
    "Due date",
    "Overdue",
    "Started on",
    "Completed on",
    "Status changed",
    "Last report",
    "Description",
    "Latest note",
    "Source",
    "Link",
]
VALUES = (
    "pk",
    "title",
    "status",
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
STATUS_LABELS = dict(FollowUpAction.Status.choices)


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


def round_table_name(number, theme):
    return f"RT {number}: {theme}" if number is not None else ""


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
    """Yield the CSV, a chunk of lines at a time, for every action of `queryset`, in the
    order of the list sorted by `sort` (a ?sort= value)."""
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    detail_url = action_url_pattern(site_url)
    yield BYTE_ORDER_MARK + _written([HEADER])
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
    for chunk in _chunks(rows, CHUNK_SIZE):
        yield _written(_csv_rows(chunk, zone, detail_url))


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


def action_url_pattern(site_url):
    """An action's address with "{}" for its id: reverse() once, not once per row."""
    return site_url + reverse("action_detail", args=[0])[:-2] + "{}/"


def _csv_rows(chunk, zone, detail_url):
    for values, partners in chunk:
        (
            pk,
            title,
            status,
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
        yield [
            pk,
            spreadsheet_safe(title),
            STATUS_LABELS[status],
            progress,
            spreadsheet_safe(lead),
            spreadsheet_safe("; ".join(partners)),
            spreadsheet_safe(forum),
            spreadsheet_safe(round_table_name(round_table_number, round_table_theme)),
            spreadsheet_safe(session),
            _date(due_date),
            "yes" if overdue else "no",
            _date(started_on),
            _date(completed_on),
            _moment(status_changed_at, zone),
            _moment(last_reported_at, zone),
            spreadsheet_safe(description),
            spreadsheet_safe(latest_note),
            spreadsheet_safe(source_reference),
            detail_url.format(pk),
        ]
