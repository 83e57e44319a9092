"""Login lockout, password reset, security headers, /healthz, audit trail, error pages."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from actions.models import FollowUpAction
from tests.factories import (
    FollowUpActionFactory,
    ForumFactory,
    OrganisationFactory,
    UserFactory,
)

PASSWORD = "correct horse battery staple"


def sign_in(client, username, password, address="10.0.0.1", **extra):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


@pytest.mark.django_db
def test_five_failures_lock_that_username_from_that_address(client):
    UserFactory(username="amina")
    for _ in range(4):
        response = sign_in(client, "amina", "wrong")
        assert response.status_code == 200
        assert b"Please enter a correct username and password" in response.content

    fifth = sign_in(client, "amina", "wrong")
    locked = sign_in(client, "amina", PASSWORD)  # even the right password now

    assert fifth.status_code == 429
    assert b"Too many failed sign-in attempts" in fifth.content
    assert b"locked for 15 minutes" in fifth.content
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_does_not_lock_out_others_behind_the_same_address(client):
    UserFactory(username="amina")
    UserFactory(username="bruno")
    for _ in range(5):
        sign_in(client, "amina", "wrong")

    other_user = sign_in(client, "bruno", PASSWORD)
    same_user_elsewhere = sign_in(client, "amina", PASSWORD, address="10.9.9.9")

    assert other_user.status_code == 302
    assert same_user_elsewhere.status_code == 302


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(client):
    UserFactory(username="amina")
    proxy = "172.16.0.1"
    for attempt in range(5):
        # The attacker varies a forged left-hand entry; the proxy appends the real address.
        sign_in(
            client,
            "amina",
            "wrong",
            address=proxy,
            HTTP_X_FORWARDED_FOR=f"10.1.1.{attempt}, 203.0.113.7",
        )
    locked = sign_in(
        client, "amina", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="10.2.2.2, 203.0.113.7"
    )
    # Another client behind the same proxy is not locked out.
    other = sign_in(client, "amina", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert locked.status_code == 429
    assert other.status_code == 302


@pytest.mark.django_db
def test_password_reset_end_to_end(client):
    user = UserFactory(username="amina", email="amina@example.org")

    response = client.post(reverse("password_reset"), {"email": "amina@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amina@example.org"]
    assert message.subject == "Reset your password for the GFMD Follow-up Portal"
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", message.body)[1]

    form_page = client.get(link, follow=True)
    assert b"Choose a new password" in form_page.content
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200 and b"too short" in weak.content
    done = client.post(
        set_url, {"new_password1": "Geneva-2026-followup", "new_password2": "Geneva-2026-followup"}
    )
    assert done.status_code == 302

    user.refresh_from_db()
    assert user.check_password("Geneva-2026-followup")
    assert b"does not work any more" in client.get(link, follow=True).content


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert b"Check your e-mail" in response.content
    assert mail.outbox == []


@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_security_headers_on_a_page(client, secretariat_user):
    client.force_login(secretariat_user)
    response = client.get(reverse("action_list"), secure=True)

    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    # No inline script anywhere on the page: the CSP would block it.
    assert "<script>" not in response.content.decode().replace("&lt;script&gt;", "")


@pytest.mark.django_db
def test_logout_ends_the_server_side_session(client, secretariat_user):
    from django.contrib.sessions.models import Session

    client.force_login(secretariat_user)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()


@pytest.mark.django_db
def test_healthz_with_everything_up(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_healthz_names_an_unreachable_broker(client, settings):
    # Nothing listens on port 1: the broker does not answer.
    settings.CELERY_BROKER_URL = "redis://:secret-password@127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["broker"] == "unreachable"
    assert body["database"] == "ok"
    assert b"secret-password" not in response.content


@pytest.mark.django_db
def test_healthz_with_a_real_broker(client, settings):
    import socket

    from tests.conftest import missing_service

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        missing_service("Redis is not reachable on 127.0.0.1:6379")
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


@pytest.mark.django_db
def test_audit_trail_after_an_edit(client, secretariat_user, ilo, iom_focal_point):
    forum_action = FollowUpActionFactory(title="Original title", lead=ilo)
    undp = OrganisationFactory(acronym="UNDP")
    client.force_login(secretariat_user)

    client.post(
        reverse("action_edit", args=[forum_action.pk]),
        {
            "title": "Better title",
            "forum": forum_action.forum.pk,
            "lead": ilo.pk,
            "partners": [undp.pk],
            "due_date": "2027-02-01",
            "version": forum_action.version,
        },
    )
    page = client.get(reverse("action_detail", args=[forum_action.pk])).content.decode()

    audit = page[page.index('id="audit-heading"') :]
    assert "Audit trail" in audit
    assert "Original title" in audit and "Better title" in audit
    assert "1 February 2027" in audit  # dates as people read them
    assert "UNDP" in audit
    assert secretariat_user.get_full_name() in audit
    # Focal points do not see the audit trail.
    client.force_login(iom_focal_point)
    other_view = client.get(reverse("action_detail", args=[forum_action.pk])).content
    assert b"Audit trail" not in other_view
    assert FollowUpAction.audit_trail.filter(id=forum_action.pk).count() >= 2


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_our_404_page_with_debug_off(client, secretariat_user):
    client.force_login(secretariat_user)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Traceback" not in response.content


@pytest.mark.django_db
@override_settings(DEBUG=False, ROOT_URLCONF="tests.error_urls")
def test_our_500_page_with_debug_off(client, secretariat_user):
    client.raise_request_exception = False
    client.force_login(secretariat_user)

    response = client.get("/boom/")

    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"database on fire" not in response.content
    assert b"Traceback" not in response.content


@pytest.mark.django_db
def test_every_change_is_a_post_with_csrf(secretariat_user):
    from django.test import Client

    action = FollowUpActionFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretariat_user)
    response = client.post(
        reverse("action_status", args=[action.pk]),
        {"status": "planned", "progress": 1, "version": action.version},
    )
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.version == 1


@pytest.mark.django_db
def test_an_action_written_in_bulk_has_an_empty_audit_trail(client, secretariat_user):
    """bulk_create (generate_load_data) saves no history row; its page still opens."""
    (action,) = FollowUpAction.objects.bulk_create(
        [FollowUpActionFactory.build(forum=ForumFactory(), lead=OrganisationFactory())]
    )
    assert not FollowUpAction.audit_trail.filter(id=action.pk).exists()
    client.force_login(secretariat_user)

    response = client.get(reverse("action_detail", args=[action.pk]))

    assert response.status_code == 200
    audit = response.content.decode().split('id="audit-heading"')[1]
    assert "No changes recorded yet." in audit
