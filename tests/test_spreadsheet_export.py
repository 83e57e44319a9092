"""/actions/export.xlsx and /my/export.xlsx: each list as a workbook to fill in and upload."""

import csv
import datetime
import io

import openpyxl
import openpyxl.xml
import pytest
import time_machine
from django.urls import reverse

from actions.models import FollowUpAction
from spreadsheets.writing import XLSX_CONTENT_TYPE
from tests.factories import (
    FollowUpActionFactory,
    OrganisationFactory,
    RoundTableFactory,
    SessionFactory,
)

Status = FollowUpAction.Status
pytestmark = pytest.mark.django_db

HEADER = [
    "ID",
    "Version",
    "Title",
    "Lead",
    "Partners",
    "Forum",
    "Round table",
    "Session",
    "Due date",
    "Status",
    "Progress",
    "Note",
    "Link",
    "Status assumed",
    "Developed by",
]


def workbook_of(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows_of(response):
    sheet = workbook_of(response)["Actions"]
    header, *rows = sheet.iter_rows(values_only=True)
    assert list(header) == HEADER
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_openpyxl_parses_with_defusedxml():
    """The import's XML hardening: openpyxl uses defusedxml whenever it is installed."""
    assert openpyxl.xml.DEFUSEDXML is True


def test_one_row_per_action_with_its_context_and_the_columns_to_fill_in(
    client, secretariat_user, ilo
):
    round_table = RoundTableFactory(number=2, theme="Remittances")
    session = SessionFactory(round_table=round_table, code="2.1")
    action = FollowUpActionFactory(
        title="Handbook",
        lead=ilo,
        partners=[OrganisationFactory(acronym="OSCE"), OrganisationFactory(acronym="IOM")],
        forum=round_table.forum,
        round_table=round_table,
        session=session,
        due_date=datetime.date(2027, 3, 5),
        status=Status.IN_PROGRESS,
        progress=40,
        version=7,
    )
    client.force_login(secretariat_user)

    [row] = rows_of(client.get(reverse("action_export_xlsx")))

    assert row == {
        "ID": action.pk,
        "Version": 7,
        "Title": "Handbook",
        "Lead": "ILO",
        "Partners": "IOM; OSCE",
        "Forum": round_table.forum.short_name,
        "Round table": "RT 2: Remittances",
        "Session": "2.1",
        "Due date": datetime.datetime(2027, 3, 5),  # a date cell, not text
        "Status": "In progress",
        "Progress": 40,
        "Note": None,
        "Link": f"http://testserver/actions/{action.pk}/",
        "Status assumed": "no",
        "Developed by": None,
    }


@pytest.mark.parametrize("sort", ["", "title", "-lead", "-due", "progress"])
def test_the_rows_are_the_lists_and_the_csvs_in_the_same_order(client, secretariat_user, sort):
    orgs = [OrganisationFactory(acronym=acronym) for acronym in ("ILO", "IOM", "UNDP")]
    for n in range(12):
        FollowUpActionFactory(
            title=f"Action {(n * 5) % 12}",
            lead=orgs[n % 3],
            status=Status.PLANNED if n % 4 else Status.COMPLETED,
            progress=(n * 7) % 100,
            due_date=datetime.date(2027, 1, 1 + (n * 3) % 12) if n != 5 else None,
            partners=orgs[: n % 3],
        )
    client.force_login(secretariat_user)
    params = {"status": "planned", **({"sort": sort} if sort else {})}

    listed = [a.pk for a in client.get(reverse("action_list"), params).context["actions"]]
    csv_body = b"".join(client.get(reverse("action_export"), params).streaming_content)
    in_csv = [int(r["ID"]) for r in csv.DictReader(io.StringIO(csv_body.decode("utf-8-sig")))]
    in_xlsx = [row["ID"] for row in rows_of(client.get(reverse("action_export_xlsx"), params))]

    assert len(listed) == 9
    assert in_xlsx == listed == in_csv


def test_a_focal_points_my_file_has_their_organisations_actions_only(client, ilo, iom):
    from tests.factories import FocalPointFactory

    focal_point = FocalPointFactory(organisation=ilo).user
    FollowUpActionFactory(title="ILO leads", lead=ilo, status=Status.PLANNED)
    FollowUpActionFactory(title="ILO partners", lead=iom, partners=[ilo], status=Status.COMPLETED)
    FollowUpActionFactory.create_batch(3, lead=iom)
    client.force_login(focal_point)

    mine = rows_of(client.get(reverse("my_export_xlsx")))
    completed = rows_of(client.get(reverse("my_export_xlsx"), {"status": "completed"}))
    everything = rows_of(client.get(reverse("action_export_xlsx")))

    assert sorted(row["Title"] for row in mine) == ["ILO leads", "ILO partners"]
    assert [row["Title"] for row in completed] == ["ILO partners"]
    assert len(everything) == 5  # /actions/ is every action, as its list


def test_the_header_is_frozen_the_version_hidden_and_the_columns_sized(client, ilo_focal_point):
    client.force_login(ilo_focal_point)
    sheet = workbook_of(client.get(reverse("my_export_xlsx")))["Actions"]

    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].hidden is True  # Version
    assert sheet.column_dimensions["C"].width == 60  # Title
    assert sheet.column_dimensions["L"].width == 50  # Note
    assert [cell.font.b for cell in sheet[1]] == [True] * len(HEADER)


