"""An uploaded XLSX or CSV file read as proposed changes (actions.bulk.Proposal), one a row.

Reading only: what a row may change, and whether it may, is decided by actions.bulk. Here
a file is refused as a whole when it cannot be read safely or is not a list of actions
(`UnreadableFile`, with the reason in words), and a row is refused when one of its cells
cannot be understood (`ReadRow.problem`).

Hostile files are bounded before they are parsed: the upload's size, a workbook's unpacked
size and compression ratio from its zip directory (the declared sizes are also where
zipfile stops decompressing), then the rows, columns and cell lengths while reading.
openpyxl parses the XML with defusedxml when it is installed (it is: requirements/).
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

from actions.bulk import KEEP, Keep, Proposal
from actions.forms import StatusReportForm
from actions.models import FollowUpAction

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

# Header (in lower case) -> what the column holds. "Progress (%)" is the CSV download's name.
COLUMN_NAMES = {
    "id": "id",
    "version": "version",
    "status": "status",
    "progress": "progress",
    "progress (%)": "progress",
    "note": "note",
    "due date": "due_date",
}
EDITABLE = ("status", "progress", "note", "due_date")
EDITABLE_WORDS = "Status, Progress, Note or Due date"

# A status by its label ("In progress") or its value ("in_progress"), in any case.
STATUS_BY_NAME = {
    name.casefold(): value
    for value, label in FollowUpAction.Status.choices
    for name in (value, label, value.replace("_", " "))
}
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
        raise UnreadableFile("The file is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UnreadableFile(too_large_message())
    if data.startswith(b"PK\x03\x04"):
        return read_rows(_xlsx_rows(data))
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # the old binary .xls format
        raise UnreadableFile(
            "This is an old Excel file (.xls), which the portal cannot read. In Excel, save it "
            "as “Excel Workbook (.xlsx)” or “CSV UTF-8”, and upload that."
        )
    return read_rows(_csv_rows(data))


def too_large_message() -> str:
    return (
        f"The file is larger than {MAX_UPLOAD_BYTES // MiB} MB. Upload at most "
        f"{MAX_ROWS:,} rows at a time: filter the list, download it again and fill that in."
    )


NOT_A_SPREADSHEET = (
    "This file is not a spreadsheet the portal can read. Upload the XLSX file downloaded from "
    "a list (or a CSV file saved from it)."
)


# --- XLSX ---------------------------------------------------------------------------------


def _check_zip(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise UnreadableFile(NOT_A_SPREADSHEET)
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise UnreadableFile(
            f"This workbook unpacks to {unpacked / MiB:,.0f} MB; the portal reads at most "
            f"{MAX_UNPACKED_BYTES // MiB} MB. Upload at most {MAX_ROWS:,} rows at a time."
        )
    if unpacked > MiB and unpacked > MAX_COMPRESSION_RATIO * max(packed, 1):
        raise UnreadableFile(
            f"This file is compressed {unpacked // max(packed, 1):,} times, far more than a "
            f"spreadsheet ever is (at most {MAX_COMPRESSION_RATIO} times), so the portal did "
            "not open it. Upload the XLSX file downloaded from a list."
        )


def _xlsx_rows(data: bytes) -> Iterator[Sequence[Any]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_zip(archive)
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise UnreadableFile(NOT_A_SPREADSHEET) from None
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    except Exception:  # noqa: BLE001  a hostile file may break the parser in any way
        raise UnreadableFile(NOT_A_SPREADSHEET) from None
    try:
        sheet = workbook["Actions"] if "Actions" in workbook.sheetnames else workbook.worksheets[0]
        yield from sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    except Exception:  # noqa: BLE001  the sheet's XML is read only now, row by row
        raise UnreadableFile(NOT_A_SPREADSHEET) from None
    finally:
        workbook.close()


# --- CSV ----------------------------------------------------------------------------------


def _csv_rows(data: bytes) -> Iterator[Sequence[Any]]:
    if b"\x00" in data:
        raise UnreadableFile(NOT_A_SPREADSHEET)
    try:
        text = data.decode("utf-8-sig")  # with or without a byte-order mark
    except UnicodeDecodeError:
        raise UnreadableFile(
            "This file is not saved as UTF-8 text. In Excel, choose “Save as” and "
            "“CSV UTF-8 (comma delimited)”, or upload the XLSX file instead."
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
            f"Line {reader.line_num} of the file is not valid CSV ({error})."
        ) from None


# --- rows ---------------------------------------------------------------------------------


def _columns(header: Sequence[Any]) -> dict[str, int]:
    """{what a column holds: its index}, from the header row's names, in any case."""
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        kind = COLUMN_NAMES.get(_text(name).casefold())
        if kind is None:
            continue  # another column (Title, Lead, ...): context, not read
        if kind in columns:
            raise UnreadableFile(
                f"Two columns are called “{_text(name)}”: keep one, then upload the file again."
            )
        columns[kind] = index
    if "id" not in columns:
        raise UnreadableFile(
            "The file has no ID column. Its first row must name the columns, one of them ID: "
            "download a list as XLSX to get a file with the right columns."
        )
    if not any(kind in columns for kind in EDITABLE):
        raise UnreadableFile(
            f"The file has no {EDITABLE_WORDS} column, so there is nothing to change."
        )
    return columns


