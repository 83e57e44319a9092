"""Where each role lands after signing in through the login form: focal points on "My
assignments", secretariat staff and everyone else on the dashboard; ?next= wins."""

import pytest
from django.urls import reverse

from tests.factories import FocalPointFactory

PASSWORD = "correct horse battery staple"


def sign_in(client, user, next_url=None):
    """Post the login form as a browser would (its hidden `next` field) and follow."""
    client.get(reverse("login"))
    data = {"username": user.username, "password": PASSWORD}
    if next_url is not None:
        data["next"] = next_url
    response = client.post(reverse("login"), data, follow=True)
    assert response.status_code == 200
    assert response.wsgi_request.user == user
    return response


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "landing"),
    [
        ("ilo_focal_point", "/my/"),
        ("secretariat_user", "/"),
        ("observer", "/"),
    ],
)
def test_each_role_lands_on_its_page(request, client, persona, landing):
    response = sign_in(client, request.getfixturevalue(persona))
    assert response.redirect_chain == [(reverse("landing"), 302), (landing, 302)]
    assert response.wsgi_request.path == landing


@pytest.mark.django_db
def test_secretariat_staff_who_are_also_focal_points_land_on_the_dashboard(
    client, secretariat_user, ilo
):
    FocalPointFactory(user=secretariat_user, organisation=ilo)
    assert sign_in(client, secretariat_user).wsgi_request.path == "/"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["ilo_focal_point", "secretariat_user", "observer"])
def test_next_wins(request, client, persona):
    response = sign_in(client, request.getfixturevalue(persona), "/actions/?status=planned")
    assert response.redirect_chain == [("/actions/?status=planned", 302)]


@pytest.mark.django_db
def test_a_next_elsewhere_is_ignored_for_the_landing_page(client, ilo_focal_point):
    response = sign_in(client, ilo_focal_point, "https://evil.example/")
    assert response.wsgi_request.path == "/my/"


@pytest.mark.django_db
def test_a_page_asked_for_before_signing_in_is_where_one_lands(client, ilo_focal_point):
    asked = client.get("/actions/?overdue=true")
    login_page = client.get(asked["Location"])
    next_url = login_page.context["next"]
    assert next_url == "/actions/?overdue=true"
    assert sign_in(client, ilo_focal_point, next_url).wsgi_request.path == "/actions/"


@pytest.mark.django_db
def test_the_landing_address_needs_a_login_and_only_reads(client, observer):
    assert client.get(reverse("landing"))["Location"].startswith(reverse("login"))
    client.force_login(observer)
    assert client.post(reverse("landing")).status_code == 405
