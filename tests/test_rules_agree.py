"""Overdue and stale have one definition (actions.models): the list's filters, the CSV and
the model say the same of every action, edge cases included."""

import csv
import datetime
import io

import pytest
import time_machine
from django.db.models import Q
from django.urls import reverse

from actions import models
from actions.models import FollowUpAction
from tests.factories import FollowUpActionFactory

Status = FollowUpAction.Status
NOW = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 11, 23)
DAY = datetime.timedelta(days=1)
STALE_DAYS = 60


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cases(db):
    """Title: (status, due date, last report), with whether it is overdue and stale."""
    boundary = NOW - datetime.timedelta(days=STALE_DAYS)
    specs = {
        "due today": (Status.IN_PROGRESS, TODAY, NOW),
        "due yesterday": (Status.IN_PROGRESS, TODAY - DAY, NOW),
        "due tomorrow": (Status.PLANNED, TODAY + DAY, NOW),
        "no due date": (Status.PROPOSED, None, NOW),
        "on hold, past due": (Status.ON_HOLD, TODAY - DAY, NOW),
        "completed, past due": (Status.COMPLETED, TODAY - 30 * DAY, NOW),
        "cancelled, past due": (Status.CANCELLED, TODAY - 30 * DAY, NOW),
        "reported exactly 60 days ago": (Status.PLANNED, None, boundary),
        "reported 60 days and a second ago": (
            Status.PLANNED,
            None,
            boundary - datetime.timedelta(seconds=1),
        ),
        "completed, reported long ago": (Status.COMPLETED, None, boundary - 100 * DAY),
        "cancelled, reported long ago": (Status.CANCELLED, None, boundary - 100 * DAY),
    }
    return {
        title: FollowUpActionFactory(
            title=title,
            status=status,
            due_date=due_date,
            last_reported_at=reported,
            status_changed_at=reported,
        )
        for title, (status, due_date, reported) in specs.items()
    }


def listed(client, **params):
    return {
        action.title for action in client.get(reverse("action_list"), params).context["actions"]
    }


def exported_overdue(client):
    body = b"".join(client.get(reverse("action_export")).streaming_content).decode("utf-8-sig")
    return {row["Title"]: row["Overdue"] for row in csv.DictReader(io.StringIO(body))}


@pytest.mark.django_db
def test_overdue_is_the_same_in_the_list_the_csv_and_the_model(client, secretariat_user, cases):
    client.force_login(secretariat_user)
    overdue = {"due yesterday", "on hold, past due"}  # not due today, not closed ones

    assert listed(client, overdue="true") == overdue
    assert listed(client, overdue="false") == set(cases) - overdue
    assert {title for title, value in exported_overdue(client).items() if value == "yes"} == (
        overdue
    )
    assert {title for title, action in cases.items() if action.is_overdue()} == overdue
    assert set(FollowUpAction.objects.overdue().values_list("title", flat=True)) == overdue


@pytest.mark.django_db
def test_stale_is_the_same_in_the_list_and_the_queryset(client, secretariat_user, cases):
    client.force_login(secretariat_user)
    stale = {"reported 60 days and a second ago"}  # not at the boundary, not closed ones

    assert listed(client, stale=str(STALE_DAYS)) == stale
    assert set(FollowUpAction.objects.stale(STALE_DAYS).values_list("title", flat=True)) == stale


@pytest.mark.django_db
def test_the_csv_follows_the_one_definition_of_closed(client, secretariat_user, cases, monkeypatch):
    """Were "on hold" to count as closed, the CSV would say so with the list and the model:
    it has no rule of its own."""
    monkeypatch.setattr(
        FollowUpAction, "CLOSED_STATUSES", (*FollowUpAction.CLOSED_STATUSES, Status.ON_HOLD)
    )
    client.force_login(secretariat_user)

    assert listed(client, overdue="true") == {"due yesterday"}
    assert exported_overdue(client)["on hold, past due"] == "no"
    assert not cases["on hold, past due"].is_overdue()


@pytest.mark.django_db
def test_the_stale_filter_follows_the_one_definition_of_stale(
    client, secretariat_user, cases, monkeypatch
):
    """Were the boundary day to count as stale, the list's filter would follow: it has no
    rule of its own."""

    def stale_from_the_boundary_on(days, now):
        closed = FollowUpAction.CLOSED_STATUSES
        return Q(last_reported_at__lte=now - datetime.timedelta(days)) & ~Q(status__in=closed)

    monkeypatch.setattr(models, "stale_condition", stale_from_the_boundary_on)
    client.force_login(secretariat_user)

    assert listed(client, stale=str(STALE_DAYS)) == {
        "reported exactly 60 days ago",
        "reported 60 days and a second ago",
    }
