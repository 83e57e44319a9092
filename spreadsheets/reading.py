"""An uploaded XLSX or CSV file read as proposed changes (actions.bulk.Proposal), one a row.

Reading only: what a row may change, and whether it may, is decided by actions.bulk. Here
a file is refused as a whole when it cannot be read safely or is not a list of actions
(`UnreadableFile`, with the reason in words), and a row is refused when one of its cells
cannot be understood (`ReadRow.problem`).

Hostile files are bounded before they are parsed: the upload's size, a workbook's unpacked
size and compression ratio from its zip directory (the declared sizes are also where
zipfile stops decompressing), then the rows, columns and cell lengths while reading.
openpyxl parses the XML with defusedxml when it is installed (it is: requirements/).

Headers and statuses are read in every language of the portal (settings.LANGUAGES), whatever
the uploader's, as the downloads write them in each (spreadsheets/writing.py, actions.export);
"ID" is the same in all. The reasons for refusing a file or a row are in the uploader's.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import openpyxl
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from actions.bulk import KEEP, Keep, Proposal
from actions.export import ID_HEADER, PROGRESS_HEADER
from actions.forms import StatusReportForm
from actions.models import FollowUpAction

from .writing import ACTIONS_SHEET, HEADERS

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000  # below the header
MAX_COLUMNS = 50
# As long as a report's note may be on the action's page.
MAX_NOTE_CHARS = StatusReportForm.base_fields["note"].max_length
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# Spreadsheet XML packs 5 to 30 times; a zip bomb packs a thousand times and more.
MAX_COMPRESSION_RATIO = 200
MAX_ZIP_MEMBERS = 500
MiB = 1024 * 1024

# What a column holds (the XLSX download's column key) -> its headers, as lazy translations:
# the XLSX download's, and "Progress (%)", the CSV download's name for the progress column.
READ_COLUMNS = {
    "version": [HEADERS["version"]],
    "status": [HEADERS["status"]],
    "progress": [HEADERS["progress"], PROGRESS_HEADER],
    "note": [HEADERS["note"]],
    "due_date": [HEADERS["due_date"]],
}
EDITABLE = ("status", "progress", "note", "due_date")

WHOLE_NUMBER = re.compile(r"\d+(?:\.0*)?")
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")


class UnreadableFile(Exception):
    """The whole file is refused; the message says why, in words."""


@dataclass
class ReadRow:
    """One row of the file: its number in the spreadsheet (the header is row 1), and either
    the change it proposes or the problem that stops it from being read."""

    number: int
    proposal: Proposal | None
    problem: str = ""
    action_id: int | None = None


@dataclass
class ReadFile:
    rows: list[ReadRow]
    has_version: bool  # the file says which version of each action it was read at


def read_upload(name: str, data: bytes) -> ReadFile:
    """Read an uploaded file (its name and its bytes); raises UnreadableFile."""
    if not data:
        raise UnreadableFile(_("The file is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise UnreadableFile(too_large_message())
    if data.startswith(b"PK\x03\x04"):
        return read_rows(_xlsx_rows(data))
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # the old binary .xls format
        raise UnreadableFile(
            _(
                "This is an old Excel file (.xls), which the portal cannot read. In Excel, "
                "save it as “Excel Workbook (.xlsx)” or “CSV UTF-8”, and upload that."
            )
        )
    return read_rows(_csv_rows(data))


def grouped(number: int) -> str:
    """A count as the active language writes it: 5,000 · 5 000 · 5.000."""
    return number_format(number, force_grouping=True)


def too_large_message() -> str:
    return _(
        "The file is larger than %(megabytes)s MB. Upload at most %(rows)s rows at a time: "
        "filter the list, download it again and fill that in."
    ) % {"megabytes": grouped(MAX_UPLOAD_BYTES // MiB), "rows": grouped(MAX_ROWS)}


# In English, as tests look for it; translated when it is raised (`_not_a_spreadsheet`).
NOT_A_SPREADSHEET = gettext_noop(
    "This file is not a spreadsheet the portal can read. Upload the XLSX file downloaded from "
    "a list (or a CSV file saved from it)."
)


def _not_a_spreadsheet() -> UnreadableFile:
    return UnreadableFile(_(NOT_A_SPREADSHEET))


# --- the words of every language ----------------------------------------------------------


def _key(value: Any) -> str:
    """A header or a status as the import compares them: spaces folded, in any case."""
    return _text(value).casefold()


def in_every_language(labels: Sequence[tuple[Any, str]]) -> dict[str, str]:
    """{a label as each of the portal's languages writes it (compared as `_key` does): what
    it means}, for (lazy label, meaning) pairs, from the catalogs: a file downloaded in one
    language may be uploaded by someone who reads the portal in another.

    Made again for each file: a few dozen look-ups in catalogs already loaded. Should two
    languages write different labels the same way, the first language (English) decides.
    """
    names: dict[str, str] = {}
    for code, _language in settings.LANGUAGES:
        with translation.override(code):
            for label, meaning in labels:
                names.setdefault(_key(label), meaning)
    return names


def _column_kinds() -> dict[str, str]:
    """{header: what the column holds}; "ID" is the same in every language."""
    labels = [(label, kind) for kind, headers in READ_COLUMNS.items() for label in headers]
    return {**in_every_language(labels), _key(ID_HEADER): "id"}


def _status_values() -> dict[str, str]:
    """{name: status value}: a status by its value ("in_progress", "in progress") or by its
    label ("In progress") in any of the portal's languages."""
    choices = FollowUpAction.Status.choices
    values = {}
    for value, _label in choices:
        values[value] = values[value.replace("_", " ")] = value
    for name, value in in_every_language([(label, value) for value, label in choices]).items():
        values.setdefault(name, value)
    return values


