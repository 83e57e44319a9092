"""Changing one's password in the portal, and the sign-out message."""

import html

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"  # every UserFactory user's
NEW_PASSWORD = "a longer passphrase for 2027"


def _text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def person(db):
    return UserFactory(username="amina")


@pytest.mark.django_db
def test_the_header_links_the_password_change_page(client, person):
    client.force_login(person)

    page = _text(client.get(reverse("dashboard")))
    form = client.get(reverse("password_change"))

    assert f'href="{reverse("password_change")}"' in page and ">Change password</a>" in page
    assert form.status_code == 200
    text = _text(form)
    assert "<h1>Change your password</h1>" in text
    # The portal's page, with its header and navigation, not the admin's.
    assert 'class="site-header"' in text and 'aria-label="Main"' in text
    for field in ("old_password", "new_password1", "new_password2"):
        assert f'name="{field}"' in text
    assert 'aria-current="page">Change password</a>' in text


@pytest.mark.django_db
def test_the_password_pages_need_a_login(client):
    for name in ("password_change", "password_change_done"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_a_correct_change_keeps_you_signed_in_and_the_old_password_stops_working(client, person):
    client.force_login(person)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("password_change_done"), 302)]
    assert "Your password is changed. You are still signed in here" in _text(response)
    assert client.get(reverse("dashboard")).status_code == 200  # still signed in
    # Through the sign-in form, in another browser.
    elsewhere = Client()
    old = elsewhere.post(reverse("login"), {"username": "amina", "password": PASSWORD})
    new = elsewhere.post(reverse("login"), {"username": "amina", "password": NEW_PASSWORD})
    assert old.status_code == 200 and "correct username and password" in _text(old)
    assert new.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "error"),
    [
        # Sent as it came: nothing typed.
        ({}, "This field is required."),
        (
            {"old_password": "not my password", "new_password1": NEW_PASSWORD},
            "Your old password was entered incorrectly. Please enter it again.",
        ),
        (
            {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": "typo"},
            "The two password fields didn’t match.",
        ),
        (
            {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"},
            "This password is too short.",
        ),
    ],
)
def test_a_refused_change_says_why_and_changes_nothing(client, person, typed, error):
    client.force_login(person)
    data = {"old_password": "", "new_password1": "", "new_password2": "", **typed}

    response = client.post(reverse("password_change"), data)

    assert response.status_code == 400  # bad input is a 4xx, the form shown again
    text = _text(response)
    assert "Your password was not changed" in text
    assert error in text
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    assert client.get(reverse("dashboard")).status_code == 200


# --- Signing out ---------------------------------------------------------------------


@pytest.mark.django_db
def test_signing_out_lands_on_the_sign_in_page_saying_so(client, person):
    client.force_login(person)
    sign_out = client.get(reverse("dashboard")).content.decode()
    assert f'name="next" value="{reverse("login")}?signed_out=1"' in sign_out

    response = client.post(
        reverse("logout"), {"next": f"{reverse('login')}?signed_out=1"}, follow=True
    )

    assert response.redirect_chain == [(f"{reverse('login')}?signed_out=1", 302)]
    text = _text(response)
    assert "You are signed out." in text and "<h1>Sign in</h1>" in text
    assert client.get(reverse("dashboard")).status_code == 302  # signed out indeed


@pytest.mark.django_db
def test_the_sign_in_page_says_signed_out_only_after_signing_out(client, person):
    plain = _text(client.get(reverse("login")))
    client.force_login(person)
    # A signed-in user opening the link is not told they are signed out.
    signed_in = _text(client.get(reverse("login"), {"signed_out": "1"}))

    assert "You are signed out." not in plain
    assert "You are signed out." not in signed_in
