"""The session page: one session, who was involved in it, and its follow-up."""

import datetime

import pytest
from django.urls import reverse

from record.models import Citation, Source
from roundtables.models import Involvement
from tests.factories import (
    FollowUpActionFactory,
    ForumFactory,
    GovernmentFactory,
    InvolvementFactory,
    OrganisationFactory,
    RoundTableFactory,
    SessionFactory,
)

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

# Session and user for the signed-in request (the user read with whether they are
# secretariat, which the navigation's Digest log link asks), then session (+ round table, forum),
# coordinators, involvements (+ organisation), actions (+ lead, forum, ...), partners.
# Who asked for each involvement, and the documents they come from: three more.
SESSION_PAGE_QUERIES = 10


def make_session(**kwargs):
    forum = ForumFactory(number=1, short_name="GFMD I", city="Brussels")
    round_table = RoundTableFactory(forum=forum, number=1, theme="Human capital development")
    return SessionFactory(round_table=round_table, code="1.2", **kwargs)


@pytest.mark.django_db
def test_anonymous_is_sent_to_the_login_page(client):
    session = make_session()
    response = client.get(reverse("session_detail", args=[session.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_shows_the_session_its_involvements_and_actions(client, observer, ilo, iom):
    session = make_session(
        title="Temporary labour migration",
        starts_at=datetime.datetime(2007, 7, 10, 12, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2007, 7, 10, 13, 30, tzinfo=datetime.UTC),
    )
    world_bank = GovernmentFactory(acronym="World Bank", name="The World Bank")
    session.coordinators.add(GovernmentFactory(acronym="Philippines", name="Philippines"))
    InvolvementFactory(
        session=session,
        organisation=ilo,
        role=Involvement.Role.RAPPORTEUR,
        detail="Drafted the report",
    )
    InvolvementFactory(session=session, organisation=world_bank, role=Involvement.Role.SPEAKER)
    FollowUpActionFactory(
        forum=session.round_table.forum,
        round_table=session.round_table,
        session=session,
        lead=iom,
        title="Pilot a circular migration scheme",
    )
    client.force_login(observer)

    response = client.get(reverse("session_detail", args=[session.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Session 1.2: Temporary labour migration" in html
    assert "Human capital development" in html
    assert reverse("forum_detail", args=[session.round_table.forum.pk]) in html
    assert "GFMD I" in html
    # 12:00 UTC in July is 14:00 in Geneva; same day, so the end shows the time only.
    assert "10 Jul 2007, 14:00" in html
    assert "15:30" in html
    assert reverse("agency_detail", args=["Philippines"]) in html
    assert reverse("agency_detail", args=["ILO"]) in html
    assert "Rapporteur" in html
    assert "Drafted the report" in html
    assert reverse("agency_detail", args=["World Bank"]) in html
    assert "/agencies/World%20Bank/" in html
    assert "Pilot a circular migration scheme" in html
    # Breadcrumbs lead back: Dashboard › GFMD I › Session 1.2
    assert 'aria-label="Breadcrumb"' in html
    assert reverse("dashboard") in html


@pytest.mark.django_db
def test_unknown_session_is_404(client, observer):
    client.force_login(observer)
    assert client.get(reverse("session_detail", args=[987654])).status_code == 404


@pytest.mark.django_db
def test_titles_are_escaped(client, observer):
    session = make_session(title=SCRIPT)
    InvolvementFactory(session=session, organisation=OrganisationFactory(name=SCRIPT))
    FollowUpActionFactory(
        forum=session.round_table.forum,
        round_table=session.round_table,
        session=session,
        title=SCRIPT,
    )
    client.force_login(observer)

    html = client.get(reverse("session_detail", args=[session.pk])).content.decode()

    assert SCRIPT not in html
    assert ESCAPED in html


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
def test_query_count_does_not_grow_with_the_session(
    client, observer, django_assert_num_queries, size
):
    session = make_session()
    source = Source.objects.create(key=f"seed-{size}.txt", title="An information note")
    for _ in range(size):
        session.coordinators.add(GovernmentFactory())
        involvement = InvolvementFactory(session=session, organisation=OrganisationFactory())
        involvement.requested_by.add(GovernmentFactory())
        Citation.objects.create(source=source, involvement=involvement)
        FollowUpActionFactory(
            forum=session.round_table.forum,
            round_table=session.round_table,
            session=session,
            lead=OrganisationFactory(),
            partners=[OrganisationFactory(), OrganisationFactory()],
        )
    client.force_login(observer)
    url = reverse("session_detail", args=[session.pk])

    with django_assert_num_queries(SESSION_PAGE_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
