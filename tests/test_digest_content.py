"""What a weekly digest says, and to whom: content, sections, links, subjects."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from actions.models import FollowUpAction
from actions.services import action_change_status
from digests.content import (
    DigestBuilder,
    build_digest,
    focal_point_digest,
    parse_week,
    secretariat_digest,
)
from digests.models import DigestDelivery
from tests.factories import FocalPointFactory, FollowUpActionFactory, UserFactory

Status = FollowUpAction.Status
# Monday 23 November 2026, 06:00 in Geneva: when beat sends week 2026-W48.
NOW = datetime.datetime(2026, 11, 23, 5, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 23)
WEEK = "2026-W48"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ilo_world(ilo, iom, ilo_focal_point, secretariat_user):
    ilo_focal_point.email = "ilo.focal@example.org"
    ilo_focal_point.save()
    old = NOW - datetime.timedelta(days=45)
    actions = {
        "overdue": FollowUpActionFactory(
            title="Overdue workshop",
            lead=ilo,
            status=Status.IN_PROGRESS,
            due_date=TODAY - datetime.timedelta(days=5),
        ),
        "due_soon": FollowUpActionFactory(
            title="Handbook volume 2",
            lead=iom,
            partners=[ilo],
            status=Status.PLANNED,
            due_date=TODAY + datetime.timedelta(days=14),
        ),
        "stale": FollowUpActionFactory(
            title="Quiet network",
            lead=ilo,
            status=Status.PROPOSED,
            last_reported_at=old,
            status_changed_at=old,
        ),
        "changed": FollowUpActionFactory(
            title="Data working group", lead=ilo, status=Status.PLANNED
        ),
        "not_due_yet": FollowUpActionFactory(
            title="Far future study",
            lead=ilo,
            status=Status.PLANNED,
            due_date=TODAY + datetime.timedelta(days=15),
        ),
        "closed_overdue": FollowUpActionFactory(
            title="Finished compendium",
            lead=ilo,
            status=Status.COMPLETED,
            progress=100,
            due_date=TODAY - datetime.timedelta(days=30),
        ),
        "iom_only": FollowUpActionFactory(
            title="IOM-only conference",
            lead=iom,
            status=Status.IN_PROGRESS,
            due_date=TODAY - datetime.timedelta(days=2),
        ),
    }
    with time_machine.travel(NOW - datetime.timedelta(days=2), tick=False):
        action_change_status(
            action=actions["changed"],
            changed_by=secretariat_user,
            status=Status.IN_PROGRESS,
            progress=20,
            note="Terms of reference agreed.",
        )
        # The reader's own report is not news to them.
        action_change_status(
            action=actions["not_due_yet"],
            changed_by=ilo_focal_point,
            status=Status.IN_PROGRESS,
            progress=5,
        )
    with time_machine.travel(NOW - datetime.timedelta(days=9), tick=False):
        action_change_status(
            action=actions["overdue"],
            changed_by=secretariat_user,
            status=Status.IN_PROGRESS,
            progress=30,
            note="Older than a week.",
        )
    return actions


def titles(items):
    return [item.title for item in items]


@pytest.mark.django_db
def test_each_action_lands_in_its_section_and_nothing_of_other_organisations(
    ilo_world, ilo_focal_point
):
    digest = focal_point_digest(ilo_focal_point, WEEK)

    assert titles(digest.overdue) == ["Overdue workshop"]
    assert digest.overdue.items[0].days_overdue == 5
    assert titles(digest.due_soon) == ["Handbook volume 2"]  # 14 days is still "next 14"
    assert titles(digest.stale) == ["Quiet network"]
    assert [change.title for change in digest.changes] == ["Data working group"]
    assert digest.changes.items[0].note == "Terms of reference agreed."
    everything = titles([*digest.overdue, *digest.due_soon, *digest.stale]) + [
        change.title for change in digest.changes
    ]
    assert "IOM-only conference" not in everything
    assert "Finished compendium" not in everything
    assert "Far future study" not in everything
    assert digest.attention_count == 3


@pytest.mark.django_db
def test_the_sent_mail_has_text_and_html_bodies_with_absolute_links(ilo_world, ilo_focal_point):
    call_command("send_digests", user=ilo_focal_point.username)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ilo.focal@example.org"]
    assert message.subject == "GFMD follow-up, week 2026-W48: 3 actions need your attention"
    text = message.body
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    overdue_url = f"https://portal.example.org/actions/{ilo_world['overdue'].pk}/"
    for body in (text, html):
        assert overdue_url in body
        assert "Overdue workshop" in body and "Handbook volume 2" in body
        assert "Quiet network" in body and "Data working group" in body
        assert "IOM-only conference" not in body
        assert "https://portal.example.org/settings/digest/" in body
        assert "https://portal.example.org/digests/unsubscribe/" in body
    assert "5 days overdue" in text
    assert 'id="overdue"' in html and 'id="due-soon"' in html and 'id="stale"' in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    delivery = DigestDelivery.objects.get(recipient=ilo_focal_point)
    assert (delivery.status, delivery.week, delivery.item_count) == ("sent", WEEK, 4)


@pytest.mark.django_db
def test_an_empty_digest_is_not_sent(iom, ilo_focal_point):
    ilo_focal_point.email = "ilo.focal@example.org"
    ilo_focal_point.save()
    FollowUpActionFactory(lead=iom, due_date=TODAY - datetime.timedelta(days=3))

    call_command("send_digests")

    assert mail.outbox == []
    assert DigestDelivery.objects.get(recipient=ilo_focal_point).status == "empty"


@pytest.mark.django_db
def test_the_secretariat_overview(ilo_world, secretariat_user, ilo):
    digest = secretariat_digest(secretariat_user, WEEK)

    counts = dict(digest.status_counts)
    assert counts["In progress"] == 4 and counts["Completed"] == 1
    assert [group.lead for group in digest.overdue_groups] == ["ILO", "IOM"]
    assert titles(digest.overdue_groups[0].items) == ["Overdue workshop"]
    assert "Data working group" in [change.title for change in digest.changes]
    # ILO reported recently on most actions; nobody quiet for 30 days yet.
    assert digest.quiet_organisations == []


@pytest.mark.django_db
def test_organisations_without_updates_for_30_days_are_listed(secretariat_user):
    long_ago = NOW - datetime.timedelta(days=31)
    quiet = FollowUpActionFactory(
        status=Status.PLANNED, last_reported_at=long_ago, status_changed_at=long_ago
    )
    FollowUpActionFactory(status=Status.PLANNED)  # another lead, recent

    digest = secretariat_digest(secretariat_user, WEEK)

    assert [org.acronym for org in digest.quiet_organisations] == [quiet.lead.acronym]
    assert digest.quiet_organisations[0].open_actions == 1


@pytest.mark.django_db
def test_the_secretariat_mail(ilo_world, secretariat_user):
    secretariat_user.email = "sec@example.org"
    secretariat_user.save()
    call_command("send_digests", user=secretariat_user.username)

    message = mail.outbox[0]
    assert message.subject == "GFMD follow-up overview, week 2026-W48: 2 items need attention"
    assert "OVERDUE, BY LEAD ORGANISATION (2)" in message.body
    assert "<h3>ILO: 1 overdue</h3>" in message.alternatives[0][0]


@pytest.mark.django_db
def test_recipients_are_focal_points_and_secretariat_with_an_address_who_did_not_opt_out(
    ilo_world, secretariat_user, ilo
):
    from digests.content import digest_recipients
    from digests.services import digest_set_preference

    no_address = FocalPointFactory(organisation=ilo, user=UserFactory(email="")).user
    inactive = FocalPointFactory(organisation=ilo, user=UserFactory(is_active=False)).user
    opted_out = FocalPointFactory(organisation=ilo).user
    digest_set_preference(user=opted_out, receives_digests=False)
    UserFactory(username="bystander")

    recipients = {(user.username, kind) for user, kind in digest_recipients()}

    assert ("ilo-focal", "focal_point") in recipients
    assert ("secretariat", "secretariat") in recipients
    assert not {u for u, _ in recipients} & {
        no_address.username,
        inactive.username,
        opted_out.username,
        "bystander",
    }


@pytest.mark.django_db
def test_digests_build_in_a_fixed_number_of_queries(
    ilo_world, ilo_focal_point, secretariat_user, django_assert_num_queries, ilo
):
    # preference, organisations, the organisations' agendas (with what is shown of each
    # action), their week of changes, the changes shown
    with django_assert_num_queries(5):
        build_digest(ilo_focal_point, WEEK, "focal_point")
    FollowUpActionFactory.create_batch(
        20, lead=ilo, status=Status.PLANNED, due_date=TODAY - datetime.timedelta(days=1)
    )
    builder = DigestBuilder(WEEK)
    with django_assert_num_queries(5):
        digest = builder.build(ilo_focal_point, "focal_point")
    assert digest.overdue.total == 21
    # Another ILO focal point in the same run: ILO's agenda and its actions are read
    # already. Left: the preference, the organisations, and the changes the first focal
    # point made (not news to them, so not read for them).
    colleague = FocalPointFactory(organisation=ilo).user
    with django_assert_num_queries(3):
        again = builder.build(colleague, "focal_point")
    assert again.overdue == digest.overdue
    assert again.overdue.total == 21
    # The same again, with the preference read by the caller (as digest_deliver does).
    with django_assert_num_queries(1):
        builder.build(colleague, "focal_point", None)
    # preference, counts, changes, overdue per lead, oldest overdue per lead, quiet organisations
    with django_assert_num_queries(6):
        builder.build(secretariat_user, "secretariat")
    # The overview is the same for every secretariat reader in a run.
    another_secretary = UserFactory(secretariat=True)
    with django_assert_num_queries(1):
        builder.build(another_secretary, "secretariat")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2026-W48", "2026-W48"), ("2026-W01", "2026-W01"), ("2020-W53", "2020-W53")],
)
def test_parse_week_accepts_iso_weeks(value, expected):
    assert parse_week(value) == expected


@pytest.mark.parametrize("value", ["2026-48", "2026-W54", "2026-W00", "W48", "", "2026-W5"])
def test_parse_week_refuses_anything_else(value):
    with pytest.raises(ValueError):
        parse_week(value)


@pytest.mark.django_db
def test_a_past_week_is_described_as_of_its_monday(ilo_focal_point, ilo):
    ilo_focal_point.email = "x@example.org"
    ilo_focal_point.save()
    FollowUpActionFactory(lead=ilo, due_date=datetime.date(2026, 11, 10), status=Status.PLANNED)

    earlier = focal_point_digest(ilo_focal_point, "2026-W46")  # Monday 9 November

    assert titles(earlier.due_soon) and not earlier.overdue


@pytest.mark.django_db
def test_long_sections_are_capped_with_a_link_to_the_rest(ilo, ilo_focal_point, secretariat_user):
    ilo_focal_point.email = "f@example.org"
    ilo_focal_point.save()
    FollowUpActionFactory.create_batch(
        25, lead=ilo, status=Status.PLANNED, due_date=TODAY - datetime.timedelta(days=1)
    )

    digest = focal_point_digest(ilo_focal_point, WEEK)
    overview = secretariat_digest(secretariat_user, WEEK)

    assert (len(digest.overdue.items), digest.overdue.total, digest.overdue.hidden) == (10, 25, 15)
    assert digest.overdue.more_url == "https://portal.example.org/my/?overdue=true"
    assert digest.attention_count == 25
    group = overview.overdue_groups[0]
    assert (group.lead, len(group.items), group.total) == ("ILO", 5, 25)
    assert group.more_url.endswith("/actions/?overdue=true&lead=ILO")

    call_command("send_digests", user=ilo_focal_point.username)
    message = mail.outbox[0]
    assert "25 actions need your attention" in message.subject
    assert "and 15 more: see them all at https://portal.example.org/my/?overdue=true" in (
        message.body
    )
    assert (
        'And 15 more: <a href="https://portal.example.org/my/?overdue=true">see them all</a>'
        in message.alternatives[0][0]
    )


@pytest.mark.django_db
def test_a_whole_run_builder_says_the_same_as_one_digest_at_a_time(
    ilo_world, ilo_focal_point, iom_focal_point, iom
):
    iom_focal_point.email = "iom.focal@example.org"
    iom_focal_point.save()
    run = DigestBuilder(WEEK, whole_run=True)

    for user in (ilo_focal_point, iom_focal_point):
        together, alone = run.build(user, "focal_point"), build_digest(user, WEEK, "focal_point")
        for section in ("overdue", "due_soon", "stale", "changes"):
            assert getattr(together, section) == getattr(alone, section), (user, section)
        assert together.attention_count == alone.attention_count


@pytest.mark.django_db
def test_the_thresholds_are_defined_once_and_the_mails_follow_them(
    monkeypatch, ilo, iom, ilo_focal_point, secretariat_user
):
    from digests import content as digests

    monkeypatch.setattr(digests, "DUE_SOON_DAYS", 21)
    monkeypatch.setattr(digests, "STALE_DAYS", 45)
    ilo_focal_point.email = "f@example.org"
    ilo_focal_point.save()
    secretariat_user.email = "sec@example.org"
    secretariat_user.save()
    long_ago = NOW - datetime.timedelta(days=50)
    FollowUpActionFactory(  # due soon only with 21 days
        lead=iom,
        partners=[ilo],
        status=Status.PLANNED,
        due_date=TODAY + datetime.timedelta(days=20),
    )
    # No report for 50 days: ILO's one led action, so ILO is quiet too.
    FollowUpActionFactory(
        lead=ilo, status=Status.PLANNED, last_reported_at=long_ago, status_changed_at=long_ago
    )

    call_command("send_digests")

    focal, overview = sorted(mail.outbox, key=lambda message: message.to)
    assert "DUE IN THE NEXT 21 DAYS (1)" in focal.body
    assert "NO UPDATE FOR 45 DAYS OR MORE (1)" in focal.body
    focal_html = focal.alternatives[0][0]
    assert "Due in the next 21 days (1)" in focal_html
    assert "No update for 45 days or more (1)" in focal_html
    assert focal_point_digest(ilo_focal_point, WEEK).stale.more_url.endswith("?stale=45")
    assert "ORGANISATIONS WITH NO UPDATE FOR 45 DAYS (1)" in overview.body
    assert "Organisations with no update for 45 days (1)" in overview.alternatives[0][0]
    for body in (focal.body, focal_html, overview.body, overview.alternatives[0][0]):
        assert " 14 days" not in body.lower() and " 30 days" not in body.lower()


@pytest.mark.django_db
def test_a_superuser_is_secretariat_and_gets_the_overview(ilo_world):
    from digests.content import digest_recipients

    admin = UserFactory(username="admin", email="admin@example.org", is_superuser=True)

    assert (admin, DigestDelivery.Kind.SECRETARIAT) in digest_recipients()
    call_command("send_digests", user="admin")
    assert [message.to for message in mail.outbox] == [["admin@example.org"]]
    assert mail.outbox[0].subject.startswith("GFMD follow-up overview")


@pytest.mark.django_db
def test_digest_kinds_are_the_delivery_kinds(ilo_world, ilo_focal_point, secretariat_user):
    from digests.content import digest_recipients

    kinds = {kind for _, kind in digest_recipients()}
    builder = DigestBuilder(WEEK)
    built = {builder.build(user, kind).kind for user, kind in digest_recipients()}

    assert kinds == built == set(DigestDelivery.Kind)
    assert all(isinstance(kind, DigestDelivery.Kind) for kind in kinds | built)
