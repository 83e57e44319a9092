"""actions.services.action_change_status: the one way an action's status changes."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from actions.models import FollowUpAction, StatusChange
from actions.services import ActionChangedSinceRead, action_change_status, action_create
from tests.factories import FollowUpActionFactory, ForumFactory, OrganisationFactory

Status = FollowUpAction.Status


@pytest.mark.django_db
def test_status_change_writes_one_history_row_and_bumps_the_version(secretariat_user):
    action = FollowUpActionFactory(status=Status.PLANNED, progress=0)

    change = action_change_status(
        action=action,
        changed_by=secretariat_user,
        status=Status.IN_PROGRESS,
        progress=30,
        note="Drafting started.",
    )

    action.refresh_from_db()
    assert StatusChange.objects.filter(action=action).count() == 1
    assert (change.old_status, change.new_status, change.progress) == ("planned", "in_progress", 30)
    assert change.changed_by == secretariat_user
    assert change.note == "Drafting started."
    assert (action.status, action.progress, action.version) == ("in_progress", 30, 2)


@pytest.mark.django_db
def test_unknown_status_is_refused_and_nothing_is_written(secretariat_user):
    action = FollowUpActionFactory()
    with pytest.raises(ValidationError):
        action_change_status(action=action, changed_by=secretariat_user, status="finished")
    action.refresh_from_db()
    assert action.version == 1
    assert not StatusChange.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("progress", [-5, 101, "half"])
def test_progress_outside_0_100_is_refused(secretariat_user, progress):
    action = FollowUpActionFactory(status=Status.PLANNED)
    with pytest.raises(ValidationError) as caught:
        action_change_status(
            action=action, changed_by=secretariat_user, status=Status.IN_PROGRESS, progress=progress
        )
    assert "progress" in caught.value.message_dict
    assert not StatusChange.objects.exists()


@pytest.mark.django_db
def test_no_change_needs_a_note_and_then_counts_as_a_confirmation(secretariat_user):
    action = FollowUpActionFactory(status=Status.IN_PROGRESS, progress=40)

    with pytest.raises(ValidationError) as caught:
        action_change_status(
            action=action, changed_by=secretariat_user, status=Status.IN_PROGRESS, progress=40
        )
    assert "note" in caught.value.message_dict

    with time_machine.travel(datetime.datetime(2027, 5, 4, 9, 0, tzinfo=datetime.UTC)):
        change = action_change_status(
            action=action,
            changed_by=secretariat_user,
            status=Status.IN_PROGRESS,
            progress=40,
            note="Still on track.",
        )

    action.refresh_from_db()
    assert change.is_confirmation
    assert action.last_reported_at == datetime.datetime(2027, 5, 4, 9, 0, tzinfo=datetime.UTC)
    assert action.status_changed_at < action.last_reported_at
    assert action.version == 2


@pytest.mark.django_db
def test_a_stale_version_changes_nothing_and_names_who_changed_it(
    secretariat_user, ilo_focal_point
):
    action = FollowUpActionFactory(status=Status.PLANNED)
    read_at_version = action.version
    action_change_status(
        action=action, changed_by=ilo_focal_point, status=Status.IN_PROGRESS, progress=10
    )

    with pytest.raises(ActionChangedSinceRead) as caught:
        action_change_status(
            action=action,
            changed_by=secretariat_user,
            status=Status.ON_HOLD,
            expected_version=read_at_version,
        )

    action.refresh_from_db()
    assert action.status == Status.IN_PROGRESS
    assert action.history.count() == 1
    assert caught.value.changed_by_name == ilo_focal_point.get_full_name()


@pytest.mark.django_db
def test_completing_sets_full_progress_and_the_completion_date(secretariat_user):
    action = FollowUpActionFactory(status=Status.IN_PROGRESS, progress=70)

    with time_machine.travel(datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)):
        action_change_status(action=action, changed_by=secretariat_user, status=Status.COMPLETED)

    action.refresh_from_db()
    assert (action.progress, action.completed_on) == (100, datetime.date(2026, 6, 1))

    action_change_status(
        action=action,
        changed_by=secretariat_user,
        status=Status.IN_PROGRESS,
        progress=90,
        note="Reopened: a second volume is needed.",
    )
    action.refresh_from_db()
    assert action.completed_on is None


@pytest.mark.django_db
def test_starting_work_records_the_start_date_once(secretariat_user):
    action = FollowUpActionFactory(status=Status.PLANNED)

    with time_machine.travel(datetime.datetime(2026, 2, 2, 12, 0, tzinfo=datetime.UTC)):
        action_change_status(action=action, changed_by=secretariat_user, status=Status.IN_PROGRESS)
    with time_machine.travel(datetime.datetime(2026, 3, 3, 12, 0, tzinfo=datetime.UTC)):
        action_change_status(action=action, changed_by=secretariat_user, status=Status.ON_HOLD)
        action_change_status(action=action, changed_by=secretariat_user, status=Status.IN_PROGRESS)

    action.refresh_from_db()
    assert action.started_on == datetime.date(2026, 2, 2)


@pytest.mark.django_db
def test_creating_an_action_records_its_first_status(secretariat_user):
    lead = OrganisationFactory()
    partner = OrganisationFactory()

    action = action_create(
        created_by=secretariat_user,
        partners=[partner],
        slug="handbook",
        title="Handbook",
        forum=ForumFactory(),
        lead=lead,
        status=Status.PLANNED,
    )

    entry = action.history.get()
    assert (entry.old_status, entry.new_status, entry.changed_by) == (
        "",
        "planned",
        secretariat_user,
    )
    assert list(action.partners.all()) == [partner]
