"""The spreadsheet round trip in the portal's languages (settings.LANGUAGES).

The downloads are headed in the reader's language, statuses too, with "ID" the same in all;
the import reads the headers and statuses of every language, whatever the uploader's, and
says why it refuses something in the uploader's.

The expected words come from the code's own labels rendered under translation.override, so
these tests hold whatever the catalogs say. While a catalog leaves a label untranslated, its
"translation" is the English one; the tests under "A catalog of our own" install a small
French catalog of their own, so that an import that knew English only fails today.
"""

import csv
import datetime
import html
import io

import openpyxl
import polib
import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst

from actions import export
from actions.bulk import Verdict
from actions.models import FollowUpAction
from spreadsheets import writing
from spreadsheets.models import ImportBatch
from tests.factories import FollowUpActionFactory

Status = FollowUpAction.Status
pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def in_language(code, label):
    """A (lazy) label as the language `code` writes it."""
    with translation.override(code):
        return str(label)


def status_label(code, value):
    return in_language(code, Status(value).label)


def speaks(client, code):
    """The client reads the portal in `code`, as the header's language menu leaves it."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code


def xlsx_download(client, name="my_export_xlsx"):
    response = client.get(reverse(name))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def csv_download(client, name="my_export"):
    response = client.get(reverse(name))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def upload(client, data, name):
    if isinstance(data, openpyxl.Workbook):
        file = io.BytesIO()
        data.save(file)
        data = file.getvalue()
    return client.post(reverse("spreadsheet_import"), {"file": SimpleUploadedFile(name, data)})


def read_rows(response):
    """The rows the import kept from an accepted upload, as read (language-neutral)."""
    assert response.status_code == 302, response.content.decode()[:3000]
    return ImportBatch.objects.get().rows


def refusal_text(response):
    """The text of the upload page that refuses a file, once checked that it does."""
    assert response.status_code == 400
    assert not ImportBatch.objects.exists()
    return html.unescape(response.content.decode())


@pytest.fixture
def handbook(ilo):
    return FollowUpActionFactory(
        title="Handbook on fair recruitment", lead=ilo, status=Status.PLANNED, progress=10
    )


# --- downloads ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_xlsx_download_is_headed_in_the_readers_language_with_id_unchanged(
    client, ilo_focal_point, handbook, code
):
    client.force_login(ilo_focal_point)
    speaks(client, code)

    workbook = xlsx_download(client)

    actions_sheet, how_to_sheet = workbook.worksheets
    assert actions_sheet.title == in_language(code, writing.ACTIONS_SHEET)
    assert how_to_sheet.title == in_language(code, writing.HOW_TO_SHEET)
    header, row = list(actions_sheet.iter_rows(values_only=True))
    assert header[0] == "ID"
    assert list(header) == [in_language(code, column.header) for column in writing.COLUMNS]
    cells = dict(zip(header, row, strict=True))
    assert cells["ID"] == handbook.pk
    assert cells[in_language(code, writing.HEADERS["status"])] == status_label(code, "planned")
    assert cells[in_language(code, writing.HEADERS["progress"])] == 10  # a number, still
    validation = next(v for v in actions_sheet.data_validations.dataValidation if v.type == "list")
    assert validation.formula1 == '"{}"'.format(
        ",".join(status_label(code, value) for value in Status.values)
    )


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_csv_download_is_headed_in_the_readers_language_with_id_unchanged(
    client, ilo_focal_point, handbook, code
):
    handbook.due_date = datetime.date(2027, 3, 5)
    handbook.save()
    client.force_login(ilo_focal_point)
    speaks(client, code)

    header, row = csv_download(client)

    assert header[0] == "ID"
    assert header == [in_language(code, label) for label in export.HEADER]
    cells = dict(zip(header, row, strict=True))
    assert cells["ID"] == str(handbook.pk)
    assert cells[in_language(code, export.HEADER[2])] == status_label(code, "planned")
    assert "2027-03-05" in row  # dates stay ISO in every language


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_how_to_sheet_dates_the_download_in_the_readers_language(client, ilo_focal_point, code):
    client.force_login(ilo_focal_point)
    speaks(client, code)
    moment = datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        workbook = xlsx_download(client)

    text = " ".join(row[0] or "" for row in workbook.worksheets[1].iter_rows(values_only=True))
    with translation.override(code):
        # 10:30 in Geneva; Django's own catalogs name the months ("décembre", "diciembre").
        assert date_format(datetime.date(2026, 12, 1), "DATE_FORMAT") in text
    assert "10:30" in text
    assert "http://testserver/actions/import/" in text


# --- the import ---------------------------------------------------------------------------


@pytest.mark.parametrize("uploader", LANGUAGES)
@pytest.mark.parametrize("file_language", LANGUAGES)
def test_an_import_reads_headers_and_statuses_of_every_language_whatever_the_uploaders(
    client, ilo_focal_point, handbook, file_language, uploader
):
    """A CSV made in one language (its header row and statuses as that language writes
    them, in odd case and spacing), uploaded by someone who reads the portal in another."""

    def header(key):
        return f"  {in_language(file_language, writing.HEADERS[key]).upper()} "

    progress = in_language(file_language, export.PROGRESS_HEADER)  # the CSV's own name
    status = status_label(file_language, "in_progress").swapcase()
    body = (
        f"ID;{header('version')};{header('status')};{progress};{header('note')};"
        f"{header('due_date')}\n"
        f"{handbook.pk};{handbook.version};{status};40;Drafting started.;2027-03-05\n"
    )
    client.force_login(ilo_focal_point)
    speaks(client, uploader)

    [row] = read_rows(upload(client, body.encode(), "actions.csv"))

    assert row["problem"] == ""
    assert (row["status"], row["progress"], row["note"], row["due_date"]) == (
        "in_progress",
        40,
        "Drafting started.",
        "2027-03-05",
    )
    assert row["read_version"] == handbook.version


@pytest.mark.parametrize(("file_language", "uploader"), [("fr", "es"), ("es", "en"), ("en", "fr")])
def test_an_xlsx_downloaded_in_one_language_is_applied_by_someone_reading_another(
    client, ilo_focal_point, handbook, file_language, uploader
):
    client.force_login(ilo_focal_point)
    speaks(client, file_language)
    workbook = xlsx_download(client)
    sheet = workbook[in_language(file_language, writing.ACTIONS_SHEET)]
    sheet[f"{writing.letter_of('status')}2"] = status_label(file_language, "on_hold")
    sheet[f"{writing.letter_of('progress')}2"] = 30

    speaks(client, uploader)
    preview = upload(client, workbook, "actions.xlsx")["Location"]
    page = client.get(preview)
    client.post(preview + "apply/")

    assert page.status_code == 200
    with translation.override(uploader):
        assert capfirst(Verdict.WILL_CHANGE.label) in page.content.decode()

    handbook.refresh_from_db()
    assert (handbook.status, handbook.progress) == (Status.ON_HOLD, 30)


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_file_without_an_id_column_is_refused_in_the_uploaders_language(
    client, ilo_focal_point, code
):
    """ "Identifier" is not "ID", in any language: the file cannot say which actions it is
    about, and the reason is in the uploader's language."""
    client.force_login(ilo_focal_point)
    speaks(client, code)

    text = refusal_text(upload(client, b"Identifier;Progress\n12;40\n", "made-up.csv"))

    with translation.override(code):
        assert translation.gettext("Nothing was read from this file.") in text
        assert (
            translation.gettext(
                "The file has no %(id)s column. Its first row must name the columns, one of "
                "them %(id)s: download a list as XLSX to get a file with the right columns."
            )
            % {"id": "ID"}
            in text
        )


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_file_whose_other_headers_are_all_unknown_is_refused_naming_the_columns_it_reads(
    client, ilo_focal_point, handbook, code
):
    """ "Fortschritt" is no language's Progress: the file has nothing the import can read,
    and the reason names the columns it could, as the uploader's language heads them."""
    client.force_login(ilo_focal_point)
    speaks(client, code)

    text = refusal_text(upload(client, f"ID;Fortschritt\n{handbook.pk};40\n".encode(), "a.csv"))

    with translation.override(code):
        headers = {key: str(writing.HEADERS[key]) for key in ("status", "progress", "note")}
        expected = translation.gettext(
            "The file has no %(status)s, %(progress)s, %(note)s or %(due_date)s column, "
            "so there is nothing to change."
        ) % {**headers, "due_date": str(writing.HEADERS["due_date"])}
    assert expected in text
    if code == "en":
        assert (
            "The file has no Status, Progress, Note or Due date column, so there is nothing to "
            "change." in text
        )


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_refused_rows_reason_is_in_the_uploaders_language(
    client, ilo_focal_point, handbook, code
):
    client.force_login(ilo_focal_point)
    speaks(client, code)
    body = f"ID,Due date,Note\n{handbook.pk},05/03/2027,\n{handbook.pk + 1},,{'x' * 4001}\n"

    ambiguous, too_long = read_rows(upload(client, body.encode(), "a.csv"))

    with translation.override(code):
        # Django's own catalogs name the months and group the digits ("5 mars", "4 001").
        assert date_format(datetime.date(2000, 3, 5), "MONTH_DAY_FORMAT") in ambiguous["problem"]
        assert date_format(datetime.date(2000, 5, 3), "MONTH_DAY_FORMAT") in ambiguous["problem"]
        assert number_format(4001, force_grouping=True) in too_long["problem"]
    if code == "en":
        assert "could be read two ways (5 March or 3 May)" in ambiguous["problem"]
        assert "The note has 4,001 characters; at most 4,000" in too_long["problem"]


