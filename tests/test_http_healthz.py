"""/healthz answers in JSON whatever cookie comes with it, even with the database down."""

from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError, connections


@pytest.fixture(autouse=True)
def _no_broker(settings):
    settings.CELERY_BROKER_URL = ""


def database_down():
    """Every new cursor fails, as when PostgreSQL stops answering."""
    return mock.patch.object(
        connections["default"], "cursor", side_effect=OperationalError("server closed")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [True, False], ids=["session-cookie", "forged-cookie"])
def test_database_down_with_a_session_cookie_is_503_json(client, observer, signed_in):
    client.raise_request_exception = False
    if signed_in:
        client.force_login(observer)
    else:
        client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-session-key-at-all"

    with database_down():
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["database"] == "unreachable"
    assert response.json()["status"] == "failing"


@pytest.mark.django_db
def test_database_up_with_a_session_cookie_is_200(client, observer):
    client.force_login(observer)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    # The health check neither reads nor renews the session.
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_database_down_without_a_cookie_is_503_json(client):
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
