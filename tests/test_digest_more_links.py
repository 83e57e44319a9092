"""A digest lists ten of a section's items; its "see them all" link shows exactly the rest."""

import datetime
import html
import re

import factory
import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from actions.models import FollowUpAction
from tests.factories import FollowUpActionFactory, GovernmentFactory

Status = FollowUpAction.Status
TEXT_LINK = re.compile(r"and (\d+) more: see them all at (\S+)")
HTML_LINK = re.compile(r'And (\d+) more: <a href="([^"]+)">see them all</a>')


def batch(count, prefix, **fields):
    """`count` actions titled "<prefix> <n>"; their titles."""
    title = factory.Sequence(lambda n: f"{prefix} {n}")
    actions = FollowUpActionFactory.create_batch(count, title=title, **fields)
    return {action.title for action in actions}


def links_in(message):
    """[(how many more, url)] of a mail, the same in its text and HTML bodies."""
    in_text = TEXT_LINK.findall(message.body)
    in_html = [
        (more, html.unescape(url)) for more, url in HTML_LINK.findall(message.alternatives[0][0])
    ]
    assert in_text == in_html
    return [(int(more), url) for more, url in in_text]


def titles_listed_at(client, url):
    assert url.startswith(f"{settings.SITE_URL}/"), url
    assert " " not in url  # a link a mail client can follow whole
    response = client.get(url.removeprefix(settings.SITE_URL))
    assert response.status_code == 200, url
    titles = {action.title for action in response.context["actions"]}
    assert response.context["result_count"] == len(titles)  # all of them on the first page
    return titles


@pytest.fixture
def busy_ilo(ilo, iom, ilo_focal_point):
    today = timezone.localdate()
    long_ago = timezone.now() - datetime.timedelta(days=40)
    world = {
        "overdue": batch(
            13,
            "Overdue",
            lead=ilo,
            status=Status.IN_PROGRESS,
            due_date=today - datetime.timedelta(days=3),
        ),
        "due_soon": batch(
            12,
            "Due soon",
            lead=iom,
            partners=[ilo],
            status=Status.PLANNED,
            due_date=today + datetime.timedelta(days=7),
        ),
        "stale": batch(
            11,
            "Quiet",
            lead=ilo,
            status=Status.PROPOSED,
            last_reported_at=long_ago,
            status_changed_at=long_ago,
        ),
    }
    # Not in any section, so not behind any link: closed, or another organisation's.
    FollowUpActionFactory(
        title="Completed early",
        lead=ilo,
        status=Status.COMPLETED,
        progress=100,
        due_date=today + datetime.timedelta(days=7),
    )
    FollowUpActionFactory(
        title="IOM alone",
        lead=iom,
        status=Status.PLANNED,
        due_date=today - datetime.timedelta(days=1),
    )
    return world


@pytest.mark.django_db
def test_each_focal_point_section_links_to_exactly_its_items(client, busy_ilo, ilo_focal_point):
    call_command("send_digests", user=ilo_focal_point.username)

    (message,) = mail.outbox
    links = links_in(message)
    # Overdue, due soon, no update: ten shown of each, the link for the rest.
    assert [more for more, _ in links] == [3, 2, 1]
    client.force_login(ilo_focal_point)
    listed = [titles_listed_at(client, url) for _, url in links]
    assert listed == [busy_ilo["overdue"], busy_ilo["due_soon"], busy_ilo["stale"]]


@pytest.mark.django_db
def test_the_secretariat_overdue_groups_link_to_their_lead_s_overdue_actions(
    client, busy_ilo, secretariat_user, ilo
):
    # An acronym with a space: the link must still be one piece.
    country = GovernmentFactory(acronym="Costa Rica")
    ticos = batch(
        7,
        "Costa Rican",
        lead=country,
        status=Status.PLANNED,
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    call_command("send_digests", user=secretariat_user.username)

    (message,) = mail.outbox
    links = links_in(message)
    # The biggest backlog first: ILO's 13 (5 shown), Costa Rica's 7 (5 shown).
    assert [more for more, _ in links] == [8, 2]
    client.force_login(secretariat_user)
    listed = [titles_listed_at(client, url) for _, url in links]
    assert listed == [busy_ilo["overdue"], ticos]


@pytest.mark.django_db
def test_the_overdue_actions_without_a_lead_say_how_many_more_without_a_wrong_link(
    secretariat_user,
):
    batch(
        6,
        "Leaderless",
        lead=None,
        status=Status.PLANNED,
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    call_command("send_digests", user=secretariat_user.username)

    (message,) = mail.outbox
    assert "No lead named: 6 overdue" in message.body
    assert "  - and 1 more\n" in message.body
    assert "<p>And 1 more.</p>" in message.alternatives[0][0]
    assert links_in(message) == []
