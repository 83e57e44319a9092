"""The forum page: the meeting, its round tables and sessions, and its follow-up."""

import datetime

import pytest
from django.urls import reverse

from actions.models import FollowUpAction
from roundtables.models import Meeting
from tests.factories import (
    FollowUpActionFactory,
    ForumFactory,
    GovernmentFactory,
    OrganisationFactory,
    RoundTableFactory,
    SessionFactory,
)

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

# Session and user for the signed-in request (the user read with whether they are
# secretariat, which the navigation's Digest log link asks), then forum (+ host), steering group,
# round tables, sessions, coordinators, actions (+ lead, round table, session), partners.
# With its calendar (the meetings, their sittings) and what the sources say of it.
FORUM_PAGE_QUERIES = 12


def build_forum(size):
    """A forum with `size` sessions, `size` actions and their partners and coordinators."""
    forum = ForumFactory(
        number=1,
        short_name="GFMD I",
        city="Brussels",
        host_government=GovernmentFactory(acronym="Belgium"),
        start_date=datetime.date(2007, 7, 9),
        end_date=datetime.date(2007, 7, 11),
    )
    forum.steering_group.set([GovernmentFactory(), GovernmentFactory()])
    for day in range(1, size + 1):
        meeting = Meeting.objects.create(
            slug=f"meeting-{day}",
            name=f"Meeting {day}",
            kind=Meeting.Kind.PREPARATORY,
            forum=forum,
            start_date=datetime.date(2007, 5, 1) + datetime.timedelta(days=day),
        )
        starts_at = datetime.datetime(2007, 5, 1, 9, tzinfo=datetime.UTC) + datetime.timedelta(
            days=day
        )
        meeting.sittings.create(
            starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=3)
        )
    round_tables = [
        RoundTableFactory(forum=forum, number=1, theme="Human capital development"),
        RoundTableFactory(forum=forum, number=2, theme="Remittances"),
    ]
    sessions = []
    for index in range(size):
        round_table = round_tables[index % 2]
        session = SessionFactory(round_table=round_table, code=f"{round_table.number}.{index + 1}")
        session.coordinators.add(GovernmentFactory())
        sessions.append(session)
    for index in range(size):
        session = sessions[index]
        FollowUpActionFactory(
            forum=forum,
            round_table=session.round_table,
            session=session,
            lead=OrganisationFactory(),
            partners=[OrganisationFactory(), OrganisationFactory()],
        )
    return forum


@pytest.mark.django_db
def test_anonymous_is_sent_to_the_login_page(client):
    forum = ForumFactory()
    url = reverse("forum_detail", args=[forum.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "next=" in response.url


@pytest.mark.django_db
def test_shows_the_forum_its_round_tables_sessions_and_actions(client, observer, ilo):
    forum = ForumFactory(
        number=1,
        short_name="GFMD I",
        city="Brussels",
        host_government=GovernmentFactory(acronym="Belgium", name="Belgium"),
        start_date=datetime.date(2007, 7, 9),
        end_date=datetime.date(2007, 7, 11),
    )
    forum.steering_group.add(GovernmentFactory(acronym="Morocco", name="Morocco"))
    round_table = RoundTableFactory(forum=forum, number=1, theme="Human capital development")
    session = SessionFactory(
        round_table=round_table,
        code="1.2",
        title="Temporary labour migration",
        starts_at=datetime.datetime(2007, 7, 10, 7, 30, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2007, 7, 10, 9, 0, tzinfo=datetime.UTC),
    )
    session.coordinators.add(GovernmentFactory(acronym="Philippines", name="Philippines"))
    FollowUpActionFactory(
        forum=forum, round_table=round_table, session=session, lead=ilo, title="Compendium"
    )
    client.force_login(observer)

    response = client.get(reverse("forum_detail", args=[forum.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 lang="en">GFMD I, Brussels</h1>' in html
    assert "9–11 July 2007" in html
    assert reverse("agency_detail", args=["Belgium"]) in html
    assert "Morocco" in html
    assert "Round table 1: Human capital development" in html
    assert reverse("session_detail", args=[session.pk]) in html
    assert "Temporary labour migration" in html
    assert "Philippines" in html
    # 07:30 UTC in July is 09:30 in Geneva.
    assert "10 Jul 2007, 09:30" in html
    assert "Compendium" in html
    assert reverse("agency_detail", args=["ILO"]) in html


@pytest.mark.django_db
def test_progress_per_round_table_leaves_out_cancelled_actions(client, observer):
    forum = ForumFactory()
    round_table = RoundTableFactory(forum=forum, number=1)
    FollowUpActionFactory(forum=forum, round_table=round_table, progress=20)
    FollowUpActionFactory(forum=forum, round_table=round_table, progress=60)
    FollowUpActionFactory(
        forum=forum,
        round_table=round_table,
        progress=100,
        status=FollowUpAction.Status.CANCELLED,
    )
    client.force_login(observer)

    html = client.get(reverse("forum_detail", args=[forum.pk])).content.decode()

    assert "2 actions, average progress 40%" in html


@pytest.mark.django_db
def test_a_forum_with_nothing_yet_says_so(client, observer):
    forum = ForumFactory()
    client.force_login(observer)

    response = client.get(reverse("forum_detail", args=[forum.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "No round tables recorded for this forum." in html
    assert "No follow-up actions recorded for this forum." in html


@pytest.mark.django_db
def test_unknown_forum_is_404(client, observer):
    client.force_login(observer)
    assert client.get(reverse("forum_detail", args=[987654])).status_code == 404


@pytest.mark.django_db
def test_titles_are_escaped(client, observer):
    forum = ForumFactory(city=SCRIPT)
    round_table = RoundTableFactory(forum=forum, number=1, theme=SCRIPT)
    SessionFactory(round_table=round_table, code="1.1", title=SCRIPT)
    FollowUpActionFactory(forum=forum, title=SCRIPT)
    client.force_login(observer)

    html = client.get(reverse("forum_detail", args=[forum.pk])).content.decode()

    assert SCRIPT not in html
    assert ESCAPED in html


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
def test_query_count_does_not_grow_with_the_forum(
    client, observer, django_assert_num_queries, size
):
    forum = build_forum(size)
    client.force_login(observer)
    url = reverse("forum_detail", args=[forum.pk])

    with django_assert_num_queries(FORUM_PAGE_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
    assert response.content.decode().count("/actions/") >= size
