"""Progress nobody stated is "not reported", never 0 %: in the record, on every page, in
the downloads, the digests and the averages (which leave it out and say how many)."""

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from actions.models import FollowUpAction, StatusChange
from actions.services import action_change_status, action_create
from tests.factories import (
    FocalPointFactory,
    FollowUpActionFactory,
    RoundTableFactory,
    UserFactory,
)
from tests.test_action_tally import assert_in_step

pytestmark = pytest.mark.django_db
Status = FollowUpAction.Status

# In progress, and no source gives a figure (issue "The whole GFMD record").
UNDER_WAY_WITH_NO_FIGURE = {
    "migration-and-development-handbook",
    "rcp-consultation",
    "marketplace-partner-governments-follow-up",
    "iom-expert-seconded-philippine-task-force",
    "idm-2009-human-rights-and-migration",
}


def says_zero_percent(text):
    """Whether the text shows 0 % ("0%", not the end of "100%")."""
    return re.search(r"(?<!\d)0\s?%", text) is not None


def load():
    out = io.StringIO()
    call_command("load_gfmd", stdout=out)
    return out.getvalue()


@pytest.fixture
def record():
    load()


def not_reported_slugs():
    return set(FollowUpAction.objects.filter(progress=None).values_list("slug", flat=True))


def test_the_record_gives_a_progress_only_where_the_action_is_completed(record):
    figures = dict(FollowUpAction.objects.values_list("slug", "progress"))
    assert {slug for slug, progress in figures.items() if progress is not None} == {
        "compendium-bilateral-temporary-labour-arrangements",
        "iom-cms-conference-2008",
    }
    assert not_reported_slugs() >= UNDER_WAY_WITH_NO_FIGURE
    assert set(
        FollowUpAction.objects.filter(slug__in=UNDER_WAY_WITH_NO_FIGURE).values_list(
            "status", flat=True
        )
    ) == {Status.IN_PROGRESS}
    # Their first history entries say so too.
    assert not StatusChange.objects.filter(progress=0).exists()


def test_the_list_and_the_action_page_say_not_reported_never_zero(client, observer, record):
    client.force_login(observer)
    listed = client.get(reverse("action_list")).content.decode()
    handbook = FollowUpAction.objects.get(slug="migration-and-development-handbook")

    assert not says_zero_percent(listed)
    assert listed.count('<span class="muted">not reported</span>') == len(not_reported_slugs())
    page = client.get(reverse("action_detail", args=[handbook.pk])).content.decode()
    assert "In progress, progress not reported" in page
    assert "Recorded as in progress, progress not reported" in page
    assert not says_zero_percent(page)


def test_an_unreported_action_does_not_pull_an_average_down_and_is_counted_apart(client, observer):
    round_table = RoundTableFactory(number=1, theme="Human capital")
    forum = round_table.forum
    FollowUpActionFactory(forum=forum, round_table=round_table, progress=60)
    FollowUpActionFactory(forum=forum, round_table=round_table, progress=None)
    FollowUpActionFactory(forum=forum, round_table=round_table, progress=None)
    client.force_login(observer)

    dashboard = client.get(reverse("dashboard")).content.decode()
    row = dashboard[dashboard.index("Human capital") :]
    row = row[: row.index("</tr>")]
    unreported = '<span class="muted unreported">(2 not reported)</span>'
    assert f'<td class="num">3</td><td class="num">60% {unreported}</td>' in row

    forum_page = client.get(reverse("forum_detail", args=[forum.pk])).content.decode()
    assert "Follow-up: 3 actions, average progress 60%" in forum_page
    assert "(2 not reported)" in forum_page
    forums = client.get(reverse("forum_list")).content.decode()
    assert '60%</span> <span class="muted unreported">(2 not reported)</span>' in forums


def test_with_no_progress_reported_the_average_is_not_reported_either(client, observer):
    round_table = RoundTableFactory(number=1, theme="Human capital")
    FollowUpActionFactory(forum=round_table.forum, round_table=round_table, progress=None)
    client.force_login(observer)

    dashboard = client.get(reverse("dashboard")).content.decode()
    row = dashboard[dashboard.index("Human capital") :]
    assert (
        'not reported <span class="muted unreported">(1 not reported)</span>'
        in row[: row.index("</tr>")]
    )
    forums = client.get(reverse("forum_list")).content.decode()
    assert "No actions to average" not in forums
    assert '<span class="muted">not reported</span>' in forums