# --- XLSX ---------------------------------------------------------------------------------


def _check_zip(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise _not_a_spreadsheet()
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise UnreadableFile(
            _(
                "This workbook unpacks to %(megabytes)s MB; the portal reads at most "
                "%(limit)s MB. Upload at most %(rows)s rows at a time."
            )
            % {
                "megabytes": grouped(round(unpacked / MiB)),
                "limit": grouped(MAX_UNPACKED_BYTES // MiB),
                "rows": grouped(MAX_ROWS),
            }
        )
    if unpacked > MiB and unpacked > MAX_COMPRESSION_RATIO * max(packed, 1):
        raise UnreadableFile(
            _(
                "This file is compressed %(ratio)s times, far more than a spreadsheet ever is "
                "(at most %(limit)s times), so the portal did not open it. Upload the XLSX "
                "file downloaded from a list."
            )
            % {
                "ratio": grouped(unpacked // max(packed, 1)),
                "limit": grouped(MAX_COMPRESSION_RATIO),
            }
        )


def _xlsx_rows(data: bytes) -> Iterator[Sequence[Any]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_zip(archive)
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise _not_a_spreadsheet() from None
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    except Exception:  # noqa: BLE001  a hostile file may break the parser in any way
        raise _not_a_spreadsheet() from None
    try:
        sheet = _actions_sheet(workbook)
        yield from sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    except Exception:  # noqa: BLE001  the sheet's XML is read only now, row by row
        raise _not_a_spreadsheet() from None
    finally:
        workbook.close()


def _actions_sheet(workbook: Any) -> Any:
    """The sheet called "Actions" in any of the portal's languages, else the first one."""
    titles = in_every_language([(ACTIONS_SHEET, "actions")])
    for name in workbook.sheetnames:
        if _key(name) in titles:
            return workbook[name]
    return workbook.worksheets[0]


# --- CSV ----------------------------------------------------------------------------------


def _csv_rows(data: bytes) -> Iterator[Sequence[Any]]:
    if b"\x00" in data:
        raise _not_a_spreadsheet()
    try:
        text = data.decode("utf-8-sig")  # with or without a byte-order mark
    except UnicodeDecodeError:
        raise UnreadableFile(
            _(
                "This file is not saved as UTF-8 text. In Excel, choose “Save as” and "
                "“CSV UTF-8 (comma delimited)”, or upload the XLSX file instead."
            )
        ) from None
    header = text.split("\n", 1)[0]
    # French and Spanish spreadsheets save CSV with ";" (their "," is the decimal comma).
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            yield row[:MAX_COLUMNS]
    except csv.Error as error:
        raise UnreadableFile(
            _("Line %(line)s of the file is not valid CSV (%(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from None


# --- rows ---------------------------------------------------------------------------------


def _columns(header: Sequence[Any]) -> dict[str, int]:
    """{what a column holds: its index}, from the header row's names, in any case and any
    of the portal's languages."""
    kinds = _column_kinds()
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        kind = kinds.get(_key(name))
        if kind is None:
            continue  # another column (Title, Lead, ...): context, not read
        if kind in columns:
            raise UnreadableFile(
                _("Two columns are called “%(name)s”: keep one, then upload the file again.")
                % {"name": _text(name)}
            )
        columns[kind] = index
    if "id" not in columns:
        raise UnreadableFile(
            _(
                "The file has no %(id)s column. Its first row must name the columns, one of "
                "them %(id)s: download a list as XLSX to get a file with the right columns."
            )
            % {"id": ID_HEADER}
        )
    if not any(kind in columns for kind in EDITABLE):
        raise UnreadableFile(
            _(
                "The file has no %(status)s, %(progress)s, %(note)s or %(due_date)s column, "
                "so there is nothing to change."
            )
            % {kind: HEADERS[kind] for kind in EDITABLE}
        )
    return columns


def read_rows(rows: Iterable[Sequence[Any]]) -> ReadFile:
    """The proposals of a sheet's rows, the first row naming the columns."""
    rows = iter(rows)
    header = next(rows, None)
    if header is None or all(_text(cell) == "" for cell in header):
        raise UnreadableFile(_("The file is empty: its first row must name the columns."))
    columns = _columns(header)
    statuses = _status_values()
    read: list[ReadRow] = []
    row_of_action: dict[int, int] = {}
    for number, cells in enumerate(rows, start=2):
        if all(_text(cell) == "" for cell in cells):
            continue  # an empty line
        if len(read) == MAX_ROWS:
            raise UnreadableFile(
                _(
                    "The file has more than %(rows)s rows. Upload at most %(rows)s at a time: "
                    "filter the list, download it again and fill that in."
                )
                % {"rows": grouped(MAX_ROWS)}
            )
        row = _read_row(number, cells, columns, statuses)
        if row.action_id is not None and row.proposal is not None:
            first = row_of_action.setdefault(row.action_id, number)
            if first != number:
                row = ReadRow(
                    number,
                    None,
                    _("Action %(id)s is already on row %(row)s: each action once.")
                    % {"id": row.action_id, "row": first},
                    row.action_id,
                )
        read.append(row)
    return ReadFile(read, has_version="version" in columns)


class CellProblem(Exception):
    pass


# Translated only for a row that has the problem.
ID_NOT_WHOLE = gettext_lazy("The ID “%(text)s” is not a whole number.")
VERSION_NOT_WHOLE = gettext_lazy("The version “%(text)s” is not a whole number.")


def _read_row(
    number: int, cells: Sequence[Any], columns: dict[str, int], statuses: dict[str, str]
) -> ReadRow:
    def cell(kind: str) -> Any:
        index = columns.get(kind)
        return cells[index] if index is not None and index < len(cells) else None

    try:
        action_id = _whole_number(cell("id"), ID_NOT_WHOLE)
        if action_id is None:
            raise CellProblem(_("No ID: the row does not say which action it is."))
    except CellProblem as problem:
        return ReadRow(number, None, str(problem))
    try:
        version = (
            _whole_number(cell("version"), VERSION_NOT_WHOLE) if "version" in columns else None
        )
        proposal = Proposal(
            action_id=action_id,
            read_version=version,
            status=_status(cell("status"), statuses),
            progress=_progress(cell("progress")),
            note=_note(cell("note")),
            due_date=_due_date(cell("due_date")) if "due_date" in columns else KEEP,
        )
    except CellProblem as problem:
        return ReadRow(number, None, str(problem), action_id)
    return ReadRow(number, proposal, action_id=action_id)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())  # spaces and line breaks as one space


def _whole_number(value: Any, not_whole: Any) -> int | None:
    """The cell's whole number, None if it is empty; if it is not one, `not_whole` says so
    (a lazy translation with the cell's text as %(text)s)."""
    text = _text(value)
    if text == "":
        return None
    if isinstance(value, bool) or not WHOLE_NUMBER.fullmatch(text):
        raise CellProblem(not_whole % {"text": text[:40]})
    return int(float(text))


def _status(value: Any, statuses: dict[str, str]) -> str | None:
    text = _text(value)
    if text == "":
        return None  # keeps the status
    # An unknown status goes on as written: actions.bulk refuses it, naming it.
    return statuses.get(text.casefold(), text[:40])


def _progress(value: Any) -> int | str | None:
    text = _text(value).removesuffix("%").strip()
    if text == "":
        return None  # keeps the progress
    if WHOLE_NUMBER.fullmatch(text):
        return int(float(text))  # Excel gives 40.0 for 40
    return text[:40]  # actions.bulk refuses it: "Progress is a whole number from 0 to 100."


def _note(value: Any) -> str:
    if isinstance(value, datetime.datetime | datetime.date):
        value = value.isoformat()
    # Line breaks as the report form stores them (LF), whatever system saved the file.
    note = "" if value is None else str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(note) > MAX_NOTE_CHARS:
        raise CellProblem(
            ngettext(
                "The note has %(count)s character; at most %(limit)s fit in a report.",
                "The note has %(count)s characters; at most %(limit)s fit in a report.",
                len(note),
            )
            % {"count": grouped(len(note)), "limit": grouped(MAX_NOTE_CHARS)}
        )
    return note


def _due_date(value: Any) -> datetime.date | None | Keep:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if text == "":
        return None  # an emptied cell: no due date
    if match := ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
        if day <= 12 and month <= 12 and day != month:
            raise CellProblem(
                _(
                    "The due date “%(text)s” could be read two ways (%(one)s or %(other)s): "
                    "write it as %(iso)s (year-month-day)."
                )
                % {
                    "text": text,
                    "one": _day_and_month(day, month),
                    "other": _day_and_month(month, day),
                    "iso": f"{year}-{month:02}-{day:02}",
                }
            )
    else:
        raise CellProblem(
            _("The due date “%(text)s” is not a date: write it as year-month-day, e.g. 2027-03-05.")
            % {"text": text[:40]}
        )
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellProblem(
            _("The due date “%(text)s” is not a day of the calendar.") % {"text": text}
        ) from None


def _day_and_month(day: int, month: int) -> str:
    """ "5 March" in the active language; both are at most 12, a day in every year."""
    return date_format(datetime.date(2000, month, day), "MONTH_DAY_FORMAT")
