"""Each digest is written in its recipient's language (agencies.languages): the one they
chose in the portal, else English. The dates below are in Django's own French and Spanish
words, so these tests hold before the portal's own catalogs are translated."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from actions.models import FollowUpAction
from actions.services import action_change_status
from agencies.languages import choose_language
from digests import services
from digests.models import DigestDelivery
from digests.tasks import send_digest_batch
from tests.factories import FocalPointFactory, FollowUpActionFactory, UserFactory

Status = FollowUpAction.Status
# Monday 23 November 2026, 06:00 in Geneva: when beat sends week 2026-W48.
NOW = datetime.datetime(2026, 11, 23, 5, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 23)
WEEK = "2026-W48"
DUE = datetime.date(2026, 12, 1)  # due in the next 14 days
# How each language writes DUE, and the day of the week's change (21 November).
DUE_IN = {"en": "1 December 2026", "fr": "1 décembre 2026", "es": "1 de diciembre de 2026"}
CHANGED_IN = {"en": "21 November", "fr": "21 novembre", "es": "21 de noviembre"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ilo_week(ilo, secretariat_user):
    """ILO partners in an action due on 1 December, and one of its actions changed on
    21 November; ILO also leads an overdue action (the overview has something to say)."""
    FollowUpActionFactory(title="Handbook volume 2", lead=ilo, status=Status.PLANNED, due_date=DUE)
    FollowUpActionFactory(
        title="Overdue workshop",
        lead=ilo,
        status=Status.IN_PROGRESS,
        due_date=TODAY - datetime.timedelta(days=5),
    )
    changed = FollowUpActionFactory(title="Data working group", lead=ilo, status=Status.PLANNED)
    with time_machine.travel(NOW - datetime.timedelta(days=2), tick=False):
        action_change_status(
            action=changed, changed_by=secretariat_user, status=Status.IN_PROGRESS, progress=20
        )


def ilo_focal_point_in(ilo, username, language=None):
    user = FocalPointFactory(user=UserFactory(username=username), organisation=ilo).user
    if language is not None:
        choose_language(user, language)
    return user


def html_of(message):
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return html


def the_mail_to(user):
    (message,) = [message for message in mail.outbox if message.to == [user.email]]
    return message


def assert_written_in(message, language):
    """The message says it is in `language`, and its dates are in that language's words."""
    assert message.extra_headers["Content-Language"] == language
    html = html_of(message)
    assert re.search(r'<html lang="([a-z-]+)">', html)[1] == language
    for body in (message.body, html):
        assert DUE_IN[language] in body
        assert CHANGED_IN[language] in body
        others = [words for code, words in DUE_IN.items() if code != language]
        assert not any(words in body for words in others), others


@pytest.mark.django_db
def test_a_french_recipient_gets_the_digest_in_french(ilo, ilo_week):
    french = ilo_focal_point_in(ilo, "ilo-fr", "fr")

    call_command("send_digests", user=french.username)

    message = the_mail_to(french)
    assert_written_in(message, "fr")
    # The links work whatever the language: absolute, and the same paths as in English.
    assert "https://portal.example.org/actions/" in message.body
    assert "https://portal.example.org/settings/digest/" in html_of(message)
    assert "https://portal.example.org/digests/unsubscribe/" in html_of(message)
    # The log keeps what was sent, and in which language.
    delivery = DigestDelivery.objects.get(recipient=french)
    assert (delivery.status, delivery.language) == (DigestDelivery.Status.SENT, "fr")
    assert delivery.subject == message.subject


@pytest.mark.django_db
@pytest.mark.parametrize("profile", ["none", "follows the browser"])
def test_a_recipient_who_chose_no_language_gets_english(ilo, ilo_week, profile):
    user = ilo_focal_point_in(ilo, "ilo-en", None if profile == "none" else "")

    call_command("send_digests", user=user.username)

    message = the_mail_to(user)
    assert_written_in(message, "en")
    assert message.subject == "GFMD follow-up, week 2026-W48: 2 actions need your attention"
    assert DigestDelivery.objects.get(recipient=user).language == "en"


@pytest.mark.django_db
def test_a_batch_in_three_languages_gives_each_recipient_their_own(
    ilo, ilo_week, secretariat_user, django_capture_on_commit_callbacks
):
    # The French reader first: what the batch's builder shares must not stay French.
    readers = {
        "fr": ilo_focal_point_in(ilo, "ilo-fr", "fr"),
        "en": ilo_focal_point_in(ilo, "ilo-en"),
        "es": ilo_focal_point_in(ilo, "ilo-es", "es"),
    }
    french_secretary = UserFactory(username="sec-fr", secretariat=True)
    choose_language(french_secretary, "fr")
    delivery_ids = services.digest_plan_week(week=WEEK)
    before = translation.get_language()

    send_digest_batch.apply(args=(WEEK, delivery_ids))

    assert translation.get_language() == before
    for language, reader in readers.items():
        assert_written_in(the_mail_to(reader), language)
    # The overview is built once for the run and read in each secretary's language.
    french_overview, english_overview = the_mail_to(french_secretary), the_mail_to(secretariat_user)
    assert french_overview.extra_headers["Content-Language"] == "fr"
    assert "21 novembre" in french_overview.body and "18 novembre 2026" in french_overview.body
    assert english_overview.extra_headers["Content-Language"] == "en"
    assert "21 November" in english_overview.body and "18 November 2026" in english_overview.body
    assert "novembre" not in english_overview.body