def test_the_downloads_leave_the_progress_empty(client, observer):
    FollowUpActionFactory(title="Unreported", progress=None)
    FollowUpActionFactory(title="At zero", progress=0)
    client.force_login(observer)

    response = client.get(reverse("action_export"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {row["Title"]: row["Progress (%)"] for row in csv.DictReader(io.StringIO(text))}
    assert rows == {"Unreported": "", "At zero": "0"}

    from openpyxl import load_workbook

    response = client.get(reverse("action_export_xlsx"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    header, *cells = sheet.iter_rows(values_only=True)
    progress = {row[header.index("Title")]: row[header.index("Progress")] for row in cells}
    assert progress == {"Unreported": None, "At zero": 0}


def test_a_report_with_no_figure_keeps_the_progress_not_reported(client, secretariat_user, record):
    handbook = FollowUpAction.objects.get(slug="migration-and-development-handbook")
    client.force_login(secretariat_user)

    response = client.post(
        reverse("action_status", args=[handbook.pk]),
        {"status": Status.IN_PROGRESS, "progress": "", "note": "Drafting.", "version": 1},
    )

    assert response.status_code == 302
    handbook.refresh_from_db()
    assert (handbook.status, handbook.progress, handbook.reported_in_portal) == (
        Status.IN_PROGRESS,
        None,
        True,
    )
    assert handbook.history.first().summary == "Confirmed: still in progress, progress not reported"


def test_a_new_action_with_no_progress_typed_is_not_reported(client, secretariat_user, record):
    forum = FollowUpAction.objects.first().forum
    client.force_login(secretariat_user)

    response = client.post(
        reverse("action_create"),
        {"title": "Regional workshop", "forum": forum.pk, "status": Status.PLANNED, "progress": ""},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert FollowUpAction.objects.get(title="Regional workshop").progress is None


def test_completing_an_unreported_action_sets_it_to_100(secretariat_user):
    action = FollowUpActionFactory(status=Status.IN_PROGRESS, progress=None)
    change = action_change_status(
        action=action, changed_by=secretariat_user, status=Status.COMPLETED
    )
    assert change.progress == 100
    assert change.summary == "In progress → Completed, progress 100%"


def test_the_counts_follow_progress_coming_and_going(secretariat_user):
    round_table = RoundTableFactory()
    action = action_create(
        created_by=secretariat_user,
        title="Handbook",
        forum=round_table.forum,
        round_table=round_table,
        status=Status.IN_PROGRESS,
    )
    assert action.progress is None
    assert_in_step()
    action_change_status(
        action=action, changed_by=secretariat_user, status="in_progress", progress=30
    )
    assert_in_step()
    FollowUpAction.objects.filter(pk=action.pk).update(progress=None)
    assert_in_step()
    FollowUpAction.objects.filter(pk=action.pk).delete()
    assert_in_step()


def test_a_portal_loaded_with_placeholders_loses_them_once_and_keeps_reports(
    secretariat_user, record
):
    # As the older record left them: 0 % on every action not completed, and in its history.
    FollowUpAction.objects.exclude(status=Status.COMPLETED).update(progress=0)
    StatusChange.objects.filter(progress=None).update(progress=0)
    reported = FollowUpAction.objects.get(slug="rcp-consultation")
    action_change_status(
        action=reported, changed_by=secretariat_user, status="in_progress", progress=0, note="0."
    )

    load()

    assert not_reported_slugs() == set(
        FollowUpAction.objects.exclude(status=Status.COMPLETED)
        .exclude(pk=reported.pk)
        .values_list("slug", flat=True)
    )
    reported.refresh_from_db()
    assert reported.progress == 0  # a report is never overwritten
    # The record's own first entries say "not reported" too, but of the action reported on.
    first_entries = StatusChange.objects.filter(old_status="", changed_by=None)
    assert set(first_entries.exclude(progress=None).values_list("action__slug", flat=True)) == {
        "compendium-bilateral-temporary-labour-arrangements",
        "iom-cms-conference-2008",
        reported.slug,
    }
    assert "0 created, 0 updated, 18 unchanged" in load()


def test_a_digest_says_not_reported(ilo):
    now = datetime.datetime(2026, 11, 23, 5, 0, tzinfo=datetime.UTC)
    user = FocalPointFactory(user=UserFactory(username="ilo-fp"), organisation=ilo).user
    FollowUpActionFactory(
        title="Overdue workshop",
        lead=ilo,
        status=Status.IN_PROGRESS,
        progress=None,
        due_date=datetime.date(2026, 11, 1),
    )
    with time_machine.travel(now, tick=False):
        call_command("send_digests", user=user.username, stdout=io.StringIO())

    (message,) = mail.outbox
    assert "(In progress, not reported)" in message.body
    (html, _mimetype), *_ = message.alternatives
    assert "In progress, not reported" in html
    assert not says_zero_percent(message.body + html)


@pytest.mark.django_db(transaction=True)
def test_a_portal_migrated_before_this_goes_back_and_forward_with_its_counts(secretariat_user):
    """Migration 0013 on a database `migrate` left with its triggers (SQLite cannot rebuild
    the tally table under them), and back: "not reported" becomes 0 again, and 0008's
    triggers keep the counts at 0012."""
    from django.db import connection

    from actions import triggers

    round_table = RoundTableFactory()
    FollowUpActionFactory(forum=round_table.forum, round_table=round_table, progress=None)
    FollowUpActionFactory(forum=round_table.forum, round_table=round_table, progress=40)

    call_command("migrate", "actions", "0012", verbosity=0)
    try:
        assert FollowUpAction.objects.values_list("progress", flat=True).count() == 2
        with connection.cursor() as cursor:
            cursor.execute("UPDATE actions_followupaction SET progress = progress + 1")
            cursor.execute("SELECT SUM(actions), SUM(progress_sum) FROM actions_actiontally")
            assert cursor.fetchone() == (2, 42)  # 0 and 40, one more each
    finally:
        call_command("migrate", verbosity=0)

    assert triggers.missing(connection) == []
    assert sorted(FollowUpAction.objects.values_list("progress", flat=True)) == [1, 41]
    FollowUpActionFactory(forum=round_table.forum, round_table=round_table, progress=None)
    assert_in_step()
