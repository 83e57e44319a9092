"""An action list as an XLSX workbook to fill in and upload again (spreadsheets/reading.py).

One row per action, from the same one-query reading as the CSV (actions.export), streamed
with openpyxl's write-only mode into a temporary file, so memory stays flat whatever the
number of rows. The sheet "Actions" has the action's ID, the version it was read at (a
hidden column: the import uses it to catch a change someone saved since), read-only context,
and the columns to fill in: Status (a drop-down of the labels), Progress (a whole number
from 0 to 100) and Note. A second sheet says how.
"""

import tempfile
from dataclasses import dataclass

from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from actions.export import (
    STATUS_LABELS,
    action_url_pattern,
    round_table_name,
    rows_with_partners,
    spreadsheet_safe,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE = "Actions"
# Spreadsheet rows end here: validations reach the last row, so added rows get them too.
LAST_ROW = 1_048_576


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    editable: bool = False


ID, VERSION, STATUS, PROGRESS, NOTE, DUE_DATE = (
    "ID",
    "Version",
    "Status",
    "Progress",
    "Note",
    "Due date",
)
COLUMNS = (
    Column(ID, 8),
    Column(VERSION, 9),  # hidden
    Column("Title", 60),
    Column("Lead", 14),
    Column("Partners", 24),
    Column("Forum", 12),
    Column("Round table", 30),
    Column("Session", 9),
    Column(DUE_DATE, 12),
    Column(STATUS, 14, editable=True),
    Column(PROGRESS, 10, editable=True),
    Column(NOTE, 50, editable=True),
    Column("Link", 40),
)
VALUES = (
    "pk",
    "version",
    "title",
    "lead__acronym",
    "forum__short_name",
    "round_table__number",
    "round_table__theme",
    "session__code",
    "due_date",
    "status",
    "progress",
)


def letter_of(header):
    return get_column_letter([column.header for column in COLUMNS].index(header) + 1)


def text_cell(text):
    """Text as a cell: formula-like text neutralised as in the CSV, and the control
    characters a worksheet cannot hold dropped (openpyxl refuses them). No text, no cell:
    openpyxl's time goes by the cell, so empty ones are left out."""
    if not text:
        return None
    text = ILLEGAL_CHARACTERS_RE.sub("", spreadsheet_safe(text))
    # "#N/A" and its kind would be read as an error value, not as text.
    return "'" + text if text in ERROR_CODES else text


def how_to_lines(import_url, due_date_editable):
    lines = [
        "How to update many actions at once",
        "",
        "1. In the sheet “Actions”, fill in the coloured columns: Status (choose from the "
        "list), Progress (a whole number from 0 to 100) and Note (what happened).",
        "2. Leave the other columns as they are, and keep the ID column: it says which action "
        "a row is. Rows you do not change are left alone.",
        f"3. Upload the file on the portal's page “Update from a spreadsheet”, {import_url} "
        "(save it as XLSX, or as CSV UTF-8). The portal shows what would change, row by row, "
        "before anything is saved.",
        "",
        "A hidden column, Version, records which version of each action you downloaded: if "
        "someone else saves an action after your download, that row is not applied, and the "
        "preview says who changed it.",
        "A note alone, with status and progress unchanged, confirms the action is on track.",
    ]
    if due_date_editable:
        lines.append("As secretariat staff you may also change the Due date (a date cell).")
    else:
        lines.append("Only secretariat staff can change the due date and the other columns.")
    lines.append(f"Downloaded on {timezone.localtime():%d %B %Y at %H:%M}.")
    return lines


def write_workbook(file, queryset, sort, site_url, *, due_date_editable=False):
    """Write the actions of `queryset`, in the list's order, into `file` as XLSX."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    # Write-only mode: the sheet's layout (widths, hidden columns, panes) before its rows.
    for index, column in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.column_dimensions[letter_of(VERSION)].hidden = True
    sheet.freeze_panes = "A2"
    sheet.append(_header_cells(sheet, due_date_editable))

    detail_url = action_url_pattern(site_url)
    rows = 0
    for values, partners in rows_with_partners(queryset, sort, VALUES):
        (
            pk,
            version,
            title,
            lead,
            forum,
            round_table_number,
            round_table_theme,
            session,
            due_date,
            status,
            progress,
        ) = values
        sheet.append(
            [
                pk,
                version,
                text_cell(title),
                text_cell(lead),
                text_cell("; ".join(partners)),
                text_cell(forum),
                text_cell(round_table_name(round_table_number, round_table_theme)),
                text_cell(session),
                due_date,  # a date cell (yyyy-mm-dd)
                STATUS_LABELS[status],
                progress,
                None,  # the note to write
                detail_url.format(pk),
            ]
        )
        rows += 1

    # Validations and the filter are written after the rows, so they may come last.
    for validation in _validations():
        sheet.data_validations.append(validation)  # write-only sheets lack add_data_validation
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{rows + 1}"

    how_to = workbook.create_sheet("How to")
    how_to.column_dimensions["A"].width = 110
    for line in how_to_lines(site_url + reverse("spreadsheet_import"), due_date_editable):
        how_to.append([line])
    workbook.save(file)
    return rows


def _header_cells(sheet, due_date_editable):
    editable_fill = PatternFill("solid", fgColor="FFF2CC")  # a light yellow: fill these in
    cells = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top")
        if column.editable or (due_date_editable and column.header == DUE_DATE):
            cell.fill = editable_fill
        cells.append(cell)
    return cells


def _validations():
    status = DataValidation(
        type="list",
        formula1='"{}"'.format(",".join(STATUS_LABELS.values())),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not a status",
        error="Choose a status from the list.",
    )
    status.add(f"{letter_of(STATUS)}2:{letter_of(STATUS)}{LAST_ROW}")
    progress = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not a progress",
        error="Progress is a whole number from 0 to 100.",
    )
    progress.add(f"{letter_of(PROGRESS)}2:{letter_of(PROGRESS)}{LAST_ROW}")
    return [status, progress]


def xlsx_response(queryset, sort, filename, site_url, *, due_date_editable=False):
    """The workbook as a download: written whole to a temporary file first (a zip cannot be
    streamed while it is written), then sent from it; the file goes when the response closes."""
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115  FileResponse closes it
    try:
        write_workbook(file, queryset, sort, site_url, due_date_editable=due_date_editable)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
