"""ActionTally: actions counted per forum, round table and status, kept by the database.

Each test changes actions one way (services, model saves as the admin makes them,
queryset updates, bulk inserts, deletes) and compares the tally with a count of the
actions themselves. The suite runs on SQLite and on PostgreSQL, so both dialects'
triggers are tested.
"""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from actions.models import ActionTally, FollowUpAction
from actions.services import action_change_status, action_create
from tests.factories import FollowUpActionFactory, ForumFactory, RoundTableFactory

Status = FollowUpAction.Status


def tally():
    return {
        (row["forum_id"], row["round_table_id"], row["status"]): (
            row["actions"],
            row["progress_sum"],
        )
        for row in ActionTally.objects.groups()
    }


def tally_with_reported():
    return {
        (row["forum_id"], row["round_table_id"], row["status"]): (
            row["actions"],
            row["reported"],
            row["progress_sum"],
        )
        for row in ActionTally.objects.groups()
    }


def counted_from_the_actions():
    """(actions, those with a progress reported, their summed progress) per group."""
    rows = (
        FollowUpAction.objects.values("forum_id", "status")
        .annotate(
            round_table=Coalesce("round_table_id", 0),
            n=Count("pk"),
            reported=Count("progress"),
            progress_sum=Coalesce(Sum("progress"), 0),
        )
        .order_by()
    )
    return {
        (row["forum_id"], row["round_table"], row["status"]): (
            row["n"],
            row["reported"],
            row["progress_sum"],
        )
        for row in rows
    }


def assert_in_step():
    assert tally_with_reported() == counted_from_the_actions()


@pytest.fixture
def round_tables(db):
    first = RoundTableFactory(number=1)
    return first, RoundTableFactory(number=2, forum=first.forum)


@pytest.mark.django_db
def test_creating_and_reporting_through_the_services(secretariat_user, round_tables):
    first, _ = round_tables
    action = action_create(
        created_by=secretariat_user, title="Handbook", forum=first.forum, round_table=first
    )
    assert tally() == {(first.forum_id, first.pk, Status.PROPOSED): (1, 0)}

    action_change_status(
        action=action, changed_by=secretariat_user, status=Status.IN_PROGRESS, progress=40
    )
    assert tally() == {(first.forum_id, first.pk, Status.IN_PROGRESS): (1, 40)}
    action.refresh_from_db()
    action_change_status(
        action=action, changed_by=secretariat_user, status=Status.IN_PROGRESS, progress=70
    )
    assert tally() == {(first.forum_id, first.pk, Status.IN_PROGRESS): (1, 70)}
    assert_in_step()


@pytest.mark.django_db
def test_model_saves_moving_an_action_between_forums_and_round_tables(round_tables):
    first, second = round_tables
    other_forum = ForumFactory()
    action = FollowUpActionFactory(forum=first.forum, round_table=first, progress=30)
    FollowUpActionFactory(forum=first.forum, round_table=first, progress=10)

    action.round_table = second
    action.save()  # what the admin's change form does
    assert_in_step()
    action.forum, action.round_table = other_forum, None
    action.save()
    assert tally()[(other_forum.pk, 0, action.status)] == (1, 30)
    action.title = "Renamed"
    action.save()
    assert_in_step()


@pytest.mark.django_db
def test_queryset_updates_bulk_inserts_and_deletes(round_tables):
    first, second = round_tables
    forum = first.forum
    actions = FollowUpAction.objects.bulk_create(
        [
            FollowUpAction(
                slug=f"bulk-{n}",
                title=f"Bulk {n}",
                forum=forum,
                round_table=(first, second, None)[n % 3],
                status=(Status.PLANNED, Status.IN_PROGRESS)[n % 2],
                progress=n,
            )
            for n in range(12)
        ]
    )
    assert_in_step()
    assert sum(n for n, _ in tally().values()) == 12

    FollowUpAction.objects.filter(round_table=first).update(status=Status.ON_HOLD)
    FollowUpAction.objects.update(progress=50)
    FollowUpAction.objects.filter(pk__in=[a.pk for a in actions[:3]]).update(round_table=second)
    assert_in_step()

    FollowUpAction.objects.filter(status=Status.ON_HOLD).delete()
    actions[-1].delete()
    assert_in_step()
    FollowUpAction.objects.all().delete()
    assert tally() == {}


