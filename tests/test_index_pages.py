"""The index pages /agencies/ and /forums/, and the navigation that leads to them."""

import datetime
import re

import pytest
from django.urls import reverse

from actions.models import FollowUpAction
from agencies.models import Organisation
from tests.factories import (
    FollowUpActionFactory,
    ForumFactory,
    GovernmentFactory,
    OrganisationFactory,
    RoundTableFactory,
    SessionFactory,
)

# Session, user, the secretariat check of the navigation (Digest log), then the
# organisations with their led count and the partnered counts.
AGENCY_LIST_QUERIES = 5
# Session, user, the navigation's secretariat check, then the action tally, the forums and
# round tables _progress_tables reads, and the forums with their host and counts.
FORUM_LIST_QUERIES = 7


def _row(html, text):
    """The table row (<tr>...</tr>) holding `text`."""
    rows = re.findall(r"<tr>.*?</tr>", html, flags=re.S)
    found = [row for row in rows if text in row]
    assert len(found) == 1, f"{len(found)} rows hold {text!r}"
    return found[0]


def _plain(markup):
    """The text of some markup, its white space collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", markup)).strip()


def _card(html, text):
    """What the forum card holding `text` says: its heading, then {term: description}."""
    cards = re.findall(r'<li class="forum-card">.*?</li>', html, flags=re.S)
    (card,) = [card for card in cards if text in card]
    heading = _plain(re.search(r"<h2>(.*?)</h2>", card, flags=re.S)[1])
    facts = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", card, flags=re.S)
    return heading, {_plain(term): _plain(value) for term, value in facts}


def _cells(row):
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
    ]


# --- /agencies/ -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_agencies_page_groups_organisations_by_kind_with_their_counts(client, observer):
    ilo = OrganisationFactory(acronym="ILO", name="International Labour Organization")
    unhcr = OrganisationFactory(acronym="UNHCR", name="UN Refugee Agency", is_gmg_member=False)
    morocco = GovernmentFactory(acronym="Morocco", name="Morocco")
    OrganisationFactory(
        acronym="ICMC", name="Catholic Migration Commission", kind=Organisation.Kind.CIVIL_SOCIETY
    )
    forum = ForumFactory(host_government=morocco)
    FollowUpActionFactory(forum=forum, lead=ilo, partners=[morocco, unhcr])
    FollowUpActionFactory(forum=forum, lead=ilo, partners=[morocco])
    FollowUpActionFactory(forum=forum, lead=morocco, partners=[ilo])
    client.force_login(observer)

    response = client.get(reverse("agency_list"))
    html = response.content.decode()

    assert response.status_code == 200
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    assert headings == ["UN agencies", "Governments", "Civil society"]
    assert _cells(_row(html, "International Labour Organization")) == [
        "International Labour Organization (ILO)",
        "Yes",
        "2",
        "1",
    ]
    assert _cells(_row(html, "UN Refugee Agency")) == ["UN Refugee Agency (UNHCR)", "No", "0", "1"]
    # A government's acronym is its name: not said twice.
    assert _cells(_row(html, ">Morocco<")) == ["Morocco", "No", "1", "2"]
    assert f'href="{reverse("agency_detail", args=["ILO"])}"' in html
    assert "4 in all" in html


@pytest.mark.django_db
def test_the_agencies_page_says_when_there_are_none(client, observer):
    client.force_login(observer)
    html = client.get(reverse("agency_list")).content.decode()
    assert "No organisations are recorded yet." in html


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_the_agencies_page_runs_the_same_queries_however_many_organisations(
    client, observer, django_assert_max_num_queries, size
):
    forum = ForumFactory()  # and its host government
    for _ in range(size):
        FollowUpActionFactory(
            forum=forum,
            lead=OrganisationFactory(),
            partners=[GovernmentFactory(), OrganisationFactory()],
        )
    client.force_login(observer)

    with django_assert_max_num_queries(AGENCY_LIST_QUERIES):
        response = client.get(reverse("agency_list"))

    assert response.status_code == 200
    # The host, three organisations per action, a header row per kind.
    assert response.content.decode().count("<tr>") == 1 + 3 * size + 2


# --- /forums/ -------------------------------------------------------------------------


def _forum_with_actions():
    forum = ForumFactory(
        number=1,
        short_name="GFMD I",
        city="Brussels",
        host_government=GovernmentFactory(acronym="Belgium", name="Belgium"),
        start_date=datetime.date(2007, 7, 9),
        end_date=datetime.date(2007, 7, 11),
    )
    first, second = (RoundTableFactory(forum=forum, number=n) for n in (1, 2))
    for code in ("1.1", "1.2"):
        SessionFactory(round_table=first, code=code)
    SessionFactory(round_table=second, code="2.1")
    FollowUpActionFactory(forum=forum, round_table=first, progress=20, status="in_progress")
    FollowUpActionFactory(forum=forum, round_table=second, progress=25, status="in_progress")
    # Counted among the actions, left out of the average, as on the dashboard.
    FollowUpActionFactory(forum=forum, progress=90, status=FollowUpAction.Status.CANCELLED)
    return forum


@pytest.mark.django_db
def test_the_forums_page_lists_each_forum_with_its_numbers(client, observer):
    forum = _forum_with_actions()
    manila = ForumFactory(
        number=2,
        short_name="GFMD II",
        city="Manila",
        host_government=GovernmentFactory(acronym="Philippines", name="Philippines"),
        period_label="October 2008",
    )
    client.force_login(observer)

    response = client.get(reverse("forum_list"))
    html = response.content.decode()

    assert response.status_code == 200
    assert _card(html, "GFMD I,") == (
        "GFMD I, Brussels",
        {
            "When": "9–11 July 2007",
            "Host": "Belgium",
            "Round tables": "2",
            "Sessions": "3",
            "Follow-up actions": "3",
            "Average progress": "23%",  # 20 % and 25 %, halves up (average_percent)
        },
    )
    # No action yet: no average, not 0 %.
    assert _card(html, "GFMD II,") == (
        "GFMD II, Manila",
        {
            "When": "October 2008",
            "Host": "Philippines",
            "Round tables": "0",
            "Sessions": "0",
            "Follow-up actions": "0",
            "Average progress": "No actions to average",
        },
    )
    assert f'href="{reverse("forum_detail", args=[forum.pk])}"' in html
    assert f'href="{reverse("forum_detail", args=[manila.pk])}"' in html


@pytest.mark.django_db
def test_a_forum_of_cancelled_actions_only_has_no_average(client, observer):
    forum = ForumFactory(short_name="GFMD III")
    FollowUpActionFactory(forum=forum, progress=50, status=FollowUpAction.Status.CANCELLED)
    client.force_login(observer)

    html = client.get(reverse("forum_list")).content.decode()

    facts = _card(html, "GFMD III")[1]
    assert (facts["Follow-up actions"], facts["Average progress"]) == ("1", "No actions to average")


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 12])
def test_the_forums_page_runs_the_same_queries_however_many_forums(
    client, observer, django_assert_max_num_queries, size
):
    for number in range(1, size + 1):
        forum = ForumFactory(number=number)
        round_table = RoundTableFactory(forum=forum, number=1)
        SessionFactory(round_table=round_table, code="1.1")
        FollowUpActionFactory(forum=forum, round_table=round_table, progress=number)
    client.force_login(observer)

    with django_assert_max_num_queries(FORUM_LIST_QUERIES):
        response = client.get(reverse("forum_list"))

    assert response.status_code == 200
    assert response.content.decode().count('<li class="forum-card">') == size


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["forum_list", "agency_list"])
def test_the_index_pages_need_a_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- The navigation ---------------------------------------------------------------------


def _nav(html):
    return re.search(r'<nav aria-label="Main">(.*?)</nav>', html, flags=re.S)[1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "current"),
    [
        (lambda: reverse("forum_list"), "Forums"),
        (lambda: reverse("forum_detail", args=[ForumFactory().pk]), "Forums"),
        (lambda: reverse("agency_list"), "Agencies"),
        (lambda: reverse("agency_detail", args=[OrganisationFactory().acronym]), "Agencies"),
        (lambda: reverse("digest_log"), "Digest log"),
        (lambda: reverse("dashboard"), "Dashboard"),
    ],
)
def test_the_navigation_marks_the_page_it_is_on(client, secretariat_user, url, current):
    client.force_login(secretariat_user)

    nav = _nav(client.get(url()).content.decode())

    assert re.findall(r'aria-current="page">([^<]+)<', nav) == [current]
    for label in ("Forums", "Agencies", "Digest log"):
        assert f">{label}</a>" in nav


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["ilo_focal_point", "observer"])
def test_only_secretariat_staff_see_the_digest_log_in_the_navigation(request, client, persona):
    client.force_login(request.getfixturevalue(persona))

    nav = _nav(client.get(reverse("forum_list")).content.decode())

    assert ">Forums</a>" in nav and ">Agencies</a>" in nav
    assert "Digest log" not in nav
    assert reverse("digest_log") not in nav
