"""Digest settings, the one-click unsubscribe link, the preview and the delivery log."""

import datetime
import html

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from digests.content import current_week
from digests.models import DigestDelivery, DigestPreference
from digests.services import digest_set_preference
from digests.tokens import unsubscribe_token
from tests.factories import FollowUpActionFactory

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def receives(user):
    preference = DigestPreference.objects.filter(user=user).first()
    return preference is None or preference.receives_digests


@pytest.mark.django_db
def test_settings_page_turns_digests_off_and_on(client, ilo_focal_point):
    client.force_login(ilo_focal_point)
    page = client.get(reverse("digest_settings"))
    assert b'name="receives_digests"' in page.content and b"checked" in page.content

    off = client.post(reverse("digest_settings"), {}, follow=True)
    assert b"you will no longer receive the weekly digest" in off.content
    assert not receives(ilo_focal_point)

    on = client.post(reverse("digest_settings"), {"receives_digests": "on"}, follow=True)
    assert b"you will receive the weekly digest" in on.content
    assert receives(ilo_focal_point)


@pytest.mark.django_db
def test_settings_page_needs_login(client):
    response = client.get(reverse("digest_settings"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_unsubscribe_link_works_without_login_and_only_once(client, ilo_focal_point):
    url = reverse("digest_unsubscribe", args=[unsubscribe_token(ilo_focal_point)])

    asked = client.get(url)
    assert asked.status_code == 200 and b"Unsubscribe" in asked.content
    assert receives(ilo_focal_point)  # a GET changes nothing

    done = client.post(url)
    assert done.status_code == 200
    assert b"You are unsubscribed" in done.content
    assert not receives(ilo_focal_point)

    digest_set_preference(user=ilo_focal_point, receives_digests=True)
    again = client.post(url)
    assert again.status_code == 400
    assert b"already been used" in again.content
    assert receives(ilo_focal_point)


@pytest.mark.django_db
def test_unsubscribe_link_is_for_its_user_only(client, ilo_focal_point, iom_focal_point):
    client.post(reverse("digest_unsubscribe", args=[unsubscribe_token(ilo_focal_point)]))
    assert not receives(ilo_focal_point)
    assert receives(iom_focal_point)


@pytest.mark.django_db
@pytest.mark.parametrize("mangle", ["swap_user", "truncate", "garbage"])
def test_a_tampered_unsubscribe_link_is_refused(client, ilo_focal_point, iom_focal_point, mangle):
    token = unsubscribe_token(ilo_focal_point)
    if mangle == "swap_user":
        # Put IOM's user id in ILO's signed payload: the signature no longer matches.
        other = unsubscribe_token(iom_focal_point)
        token = other.split(":")[0] + ":" + ":".join(token.split(":")[1:])
    elif mangle == "truncate":
        token = token[:-3]
    else:
        token = "not-a-token"
    url = reverse("digest_unsubscribe", args=[token])

    assert client.get(url).status_code == 400
    response = client.post(url)

    assert response.status_code == 400
    assert b"not valid" in response.content
    assert receives(ilo_focal_point) and receives(iom_focal_point)


@pytest.mark.django_db
def test_unsubscribed_users_get_no_digest(ilo, ilo_focal_point, client):
    ilo_focal_point.email = "f@example.org"
    ilo_focal_point.save()
    FollowUpActionFactory(lead=ilo, due_date=YESTERDAY)  # something to report
    client.post(reverse("digest_unsubscribe", args=[unsubscribe_token(ilo_focal_point)]))

    call_command("send_digests")

    assert mail.outbox == []


@pytest.mark.django_db
def test_preview_shows_the_html_digest_to_secretariat(
    client, secretariat_user, ilo, ilo_focal_point
):
    FollowUpActionFactory(lead=ilo, title="Previewed action", due_date=YESTERDAY)
    client.force_login(secretariat_user)

    response = client.get(reverse("digest_preview"), {"user": ilo_focal_point.username})

    assert response.status_code == 200
    assert b"Your GFMD follow-up digest" in response.content
    assert b"Previewed action" in response.content
    assert mail.outbox == [] and not DigestDelivery.objects.exists()


@pytest.mark.django_db
def test_preview_bad_input(client, secretariat_user):
    client.force_login(secretariat_user)
    missing = client.get(reverse("digest_preview"))
    unknown = client.get(reverse("digest_preview"), {"user": "nobody"})
    assert missing.status_code == 400 and b"add ?user=USERNAME" in missing.content
    assert unknown.status_code == 404 and "no user named “nobody”".encode() in unknown.content


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["ilo_focal_point", "observer"])
def test_preview_and_log_are_for_secretariat_only(request, client, persona, iom_focal_point):
    client.force_login(request.getfixturevalue(persona))
    # Someone else's digest: a focal point may preview their own (test_digest_preview_access).
    preview = client.get(reverse("digest_preview"), {"user": iom_focal_point.username})
    assert preview.status_code == 403
    assert client.get(reverse("digest_log")).status_code == 403


@pytest.mark.django_db
def test_delivery_log_lists_deliveries_and_failures(client, secretariat_user, ilo_focal_point):
    DigestDelivery.objects.create(
        recipient=ilo_focal_point,
        week="2026-W47",
        kind="focal_point",
        status="sent",
        attempts=1,
        item_count=4,
    )
    DigestDelivery.objects.create(
        recipient=ilo_focal_point,
        week="2026-W48",
        kind="focal_point",
        status="failed",
        attempts=3,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    client.force_login(secretariat_user)

    everything = client.get(reverse("digest_log"))
    failed = client.get(reverse("digest_log"), {"status": "failed"})
    bad_week = client.get(reverse("digest_log"), {"week": "last week"})

    assert b"2 deliveries" in everything.content
    assert b"Connection unexpectedly closed" in failed.content
    assert b"2026-W47" not in failed.content
    assert bad_week.status_code == 400
    assert b"not an ISO week" in bad_week.content


@pytest.mark.django_db
def test_dry_run_prints_and_records_nothing(capsys, ilo, ilo_focal_point):
    ilo_focal_point.email = "f@example.org"
    ilo_focal_point.save()
    FollowUpActionFactory(lead=ilo, due_date=YESTERDAY)

    call_command("send_digests", dry_run=True)

    output = capsys.readouterr().out
    assert f"Week {current_week()}, dry run" in output
    assert "ilo-focal <f@example.org> focal_point: 1 overdue, 0 due soon" in output
    assert mail.outbox == [] and not DigestDelivery.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "message"),
    [({"week": "2026-W60"}, "has no week 60"), ({"user": "nobody"}, "no user named")],
)
def test_command_refuses_bad_options(options, message):
    with pytest.raises(CommandError, match=message):
        call_command("send_digests", **options)