# --- A catalog of our own -----------------------------------------------------------------
# French words for the labels the spreadsheets use (contexts and English as in the code):
# with them, French differs from English whatever the project's catalogs hold yet.

OUR_FRENCH = {
    ("spreadsheet column", "Version"): "Révision",
    ("spreadsheet column", "Title"): "Intitulé",
    ("spreadsheet column", "Status"): "Statut",
    ("spreadsheet column", "Progress"): "Avancement",
    ("spreadsheet column", "Progress (%)"): "Avancement (%)",
    ("spreadsheet column", "Note"): "Commentaire",
    ("spreadsheet column", "Due date"): "Échéance",
    ("spreadsheet sheet", "Actions"): "Liste des actions",
    ("action status", "Planned"): "Prévue",
    ("action status", "In progress"): "En cours",
    ("action status", "On hold"): "En suspens",
}


@pytest.fixture
def our_french(settings, tmp_path):
    """The French catalog above, in place of the project's (Django's own stay)."""
    catalog = polib.POFile()
    catalog.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=2; plural=(n > 1);",
    }
    for (context, english), french in OUR_FRENCH.items():
        catalog.append(polib.POEntry(msgctxt=context, msgid=english, msgstr=french))
    directory = tmp_path / "fr" / "LC_MESSAGES"
    directory.mkdir(parents=True)
    catalog.save_as_mofile(str(directory / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path]  # resets Django's loaded catalogs, now and after
    assert in_language("fr", writing.HEADERS["status"]) == "Statut", "the catalog is not read"


@pytest.mark.usefixtures("our_french")
def test_with_our_catalog_a_french_download_has_french_headers_and_statuses(
    client, ilo_focal_point, handbook
):
    client.force_login(ilo_focal_point)
    speaks(client, "fr")

    workbook = xlsx_download(client)
    [csv_header, csv_row] = csv_download(client)

    assert workbook.sheetnames[0] == "Liste des actions"
    header, row = list(workbook.worksheets[0].iter_rows(values_only=True))
    cells = dict(zip(header, row, strict=True))
    assert (cells["ID"], cells["Statut"], cells["Avancement"]) == (handbook.pk, "Prévue", 10)
    assert "Échéance" in header and "Commentaire" in header
    assert csv_header[:5] == ["ID", "Intitulé", "Statut", "Status assumed", "Avancement (%)"]
    assert csv_row[2] == "Prévue"


@pytest.mark.usefixtures("our_french")
@pytest.mark.parametrize("uploader", ["en", "es", "fr"])
def test_with_our_catalog_french_headers_and_statuses_are_read_whatever_the_uploaders_language(
    client, ilo_focal_point, handbook, uploader
):
    client.force_login(ilo_focal_point)
    speaks(client, uploader)
    body = (
        "ID;Révision;STATUT; avancement (%) ;Commentaire;Échéance\n"
        f"{handbook.pk};{handbook.version};en cours;40;Début, enfin;2027-03-05\n"
    )

    [row] = read_rows(upload(client, body.encode(), "actions.csv"))

    assert (row["status"], row["progress"], row["note"], row["due_date"]) == (
        "in_progress",
        40,
        "Début, enfin",
        "2027-03-05",
    )
    assert row["read_version"] == handbook.version


@pytest.mark.usefixtures("our_french")
def test_with_our_catalog_english_is_still_read(client, ilo_focal_point, handbook):
    client.force_login(ilo_focal_point)
    speaks(client, "fr")
    body = f"ID,Version,Status,Progress\n{handbook.pk},{handbook.version},On hold,20\n"

    [row] = read_rows(upload(client, body.encode(), "actions.csv"))

    assert (row["status"], row["progress"]) == ("on_hold", 20)


@pytest.mark.usefixtures("our_french")
def test_with_our_catalog_the_actions_sheet_is_found_by_its_french_title(
    client, ilo_focal_point, handbook
):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Mode d'emploi"
    workbook.active.append(["ID", "Avancement"])  # not the sheet to read
    workbook.active.append([handbook.pk, 90])
    actions = workbook.create_sheet("LISTE DES ACTIONS")
    actions.append(["ID", "Avancement"])
    actions.append([handbook.pk, 60])
    client.force_login(ilo_focal_point)

    [row] = read_rows(upload(client, workbook, "actions.xlsx"))

    assert row["progress"] == 60


@pytest.mark.usefixtures("our_french")
def test_with_our_catalog_an_unknown_status_goes_on_to_be_refused_by_name(
    client, ilo_focal_point, handbook
):
    client.force_login(ilo_focal_point)
    body = f"ID,Statut\n{handbook.pk},Terminée peut-être\n"

    page = client.get(upload(client, body.encode(), "actions.csv")["Location"])

    assert "“Terminée peut-être” is not a status an action can have." in page.content.decode()


@pytest.mark.usefixtures("our_french")
def test_with_our_catalog_the_csvs_words_are_those_of_the_language_it_was_made_in(handbook):
    """The lines stream after the view returned: their words are chosen when it is made."""
    with translation.override("fr"):
        lines = export.csv_lines(FollowUpAction.objects.all(), "http://portal")
    with translation.override("en"):
        header, row = csv.reader(io.StringIO("".join(lines)[1:]))
    assert header[2] == "Statut" and row[2] == "Prévue"
