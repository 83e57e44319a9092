"""Who may preview which digest, where the previews are linked from, and what the delivery
log says each sent digest contained."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from digests import services
from digests.content import current_week
from digests.models import DigestDelivery
from tests.factories import FocalPointFactory, FollowUpActionFactory, ForumFactory, UserFactory

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)
PAST_DUE = datetime.date(2000, 1, 3)  # overdue in any week previewed


def _text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def two_agendas(ilo, iom):
    forum = ForumFactory()
    FollowUpActionFactory(forum=forum, lead=ilo, title="ILO overdue workshop", due_date=PAST_DUE)
    FollowUpActionFactory(forum=forum, lead=iom, title="IOM overdue handbook", due_date=PAST_DUE)


# --- A focal point previews their own digest, and only theirs ----------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{}, {"user": "ilo-focal"}, {"kind": "focal_point"}])
def test_a_focal_point_previews_their_own_digest(client, two_agendas, ilo_focal_point, query):
    client.force_login(ilo_focal_point)

    response = client.get(reverse("digest_preview"), query)

    assert response.status_code == 200
    text = _text(response)
    assert "Preview of ilo-focal’s digest" in text
    assert "ILO overdue workshop" in text
    assert "IOM overdue handbook" not in text
    assert mail.outbox == [] and not DigestDelivery.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("someone", ["iom-focal", "secretariat", "nobody-of-that-name"])
def test_a_focal_point_may_not_preview_anyone_else(
    client, two_agendas, ilo_focal_point, iom_focal_point, secretariat_user, someone
):
    client.force_login(ilo_focal_point)

    response = client.get(reverse("digest_preview"), {"user": someone})

    # The same refusal whether the account exists or not: it tells nothing about accounts.
    assert response.status_code == 403
    assert "Only secretariat staff can preview other people's digests." in _text(response)
    assert "IOM overdue handbook" not in _text(response)


@pytest.mark.django_db
def test_a_focal_point_may_not_preview_the_secretariat_overview(client, ilo_focal_point):
    client.force_login(ilo_focal_point)

    response = client.get(reverse("digest_preview"), {"kind": "secretariat"})

    assert response.status_code == 403
    assert "Only secretariat staff can preview the secretariat overview." in _text(response)


@pytest.mark.django_db
def test_someone_who_gets_no_digest_is_told_so(client, observer):
    client.force_login(observer)

    response = client.get(reverse("digest_preview"))

    assert response.status_code == 404
    text = _text(response)
    assert "not a focal point of any organisation" in text
    # No staff tools on their page.
    assert reverse("digest_log") not in text and 'name="user"' not in text


@pytest.mark.django_db
def test_staff_preview_anyone_for_a_given_week_and_kind(
    client, two_agendas, secretariat_user, iom_focal_point
):
    client.force_login(secretariat_user)

    response = client.get(
        reverse("digest_preview"),
        {"user": "iom-focal", "week": "2026-W05", "kind": "focal_point"},
    )

    assert response.status_code == 200
    text = _text(response)
    assert "Preview of iom-focal’s digest for week 2026-W05" in text
    assert "IOM overdue handbook" in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "week"), [("secretariat_user", "last week"), ("ilo_focal_point", "2026-W60")]
)
def test_a_bad_week_is_refused_with_a_message(request, client, persona, week):
    user = request.getfixturevalue(persona)
    client.force_login(user)

    response = client.get(reverse("digest_preview"), {"user": user.username, "week": week})

    assert response.status_code == 400
    assert "ISO week" in _text(response) or "has no week" in _text(response)


# --- Where the previews are linked from -------------------------------------------------


@pytest.mark.django_db
def test_the_settings_page_offers_a_focal_point_their_own_preview(client, ilo_focal_point):
    client.force_login(ilo_focal_point)

    text = _text(client.get(reverse("digest_settings")))

    assert "Preview my next digest" in text
    assert f'href="{reverse("digest_preview")}?user=ilo-focal"' in text


@pytest.mark.django_db
def test_the_settings_page_offers_no_preview_to_who_gets_no_digest(client, observer):
    client.force_login(observer)

    text = _text(client.get(reverse("digest_settings")))

    assert "Preview my next digest" not in text
    assert "none is made for you" in text


@pytest.mark.django_db
def test_the_organisation_page_links_each_focal_points_preview_for_staff_only(
    client, ilo, ilo_focal_point, secretariat_user, observer
):
    FocalPointFactory(user=UserFactory(username="ilo-second"), organisation=ilo)
    url = reverse("agency_detail", args=["ILO"])
    preview = f"{reverse('digest_preview')}?user=%s&amp;kind=focal_point"

    client.force_login(secretariat_user)
    staff_page = client.get(url).content.decode()
    client.force_login(observer)
    observer_page = client.get(url).content.decode()

    assert preview % "ilo-focal" in staff_page and preview % "ilo-second" in staff_page
    assert "Preview digest" not in observer_page
    assert "ilo-focal" in observer_page  # the focal points are still named


# --- The delivery log: for staff, in their navigation, saying what was sent ---------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["ilo_focal_point", "observer"])
def test_others_have_neither_the_log_nor_its_link(request, client, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("digest_log")).status_code == 403
    assert reverse("digest_log") not in client.get(reverse("dashboard")).content.decode()


@pytest.mark.django_db
def test_staff_have_the_log_in_their_navigation(client, secretariat_user):
    client.force_login(secretariat_user)

    page = client.get(reverse("dashboard")).content.decode()

    assert f'<a href="{reverse("digest_log")}">Digest log</a>' in page


@pytest.mark.django_db
def test_a_sent_digest_stores_its_subject_and_the_titles_it_listed(
    ilo, ilo_focal_point, secretariat_user
):
    forum = ForumFactory()
    for number in range(12):  # more than a section shows
        FollowUpActionFactory(forum=forum, lead=ilo, title=f"Late {number:02d}", due_date=YESTERDAY)

    call_command("send_digests")

    delivery = DigestDelivery.objects.get(recipient=ilo_focal_point)
    (message,) = [m for m in mail.outbox if m.to == [ilo_focal_point.email]]
    assert delivery.subject == message.subject
    overdue = delivery.contents[0]
    assert overdue["heading"] == "Overdue"
    assert overdue["titles"] == [f"Late {number:02d}" for number in range(10)]
    assert overdue["more"] == 2
    overview = DigestDelivery.objects.get(recipient=secretariat_user)
    headings = [section["heading"] for section in overview.contents]
    assert "Overdue, by lead organisation" in headings
    assert overview.subject.startswith("GFMD follow-up overview")


@pytest.mark.django_db
def test_an_empty_or_refused_digest_stores_no_contents(ilo, ilo_focal_point, monkeypatch):
    (delivery_id,) = services.digest_plan_week(week=current_week())
    assert services.digest_deliver(delivery_id=delivery_id) == "empty"
    empty = DigestDelivery.objects.get(pk=delivery_id)

    FollowUpActionFactory(lead=ilo, due_date=YESTERDAY)
    DigestDelivery.objects.filter(pk=delivery_id).update(status=DigestDelivery.Status.PENDING)

    def refuse(message, *args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    with pytest.raises(services.DigestSendFailed):
        services.digest_deliver(delivery_id=delivery_id)
    failed = DigestDelivery.objects.get(pk=delivery_id)

    assert (empty.status, empty.subject, empty.contents) == ("empty", "", [])
    assert (failed.status, failed.subject, failed.contents) == ("failed", "", [])


@pytest.mark.django_db
def test_the_log_shows_what_each_digest_said_and_links_its_preview(
    client, ilo, ilo_focal_point, secretariat_user
):
    FollowUpActionFactory(lead=ilo, title="Workshop <on> remittances", due_date=YESTERDAY)
    call_command("send_digests")
    client.force_login(secretariat_user)

    page = client.get(reverse("digest_log"), {"recipient": "ilo-focal"}).content.decode()

    row = re.search(r"<tr>\s*<td>\d{4}-W\d\d</td>.*?</tr>", page, flags=re.S)[0]
    assert "What it said" in row
    assert "Workshop &lt;on&gt; remittances" in row  # escaped, as everything typed
    delivery = DigestDelivery.objects.get(recipient=ilo_focal_point)
    assert html.escape(delivery.subject, quote=False) in row
    preview = (
        f'href="{reverse("digest_preview")}?user=ilo-focal&amp;week={delivery.week}'
        '&amp;kind=focal_point"'
    )
    assert preview in row
    opened = client.get(
        reverse("digest_preview"),
        {"user": "ilo-focal", "week": delivery.week, "kind": "focal_point"},
    )
    assert (
        opened.status_code == 200 and "Workshop &lt;on&gt; remittances" in opened.content.decode()
    )
