"""/actions/export.csv: the list's filters as a streamed CSV."""

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse

from actions import export
from actions.models import FollowUpAction, StatusChange
from tests.factories import (
    FollowUpActionFactory,
    OrganisationFactory,
    RoundTableFactory,
    SessionFactory,
)

Status = FollowUpAction.Status


def read_csv(response):
    assert response.streaming, "the export must stream, not build the file in memory"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.DictReader(io.StringIO(body[1:])))


@pytest.mark.django_db
def test_export_has_every_matching_row_with_the_filters_applied(client, secretariat_user, ilo):
    partner = OrganisationFactory(acronym="OSCE")
    FollowUpActionFactory.create_batch(
        30, lead=ilo, partners=[partner], status=Status.PLANNED, progress=10
    )
    FollowUpActionFactory.create_batch(4, status=Status.COMPLETED)
    client.force_login(secretariat_user)

    response = client.get(reverse("action_export"), {"status": "planned", "page": "2"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="gfmd-actions-')
    rows = read_csv(response)
    assert len(rows) == 30  # all matching rows, not one page of them
    assert {row["Status"] for row in rows} == {"Planned"}
    assert rows[0]["Lead"] == "ILO"
    assert rows[0]["Partners"] == "OSCE"
    assert rows[0]["Progress (%)"] == "10"
    assert rows[0]["Link"].startswith("http://testserver/actions/")


@pytest.mark.django_db
def test_export_escapes_commas_quotes_newlines_and_formulas(client, secretariat_user):
    tricky = [
        'Handbook, "volume 1"\nand 2',
        '=HYPERLINK("http://evil")',
        "+1 more workshop",
        "@SUM(A1)",
        "-10 per cent",
        "Ordinary title",
    ]
    for title in tricky:
        FollowUpActionFactory(title=title)
    client.force_login(secretariat_user)

    rows = read_csv(client.get(reverse("action_export")))

    exported = {row["Title"] for row in rows}
    assert 'Handbook, "volume 1"\nand 2' in exported  # quoted by csv, intact
    assert '\'=HYPERLINK("http://evil")' in exported
    assert "'+1 more workshop" in exported
    assert "'@SUM(A1)" in exported
    assert "'-10 per cent" in exported
    assert "Ordinary title" in exported


@pytest.mark.django_db
def test_export_with_an_invalid_filter_is_a_400_with_the_reason(client, secretariat_user):
    client.force_login(secretariat_user)
    response = client.get(reverse("action_export"), {"due_after": "someday"})
    assert response.status_code == 400
    assert b"due_after" in response.content
    assert b"Enter a valid date" in response.content


@pytest.mark.django_db
def test_export_link_on_the_list_carries_the_filters(client, secretariat_user):
    FollowUpActionFactory()
    client.force_login(secretariat_user)
    response = client.get(reverse("action_list"), {"status": "planned", "page": "1"})
    assert b'href="/actions/export.csv?status=planned"' in response.content


@pytest.mark.django_db
def test_export_runs_a_fixed_number_of_queries(
    client, secretariat_user, ilo, django_assert_max_num_queries
):
    FollowUpActionFactory.create_batch(60, lead=ilo, partners=[ilo])
    client.force_login(secretariat_user)
    with django_assert_max_num_queries(10):
        rows = read_csv(client.get(reverse("action_export")))
    assert len(rows) == 60


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["", "title", "-lead", "-due"])
def test_every_row_keeps_its_own_partners_across_chunks_in_any_order(
    client, secretariat_user, monkeypatch, sort
):
    """Partners come in the rows' own query, one row per partner, folded back per action."""
    monkeypatch.setattr(export, "CHUNK_SIZE", 3)
    orgs = [OrganisationFactory(acronym=acronym) for acronym in ("ILO", "IOM", "UNDP", "OSCE")]
    expected = {}
    for n in range(8):
        partners = orgs[: n % 4]  # none, one, two, three
        action = FollowUpActionFactory(
            title=f"Action {(n * 5) % 8}",
            lead=orgs[n % 3],
            due_date=datetime.date(2027, 1, 1 + (n * 3) % 8) if n != 5 else None,
            partners=partners,
        )
        expected[str(action.pk)] = "; ".join(sorted(org.acronym for org in partners))
    client.force_login(secretariat_user)

    listed = client.get(reverse("action_list"), {"sort": sort} if sort else {})
    rows = read_csv(client.get(reverse("action_export"), {"sort": sort} if sort else {}))

    assert {row["ID"]: row["Partners"] for row in rows} == expected
    assert [row["Title"] for row in rows] == [action.title for action in listed.context["actions"]]


# The header row as a spreadsheet user sees it: the public contract of the export.
HEADER_LINE = (
    "ID,Title,Status,Status assumed,Progress (%),Lead,Partners,Developed by,Forum,Round table,"
    "Session,"
    "Due date,Overdue,Started on,Completed on,Status changed,Last report,Description,"
    "Latest note,Source,Link"
)

NOW = datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC)  # 1 December in Geneva


