"""The filter form of /actions/ and /my/: a chosen forum narrows the round tables and sessions
offered, a pair that cannot go together or an inverted date range says so (400) rather than
listing 0 actions, and the form folds away."""

import datetime
import json
import re
from html import unescape

import pytest
from django.urls import reverse

from actions.models import FollowUpAction
from tests.factories import FollowUpActionFactory, ForumFactory, RoundTableFactory, SessionFactory

Status = FollowUpAction.Status


@pytest.fixture
def two_forums(ilo):
    brussels = ForumFactory(short_name="GFMD I")
    manila = ForumFactory(short_name="GFMD II")
    brussels_rt = RoundTableFactory(forum=brussels, number=1, theme="Human capital")
    manila_rt1 = RoundTableFactory(forum=manila, number=1, theme="Migrants' rights")
    manila_rt2 = RoundTableFactory(forum=manila, number=2, theme="Remittances, 100% costs")
    tree = {
        "brussels": brussels,
        "manila": manila,
        "brussels_rt": brussels_rt,
        "manila_rt1": manila_rt1,
        "manila_rt2": manila_rt2,
        "brussels_session": SessionFactory(round_table=brussels_rt, code="1.1", title="Skills"),
        "manila_session1": SessionFactory(round_table=manila_rt1, code="1.1", title="Rights"),
        "manila_session2": SessionFactory(round_table=manila_rt2, code="2.1", title="Costs"),
    }
    FollowUpActionFactory(
        title="Remittance costs study",
        forum=manila,
        round_table=manila_rt2,
        session=tree["manila_session2"],
        lead=ilo,
    )
    return tree


def options(response, name):
    """{value: label} of the <select name=...> the page offers, less its empty choice."""
    html = response.content.decode()
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return {
        value: unescape(label)
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
        if value
    }


def pks(*objects):
    return {str(obj.pk) for obj in objects}


@pytest.mark.django_db
def test_without_a_forum_every_round_table_and_session_is_offered(client, observer, two_forums):
    client.force_login(observer)
    response = client.get(reverse("action_list"))
    assert set(options(response, "round_table")) == pks(
        two_forums["brussels_rt"], two_forums["manila_rt1"], two_forums["manila_rt2"]
    )
    assert len(options(response, "session")) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["action_list", "my_assignments"])
def test_a_chosen_forum_offers_only_its_round_tables_and_sessions(
    client, secretariat_user, two_forums, url_name
):
    client.force_login(secretariat_user)
    response = client.get(reverse(url_name), {"forum": two_forums["manila"].pk})
    assert response.status_code == 200
    assert set(options(response, "round_table")) == pks(
        two_forums["manila_rt1"], two_forums["manila_rt2"]
    )
    assert set(options(response, "session")) == pks(
        two_forums["manila_session1"], two_forums["manila_session2"]
    )


@pytest.mark.django_db
def test_a_chosen_round_table_offers_only_its_sessions(client, observer, two_forums):
    client.force_login(observer)
    response = client.get(
        reverse("action_list"),
        {"forum": two_forums["manila"].pk, "round_table": two_forums["manila_rt2"].pk},
    )
    assert set(options(response, "session")) == pks(two_forums["manila_session2"])
    assert response.context["result_count"] == 1


@pytest.mark.django_db
def test_a_round_table_of_another_forum_is_refused_with_its_name(client, observer, two_forums):
    client.force_login(observer)
    response = client.get(
        reverse("action_list"),
        {"forum": two_forums["brussels"].pk, "round_table": two_forums["manila_rt2"].pk},
    )
    assert response.status_code == 400
    errors = response.context["filter"].form.errors
    # A % in a label is kept as it is (the field formats its message).
    assert errors["round_table"] == [
        "“GFMD II · RT 2: Remittances, 100% costs” is not a round table of GFMD I. "
        "Choose one of its round tables, or “Any forum”."
    ]
    assert "Some filters could not be used." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        (
            {"forum": "brussels"},
            "“GFMD II · 2.1 Costs” is not a session of GFMD I. "
            "Choose one of its sessions, or “Any session”.",
        ),
        (
            {"forum": "manila", "round_table": "manila_rt1"},
            "“GFMD II · 2.1 Costs” is not a session of round table "
            "“GFMD II · RT 1: Migrants' rights”. Choose one of its sessions, or “Any session”.",
        ),
        (
            {"round_table": "manila_rt1"},
            "“GFMD II · 2.1 Costs” is not a session of round table "
            "“GFMD II · RT 1: Migrants' rights”. Choose one of its sessions, or “Any session”.",
        ),
    ],
)
def test_a_session_outside_the_chosen_forum_or_round_table_is_refused(
    client, observer, two_forums, chosen, message
):
    client.force_login(observer)
    params = {name: two_forums[key].pk for name, key in chosen.items()}
    params["session"] = two_forums["manila_session2"].pk
    response = client.get(reverse("action_list"), params)
    assert response.status_code == 400
    assert response.context["filter"].form.errors["session"] == [message]


@pytest.mark.django_db
def test_a_session_alone_still_filters(client, observer, two_forums):
    client.force_login(observer)
    response = client.get(reverse("action_list"), {"session": two_forums["manila_session2"].pk})
    assert response.status_code == 200
    assert response.context["result_count"] == 1


