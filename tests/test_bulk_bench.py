"""bench/bulk.py on a tiny database: it updates every action it names through the list's
own POST and reports seconds and queries (no timing is asserted)."""

import pytest

from actions.models import FollowUpAction, StatusChange
from bench.bulk import NOTE, describe, measure_bulk_update
from tests.factories import FollowUpActionFactory

pytestmark = pytest.mark.django_db


class Errors(list):
    add = list.append


def test_the_bulk_bench_updates_every_action_and_counts_its_queries(client, secretariat_user):
    FollowUpActionFactory.create_batch(4, status=FollowUpAction.Status.IN_PROGRESS, progress=30)
    FollowUpActionFactory(status=FollowUpAction.Status.CANCELLED, progress=10)
    client.force_login(secretariat_user)
    errors = Errors()

    result = measure_bulk_update(client, count=5, runs=2, errors=errors)

    assert errors == []
    assert (result["actions"], result["applied"], result["runs"]) == (5, 5, 2)
    assert result["queries"] > 5
    assert result["seconds"] > 0
    # Two runs, one confirmation each time for each action; nothing else moved.
    assert StatusChange.objects.filter(note=NOTE).count() == 10
    assert sorted(FollowUpAction.objects.values_list("version", flat=True)) == [3] * 5
    assert "5 of 5 actions updated" in describe(result)


def test_the_bulk_bench_reports_an_update_that_fails(client, observer):
    FollowUpActionFactory.create_batch(2)
    client.force_login(observer)  # may report on nothing: 403
    errors = Errors()

    assert measure_bulk_update(client, count=2, runs=1, errors=errors) is None
    assert errors == ["/actions/bulk/ answered 403"]
