"""An action list as an XLSX workbook to fill in and upload again (spreadsheets/reading.py).

One row per action, from the same one-query reading as the CSV (actions.export), streamed
with openpyxl's write-only mode into a temporary file, so memory stays flat whatever the
number of rows. The sheet "Actions" has the action's ID, the version it was read at (a
hidden column: the import uses it to catch a change someone saved since), read-only context,
and the columns to fill in: Status (a drop-down of the labels), Progress (a whole number
from 0 to 100) and Note. A second sheet says how.

Its words (sheet titles, headers, statuses, the "How to" sheet) are in the language active
when it is written, the request's; the ID column's header is "ID" in every language. The
import reads the headers and statuses of every language (spreadsheets/reading.py).
"""

import re
import tempfile
from dataclasses import dataclass

from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from actions.export import (
    DEVELOPED_BY_HEADER,
    ID_HEADER,
    STATUS_ASSUMED_HEADER,
    action_url_pattern,
    assumed_words,
    leads_and_developers,
    other_leads_and_developers,
    round_table_namer,
    rows_with_partners,
    spreadsheet_safe,
    status_labels,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Spreadsheet rows end here: validations reach the last row, so added rows get them too.
LAST_ROW = 1_048_576
# What a sheet's title cannot hold, and its longest (Excel's rules; openpyxl enforces them).
NOT_IN_SHEET_TITLES = re.compile(r"[\\/?*\[\]:]")
SHEET_TITLE_MAX_LENGTH = 31


def _sheet_title(label):
    """A sheet's title as a workbook can hold it: a translation with a character Excel
    refuses in titles cannot break every download."""
    return NOT_IN_SHEET_TITLES.sub("", str(label))[:SHEET_TITLE_MAX_LENGTH]


# Lazy: in the language active when they are read (the import reads them in every one).
ACTIONS_SHEET = lazy(_sheet_title, str)(pgettext_lazy("spreadsheet sheet", "Actions"))
HOW_TO_SHEET = lazy(_sheet_title, str)(pgettext_lazy("spreadsheet sheet", "How to"))


@dataclass(frozen=True)
class Column:
    key: str  # what the column holds, the same in every language
    header: str  # a lazy translation: the header in the language active when it is read
    width: float
    editable: bool = False


COLUMNS = (
    Column("id", ID_HEADER, 8),
    Column("version", pgettext_lazy("spreadsheet column", "Version"), 9),  # hidden
    Column("title", pgettext_lazy("spreadsheet column", "Title"), 60),
    Column("lead", pgettext_lazy("spreadsheet column", "Lead"), 14),
    Column("partners", pgettext_lazy("spreadsheet column", "Partners"), 24),
    Column("forum", pgettext_lazy("spreadsheet column", "Forum"), 12),
    Column("round_table", pgettext_lazy("spreadsheet column", "Round table"), 30),
    Column("session", pgettext_lazy("spreadsheet column", "Session"), 9),
    Column("due_date", pgettext_lazy("spreadsheet column", "Due date"), 12),
    Column("status", pgettext_lazy("spreadsheet column", "Status"), 14, editable=True),
    Column("progress", pgettext_lazy("spreadsheet column", "Progress"), 10, editable=True),
    Column("note", pgettext_lazy("spreadsheet column", "Note"), 50, editable=True),
    Column("link", pgettext_lazy("spreadsheet column", "Link"), 40),
    # Last, so the columns people fill in keep their letters.
    Column("status_assumed", STATUS_ASSUMED_HEADER, 24),
    Column("developed_by", DEVELOPED_BY_HEADER, 14),
)
# {column key: its header}, for the import (which reads these headers) and the "How to".
HEADERS = {column.key: column.header for column in COLUMNS}
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
    "status_assumed",
    "status",
    "progress",
)


