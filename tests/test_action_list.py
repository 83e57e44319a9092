"""/actions/ and /my/: every filter, combinations, invalid values, sorting, paging, queries."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import ActionsOfOrganisations, FollowUpAction
from tests.factories import (
    FollowUpActionFactory,
    ForumFactory,
    OrganisationFactory,
    RoundTableFactory,
    SessionFactory,
)

Status = FollowUpAction.Status
TODAY = datetime.date(2026, 11, 23)
NOW = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(NOW, tick=False):
        yield


def titles(response):
    """The action titles listed in the result table, in order."""
    table = response.content.decode().split('<table class="action-table">')
    if len(table) < 2:
        return []
    return re.findall(r'<td><a href="/actions/\d+/">([^<]+)</a></td>', table[1])


@pytest.fixture
def listing(ilo, iom):
    forum = ForumFactory(short_name="GFMD I")
    other_forum = ForumFactory(short_name="GFMD II")
    rt1 = RoundTableFactory(forum=forum, number=1)
    rt3 = RoundTableFactory(forum=forum, number=3)
    session = SessionFactory(round_table=rt3, code="3.4")
    undp = OrganisationFactory(acronym="UNDP")
    return {
        "forum": forum,
        "other_forum": other_forum,
        "rt1": rt1,
        "rt3": rt3,
        "session": session,
        "handbook": FollowUpActionFactory(
            title="Migration and Development Handbook",
            description="Practical tools for policymakers.",
            forum=forum,
            round_table=rt3,
            lead=iom,
            partners=[undp],
            status=Status.IN_PROGRESS,
            progress=50,
            due_date=TODAY + datetime.timedelta(days=20),
        ),
        "consultation": FollowUpActionFactory(
            title="RCP consultation",
            forum=forum,
            round_table=rt3,
            session=session,
            lead=iom,
            partners=[ilo],
            status=Status.PLANNED,
            due_date=TODAY - datetime.timedelta(days=3),
            last_reported_at=NOW - datetime.timedelta(days=90),
            status_changed_at=NOW - datetime.timedelta(days=90),
        ),
        "compendium": FollowUpActionFactory(
            title="Compendium of good practices",
            forum=forum,
            round_table=rt1,
            lead=ilo,
            status=Status.COMPLETED,
            progress=100,
            due_date=TODAY - datetime.timedelta(days=100),
            last_reported_at=NOW - datetime.timedelta(days=200),
            status_changed_at=NOW - datetime.timedelta(days=200),
        ),
        "ipmd": FollowUpActionFactory(
            title="International Partnership (IPMD)",
            forum=other_forum,
            lead=None,
            status=Status.PROPOSED,
        ),
    }


def get_list(client, user, **params):
    client.force_login(user)
    return client.get(reverse("action_list"), params)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"handbook", "consultation", "compendium", "ipmd"}),
        ({"q": "handbook"}, {"handbook"}),
        ({"q": "POLICYMAKERS"}, {"handbook"}),  # description, any case
        ({"status": ["planned", "completed"]}, {"consultation", "compendium"}),
        ({"status": "proposed"}, {"ipmd"}),
        ({"lead": "ILO"}, {"compendium"}),
        ({"partner": "ILO"}, {"consultation"}),
        ({"agency": "ILO"}, {"consultation", "compendium"}),
        ({"agency": "UNDP"}, {"handbook"}),
        ({"overdue": "true"}, {"consultation"}),
        ({"overdue": "false"}, {"handbook", "compendium", "ipmd"}),
        ({"stale": "60"}, {"consultation"}),  # completed actions are never stale
        ({"due_after": "2026-11-21"}, {"handbook"}),
        ({"due_after": "2026-11-20"}, {"handbook", "consultation"}),  # inclusive
        ({"due_before": "2026-11-22"}, {"consultation", "compendium"}),
        ({"due_after": "2026-09-01", "due_before": "2026-11-22"}, {"consultation"}),
        ({"agency": "IOM", "status": "in_progress", "q": "tools"}, {"handbook"}),
        ({"agency": "IOM", "overdue": "true"}, {"consultation"}),
        ({"lead": "UNDP"}, set()),
    ],
)
def test_filters(client, secretariat_user, listing, params, expected):
    response = get_list(client, secretariat_user, **params)

    assert response.status_code == 200
    assert set(titles(response)) == {listing[key].title for key in expected}
    assert f"{len(expected)} action".encode() in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Handbook Migration", {"handbook"}),  # every word, in any order
        ("development HANDBOOK", {"handbook"}),
        ("handbook tools", {"handbook"}),  # one word in the title, one in the description
        ("handbook consultation", set()),  # every word, not any
        ("good practices compendium", {"compendium"}),
    ],
)
def test_text_search_finds_every_word_in_any_order(client, secretariat_user, listing, q, expected):
    response = get_list(client, secretariat_user, q=q)

    assert response.status_code == 200
    assert set(titles(response)) == {listing[key].title for key in expected}


@pytest.mark.django_db
def test_text_search_on_my_assignments_stays_within_my_organisations(
    client, ilo_focal_point, listing
):
    client.force_login(ilo_focal_point)
    assert titles(client.get(reverse("my_assignments"), {"q": "consultation RCP"})) == [
        listing["consultation"].title
    ]
    assert titles(client.get(reverse("my_assignments"), {"q": "Handbook Migration"})) == []


@pytest.mark.django_db
def test_forum_round_table_and_session_filters(client, secretariat_user, listing):
    by_forum = get_list(client, secretariat_user, forum=listing["other_forum"].pk)
    by_round_table = get_list(client, secretariat_user, round_table=listing["rt3"].pk)
    by_session = get_list(client, secretariat_user, session=listing["session"].pk)

    assert titles(by_forum) == [listing["ipmd"].title]
    assert set(titles(by_round_table)) == {listing["handbook"].title, listing["consultation"].title}
    assert titles(by_session) == [listing["consultation"].title]


@pytest.mark.django_db
def test_filter_choices_include_forums_and_round_tables_without_children(client, secretariat_user):
    """Forums, round tables and sessions come from one query; none may drop out of it."""
    bare_forum = ForumFactory(number=130, short_name="GFMD 2030")
    rt = RoundTableFactory(forum=ForumFactory(number=120, short_name="GFMD 2020"), number=2)
    bare_rt = RoundTableFactory(forum=rt.forum, number=1, theme="Data")
    later = SessionFactory(round_table=rt, code="2.2", title="Later")
    sooner = SessionFactory(round_table=rt, code="2.1", title="Sooner")

    form = get_list(client, secretariat_user).context["filter"].form

    assert [label for _, label in form.fields["forum"].choices[1:]] == ["GFMD 2020", "GFMD 2030"]
    assert [pk for pk, _ in form.fields["round_table"].choices[1:]] == [bare_rt.pk, rt.pk]
    assert form.fields["round_table"].choices[1][1] == "GFMD 2020 · RT 1: Data"
    assert form.fields["session"].choices[1:] == [
        (sooner.pk, "GFMD 2020 · 2.1 Sooner"),
        (later.pk, "GFMD 2020 · 2.2 Later"),
    ]
    assert bare_forum.pk in [pk for pk, _ in form.fields["forum"].choices]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field_message"),
    [
        ({"status": "finished"}, b"Select a valid choice"),
        ({"due_after": "yesterday"}, b"Enter a valid date"),
        ({"due_before": "2026-02-31"}, b"Enter a valid date"),
        ({"stale": "-4"}, b"greater than or equal to 1"),
        ({"stale": "many"}, b"Enter a number"),
        ({"forum": "abc"}, b"Select a valid choice"),
        ({"session": "999999"}, b"Select a valid choice"),
        ({"lead": "NOPE"}, b"Select a valid choice"),
        ({"overdue": "perhaps"}, b"Select a valid choice"),
        ({"sort": "colour"}, b"Select a valid choice"),
    ],
)
def test_invalid_filter_values_show_the_error_with_a_400(
    client, secretariat_user, listing, params, field_message
):
    response = get_list(client, secretariat_user, **params)

    assert response.status_code == 400
    assert b"Some filters could not be used" in response.content
    assert field_message in response.content
    assert titles(response) == []


def form_controls(response):
    """name -> chosen values, as the filter form shows them: checked boxes, selected options."""
    html = response.content.decode()
    start = html.index('<form method="get" class="filters"')
    form = html[start : html.index("</form>", start)]
    chosen = {}
    for name, value in re.findall(
        r'<input type="checkbox" name="(\w+)" value="([^"]*)"[^>]* checked>', form
    ):
        chosen.setdefault(name, []).append(value)
    for name, options in re.findall(r'<select name="(\w+)"[^>]*>(.*?)</select>', form, re.S):
        # An option naming a record also says lang="en" (actions.widgets.RecordOptionsSelect).
        chosen[name] = re.findall(r'<option value="([^"]*)" selected(?: lang="en")?>', options)
    return chosen


@pytest.mark.django_db
def test_the_filter_form_shows_what_was_chosen(client, secretariat_user, listing):
    response = get_list(
        client,
        secretariat_user,
        status=["planned", "completed"],
        lead="IOM",
        forum=listing["forum"].pk,
        overdue="false",
        sort="-due",
    )

    assert response.status_code == 200
    chosen = form_controls(response)
    assert chosen["status"] == ["planned", "completed"]
    assert chosen["lead"] == ["IOM"]
    assert chosen["partner"] == chosen["agency"] == [""]  # "Any organisation"
    assert chosen["forum"] == [str(listing["forum"].pk)]
    assert chosen["overdue"] == ["false"]
    assert chosen["sort"] == ["-due"]


@pytest.mark.django_db
def test_a_rejected_filter_is_marked_invalid_and_keeps_the_others(
    client, secretariat_user, listing
):
    response = get_list(client, secretariat_user, status=["planned", "bogus"], lead="IOM")

    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('name="status"') == len(Status.choices)
    assert html.count('name="status" value="proposed" id="id_status_0" aria-invalid="true"') == 1
    assert form_controls(response)["lead"] == ["IOM"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["compendium", "ipmd", "handbook", "consultation"]),
        ("-title", ["consultation", "handbook", "ipmd", "compendium"]),
        ("progress", ["consultation", "ipmd", "handbook", "compendium"]),
        # Undated actions come last whichever way dates are sorted.
        ("due", ["compendium", "consultation", "handbook", "ipmd"]),
        ("-due", ["handbook", "consultation", "compendium", "ipmd"]),
        ("updated", ["compendium", "consultation", "handbook", "ipmd"]),
        ("lead", ["compendium", "handbook", "consultation", "ipmd"]),
    ],
)
def test_sorting(client, secretariat_user, listing, sort, expected):
    response = get_list(client, secretariat_user, sort=sort)
    ordered = [t for t in titles(response)]
    assert ordered == [listing[key].title for key in expected]


@pytest.mark.django_db
def test_default_order_is_soonest_due_first(client, secretariat_user, listing):
    response = get_list(client, secretariat_user)
    assert titles(response)[0] == listing["compendium"].title


@pytest.mark.django_db
def test_sort_links_keep_the_filters_and_reverse_the_current_order(
    client, secretariat_user, listing
):
    response = get_list(client, secretariat_user, agency="IOM", sort="title")
    html = response.content.decode()
    assert 'href="?agency=IOM&amp;sort=-title"' in html
    assert 'aria-sort="ascending"' in html


@pytest.mark.django_db
def test_clear_filters_link_only_when_filtered(client, secretariat_user, listing):
    assert b"Clear filters" not in get_list(client, secretariat_user).content
    assert b"Clear filters" in get_list(client, secretariat_user, q="x").content


@pytest.mark.django_db
def test_pagination_keeps_filters_and_counts_everything(client, secretariat_user, iom):
    FollowUpActionFactory.create_batch(30, lead=iom, status=Status.PLANNED)
    FollowUpActionFactory.create_batch(3, status=Status.PROPOSED)

    first = get_list(client, secretariat_user, status="planned")
    second = get_list(client, secretariat_user, status="planned", page=2)
    beyond = get_list(client, secretariat_user, status="planned", page=99)

    assert b"30 actions match these filters" in first.content
    assert len(titles(first)) == 25
    assert len(titles(second)) == 5
    assert 'href="?status=planned&amp;page=2"' in first.content.decode()
    assert b"Page 2 of 2" in second.content
    assert beyond.status_code == 200  # a page past the end shows the last page
    assert b"Page 2 of 2" in beyond.content


@pytest.mark.django_db
def test_my_assignments_lists_only_my_organisations_work(client, ilo_focal_point, listing):
    client.force_login(ilo_focal_point)
    response = client.get(reverse("my_assignments"))

    assert set(titles(response)) == {listing["consultation"].title, listing["compendium"].title}
    assert b"focal point for" in response.content


@pytest.mark.django_db
def test_my_assignments_filters_on_top(client, ilo_focal_point, listing):
    client.force_login(ilo_focal_point)
    response = client.get(reverse("my_assignments"), {"overdue": "true"})
    assert titles(response) == [listing["consultation"].title]


@pytest.mark.django_db
def test_my_assignments_for_secretariat_is_everything(client, secretariat_user, listing):
    client.force_login(secretariat_user)
    response = client.get(reverse("my_assignments"))
    assert len(titles(response)) == 4


@pytest.mark.django_db
def test_my_assignments_for_someone_without_organisation_explains_why_empty(
    client, observer, listing
):
    client.force_login(observer)
    response = client.get(reverse("my_assignments"))
    assert titles(response) == []
    assert b"not a focal point of any organisation" in response.content


@pytest.mark.django_db
def test_a_user_serving_two_organisations_sees_both_without_duplicates(
    client, ilo_focal_point, iom, listing
):
    from agencies.models import FocalPoint

    FocalPoint.objects.create(user=ilo_focal_point, organisation=iom)
    client.force_login(ilo_focal_point)
    response = client.get(reverse("my_assignments"))
    # The consultation is IOM-led with ILO as partner: listed once, counted once.
    assert sorted(titles(response)) == sorted(
        [listing[k].title for k in ("handbook", "consultation", "compendium")]
    )
    assert b"3 actions." in response.content


@pytest.mark.django_db
def test_overdue_and_status_are_shown_as_text(client, secretariat_user, listing):
    html = get_list(client, secretariat_user).content.decode()
    assert '<span class="flag">Overdue</span>' in html
    assert ">Planned</span>" in html


def make_actions(count, lead, partners):
    for _ in range(count):
        FollowUpActionFactory(lead=lead, partners=partners, status=Status.PLANNED)


# Session, user (with whether they are secretariat), the organisations (on /my/ with which are the
# user's), forums with their round tables and sessions, the ids of ?agency='s actions, the
# count, the page of rows and their partners, the saved views beside the list; on /my/ a
# focal point's own actions on top.
EXPECTED_LIST_QUERIES = {
    ("action_list", "secretariat_user"): 9,
    ("action_list", "ilo_focal_point"): 9,
    ("my_assignments", "secretariat_user"): 9,
    ("my_assignments", "ilo_focal_point"): 10,
}


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["action_list", "my_assignments"])
@pytest.mark.parametrize("persona", ["secretariat_user", "ilo_focal_point"])
@pytest.mark.parametrize("rows", [5, 50])
@pytest.mark.parametrize("few", [ActionsOfOrganisations.FEW, 10])
def test_list_pages_run_a_fixed_number_of_queries(
    request, client, django_assert_num_queries, monkeypatch, ilo, iom, url_name, persona, rows, few
):
    """Whether an organisation's actions are few (read as ids) or many (a subquery)."""
    monkeypatch.setattr(ActionsOfOrganisations, "FEW", few)
    FollowUpActionFactory.create_batch(rows, lead=ilo, partners=[iom], status=Status.PLANNED)
    client.force_login(request.getfixturevalue(persona))

    with django_assert_num_queries(EXPECTED_LIST_QUERIES[url_name, persona]):
        response = client.get(
            reverse(url_name), {"status": "planned", "agency": "ILO", "sort": "-due"}
        )

    assert len(titles(response)) == min(rows, 25)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "rows", "queries"),
    [
        # Few actions: counted from their ids. Many: counted by one more query.
        ("my_assignments", 5, 8),
        ("my_assignments", 50, 9),
        ("action_list", 5, 8),
        ("action_list", 50, 9),
    ],
)
def test_an_organisations_list_is_counted_without_visiting_its_actions(
    client, django_assert_num_queries, monkeypatch, ilo, ilo_focal_point, url_name, rows, queries
):
    monkeypatch.setattr(ActionsOfOrganisations, "FEW", 10)
    FollowUpActionFactory.create_batch(rows, lead=ilo, status=Status.PLANNED)
    FollowUpActionFactory.create_batch(3, status=Status.PLANNED)  # someone else's
    client.force_login(ilo_focal_point)
    params = {"agency": "ILO"} if url_name == "action_list" else {}

    with django_assert_num_queries(queries):
        response = client.get(reverse(url_name), params)

    assert response.context["result_count"] == rows
    assert len(titles(response)) == min(rows, 25)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, 7),
        ({"sort": "title"}, 7),
        ({"status": ["planned"]}, 4),
        ({"status": ["planned", "completed"]}, 5),
        ({"status": ["on_hold"]}, 0),
    ],
)
def test_the_whole_list_and_its_statuses_are_counted_from_the_tally(
    client, secretariat_user, params, expected
):
    """No COUNT over the actions themselves: the tally knows these numbers."""
    FollowUpActionFactory.create_batch(4, status=Status.PLANNED)
    FollowUpActionFactory.create_batch(2, status=Status.IN_PROGRESS)
    done = FollowUpActionFactory(status=Status.IN_PROGRESS)
    FollowUpAction.objects.filter(pk=done.pk).update(status=Status.COMPLETED)
    client.force_login(secretariat_user)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("action_list"), params)

    assert response.context["result_count"] == expected
    assert len(titles(response)) == expected
    queries = [q["sql"] for q in captured.captured_queries]
    assert not [sql for sql in queries if "COUNT(" in sql.upper()]
    assert [sql for sql in queries if "actions_actiontally" in sql]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["action_list", "my_assignments"])
@pytest.mark.parametrize("role", ["either", "lead", "partner"])
@pytest.mark.parametrize("few", [ActionsOfOrganisations.FEW, 10])
def test_organisation_and_role_stay_within_the_list_pages_queries(
    client,
    django_assert_max_num_queries,
    monkeypatch,
    ilo,
    iom,
    ilo_focal_point,
    url_name,
    role,
    few,
):
    """?organisation=&role= (the form's one organisation choice) as ?agency=, ?lead=, ?partner=."""
    monkeypatch.setattr(ActionsOfOrganisations, "FEW", few)
    FollowUpActionFactory.create_batch(30, lead=ilo, partners=[iom], status=Status.PLANNED)
    client.force_login(ilo_focal_point)
    params = {"status": "planned", "organisation": "ILO", "role": role, "sort": "-due"}

    with django_assert_max_num_queries(EXPECTED_LIST_QUERIES[url_name, "ilo_focal_point"]):
        response = client.get(reverse(url_name), params)

    assert len(titles(response)) == (25 if role != "partner" else 0)