def read_rows(rows: Iterable[Sequence[Any]]) -> ReadFile:
    """The proposals of a sheet's rows, the first row naming the columns."""
    rows = iter(rows)
    header = next(rows, None)
    if header is None or all(_text(cell) == "" for cell in header):
        raise UnreadableFile("The file is empty: its first row must name the columns.")
    columns = _columns(header)
    read: list[ReadRow] = []
    row_of_action: dict[int, int] = {}
    for number, cells in enumerate(rows, start=2):
        if all(_text(cell) == "" for cell in cells):
            continue  # an empty line
        if len(read) == MAX_ROWS:
            raise UnreadableFile(
                f"The file has more than {MAX_ROWS:,} rows. Upload at most {MAX_ROWS:,} at a "
                "time: filter the list, download it again and fill that in."
            )
        row = _read_row(number, cells, columns)
        if row.action_id is not None and row.proposal is not None:
            first = row_of_action.setdefault(row.action_id, number)
            if first != number:
                row = ReadRow(
                    number,
                    None,
                    f"Action {row.action_id} is already on row {first}: each action once.",
                    row.action_id,
                )
        read.append(row)
    return ReadFile(read, has_version="version" in columns)


class CellProblem(Exception):
    pass


def _read_row(number: int, cells: Sequence[Any], columns: dict[str, int]) -> ReadRow:
    def cell(kind: str) -> Any:
        index = columns.get(kind)
        return cells[index] if index is not None and index < len(cells) else None

    try:
        action_id = _whole_number(cell("id"), "ID")
        if action_id is None:
            raise CellProblem("No ID: the row does not say which action it is.")
    except CellProblem as problem:
        return ReadRow(number, None, str(problem))
    try:
        version = _whole_number(cell("version"), "version") if "version" in columns else None
        proposal = Proposal(
            action_id=action_id,
            read_version=version,
            status=_status(cell("status")),
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


def _whole_number(value: Any, what: str) -> int | None:
    text = _text(value)
    if text == "":
        return None
    if isinstance(value, bool) or not WHOLE_NUMBER.fullmatch(text):
        raise CellProblem(f"The {what} “{text[:40]}” is not a whole number.")
    return int(float(text))


def _status(value: Any) -> str | None:
    text = _text(value)
    if text == "":
        return None  # keeps the status
    # An unknown status goes on as written: actions.bulk refuses it, naming it.
    return STATUS_BY_NAME.get(text.casefold(), text[:40])


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
            f"The note has {len(note):,} characters; at most {MAX_NOTE_CHARS:,} fit in a report."
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
                f"The due date “{text}” could be read two ways ({day} {_month(month)} or "
                f"{month} {_month(day)}): write it as {year}-{month:02}-{day:02} "
                "(year-month-day)."
            )
    else:
        raise CellProblem(
            f"The due date “{text[:40]}” is not a date: write it as year-month-day, "
            "e.g. 2027-03-05."
        )
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellProblem(f"The due date “{text}” is not a day of the calendar.") from None


def _month(number: int) -> str:
    return datetime.date(2000, number, 1).strftime("%B") if 1 <= number <= 12 else "?"