def letter_of(key):
    return get_column_letter([column.key for column in COLUMNS].index(key) + 1)


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
    """The "How to" sheet's lines, in the language active now, naming the columns as the
    "Actions" sheet heads them."""
    columns = {key: str(header) for key, header in HEADERS.items()}
    lines = [
        _("How to update many actions at once"),
        "",
        _(
            "1. In the sheet “%(sheet)s”, fill in the coloured columns: %(status)s (choose "
            "from the list), %(progress)s (a whole number from 0 to 100) and %(note)s (what "
            "happened)."
        )
        % {"sheet": ACTIONS_SHEET, **columns},
        _(
            "2. Leave the other columns as they are, and keep the %(id)s column: it says which "
            "action a row is. Rows you do not change are left alone."
        )
        % columns,
        _(
            "3. Upload the file on the portal's page “%(page)s”, %(url)s (save it as XLSX, or "
            "as CSV UTF-8). The portal shows what would change, row by row, before anything "
            "is saved."
        )
        % {"page": _("Update from a spreadsheet"), "url": import_url},
        "",
        _(
            "A hidden column, %(version)s, records which version of each action you "
            "downloaded: if someone else saves an action after your download, that row is "
            "not applied, and the preview says who changed it."
        )
        % columns,
        _("A note alone, with status and progress unchanged, confirms the action is on track."),
    ]
    if due_date_editable:
        lines.append(
            _("As secretariat staff you may also change the %(due_date)s (a date cell).") % columns
        )
    else:
        lines.append(_("Only secretariat staff can change the due date and the other columns."))
    now = timezone.localtime()
    lines.append(
        _("Downloaded on %(date)s at %(time)s.")
        % {"date": date_format(now, "DATE_FORMAT"), "time": date_format(now, "TIME_FORMAT")}
    )
    return lines


def write_workbook(file, queryset, sort, site_url, *, due_date_editable=False):
    """Write the actions of `queryset`, in the list's order, into `file` as XLSX."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(ACTIONS_SHEET))
    # Write-only mode: the sheet's layout (widths, hidden columns, panes) before its rows.
    for index, column in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.column_dimensions[letter_of("version")].hidden = True
    sheet.freeze_panes = "A2"
    sheet.append(_header_cells(sheet, due_date_editable))

    detail_url = action_url_pattern(site_url)
    # The words of the cells, looked up once for the whole file.
    statuses = status_labels()
    assumed = assumed_words()
    round_table_name = round_table_namer()
    others = other_leads_and_developers(queryset)
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
            status_assumed,
            status,
            progress,
        ) = values
        leads, developers = leads_and_developers(others, pk, lead)
        sheet.append(
            [
                pk,
                version,
                text_cell(title),
                text_cell(leads),
                text_cell("; ".join(partners)),
                text_cell(forum),
                text_cell(round_table_name(round_table_number, round_table_theme)),
                text_cell(session),
                due_date,  # a date cell (yyyy-mm-dd)
                statuses[status],
                progress,
                None,  # the note to write
                detail_url.format(pk),
                assumed[status_assumed],
                text_cell(developers),
            ]
        )
        rows += 1

    # Validations and the filter are written after the rows, so they may come last.
    for validation in _validations(statuses.values()):
        sheet.data_validations.append(validation)  # write-only sheets lack add_data_validation
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{rows + 1}"

    how_to = workbook.create_sheet(str(HOW_TO_SHEET))
    how_to.column_dimensions["A"].width = 110
    for line in how_to_lines(site_url + reverse("spreadsheet_import"), due_date_editable):
        how_to.append([line])
    workbook.save(file)
    return rows


def _header_cells(sheet, due_date_editable):
    editable_fill = PatternFill("solid", fgColor="FFF2CC")  # a light yellow: fill these in
    cells = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top")
        if column.editable or (due_date_editable and column.key == "due_date"):
            cell.fill = editable_fill
        cells.append(cell)
    return cells


def _validations(status_labels):
    status = DataValidation(
        type="list",
        formula1='"{}"'.format(",".join(status_labels)),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Not a status"),
        error=_("Choose a status from the list."),
    )
    status.add(f"{letter_of('status')}2:{letter_of('status')}{LAST_ROW}")
    progress = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2="100",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Not a progress"),
        error=_("Progress is a whole number from 0 to 100."),
    )
    progress.add(f"{letter_of('progress')}2:{letter_of('progress')}{LAST_ROW}")
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
