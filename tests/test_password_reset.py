"""Password reset: the link from SITE_URL, the mail from a task, a limit per hour, and the
same answer whether or not an account uses the address."""

import os
import re
import subprocess
import sys
import time
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from agencies.tasks import send_password_reset
from gfmd_portal.views import (
    PASSWORD_RESET_WINDOW_SECONDS,
    PASSWORD_RESETS_PER_ADDRESS,
    PASSWORD_RESETS_PER_CLIENT,
)
from tests.factories import UserFactory
from tests.test_settings import ROOT

DONE_TEXT = b"If an account uses that address, we have sent it a link"


@pytest.fixture(autouse=True)
def _empty_counters():
    # The counters live in the cache, which outlives a test: start and leave it empty.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def amina(db):
    return UserFactory(username="amina", email="amina@example.org")


def ask(client, email, address="10.0.0.1", **extra):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address, **extra)


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["evil.example", "testserver"])
def test_the_link_starts_with_site_url_not_the_host_header(client, amina, settings):
    response = ask(client, "amina@example.org", HTTP_HOST="evil.example")

    assert response.status_code == 302
    (message,) = mail.outbox
    link = re.search(r"\S*/accounts/reset/\S+", message.body)[0]
    assert link.startswith(settings.SITE_URL + "/accounts/reset/")
    assert "evil.example" not in message.body
    assert client.get(link.removeprefix(settings.SITE_URL), follow=True).status_code == 200


@pytest.mark.django_db
def test_the_request_only_enqueues_the_address_known_or_not(client, amina):
    with mock.patch.object(send_password_reset, "delay") as delay:
        known = ask(client, "amina@example.org")
        unknown = ask(client, "nobody@example.org")

    # Both answers are the same; both requests did the same work: one task, no mail.
    assert [call.args for call in delay.call_args_list] == [
        ("amina@example.org",),
        ("nobody@example.org",),
    ]
    assert mail.outbox == []
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert known.url == reverse("password_reset_done")


def page_text(content):
    """The page without its CSRF tokens (the header's language menu has one), which are
    masked afresh on every page and so differ even between two identical pages."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


@pytest.mark.django_db
def test_the_page_after_says_the_same_for_a_known_and_an_unknown_address(client, amina):
    known = ask(client, "amina@example.org", follow=True).content
    unknown = ask(client, "nobody@example.org", follow=True).content
    assert DONE_TEXT in known
    assert page_text(known) == page_text(unknown)


@pytest.mark.django_db
def test_the_task_mails_each_matching_account_and_nobody_else(amina):
    send_password_reset("AMINA@example.org")
    send_password_reset("nobody@example.org")

    (message,) = mail.outbox
    assert message.to == ["amina@example.org"]
    assert message.subject == "Reset your password for the GFMD Follow-up Portal"
    assert "https://portal.example.org/accounts/reset/" in message.body


@pytest.mark.django_db
def test_at_most_three_mails_an_hour_for_one_address(client, amina):
    answers = [
        ask(client, "amina@example.org", address=f"10.0.0.{n}")
        for n in range(PASSWORD_RESETS_PER_ADDRESS + 2)
    ]

    assert len(mail.outbox) == PASSWORD_RESETS_PER_ADDRESS
    # Over the limit: the same neutral answer, no mail.
    assert {(answer.status_code, answer.url) for answer in answers} == {
        (302, reverse("password_reset_done"))
    }
    # Upper case or not, it is the same address.
    ask(client, "Amina@Example.org")
    assert len(mail.outbox) == PASSWORD_RESETS_PER_ADDRESS

    # An hour later the address may ask again.
    with time_machine.travel(time.time() + PASSWORD_RESET_WINDOW_SECONDS + 1):
        ask(client, "amina@example.org")
    assert len(mail.outbox) == PASSWORD_RESETS_PER_ADDRESS + 1


@pytest.mark.django_db
def test_at_most_ten_requests_an_hour_from_one_client(client, db):
    users = [
        UserFactory(username=f"user{n}", email=f"user{n}@example.org")
        for n in range(PASSWORD_RESETS_PER_CLIENT + 1)
    ]
    for user in users:
        ask(client, user.email, address="192.0.2.7")

    assert len(mail.outbox) == PASSWORD_RESETS_PER_CLIENT
    assert users[-1].email not in {message.to[0] for message in mail.outbox}
    # Another client is not held back by that one.
    ask(client, users[-1].email, address="192.0.2.8")
    assert mail.outbox[-1].to == [users[-1].email]


@pytest.mark.django_db
def test_over_the_limit_an_unknown_address_gets_the_same_page(client, amina):
    for _ in range(PASSWORD_RESETS_PER_ADDRESS + 1):
        limited = ask(client, "amina@example.org", follow=True).content
    unknown = ask(client, "nobody@example.org", follow=True).content
    assert page_text(limited) == page_text(unknown)


def cache_settings(**environment):
    """CACHES as the real settings make it from this environment, in a fresh interpreter."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO", "CELERY_", "CACHE_"))
    }
    env.update(DEBUG="true", **environment)
    code = "import gfmd_portal.settings as s; c = s.CACHES['default']; "
    code += "print(c['BACKEND'], c.get('LOCATION', '-'))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_the_counters_are_shared_through_redis_when_there_is_one():
    assert cache_settings() == ["django.core.cache.backends.locmem.LocMemCache", "-"]
    assert cache_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/0") == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/0",
    ]
    assert cache_settings(CELERY_BROKER_URL="redis://b:6379/0", CACHE_URL="redis://c:6379/1") == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://c:6379/1",
    ]