def test_status_is_a_drop_down_of_the_labels_and_progress_a_whole_number(
    client, ilo_focal_point, ilo
):
    FollowUpActionFactory(lead=ilo)
    client.force_login(ilo_focal_point)
    sheet = workbook_of(client.get(reverse("my_export_xlsx")))["Actions"]

    validations = {dv.type: dv for dv in sheet.data_validations.dataValidation}
    status, progress = validations["list"], validations["whole"]
    assert status.formula1 == '"Proposed,Planned,In progress,Completed,On hold,Cancelled"'
    assert "J2" in status.sqref and "J500" in status.sqref
    assert (progress.operator, progress.formula1, progress.formula2) == ("between", "0", "100")
    assert "K2" in progress.sqref
    assert status.showErrorMessage and progress.showErrorMessage


def test_formula_like_and_unwritable_text_is_neutralised(client, secretariat_user):
    for title in ['=HYPERLINK("http://evil")', "+1 more", "@SUM(A1)", "#N/A", "Bell\x07 rings"]:
        FollowUpActionFactory(title=title)
    client.force_login(secretariat_user)
    sheet = workbook_of(client.get(reverse("action_export_xlsx"), {"sort": "title"}))["Actions"]

    cells = [row[2] for row in sheet.iter_rows(min_row=2)]
    assert {cell.value for cell in cells} == {
        '\'=HYPERLINK("http://evil")',
        "'+1 more",
        "'@SUM(A1)",
        "'#N/A",
        "Bell rings",
    }
    assert {cell.data_type for cell in cells} == {"s"}  # text, never a formula or an error


def test_the_how_to_sheet_says_what_to_fill_in_and_where_to_upload(
    client, secretariat_user, ilo_focal_point
):
    client.force_login(ilo_focal_point)
    focal = workbook_of(client.get(reverse("my_export_xlsx")))
    client.force_login(secretariat_user)
    staff = workbook_of(client.get(reverse("my_export_xlsx")))

    assert focal.sheetnames == ["Actions", "How to"]
    focal_text = " ".join(row[0] or "" for row in focal["How to"].iter_rows(values_only=True))
    staff_text = " ".join(row[0] or "" for row in staff["How to"].iter_rows(values_only=True))
    assert "http://testserver/actions/import/" in focal_text
    assert "Only secretariat staff can change the due date" in focal_text
    assert "you may also change the Due date" in staff_text
    # The columns to fill in are coloured: Due date too for the secretariat.
    assert focal["Actions"]["I1"].fill.fgColor.rgb != staff["Actions"]["I1"].fill.fgColor.rgb
    assert focal["Actions"]["J1"].fill.fgColor.rgb == staff["Actions"]["J1"].fill.fgColor.rgb


@pytest.mark.parametrize(
    ("name", "params", "field"),
    [
        ("action_export_xlsx", {"due_after": "someday"}, b"due_after"),
        ("my_export_xlsx", {"stale": "0"}, b"stale"),
    ],
)
def test_bad_filters_are_a_400_with_the_reason(client, ilo_focal_point, name, params, field):
    client.force_login(ilo_focal_point)
    response = client.get(reverse(name), params)
    assert response.status_code == 400
    assert field in response.content


def test_the_file_is_named_as_its_list_and_dated_in_the_portals_time_zone(client, ilo_focal_point):
    client.force_login(ilo_focal_point)
    with time_machine.travel(datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC)):
        mine = client.get(reverse("my_export_xlsx"))
        every = client.get(reverse("action_export_xlsx"))
    assert mine["Content-Disposition"] == 'attachment; filename="gfmd-my-actions-2026-12-01.xlsx"'
    assert every["Content-Disposition"] == 'attachment; filename="gfmd-actions-2026-12-01.xlsx"'


def test_the_file_reads_a_fixed_number_of_queries(
    client, secretariat_user, ilo, iom, django_assert_max_num_queries
):
    FollowUpActionFactory.create_batch(60, lead=ilo, partners=[ilo, iom])
    client.force_login(secretariat_user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("action_export_xlsx"))
    assert len(rows_of(response)) == 60


@pytest.mark.parametrize("name", ["action_export_xlsx", "my_export_xlsx"])
def test_an_xlsx_download_only_answers_reading_requests_and_needs_a_login(
    client, ilo_focal_point, name
):
    assert client.get(reverse(name)).status_code == 302  # to the login page
    client.force_login(ilo_focal_point)
    assert client.post(reverse(name)).status_code == 405
    assert client.get(reverse(name))["Cache-Control"] == "private, no-store"