@pytest.mark.django_db
def test_the_dashboard_and_the_secretariat_digest_count_from_it(round_tables):
    first, _ = round_tables
    FollowUpActionFactory(forum=first.forum, round_table=first, status=Status.PLANNED)
    FollowUpActionFactory(forum=first.forum, status=Status.PLANNED)
    gone = FollowUpActionFactory(forum=first.forum, status=Status.COMPLETED, progress=100)
    gone.delete()

    assert ActionTally.objects.status_counts() == {Status.PLANNED: 2}


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_actions_that_were_there_before_it(round_tables):
    first, _ = round_tables
    action = FollowUpActionFactory(forum=first.forum, round_table=first, progress=20)
    executor = MigrationExecutor(connection)
    executor.migrate([("actions", "0007_action_participants")])
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE actions_followupaction SET progress = 60 WHERE id = %s", [action.pk]
            )
    finally:
        # As a deployment does: `migrate`, whose post_migrate puts back the triggers that a
        # later migration rebuilding the table on SQLite drops (0012 adds a column).
        call_command("migrate", verbosity=0)
    assert tally() == {(first.forum_id, first.pk, action.status): (1, 60)}
    FollowUpActionFactory(forum=first.forum)  # and the triggers are back
    assert_in_step()


@pytest.mark.django_db
def test_actions_loaded_from_a_dump_are_counted_again(round_tables, tmp_path):
    """As the README says: dumpdata without ActionTally, loaddata counts the actions again."""
    first, second = round_tables
    FollowUpActionFactory(forum=first.forum, round_table=first, progress=10)
    FollowUpActionFactory(forum=first.forum, round_table=second, status=Status.PLANNED)
    before = tally()
    dump = tmp_path / "actions.json"
    call_command("dumpdata", "actions.followupaction", output=str(dump), verbosity=0)
    FollowUpAction.objects.all().delete()
    assert tally() == {}

    call_command("loaddata", str(dump), verbosity=0)

    assert tally() == before


def run_overlapping(first_change, second_change):
    """Run two changes in two transactions: the second starts while the first, its
    statement done, still holds its locks. Returns the errors either raised."""
    first_done = threading.Event()
    failures = []

    def run(change, wait_for=None, then_set=None):
        try:
            with transaction.atomic():
                if wait_for is not None:
                    wait_for.wait(timeout=10)
                change()
                if then_set is not None:
                    then_set.set()
                    threading.Event().wait(0.5)  # hold the locks a while
        except Exception as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(first_change,), kwargs={"then_set": first_done}),
        threading.Thread(target=run, args=(second_change,), kwargs={"wait_for": first_done}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return failures


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_transactions_adding_the_first_actions_of_a_group_are_both_counted(round_tables):
    """The second waits for the first's new row and adds to it: no duplicate key error,
    no lost count."""
    first, _ = round_tables

    def add(n):
        return lambda: FollowUpActionFactory(
            forum=first.forum, round_table=first, status=Status.ON_HOLD, progress=n
        )

    assert run_overlapping(add(10), add(20)) == []
    assert tally() == {(first.forum_id, first.pk, Status.ON_HOLD): (2, 30)}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_transactions_moving_actions_across_the_same_groups(round_tables):
    """Each moves an action into the other's group. Statements add their changes in key
    order, so both take the two rows' locks in the same order."""
    first, second = round_tables
    forum = first.forum
    a = FollowUpActionFactory(forum=forum, round_table=first, status=Status.PLANNED)
    b = FollowUpActionFactory(forum=forum, round_table=second, status=Status.PLANNED)

    def move(action, round_table):
        return lambda: FollowUpAction.objects.filter(pk=action.pk).update(round_table=round_table)

    assert run_overlapping(move(a, second), move(b, first)) == []
    assert tally() == {
        (forum.pk, first.pk, Status.PLANNED): (1, 0),
        (forum.pk, second.pk, Status.PLANNED): (1, 0),
    }
    assert_in_step()
