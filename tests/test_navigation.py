"""The way back to a list: the action page, its edit form and the page after saving lead back
to the list the action was opened from, with its filters, sort and page (actions/navigation.py).
"""

import re
from html import unescape

import pytest
from django.core.signing import get_cookie_signer
from django.urls import reverse

from actions.models import FollowUpAction
from actions.navigation import COOKIE_NAME
from tests.factories import FollowUpActionFactory

Status = FollowUpAction.Status
FILTERED = "/actions/?status=planned&sort=-title&page=2"


def breadcrumb_link(html):
    """(href, text) of the breadcrumb's list link: the one after Dashboard."""
    crumbs = html.split('<ol class="breadcrumbs"', 1)[1].split("</ol>", 1)[0]
    links = re.findall(r'<a href="([^"]*)">([^<]*)</a>', crumbs)
    href, text = links[1]
    return unescape(href), text


def back_link(html):
    return unescape(re.search(r'<a href="([^"]*)">‹ Back to the list</a>', html).group(1))


@pytest.fixture
def planned_actions(ilo):
    return FollowUpActionFactory.create_batch(30, lead=ilo, status=Status.PLANNED)


@pytest.mark.django_db
def test_the_action_page_leads_back_to_the_filtered_sorted_page_it_was_opened_from(
    client, ilo_focal_point, planned_actions
):
    client.force_login(ilo_focal_point)
    listing = client.get(FILTERED)
    assert listing.status_code == 200
    action = listing.context["actions"][0]

    page = client.get(reverse("action_detail", args=[action.pk])).content.decode()

    assert breadcrumb_link(page) == (FILTERED, "Actions")
    assert back_link(page) == FILTERED


@pytest.mark.django_db
def test_after_a_report_the_action_page_still_leads_back_to_the_same_list(
    client, ilo_focal_point, planned_actions
):
    client.force_login(ilo_focal_point)
    client.get(FILTERED)
    action = planned_actions[0]
    response = client.post(
        reverse("action_status", args=[action.pk]),
        {"status": Status.IN_PROGRESS, "progress": 10, "note": "", "version": action.version},
        follow=True,
    )
    page = response.content.decode()
    assert "Saved: the action is now in progress" in page
    assert back_link(page) == FILTERED


@pytest.mark.django_db
def test_my_assignments_is_remembered_by_its_own_name(client, ilo_focal_point, planned_actions):
    client.force_login(ilo_focal_point)
    client.get("/my/?sort=title")
    page = client.get(reverse("action_detail", args=[planned_actions[0].pk]))
    assert breadcrumb_link(page.content.decode()) == ("/my/?sort=title", "My assignments")
    # The main navigation marks the list the person came from.
    assert page.context["nav"] == "my"


@pytest.mark.django_db
def test_the_edit_form_leads_to_its_action_and_to_the_list(
    client, secretariat_user, planned_actions
):
    client.force_login(secretariat_user)
    client.get(FILTERED)
    action = planned_actions[0]
    form = client.get(reverse("action_edit", args=[action.pk])).content.decode()
    assert breadcrumb_link(form) == (FILTERED, "Actions")
    assert f'<a href="/actions/{action.pk}/">Cancel</a>' in form

    saved = client.post(
        reverse("action_edit", args=[action.pk]),
        {
            "title": "A new title",
            "forum": action.forum_id,
            "lead": action.lead_id,
            "version": action.version,
        },
        follow=True,
    )
    assert saved.redirect_chain[-1][0] == f"/actions/{action.pk}/"
    assert back_link(saved.content.decode()) == FILTERED


@pytest.mark.django_db
def test_the_new_action_form_cancels_back_to_the_list(client, secretariat_user):
    client.force_login(secretariat_user)
    client.get("/actions/?q=handbook")
    form = client.get(reverse("action_create")).content.decode()
    assert '<a href="/actions/?q=handbook">Cancel</a>' in form


@pytest.mark.django_db
def test_without_a_list_seen_the_way_back_is_all_actions(client, observer, planned_actions):
    client.force_login(observer)
    page = client.get(reverse("action_detail", args=[planned_actions[0].pk])).content.decode()
    assert breadcrumb_link(page) == ("/actions/", "Actions")
    assert back_link(page) == "/actions/"


@pytest.mark.django_db
def test_a_list_refused_for_its_filters_is_not_a_page_to_come_back_to(
    client, observer, planned_actions
):
    client.force_login(observer)
    client.get("/actions/?status=planned")
    assert client.get("/actions/?stale=-4").status_code == 400
    page = client.get(reverse("action_detail", args=[planned_actions[0].pk])).content.decode()
    assert back_link(page) == "/actions/?status=planned"


@pytest.mark.django_db
def test_the_remembered_address_is_escaped_and_re_encoded(client, observer, planned_actions):
    client.force_login(observer)
    client.get("/actions/", {"q": '"><script>alert(1)</script>'})
    page = client.get(reverse("action_detail", args=[planned_actions[0].pk])).content.decode()
    assert "<script>alert(1)" not in page
    assert back_link(page) == "/actions/?q=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E"


def _signed(value, user):
    """The value as remember_list signs it for `user`."""
    return get_cookie_signer(salt=f"{COOKIE_NAME}user:{user.pk}").sign(value)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cookie",
    [
        "https://elsewhere.example/actions/?status=planned",
        "//elsewhere.example/actions/",
        "/admin/",
        "/actions/1/",
        "/actions/export.csv?status=planned",
        "javascript:alert(1)",
    ],
)
def test_only_one_of_the_two_lists_on_this_site_is_ever_linked(
    client, observer, planned_actions, cookie
):
    client.force_login(observer)
    client.cookies[COOKIE_NAME] = _signed(cookie, observer)
    page = client.get(reverse("action_detail", args=[planned_actions[0].pk])).content.decode()
    assert back_link(page) == "/actions/"


@pytest.mark.django_db
def test_a_cookie_not_signed_for_this_user_is_ignored(
    client, observer, ilo_focal_point, planned_actions
):
    client.force_login(observer)
    client.cookies[COOKIE_NAME] = "/actions/?status=planned"  # unsigned: typed by hand
    detail = reverse("action_detail", args=[planned_actions[0].pk])
    assert back_link(client.get(detail).content.decode()) == "/actions/"

    # Signed for someone else who used this browser before.
    client.cookies[COOKIE_NAME] = _signed("/actions/?status=planned", ilo_focal_point)
    assert back_link(client.get(detail).content.decode()) == "/actions/"

    client.cookies[COOKIE_NAME] = _signed("/actions/?status=planned", observer)
    assert back_link(client.get(detail).content.decode()) == "/actions/?status=planned"


@pytest.mark.django_db
def test_the_cookie_is_kept_from_scripts(client, observer):
    client.force_login(observer)
    response = client.get("/actions/?status=planned")
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
