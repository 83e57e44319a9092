"""Files the import refuses as a whole, before or while reading them: the upload page again,
400, the reason in words, and nothing stored."""

import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from spreadsheets import reading
from spreadsheets.models import ImportBatch
from spreadsheets.reading import UnreadableFile, read_upload
from tests.factories import FollowUpActionFactory

pytestmark = pytest.mark.django_db


def upload(client, data, name):
    return client.post(reverse("spreadsheet_import"), {"file": SimpleUploadedFile(name, data)})


def refused(client, data, name="actions.xlsx"):
    """The page's text for a refused upload, once checked that it is one."""
    response = upload(client, data, name)
    assert response.status_code == 400
    assert not ImportBatch.objects.exists()
    html = response.content.decode()
    assert "Nothing was read from this file." in html
    assert 'enctype="multipart/form-data"' in html  # the form, to try another file
    return html.replace("&#x27;", "'").replace("&quot;", '"')


def small_workbook(rows=(("ID", "Progress"), (1, 50))):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    file = io.BytesIO()
    workbook.save(file)
    return file.getvalue()


def zipped(members):
    """A zip of {name: bytes or an iterable of byte chunks}, each deflated."""
    file = io.BytesIO()
    with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            with archive.open(name, "w") as member:
                for chunk in [content] if isinstance(content, bytes) else content:
                    member.write(chunk)
    return file.getvalue()


@pytest.fixture
def never_parsed(monkeypatch):
    """The workbook must be refused from its zip directory alone, before openpyxl sees it."""

    def fail(*args, **kwargs):
        raise AssertionError("openpyxl was asked to parse a file that should have been refused")

    monkeypatch.setattr(reading.openpyxl, "load_workbook", fail)


@pytest.fixture
def signed_in(client, ilo_focal_point):
    client.force_login(ilo_focal_point)
    return client


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "photo.xlsx"),
        (bytes(range(256)) * 4, "actions.csv"),
        (zipped({"readme.txt": b"Not a workbook at all."}), "actions.xlsx"),
        (b"PK\x03\x04 but the rest of a zip is missing", "actions.xlsx"),
    ],
    ids=["an image", "binary noise", "a zip that is no workbook", "a broken zip"],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(signed_in, data, name):
    assert reading.NOT_A_SPREADSHEET in refused(signed_in, data, name)


def test_an_empty_file_is_refused(signed_in):
    # Django itself treats an empty upload as no file: the form says the file is empty too.
    assert "empty" in refused(signed_in, b"", "empty.csv")
    with pytest.raises(UnreadableFile, match="The file is empty."):
        read_upload("empty.csv", b"")
    with pytest.raises(UnreadableFile, match="The file is empty"):
        read_upload("blank.csv", b"\n\n")


def test_a_zip_bomb_is_refused_from_its_zip_directory_before_parsing(signed_in, never_parsed):
    row = b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>' * 16_000  # ~1 MB
    bomb = zipped(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/worksheets/sheet1.xml": (row for _ in range(60)),  # 60 MB unpacked
        }
    )
    assert len(bomb) < 1_000_000  # it travels small

    text = refused(signed_in, bomb)
    assert "This workbook unpacks to 57 MB; the portal reads at most 50 MB." in text


def test_a_file_packed_far_tighter_than_any_spreadsheet_is_refused(signed_in, never_parsed):
    bomb = zipped({"xl/worksheets/sheet1.xml": b"<row/>" * 1_000_000})  # 6 MB in a few KB
    text = refused(signed_in, bomb)
    assert re.search(r"This file is compressed [\d,]+ times, far more than a spreadsheet", text)
    assert "so the portal did not open it" in text


def test_xml_entities_are_not_expanded(signed_in):
    """defusedxml refuses a document type with entities (the "billion laughs")."""
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    source = zipfile.ZipFile(io.BytesIO(small_workbook()))
    members = {
        info.filename: laughs
        if info.filename == "xl/worksheets/sheet1.xml"
        else source.read(info.filename)
        for info in source.infolist()
    }
    assert reading.NOT_A_SPREADSHEET in refused(signed_in, zipped(members))


def test_100000_rows_are_refused_by_the_row_limit(signed_in, monkeypatch):
    body = "ID;Progress\n" + "".join(f"{n};50\n" for n in range(1, 100_001))
    read = []
    original = reading._read_row
    monkeypatch.setattr(
        reading, "_read_row", lambda *args: read.append(1) or original(*args)
    )  # to count the rows read before giving up

    text = refused(signed_in, body.encode(), "many.csv")

    assert "The file has more than 5,000 rows." in text
    assert len(read) == reading.MAX_ROWS  # it stopped at the limit, not at the end


def test_5000_rows_are_read(signed_in, ilo):
    action = FollowUpActionFactory(lead=ilo)
    body = (
        "ID,Progress\n"
        + f"{action.pk},50\n"
        + "".join(f"{n},50\n" for n in range(900_000, 900_000 + reading.MAX_ROWS - 1))
    )
    response = upload(signed_in, body.encode(), "five-thousand.csv")
    assert response.status_code == 302
    assert len(ImportBatch.objects.get().rows) == reading.MAX_ROWS


def test_a_file_larger_than_the_limit_is_dropped_as_it_arrives(signed_in):
    too_big = b"ID,Note\n" + b"1," + b"x" * (reading.MAX_UPLOAD_BYTES + 10)
    text = refused(signed_in, too_big, "big.csv")
    assert "The file is larger than 5 MB." in text


def test_a_csv_that_is_not_utf8_is_refused_with_how_to_save_it(signed_in):
    text = refused(signed_in, "ID;Note\n1;Étude terminée\n".encode("cp1252"), "latin.csv")
    assert "not saved as UTF-8 text" in text and "CSV UTF-8" in text


def test_an_old_xls_file_is_refused_with_how_to_save_it(signed_in):
    text = refused(signed_in, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.xls")
    assert "old Excel file (.xls)" in text


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Title,Progress", "The file has no ID column."),
        ("ID,Title,Lead", "The file has no Status, Progress, Note or Due date column"),
        ("ID,Status,status", "Two columns are called “status”"),
    ],
)
def test_a_file_without_the_columns_to_read_is_refused(signed_in, header, reason):
    assert reason in refused(signed_in, f"{header}\n1,2,3\n".encode(), "columns.csv")


def test_a_broken_csv_line_is_refused_with_its_number(signed_in):
    body = 'ID,Note\n1,"fine"\n2,"' + "x" * 200_000 + '"\n'  # a field beyond csv's limit
    assert "Line 3 of the file is not valid CSV" in refused(signed_in, body.encode(), "a.csv")


def test_cells_are_read_within_the_column_limit(signed_in, ilo):
    action = FollowUpActionFactory(lead=ilo, progress=0)
    header = ["ID", *[f"Extra {n}" for n in range(200)], "Progress"]
    data = small_workbook([header, [action.pk, *["x"] * 200, 40]])
    # Progress sits beyond the 50 columns read, so the file has nothing to change.
    assert "no Status, Progress, Note or Due date column" in refused(signed_in, data)