def note(action, text, minutes_ago):
    return StatusChange.objects.create(
        action=action,
        changed_at=NOW - datetime.timedelta(minutes=minutes_ago),
        new_status=action.status,
        progress=action.progress,
        note=text,
    )


@pytest.mark.django_db
def test_the_file_opens_in_excel_as_utf8_with_headers_in_words(client, secretariat_user):
    FollowUpActionFactory(title="Étude sur les envois de fonds – São Tomé")
    client.force_login(secretariat_user)

    response = client.get(reverse("action_export"))
    first_chunk = next(iter(response.streaming_content))

    assert first_chunk.startswith("\ufeff".encode())  # UTF-8's byte-order mark, once
    lines = b"".join([first_chunk, *response.streaming_content]).decode("utf-8").splitlines()
    assert lines[0][1:] == HEADER_LINE
    assert "Étude sur les envois de fonds – São Tomé" in lines[1]


@pytest.mark.django_db
def test_each_row_has_its_description_latest_note_and_round_table_name(
    client, secretariat_user, ilo
):
    round_table = RoundTableFactory(number=1, theme="Human capital development and labour mobility")
    session = SessionFactory(round_table=round_table, code="1.2")
    action = FollowUpActionFactory(
        title="Handbook",
        description="Practical tools\nfor policymakers.",
        forum=round_table.forum,
        round_table=round_table,
        session=session,
        source_reference="GFMD I report, p. 12",
    )
    note(action, "Drafting started.", minutes_ago=300)
    note(action, "Draft sent to the partners.", minutes_ago=200)
    note(action, "", minutes_ago=100)  # a later report without a note: the note stays
    FollowUpActionFactory(title="No reports yet", forum=round_table.forum)
    client.force_login(secretariat_user)

    rows = {row["Title"]: row for row in read_csv(client.get(reverse("action_export")))}

    assert rows["Handbook"]["Description"] == "Practical tools\nfor policymakers."
    assert rows["Handbook"]["Latest note"] == "Draft sent to the partners."
    assert rows["Handbook"]["Round table"] == (
        "RT 1: Human capital development and labour mobility"
    )
    assert rows["Handbook"]["Session"] == "1.2"
    assert rows["Handbook"]["Source"] == "GFMD I report, p. 12"
    assert rows["No reports yet"]["Latest note"] == ""
    assert rows["No reports yet"]["Round table"] == ""


@pytest.mark.django_db
def test_formula_like_descriptions_and_notes_are_neutralised_too(client, secretariat_user):
    action = FollowUpActionFactory(description='=HYPERLINK("http://evil")')
    note(action, "+CMD|' /C calc'!A0", minutes_ago=5)
    client.force_login(secretariat_user)

    [row] = read_csv(client.get(reverse("action_export")))

    assert row["Description"] == '\'=HYPERLINK("http://evil")'
    assert row["Latest note"] == "'+CMD|' /C calc'!A0"


@pytest.mark.django_db
def test_the_file_name_says_what_and_when_in_the_portals_time_zone(client, secretariat_user):
    client.force_login(secretariat_user)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("action_export"))
    assert response["Content-Disposition"] == 'attachment; filename="gfmd-actions-2026-12-01.csv"'


@pytest.mark.django_db
def test_the_whole_file_is_two_queries_however_many_chunks(
    monkeypatch, ilo, iom, django_assert_num_queries
):
    monkeypatch.setattr(export, "CHUNK_SIZE", 4)
    for n in range(10):
        action = FollowUpActionFactory(lead=ilo, partners=[ilo, iom])
        note(action, f"Note {n}", minutes_ago=n)

    # The rows, and the few co-leads and developers the lead's cell and theirs name.
    with django_assert_num_queries(2):
        body = "".join(export.csv_lines(FollowUpAction.objects.all(), "http://portal"))

    rows = list(csv.DictReader(io.StringIO(body[1:])))
    assert len(rows) == 10
    assert {row["Partners"] for row in rows} == {"ILO; IOM"}


@pytest.mark.django_db
def test_export_link_on_my_assignments_keeps_its_scope_and_filters(client, ilo_focal_point):
    client.force_login(ilo_focal_point)
    response = client.get(reverse("my_assignments"), {"status": "planned", "page": "1"})
    assert b'href="/my/export.csv?status=planned"' in response.content
    listing = client.get(reverse("action_list"), {"status": "planned", "page": "2"})
    assert b'href="/actions/export.csv?status=planned"' in listing.content
