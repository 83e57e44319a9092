"""Every role against every page and every change: who gets what, checked on the server."""

import pytest
from django.urls import reverse

from actions.models import FollowUpAction, StatusChange
from tests.factories import (
    FollowUpActionFactory,
    OrganisationFactory,
    SessionFactory,
)

Status = FollowUpAction.Status


@pytest.fixture
def world(ilo, iom):
    session = SessionFactory()
    forum = session.round_table.forum
    return {
        "forum": forum,
        "session": session,
        "ilo_action": FollowUpActionFactory(forum=forum, lead=ilo, status=Status.PLANNED),
        "iom_action": FollowUpActionFactory(forum=forum, lead=iom, status=Status.PLANNED),
        # ILO partners in this one: its focal point may report on it too.
        "ilo_partnered": FollowUpActionFactory(
            forum=forum, lead=OrganisationFactory(), partners=[ilo], status=Status.PLANNED
        ),
    }


READ_PAGES = [
    ("dashboard", None),
    ("action_list", None),
    ("my_assignments", None),
    ("action_detail", "ilo_action"),
    ("action_export", None),
    ("forum_detail", "forum"),
    ("session_detail", "session"),
    ("involvement_matrix", None),
]


def url_for(name, world, key):
    if key is None:
        return reverse(name)
    return reverse(name, args=[world[key].pk])


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "key"), READ_PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, world, name, key):
    url = url_for(name, world, key)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_agency_page_needs_login_too(client, ilo):
    response = client.get(reverse("agency_detail", args=[ilo.acronym]))
    assert response.status_code == 302


@pytest.mark.django_db
def test_login_page_is_open(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["secretariat_user", "ilo_focal_point", "observer"])
@pytest.mark.parametrize(("name", "key"), READ_PAGES)
def test_every_signed_in_user_can_read(request, client, world, persona, name, key):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url_for(name, world, key)).status_code == 200


# (persona, url name, action key, method, expected status). Changes are POSTs.
CHANGES = [
    ("secretariat_user", "action_status", "iom_action", 302),
    ("secretariat_user", "action_status", "ilo_action", 302),
    ("ilo_focal_point", "action_status", "ilo_action", 302),
    ("ilo_focal_point", "action_status", "ilo_partnered", 302),
    ("ilo_focal_point", "action_status", "iom_action", 403),
    ("iom_focal_point", "action_status", "ilo_action", 403),
    ("observer", "action_status", "ilo_action", 403),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "name", "key", "expected"), CHANGES)
def test_status_reports_by_role(request, client, world, persona, name, key, expected):
    client.force_login(request.getfixturevalue(persona))
    action = world[key]

    response = client.post(
        reverse(name, args=[action.pk]),
        {"status": "in_progress", "progress": 20, "note": "Started.", "version": action.version},
    )

    assert response.status_code == expected
    action.refresh_from_db()
    if expected == 403:
        assert action.status == Status.PLANNED
        assert not StatusChange.objects.filter(action=action).exists()
        assert b"You cannot do that" in response.content
        assert b"Nothing was changed" in response.content
    else:
        assert action.status == Status.IN_PROGRESS


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [("secretariat_user", 200), ("ilo_focal_point", 403), ("observer", 403)],
)
def test_only_the_secretariat_opens_the_create_and_edit_forms(
    request, client, world, persona, expected
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("action_create")).status_code == expected
    edit_url = reverse("action_edit", args=[world["ilo_action"].pk])
    assert client.get(edit_url).status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["ilo_focal_point", "observer"])
def test_others_cannot_create_or_edit_even_by_posting(request, client, world, persona):
    client.force_login(request.getfixturevalue(persona))
    action = world["ilo_action"]

    created = client.post(
        reverse("action_create"),
        {"title": "Sneaky", "forum": world["forum"].pk, "status": "planned"},
    )
    edited = client.post(
        reverse("action_edit", args=[action.pk]),
        {"title": "Renamed", "forum": world["forum"].pk, "version": action.version},
    )

    assert (created.status_code, edited.status_code) == (403, 403)
    assert not FollowUpAction.objects.filter(title__in=["Sneaky", "Renamed"]).exists()


@pytest.mark.django_db
def test_a_get_on_the_status_endpoint_changes_nothing(client, world, secretariat_user):
    """The address a refused report leaves in the address bar leads back to the action."""
    action = world["ilo_action"]
    client.force_login(secretariat_user)
    history = action.history.count()
    response = client.get(reverse("action_status", args=[action.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("action_detail", args=[action.pk])
    assert action.history.count() == history
    put = client.put(reverse("action_status", args=[action.pk]))
    assert put.status_code == 405
    assert put["Allow"] == "GET, HEAD, POST"


@pytest.mark.django_db
def test_the_report_form_is_shown_only_to_those_who_may_report(
    client, world, ilo_focal_point, observer
):
    client.force_login(ilo_focal_point)
    own = client.get(reverse("action_detail", args=[world["ilo_action"].pk]))
    other = client.get(reverse("action_detail", args=[world["iom_action"].pk]))
    client.force_login(observer)
    observed = client.get(reverse("action_detail", args=[world["ilo_action"].pk]))

    assert b'name="note"' in own.content
    assert b'name="note"' not in other.content
    assert b'name="note"' not in observed.content
    assert b"Edit this action" not in own.content


@pytest.mark.django_db
def test_unknown_action_is_404(client, secretariat_user):
    client.force_login(secretariat_user)
    assert client.get(reverse("action_detail", args=[999999])).status_code == 404
    assert client.post(reverse("action_status", args=[999999]), {}).status_code == 404


@pytest.mark.django_db
def test_superuser_counts_as_secretariat(client, world, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    assert client.get(reverse("action_create")).status_code == 200


@pytest.mark.django_db
def test_logout_is_a_post_and_ends_the_session(client, secretariat_user):
    client.force_login(secretariat_user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302