@pytest.mark.django_db
def test_sending_leaves_the_active_language_as_it_was(ilo, ilo_week):
    french = ilo_focal_point_in(ilo, "ilo-fr", "fr")
    english = ilo_focal_point_in(ilo, "ilo-en")

    with translation.override("es"):
        call_command("send_digests")
        assert translation.get_language() == "es"

    assert_written_in(the_mail_to(french), "fr")
    assert_written_in(the_mail_to(english), "en")  # not the language active around it


@pytest.mark.django_db
def test_a_batch_reads_each_recipients_language_with_the_recipient(ilo, ilo_week):
    """The languages cost no query: the profile comes joined to the recipient, so a batch
    of digests in three languages takes as many queries as another of the same size."""
    for number, language in enumerate(["fr", "es", None, "fr", "", "es"]):
        ilo_focal_point_in(ilo, f"ilo-{number}", language)
    delivery_ids = services.digest_plan_week(week=WEEK)

    def queries(ids):
        with CaptureQueriesContext(connection) as captured:
            send_digest_batch.apply(args=(WEEK, ids))
        return [query["sql"] for query in captured]

    first, second = queries(delivery_ids[:3]), queries(delivery_ids[3:6])

    assert len(first) == len(second)
    assert not [sql for sql in first + second if re.search(r'FROM "agencies_profile"', sql)]
    assert DigestDelivery.objects.filter(status=DigestDelivery.Status.SENT).count() == 6


@pytest.mark.django_db
def test_one_french_delivery_takes_as_many_queries_as_an_english_one(ilo, ilo_week):
    def queries_to_send(user):
        (delivery_id,) = services.digest_plan_week(week=WEEK, username=user.username)
        with CaptureQueriesContext(connection) as captured:
            assert services.digest_deliver(delivery_id=delivery_id) == "sent"
        return len(captured)

    french, english = ilo_focal_point_in(ilo, "ilo-fr", "fr"), ilo_focal_point_in(ilo, "ilo-en")

    # As tests/test_digest_exactly_once.py counts them: the claim; the delivery with its
    # recipient, preference and profile; the organisations, their agendas and week of
    # changes; the row marked sent. And here the changes shown: this week has one.
    assert queries_to_send(french) == queries_to_send(english) == 7
    assert_written_in(the_mail_to(french), "fr")


@pytest.mark.django_db
def test_the_preview_is_in_the_language_the_digest_is_sent_in(client, ilo, ilo_week):
    ilo_focal_point_in(ilo, "ilo-fr", "fr")
    staff = UserFactory(username="staff", secretariat=True)  # reads the portal in English
    client.force_login(staff)

    preview = client.get(reverse("digest_preview"), {"user": "ilo-fr", "week": WEEK})
    page = client.get(reverse("digest_settings"))

    assert preview.status_code == 200 and preview["Content-Language"] == "fr"
    html = preview.content.decode()
    assert '<html lang="fr">' in html and DUE_IN["fr"] in html and CHANGED_IN["fr"] in html
    assert page["Content-Language"] == "en"  # the viewer's own pages stay in theirs


@pytest.mark.django_db
def test_the_log_says_which_language_a_digest_was_sent_in(client, ilo, ilo_week):
    ilo_focal_point_in(ilo, "ilo-fr", "fr")
    call_command("send_digests", user="ilo-fr")
    client.force_login(UserFactory(username="staff", secretariat=True))

    page = client.get(reverse("digest_log"), {"recipient": "ilo-fr"}).content.decode()

    delivery = DigestDelivery.objects.get(recipient__username="ilo-fr")
    assert "Sent in French." in page
    assert f'<p lang="fr"><strong>{delivery.subject}</strong></p>' in page
    assert '<li lang="en">Handbook volume 2</li>' in page  # the record's own words


@pytest.mark.django_db
def test_the_settings_page_says_which_language_digests_are_sent_in(client, ilo_focal_point):
    client.force_login(ilo_focal_point)

    # No language chosen: the pages follow the browser (French here), the digests are English.
    page = client.get(reverse("digest_settings"), headers={"accept-language": "fr"})
    with translation.override("fr"):
        english_in_french = str(translation.get_language_info("en")["name_translated"])

    assert page["Content-Language"] == "fr"
    assert page.context["digest_language"] == "en" and not page.context["chose_a_language"]
    assert english_in_french in page.content.decode()

    choose_language(ilo_focal_point, "es")
    page = client.get(reverse("digest_settings"))
    with translation.override("es"):
        spanish_in_spanish = str(translation.get_language_info("es")["name_translated"])

    assert page.context["digest_language"] == "es" and page.context["chose_a_language"]
    assert spanish_in_spanish in page.content.decode()


@pytest.mark.django_db
def test_the_settings_page_in_english(client, ilo_focal_point):
    client.force_login(ilo_focal_point)

    text = client.get(reverse("digest_settings")).content.decode()

    assert "Digests are sent in English: you have not chosen a language for the portal." in text