# --- The preview acts for nobody; the unsubscribe page says whom it acts for ----------


@pytest.mark.django_db
def test_the_preview_has_no_live_link_and_says_whose_digest_it_is(
    client, secretariat_user, iom, iom_focal_point
):
    FollowUpActionFactory(lead=iom, title="Previewed action", due_date=YESTERDAY)
    client.force_login(secretariat_user)

    page = client.get(reverse("digest_preview"), {"user": iom_focal_point.username})

    text = html.unescape(page.content.decode())
    banner = f"Preview of iom-focal’s digest for week {current_week()}"
    assert banner in text and text.index(banner) < text.index("Previewed action")
    assert "(focal point digest)" in text and "inert in the preview" in text
    assert "/digests/unsubscribe/" not in text
    assert reverse("digest_settings") not in text  # it would open the viewer's own settings
    assert unsubscribe_token(iom_focal_point) not in text


@pytest.mark.django_db
def test_the_preview_refuses_an_unknown_kind_and_shows_the_kind_asked_for(
    client, secretariat_user, iom_focal_point
):
    client.force_login(secretariat_user)

    overview = client.get(
        reverse("digest_preview"), {"user": iom_focal_point.username, "kind": "secretariat"}
    )
    bogus = client.get(reverse("digest_preview"), {"user": iom_focal_point.username, "kind": "x"})

    assert b"GFMD follow-up overview" in overview.content
    assert bogus.status_code == 400
    assert "“x” is not a kind of digest" in bogus.content.decode()


@pytest.mark.django_db
def test_the_unsubscribe_page_names_the_account_it_will_unsubscribe(client, iom_focal_point):
    iom_focal_point.email = "iom.focal@iom.int"
    iom_focal_point.save()

    page = client.get(reverse("digest_unsubscribe", args=[unsubscribe_token(iom_focal_point)]))

    assert page.status_code == 200
    assert b"iom-focal" in page.content and b"i***@iom.int" in page.content
    assert b"iom.focal@iom.int" not in page.content


@pytest.mark.django_db
def test_a_used_unsubscribe_link_says_so_when_opened_again(client, iom_focal_point):
    url = reverse("digest_unsubscribe", args=[unsubscribe_token(iom_focal_point)])
    client.post(url)

    again = client.get(url)

    assert again.status_code == 400
    assert b"already been used" in again.content
    assert b"Unsubscribe iom-focal" not in again.content
    assert f'action="{url}"'.encode() not in again.content


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unsubscribe_link_of_a_deleted_account_answers_a_clear_page(
    client, iom_focal_point, method
):
    url = reverse("digest_unsubscribe", args=[unsubscribe_token(iom_focal_point)])
    iom_focal_point.delete()

    response = getattr(client, method)(url)

    assert response.status_code == 410
    assert b"This link was made for an account that no longer exists" in response.content
    assert not DigestPreference.objects.exists()


# --- Each 403 names what was refused ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "refused"),
    [
        ("digest_preview", "Only secretariat staff can preview other people's digests."),
        ("digest_log", "Only secretariat staff can see the digest delivery log."),
        ("action_create", "Only secretariat staff can create actions."),
    ],
)
def test_a_refusal_says_what_was_refused(client, iom_focal_point, url_name, refused):
    client.force_login(iom_focal_point)

    # Someone else's digest for the preview (one's own is allowed); the others ignore it.
    response = client.get(reverse(url_name), {"user": "someone-else"})

    assert response.status_code == 403
    assert refused in html.unescape(response.content.decode())
