"""/actions/import/: a downloaded list, filled in and uploaded, previewed (writing nothing),
then applied once, each action through the status and edit services."""

import datetime
import html
import io
import re

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from actions.models import FollowUpAction, StatusChange
from actions.services import action_change_status, action_update
from spreadsheets.models import ImportBatch
from tests.factories import FollowUpActionFactory

Status = FollowUpAction.Status
pytestmark = pytest.mark.django_db

COLUMN = {"Due date": "I", "Status": "J", "Progress": "K", "Note": "L"}


@pytest.fixture
def handbook(ilo):
    return FollowUpActionFactory(
        title="Handbook on fair recruitment", lead=ilo, status=Status.PLANNED, progress=10
    )


@pytest.fixture
def toolkit(ilo):
    return FollowUpActionFactory(
        title="Skills toolkit", lead=ilo, status=Status.IN_PROGRESS, progress=50
    )


def download(client, name="my_export_xlsx", **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def edit(workbook, action, **cells):
    """Fill in the row of `action`: edit(wb, action, Status="In progress", Progress=40)."""
    sheet = workbook["Actions"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == action.pk:
            for header, value in cells.items():
                sheet[f"{COLUMN[header.replace('_', ' ')]}{row[0].row}"] = value
            return
    raise AssertionError(f"action {action.pk} is not in the file")


def xlsx_bytes(workbook):
    file = io.BytesIO()
    workbook.save(file)
    return file.getvalue()


def upload(client, data, name="actions.xlsx"):
    if isinstance(data, openpyxl.Workbook):
        data = xlsx_bytes(data)
    return client.post(reverse("spreadsheet_import"), {"file": SimpleUploadedFile(name, data)})


def preview_url_of(response):
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].startswith("/actions/import/")
    return response["Location"]


def apply_url(preview_url):
    return preview_url + "apply/"


def text_of(response):
    """The page's text, tags dropped and spaces folded, to read sentences in."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return " ".join(text.split())


def counts(action):
    action.refresh_from_db()
    return (StatusChange.objects.count(), action.version, action.audit_trail.count())


# --- the round trip -----------------------------------------------------------------------


def test_a_filled_in_download_is_previewed_without_writing_then_applied(
    client, ilo_focal_point, handbook, toolkit
):
    client.force_login(ilo_focal_point)
    workbook = download(client)
    edit(workbook, handbook, Status="In progress", Progress=40, Note="Drafting started.")
    before = counts(handbook)

    preview = preview_url_of(upload(client, workbook))
    page = client.get(preview)
    client.get(preview)  # a reload recomputes the preview, and still writes nothing

    assert page.status_code == 200
    text = text_of(page)
    assert "1 will change" in text and "1 unchanged" in text
    assert "Status: Planned → In progress" in text
    assert "Progress: 10% → 40%" in text
    assert "Note: “Drafting started.”" in text
    assert "Started on set to today" in text  # what the status rules will adjust
    assert "Skills toolkit" not in text  # unchanged rows are counted, not listed
    assert counts(handbook) == before
    assert 'action="' + apply_url(preview) + '"' in page.content.decode()

    applied = client.post(apply_url(preview))

    assert applied["Location"] == preview
    summary = client.get(preview)
    text = text_of(summary)
    assert "1 applied" in text and "1 unchanged" in text
    assert "Status: Planned → In progress" in text
    assert f'href="/actions/{handbook.pk}/"' in summary.content.decode()
    assert 'href="/my/"' in summary.content.decode()
    handbook.refresh_from_db()
    assert (handbook.status, handbook.progress) == (Status.IN_PROGRESS, 40)
    change = StatusChange.objects.get()
    assert (change.action, change.changed_by, change.note) == (
        handbook,
        ilo_focal_point,
        "Drafting started.",
    )
    assert toolkit.history.count() == 0


def test_an_untouched_download_is_all_unchanged_and_offers_nothing_to_apply(
    client, ilo_focal_point, handbook, toolkit
):
    client.force_login(ilo_focal_point)
    page = client.get(preview_url_of(upload(client, download(client))))
    text = text_of(page)
    assert "0 will change" in text and "2 unchanged" in text
    assert "Nothing to apply" in text
    assert b"apply/" not in page.content


def test_apply_writes_one_history_row_per_changed_action(client, ilo_focal_point, ilo):
    actions = FollowUpActionFactory.create_batch(5, lead=ilo, status=Status.PLANNED, progress=0)
    client.force_login(ilo_focal_point)
    workbook = download(client)
    for action in actions[:3]:
        edit(workbook, action, Progress=25)
    preview = preview_url_of(upload(client, workbook))

    client.post(apply_url(preview))

    assert sorted(StatusChange.objects.values_list("action_id", flat=True)) == sorted(
        a.pk for a in actions[:3]
    )
    assert set(FollowUpAction.objects.values_list("progress", flat=True)) == {0, 25}


def test_applying_twice_applies_once(client, ilo_focal_point, handbook):
    client.force_login(ilo_focal_point)
    workbook = download(client)
    edit(workbook, handbook, Progress=30)
    preview = preview_url_of(upload(client, workbook))

    client.post(apply_url(preview))
    again = client.post(apply_url(preview), follow=True)

    assert StatusChange.objects.count() == 1
    assert "already applied; nothing was applied again" in text_of(again)
    assert "1 applied" in text_of(again)  # the summary made the first time


def test_the_summary_says_who_changed_a_row_since_the_download(
    client, ilo_focal_point, secretariat_user, handbook, toolkit
):
    client.force_login(ilo_focal_point)
    workbook = download(client)
    edit(workbook, handbook, Progress=60)
    edit(workbook, toolkit, Progress=70)
    secretariat_user.first_name, secretariat_user.last_name = "Ana", "Reyes"
    secretariat_user.save()
    # Someone saves the handbook after the download: that row must not overwrite it.
    action_change_status(
        action=handbook, changed_by=secretariat_user, status=Status.PLANNED, progress=20
    )

    preview = preview_url_of(upload(client, workbook))
    text = text_of(client.get(preview))
    assert "1 changed by someone else since the download" in text
    assert "Changed by Ana Reyes since you read it" in text

    client.post(apply_url(preview))

    summary = text_of(client.get(preview))
    assert "1 applied" in summary and "1 not applied: changed by someone else" in summary
    assert "Changed by Ana Reyes since you read it" in summary
    handbook.refresh_from_db()
    toolkit.refresh_from_db()
    assert (handbook.progress, toolkit.progress) == (20, 70)


def test_a_save_between_the_preview_and_applying_is_caught_too(
    client, ilo_focal_point, secretariat_user, handbook
):
    client.force_login(ilo_focal_point)
    workbook = download(client)
    edit(workbook, handbook, Progress=60)
    preview = preview_url_of(upload(client, workbook))
    assert "1 will change" in text_of(client.get(preview))
    action_update(
        action=handbook,
        updated_by=secretariat_user,
        expected_version=handbook.version,
        title="Renamed meanwhile",
    )

    client.post(apply_url(preview))

    assert "1 not applied: changed by someone else" in text_of(client.get(preview))
    handbook.refresh_from_db()
    assert handbook.progress == 10


# --- refusals, row by row -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"Progress": 150}, "Progress is a whole number from 0 to 100."),
        ({"Progress": 40.5}, "Progress is a whole number from 0 to 100."),
        ({"Status": "Finished"}, "“Finished” is not a status an action can have."),
        (
            {"Due date": datetime.date(2027, 3, 5)},
            "Only secretariat staff can change the due date.",
        ),
        ({"Due date": "sometime"}, "The due date “sometime” is not a date"),
        ({"Due date": "05/03/2027"}, "could be read two ways (5 March or 3 May)"),
        ({"Note": "x" * 4001}, "The note has 4,001 characters; at most 4,000"),
    ],
)
def test_a_row_that_cannot_be_applied_is_refused_with_the_reason(
    client, ilo_focal_point, handbook, cells, reason
):
    client.force_login(ilo_focal_point)
    workbook = download(client)
    edit(workbook, handbook, **cells)

    page = client.get(preview_url_of(upload(client, workbook)))

    text = text_of(page)
    assert "1 refused" in text and "0 will change" in text
    assert reason in text
    assert "Handbook on fair recruitment" in text  # the row names its action


def test_another_agencys_row_and_an_unknown_id_are_refused(client, ilo_focal_point, iom, handbook):
    theirs = FollowUpActionFactory(title="IOM's own", lead=iom, progress=0)
    client.force_login(ilo_focal_point)
    workbook = download(client, "action_export_xlsx")  # every action, theirs too
    edit(workbook, theirs, Progress=90)
    sheet = workbook["Actions"]
    sheet.append([987654, 1, "Made up", None, None, None, None, None, None, None, 50])
    sheet.append(["abc", 1, "Typo", None, None, None, None, None, None, None, 50])

    preview = preview_url_of(upload(client, workbook))
    text = text_of(client.get(preview))

    assert "3 refused" in text
    assert "Not your organisation's action" in text
    assert "No action has the ID 987654." in text
    assert "The ID “abc” is not a whole number." in text
    client.post(apply_url(preview))
    theirs.refresh_from_db()
    assert theirs.progress == 0


def test_the_same_action_twice_in_a_file_is_refused_the_second_time(
    client, ilo_focal_point, handbook
):
    client.force_login(ilo_focal_point)
    body = f"ID,Progress\n{handbook.pk},20\n{handbook.pk},30\n".encode()
    text = text_of(client.get(preview_url_of(upload(client, body, "twice.csv"))))
    assert "1 will change" in text and "1 refused" in text
    assert f"Action {handbook.pk} is already on row 2: each action once." in text


def test_the_secretariat_may_change_a_due_date_through_the_edit_service(
    client, secretariat_user, handbook
):
    client.force_login(secretariat_user)
    workbook = download(client)
    edit(workbook, handbook, Due_date=datetime.date(2027, 3, 5))
    preview = preview_url_of(upload(client, workbook))
    assert "Due date: none → 5 March 2027" in text_of(client.get(preview))

    client.post(apply_url(preview))

    handbook.refresh_from_db()
    assert handbook.due_date == datetime.date(2027, 3, 5)
    assert handbook.audit_trail.first().history_user == secretariat_user
    assert StatusChange.objects.count() == 0  # an edit, not a report


def test_a_completed_row_is_set_to_100_percent_and_the_preview_says_so(
    client, ilo_focal_point, handbook
):
    client.force_login(ilo_focal_point)
    workbook = download(client)
    edit(workbook, handbook, Status="completed", Progress=40)
    text = text_of(client.get(preview_url_of(upload(client, workbook))))
    assert "Progress set to 100%: a completed action is done." in text


# --- CSV ----------------------------------------------------------------------------------


def test_a_csv_saved_with_semicolons_and_a_byte_order_mark_is_read(
    client, ilo_focal_point, handbook, toolkit
):
    client.force_login(ilo_focal_point)
    body = (
        "\ufeffID;Version;Titre;Status;Progress;Note\r\n"
        f'{handbook.pk};{handbook.version};"Manuel; recrutement";IN PROGRESS;40;"Début, enfin"\r\n'
        f"{toolkit.pk};{toolkit.version};Boîte à outils;in_progress;50;\r\n"
    ).encode()

    text = text_of(client.get(preview_url_of(upload(client, body, "actions.csv"))))

    assert "1 will change" in text and "1 unchanged" in text
    assert "Status: Planned → In progress" in text
    assert "Note: “Début, enfin”" in text


def test_a_csv_with_commas_and_labels_in_any_case_is_read(client, ilo_focal_point, handbook):
    client.force_login(ilo_focal_point)
    body = f"id,VERSION,status,progress (%)\n{handbook.pk},{handbook.version},on HOLD,10\n"
    text = text_of(client.get(preview_url_of(upload(client, body.encode(), "a.csv"))))
    assert "Status: Planned → On hold" in text


def test_a_file_without_versions_counts_as_read_when_uploaded(
    client, ilo_focal_point, secretariat_user, handbook
):
    client.force_login(ilo_focal_point)
    body = f"ID,Progress\n{handbook.pk},35\n".encode()
    preview = preview_url_of(upload(client, body, "mine.csv"))
    text = text_of(client.get(preview))
    assert "This file has no Version column" in text
    assert "Progress: 10% → 35%" in text
    action_change_status(
        action=handbook, changed_by=secretariat_user, status=Status.PLANNED, progress=15
    )

    client.post(apply_url(preview))

    handbook.refresh_from_db()
    assert handbook.progress == 15  # the save after the upload is not overwritten


# --- the preview's address ----------------------------------------------------------------


@pytest.fixture
def uploaded(client, ilo_focal_point, handbook):
    client.force_login(ilo_focal_point)
    workbook = download(client)
    edit(workbook, handbook, Progress=30)
    return preview_url_of(upload(client, workbook))


def test_an_expired_preview_is_410_with_a_link_to_upload_again(
    client, uploaded, handbook, ilo_focal_point
):
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        client.force_login(ilo_focal_point)  # a new day, a new session
        page = client.get(uploaded)
        applied = client.post(apply_url(uploaded))
    assert page.status_code == applied.status_code == 410
    assert "This preview has expired" in text_of(page)
    assert 'href="/actions/import/"' in page.content.decode()
    assert counts(handbook)[0] == 0


def test_a_tampered_reference_is_404(client, uploaded, handbook):
    reference = uploaded.split("/")[3]
    pk, timestamp, signature = reference.split(":")
    forged = f"/actions/import/{int(pk) + 1}:{timestamp}:{signature}/"
    for url in (forged, "/actions/import/12/", forged + "apply/"):
        response = client.post(url) if url.endswith("apply/") else client.get(url)
        assert response.status_code == 404, url
        assert "No such preview" in text_of(response)
    assert counts(handbook)[0] == 0


def test_someone_elses_preview_is_404(client, uploaded, iom_focal_point, handbook):
    client.force_login(iom_focal_point)
    assert client.get(uploaded).status_code == 404
    assert client.post(apply_url(uploaded)).status_code == 404
    assert counts(handbook)[0] == 0


def test_expired_batches_are_deleted_at_the_next_upload(
    client, uploaded, handbook, ilo_focal_point
):
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        client.force_login(ilo_focal_point)
        upload(client, f"ID,Progress\n{handbook.pk},40\n".encode(), "later.csv")
    assert list(ImportBatch.objects.values_list("file_name", flat=True)) == ["later.csv"]


def test_apply_only_answers_post(client, uploaded):
    assert client.get(apply_url(uploaded)).status_code == 405


# --- the pages ----------------------------------------------------------------------------


def test_the_upload_page_says_what_to_do_and_links_to_the_lists(client, ilo_focal_point):
    client.force_login(ilo_focal_point)
    page = client.get(reverse("spreadsheet_import"))
    html = page.content.decode()
    assert page.status_code == 200
    assert f'href="{reverse("my_export_xlsx")}"' in html
    assert 'href="/my/"' in html and 'href="/actions/"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "Status" in text_of(page) and "Progress" in text_of(page)


def test_the_preview_reads_a_fixed_number_of_queries(
    client, ilo_focal_point, ilo, django_assert_max_num_queries
):
    actions = FollowUpActionFactory.create_batch(60, lead=ilo, progress=0)
    client.force_login(ilo_focal_point)
    workbook = download(client)
    for action in actions:
        edit(workbook, action, Progress=50, Note="On track.")
    preview = preview_url_of(upload(client, workbook))
    with django_assert_max_num_queries(10):
        page = client.get(preview)
    assert "60 will change" in text_of(page)


def test_an_observer_may_upload_but_every_row_is_refused(client, observer, handbook):
    client.force_login(observer)
    body = f"ID,Progress\n{handbook.pk},35\n".encode()
    text = text_of(client.get(preview_url_of(upload(client, body, "a.csv"))))
    assert "1 refused" in text and "Not your organisation's action" in text


def test_the_uploader_is_recorded_with_the_file_name(client, ilo_focal_point, handbook):
    client.force_login(ilo_focal_point)
    upload(client, f"ID,Progress\n{handbook.pk},35\n".encode(), "ilo-december.csv")
    batch = ImportBatch.objects.get()
    assert (batch.uploaded_by, batch.file_name) == (ilo_focal_point, "ilo-december.csv")


def test_the_csv_download_uploaded_back_unchanged_changes_nothing(
    client, ilo_focal_point, handbook, toolkit
):
    """The CSV has no Version column, dates as text and "Progress (%)": all read, all equal."""
    handbook.due_date = datetime.date(2027, 3, 5)
    handbook.save()
    client.force_login(ilo_focal_point)
    body = b"".join(client.get(reverse("my_export")).streaming_content)

    text = text_of(client.get(preview_url_of(upload(client, body, "gfmd-my-actions.csv"))))

    assert "0 will change" in text and "2 unchanged" in text and "0 refused" in text
    assert "This file has no Version column" in text


def test_a_batch_whose_applying_was_interrupted_says_so_and_is_not_applied_again(
    client, uploaded, handbook
):
    ImportBatch.objects.update(applied_at=timezone.now())  # claimed, then the process died

    page = client.get(uploaded)
    again = client.post(apply_url(uploaded), follow=True)

    assert "Applying this file was interrupted, and its summary was not recorded." in text_of(page)
    assert "already applied; nothing was applied again" in text_of(again)
    assert counts(handbook)[0] == 0


def test_sending_the_form_without_a_file_asks_for_one(client, ilo_focal_point):
    client.force_login(ilo_focal_point)
    response = client.post(reverse("spreadsheet_import"), {})
    assert response.status_code == 400
    assert "Choose a file to upload." in text_of(response)