@pytest.mark.django_db
def test_an_unknown_round_table_is_refused_as_before(client, observer, two_forums):
    client.force_login(observer)
    response = client.get(reverse("action_list"), {"round_table": "999999"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.context["filter"].form.errors["round_table"][0]


@pytest.mark.django_db
def test_the_page_carries_every_round_table_and_session_with_its_parent_for_the_script(
    client, observer, two_forums
):
    client.force_login(observer)
    html = client.get(reverse("action_list"), {"forum": two_forums["brussels"].pk}).content
    html = html.decode()
    data = json.loads(
        re.search(
            r'<script id="dependent-choices-data" type="application/json">(.*?)</script>', html
        ).group(1)
    )
    # All of them, not only the chosen forum's: choosing another forum needs its own.
    assert [str(two_forums["manila_rt2"].pk), "GFMD II · RT 2: Remittances, 100% costs"] + [
        str(two_forums["manila"].pk)
    ] in data["round_table"]
    assert len(data["session"]) == 3
    assert '<script src="/static/js/dependent-choices.js" defer></script>' in html


@pytest.mark.django_db
def test_a_chosen_forum_keeps_the_list_within_its_queries(
    client, ilo_focal_point, two_forums, django_assert_max_num_queries
):
    client.force_login(ilo_focal_point)
    params = {"forum": two_forums["manila"].pk, "round_table": two_forums["manila_rt2"].pk}
    for url_name in ("action_list", "my_assignments"):
        with django_assert_max_num_queries(10):
            assert client.get(reverse(url_name), params).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["action_list", "my_assignments", "action_export"])
def test_an_inverted_date_range_says_so(client, secretariat_user, two_forums, url_name):
    client.force_login(secretariat_user)
    response = client.get(
        reverse(url_name), {"due_after": "2027-06-01", "due_before": "2027-03-01"}
    )
    assert response.status_code == 400
    if url_name != "action_export":
        assert response.context["filter"].form.errors["due_after"] == [
            "The first date is after the second: 1 June 2027 is later than 1 March 2027, so "
            "no action can be due between them. Swap the dates, or clear one."
        ]
        html = response.content.decode()
        assert "No results: the filters above need correcting." in html
        # What was typed stays in the form, to correct.
        assert 'value="2027-06-01"' in html
        assert 'value="2027-03-01"' in html


@pytest.mark.django_db
def test_one_day_is_a_range(client, observer):
    day = datetime.date(2027, 3, 1)
    FollowUpActionFactory(title="Due that day", due_date=day)
    client.force_login(observer)
    response = client.get(
        reverse("action_list"), {"due_after": day.isoformat(), "due_before": day.isoformat()}
    )
    assert response.status_code == 200
    assert response.context["result_count"] == 1


def panel(response):
    html = response.content.decode()
    return re.search(r"<details class=\"filter-panel\"([^>]*)>", html).group(1)


@pytest.mark.django_db
def test_the_filter_panel_is_folded_until_filters_are_in_use(client, observer, two_forums):
    client.force_login(observer)
    assert "open" not in panel(client.get(reverse("action_list")))
    # Sorting or paging leaves no action out: still folded.
    assert "open" not in panel(client.get(reverse("action_list"), {"sort": "-title"}))
    filtered = client.get(reverse("action_list"), {"status": "planned"})
    assert "open" in panel(filtered)
    assert "(1 in use)" in filtered.content.decode()
    refused = client.get(reverse("action_list"), {"stale": "x"})
    assert "open" in panel(refused)
    assert "(to correct)" in refused.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["action_list", "my_assignments"])
def test_the_filters_skip_to_the_results(client, observer, url_name):
    client.force_login(observer)
    html = client.get(reverse(url_name)).content.decode()
    assert '<a href="#results">Skip to results</a>' in html
    # The target comes after the form and before the results heading.
    form_end = html.index("</form>", html.index('class="filters"'))
    assert form_end < html.index('id="results"') < html.index("<h2>Results</h2>")


@pytest.mark.django_db
def test_the_delivery_log_folds_its_filters_too(client, secretariat_user):
    client.force_login(secretariat_user)
    html = client.get(reverse("digest_log")).content.decode()
    assert "<summary>" in html
    assert "Filter deliveries" in html
    assert "dependent-choices" not in html


@pytest.mark.django_db
def test_the_action_form_refuses_a_round_table_of_another_forum(
    client, secretariat_user, two_forums
):
    action = FollowUpAction.objects.get(title="Remittance costs study")
    client.force_login(secretariat_user)
    response = client.post(
        reverse("action_edit", args=[action.pk]),
        {
            "title": action.title,
            "forum": two_forums["brussels"].pk,
            "round_table": two_forums["manila_rt2"].pk,
            "lead": action.lead_id,
            "version": action.version,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["round_table"] == [
        "Round table 2 of GFMD II is not part of GFMD I."
    ]
    action.refresh_from_db()
    assert action.forum == two_forums["manila"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/actions/new/", "edit"])
def test_the_action_forms_carry_the_round_tables_and_sessions_for_the_script(
    client, secretariat_user, two_forums, url
):
    if url == "edit":
        url = reverse("action_edit", args=[FollowUpAction.objects.get().pk])
    client.force_login(secretariat_user)
    html = client.get(url).content.decode()
    data = json.loads(
        re.search(
            r'<script id="dependent-choices-data" type="application/json">(.*?)</script>', html
        ).group(1)
    )
    session = two_forums["manila_session1"]
    assert [str(session.pk), "GFMD II · 1.1 Rights", str(session.round_table_id)] in data["session"]
    assert '<script src="/static/js/dependent-choices.js" defer></script>' in html
