"""Hostile input in the address or a form answers 400, on SQLite and PostgreSQL alike."""

import pytest
from django.db import connection
from django.urls import reverse

from agencies.models import Organisation
from tests.factories import FollowUpActionFactory, UserFactory

NUL_IN_ADDRESS = b"the address contains a NUL character"

NUL_URLS = [
    "/agencies/%00/",
    "/agencies/IL%00O/",
    "/digests/preview/?user=%00",
    "/actions/?q=%00",
    "/actions/?lead=1&%00=1",
    "/admin/actions/followupaction/?title=%00",
    "/admin/actions/followupaction/?q=a%00b",
]

OUT_OF_RANGE_URLS = [
    "/admin/actions/followupaction/?due_date__year=99999999999999999999",
    "/admin/actions/followupaction/?due_date__year=2026&due_date__month=99999999999999999999",
    "/admin/actions/followupaction/?due_date__year=9999&due_date__month=12&due_date__day=31",
    "/admin/actions/followupaction/?updated_at__year=99999999999999999999",
    "/admin/actions/statuschange/?changed_at__year=99999999999999999999",
    "/admin/actions/statuschange/?changed_at__year=9999&changed_at__month=12&changed_at__day=31",
    "/admin/digests/digestdelivery/?created_at__year=99999999999999999999",
    "/admin/roundtables/session/?starts_at__year=99999999999999999999",
]


@pytest.fixture
def superuser_client(client, db):
    client.raise_request_exception = False  # a 500 shows as a 500, not as the exception
    user = UserFactory(username="root", is_staff=True, is_superuser=True, secretariat=True)
    FollowUpActionFactory()
    client.force_login(user)
    return client


def check_nul_urls(client):
    for url in NUL_URLS:
        response = client.get(url)
        assert response.status_code == 400, url
        assert NUL_IN_ADDRESS in response.content, url


def check_out_of_range_urls(client):
    for url in OUT_OF_RANGE_URLS:
        assert client.get(url).status_code == 400, url


@pytest.mark.parametrize("url", NUL_URLS)
def test_a_nul_in_the_address_is_a_bad_request(superuser_client, url):
    response = superuser_client.get(url)
    assert response.status_code == 400
    assert NUL_IN_ADDRESS in response.content
    assert b"That request could not be understood" in response.content


def test_a_nul_in_the_address_is_refused_before_the_login_check(client, db):
    client.raise_request_exception = False
    response = client.get("/agencies/%00/")
    assert response.status_code == 400


def test_a_nul_in_a_form_field_is_a_bad_request(client, db):
    client.raise_request_exception = False
    UserFactory(username="amina")
    response = client.post(reverse("login"), {"username": "ami\x00na", "password": "x"})
    assert response.status_code == 400
    assert b"the form contains a NUL character" in response.content


def test_a_nul_in_the_session_cookie_is_a_bad_request(client, db):
    client.raise_request_exception = False
    response = client.get("/actions/", HTTP_COOKIE='sessionid="\\000abcdefghijk"')
    assert response.status_code == 400
    assert b"a cookie contains a NUL character" in response.content


def test_an_escaped_percent_is_no_nul(superuser_client, ilo):
    # "%2500" is the text "%00", which any database stores.
    assert superuser_client.get("/actions/?q=%2500").status_code == 200


@pytest.mark.parametrize("url", OUT_OF_RANGE_URLS)
def test_a_year_no_date_can_hold_is_a_bad_request_in_the_admin(superuser_client, url):
    assert superuser_client.get(url).status_code == 400


def test_a_year_out_of_range_keeps_django_s_own_answer(superuser_client):
    # A ValueError Django already catches: its "?e=1" redirect, as before.
    response = superuser_client.get("/admin/actions/followupaction/?due_date__year=10000")
    assert response.status_code == 302


def test_in_range_admin_filters_still_work(superuser_client):
    for url in [
        "/admin/actions/followupaction/?due_date__year=2026",
        "/admin/actions/statuschange/?changed_at__year=2026&changed_at__month=1",
        "/admin/actions/followupaction/?updated_at__year=2026",
    ]:
        assert superuser_client.get(url).status_code == 200, url


@pytest.mark.postgres
def test_postgres_refuses_a_nul_itself(db):
    """Why the middleware exists: on PostgreSQL a NUL in a query is an error, not a miss."""
    with pytest.raises(ValueError, match="NUL"):
        Organisation.objects.filter(acronym="\x00").exists()


@pytest.mark.postgres
def test_on_postgres_nul_and_huge_years_answer_400(superuser_client):
    assert connection.vendor == "postgresql"
    check_nul_urls(superuser_client)
    check_out_of_range_urls(superuser_client)
    nul_cookie = superuser_client.get("/actions/", HTTP_COOKIE='sessionid="\\000abcdefghijk"')
    assert nul_cookie.status_code == 400
