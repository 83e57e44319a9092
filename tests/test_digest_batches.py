"""Beat's weekly run sends the digests in batches: the focal points of one organisation go
together and share one DigestBuilder, so a busy organisation's actions are read once per
batch, not once per focal point; each digest still goes out once."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from digests import content, services
from digests.models import DigestDelivery
from digests.tasks import batches_by_organisation, send_digest_batch, send_weekly_digests
from tests.factories import (
    FocalPointFactory,
    FollowUpActionFactory,
    ForumFactory,
    OrganisationFactory,
    UserFactory,
)

WEEK = "2026-W49"
PAST_DUE = datetime.date(2026, 11, 1)


def _focal_points(organisation, count, start=0):
    users = []
    for number in range(start, start + count):
        user = UserFactory(username=f"{organisation.acronym.lower()}-{number}")
        FocalPointFactory(user=user, organisation=organisation)
        users.append(user)
    return users


@pytest.fixture
def two_organisations(db):
    forum = ForumFactory()
    busy, small = OrganisationFactory(acronym="BUSY"), OrganisationFactory(acronym="SMALL")
    for organisation, actions in ((busy, 40), (small, 2)):
        for _ in range(actions):
            FollowUpActionFactory(forum=forum, lead=organisation, due_date=PAST_DUE)
    # Interleaved, so ordering by id alone would mix the organisations.
    users = []
    for number in range(6):
        users += _focal_points(busy, 1, number) + _focal_points(small, 1, number)
    return busy, small, users


def test_the_focal_points_of_one_organisation_are_batched_together(two_organisations):
    busy, small, _ = two_organisations
    delivery_ids = services.digest_plan_week(week=WEEK)
    batches = batches_by_organisation(delivery_ids, size=6)
    organisation_of = dict(
        DigestDelivery.objects.values_list("pk", "recipient__focal_points__organisation")
    )
    assert [{organisation_of[pk] for pk in batch} for batch in batches] == [
        {busy.pk},
        {small.pk},
    ]
    assert sorted(pk for batch in batches for pk in batch) == sorted(delivery_ids)


def test_a_batch_reads_its_organisation_once_whatever_its_size(two_organisations, mailoutbox):
    """The queries of a batch grow by a fixed few per digest, not by the actions read."""
    delivery_ids = services.digest_plan_week(week=WEEK)
    busy_batch = batches_by_organisation(delivery_ids, size=6)[0]

    def queries(ids):
        with CaptureQueriesContext(connection) as captured:
            send_digest_batch.apply(args=(WEEK, ids))
        return len(captured)

    three = queries(busy_batch[:3])
    six = queries(busy_batch[3:6])  # three more of the same organisation, a fresh builder
    both = DigestDelivery.objects.filter(pk__in=busy_batch, status=DigestDelivery.Status.SENT)
    assert both.count() == 6
    assert six == three  # the same for the same number of digests
    assert len(mailoutbox) == 6


def test_the_weekly_run_sends_each_digest_once(
    two_organisations, mailoutbox, django_capture_on_commit_callbacks
):
    *_, users = two_organisations
    with django_capture_on_commit_callbacks(execute=True):
        assert send_weekly_digests(WEEK) == len(users)
    assert sorted(message.to[0] for message in mailoutbox) == sorted(u.email for u in users)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_weekly_digests(WEEK) == 0  # the second run finds nothing left to send
    assert len(mailoutbox) == len(users)


def test_a_batched_digest_says_what_one_built_alone_says(
    two_organisations, mailoutbox, django_capture_on_commit_callbacks
):
    _busy, _small, users = two_organisations
    alone = content.build_digest(users[0], WEEK, DigestDelivery.Kind.FOCAL_POINT)
    with django_capture_on_commit_callbacks(execute=True):
        send_weekly_digests(WEEK)
    [message] = [m for m in mailoutbox if m.to == [users[0].email]]
    assert str(alone.overdue.total) in message.body
    assert all(item.title in message.body for item in alone.overdue)
