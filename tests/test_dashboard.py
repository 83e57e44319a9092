"""/: what needs attention, at a glance, in a fixed number of queries."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from actions.models import FollowUpAction
from actions.services import action_change_status
from tests.factories import FollowUpActionFactory, OrganisationFactory, RoundTableFactory

Status = FollowUpAction.Status
NOW = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def section(html, heading_id):
    """The HTML of one dashboard section."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


@pytest.mark.django_db
def test_dashboard_panels(client, secretariat_user, ilo):
    round_table = RoundTableFactory(number=2)
    long_ago = NOW - datetime.timedelta(days=61)
    FollowUpActionFactory(
        title="Late workshop",
        status=Status.IN_PROGRESS,
        progress=40,
        due_date=TODAY - datetime.timedelta(days=1),
        forum=round_table.forum,
        round_table=round_table,
    )
    FollowUpActionFactory(
        title="Soon handbook", status=Status.PLANNED, due_date=TODAY + datetime.timedelta(days=30)
    )
    FollowUpActionFactory(
        title="Later study", status=Status.PLANNED, due_date=TODAY + datetime.timedelta(days=31)
    )
    FollowUpActionFactory(
        title="Forgotten network",
        status=Status.PROPOSED,
        last_reported_at=long_ago,
        status_changed_at=long_ago,
    )
    done = FollowUpActionFactory(
        title="Finished compendium",
        status=Status.IN_PROGRESS,
        progress=60,
        lead=ilo,
        due_date=TODAY - datetime.timedelta(days=10),
    )
    action_change_status(
        action=done, changed_by=secretariat_user, status=Status.COMPLETED, note="Published."
    )
    client.force_login(secretariat_user)

    html = client.get(reverse("dashboard")).content.decode()

    assert "Late workshop" in section(html, "overdue-heading")
    assert "Finished compendium" not in section(html, "overdue-heading")
    assert "Soon handbook" in section(html, "due-soon-heading")
    assert "Later study" not in section(html, "due-soon-heading")
    assert "Forgotten network" in section(html, "stale-heading")
    assert "Late workshop" not in section(html, "stale-heading")
    latest = section(html, "latest-heading")
    assert "Finished compendium" in latest and "In progress → Completed, progress 100%" in latest
    assert '<span class="count">2</span> Planned' in html
    assert '<span class="count">1</span> Completed' in html
    assert "5 follow-up actions" in html
    # Round table 2 has one action at 40%.
    assert "40%" in html


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [5, 50])
def test_dashboard_runs_a_fixed_number_of_queries(
    client, secretariat_user, django_assert_num_queries, rows, ilo
):
    for index in range(rows):
        FollowUpActionFactory(
            lead=ilo,
            partners=[ilo],
            status=Status.IN_PROGRESS,
            # Every panel has rows at both sizes: overdue, due soon, and stale.
            due_date=TODAY + datetime.timedelta(days=index % 3 * 10 - 10),
            last_reported_at=NOW - datetime.timedelta(days=index % 2 * 70),
        )
    client.force_login(secretariat_user)
    # session, user (with whether they are secretariat), the three action panels, their
    # partners (one query for all three), latest changes, the tally, forums and round tables,
    # the shared views with their owners.
    with django_assert_num_queries(11):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200


@pytest.mark.django_db
def test_average_progress_is_rounded_to_the_nearest_whole_per_cent_halves_up(
    client, secretariat_user
):
    round_table = RoundTableFactory(number=1, theme="Human capital")
    forum = round_table.forum
    for progress in (25, 0):  # 12.5%
        FollowUpActionFactory(forum=forum, round_table=round_table, progress=progress)
    FollowUpActionFactory(forum=forum, progress=100, status=Status.CANCELLED)  # left out
    client.force_login(secretariat_user)

    html = client.get(reverse("dashboard")).content.decode()

    row = html[html.index("Human capital") :]
    row = row[: row.index("</tr>")]
    assert '<td class="num">2</td><td class="num">13%</td>' in row
    forum_row = html[html.index(reverse("forum_detail", args=[forum.pk])) :]
    assert '<td class="num">2</td><td class="num">13%</td>' in forum_row[: forum_row.index("</tr>")]


@pytest.mark.django_db
def test_every_panel_shows_its_actions_partners(client, secretariat_user, ilo):
    iom = OrganisationFactory(acronym="IOM")
    FollowUpActionFactory(
        title="Late and forgotten",
        status=Status.IN_PROGRESS,
        due_date=TODAY - datetime.timedelta(days=5),
        last_reported_at=NOW - datetime.timedelta(days=90),
        partners=[iom],
    )
    FollowUpActionFactory(
        title="Soon", status=Status.PLANNED, due_date=TODAY + datetime.timedelta(days=3),
        partners=[ilo],
    )  # fmt: skip
    client.force_login(secretariat_user)

    html = client.get(reverse("dashboard")).content.decode()

    assert "IOM" in section(html, "overdue-heading")
    assert "IOM" in section(html, "stale-heading")  # the same action, in a second panel
    assert "ILO" in section(html, "due-soon-heading")
    assert "IOM" not in section(html, "due-soon-heading")
