"""POST /actions/<pk>/status/: reports, confirmations, bad input and concurrent edits."""

import pytest
from django.urls import reverse

from actions.models import FollowUpAction, StatusChange
from actions.services import action_change_status
from tests.factories import FollowUpActionFactory

Status = FollowUpAction.Status


@pytest.fixture
def action(ilo):
    return FollowUpActionFactory(lead=ilo, status=Status.PLANNED, progress=0)


def report(client, action, **data):
    payload = {"status": "in_progress", "progress": 25, "note": "", "version": action.version}
    payload.update(data)
    return client.post(reverse("action_status", args=[action.pk]), payload, follow=False)


@pytest.mark.django_db
def test_a_report_saves_confirms_and_returns_to_the_action(client, ilo_focal_point, action):
    client.force_login(ilo_focal_point)

    response = report(client, action, note="Terms of reference drafted.")

    assert response.status_code == 302
    assert response["Location"] == reverse("action_detail", args=[action.pk])
    page = client.get(response["Location"])
    assert b"Saved: the action is now in progress, progress 25%." in page.content
    assert b"Terms of reference drafted." in page.content
    action.refresh_from_db()
    assert (action.status, action.progress, action.version) == ("in_progress", 25, 2)
    assert action.history.get().changed_by == ilo_focal_point


@pytest.mark.django_db
def test_no_change_with_a_note_is_recorded_as_a_confirmation(client, ilo_focal_point, action):
    client.force_login(ilo_focal_point)

    response = report(client, action, status="planned", progress=0, note="Still planned.")

    assert response.status_code == 302
    page = client.get(response["Location"])
    assert b"Confirmed: the action is unchanged" in page.content
    assert b"Confirmed: still planned, progress 0%" in page.content
    action.refresh_from_db()
    assert action.status == Status.PLANNED
    assert action.last_reported_at > action.status_changed_at


@pytest.mark.django_db
def test_no_change_without_a_note_is_refused_with_a_message(client, ilo_focal_point, action):
    client.force_login(ilo_focal_point)

    response = report(client, action, status="planned", progress=0, note="")

    assert response.status_code == 400
    assert b"Nothing changed. To confirm the action is still on track, add a note." in (
        response.content
    )
    assert not StatusChange.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"progress": 150}, b"less than or equal to 100"),
        ({"progress": -1}, b"greater than or equal to 0"),
        ({"progress": "lots"}, b"Enter a whole number"),
        ({"status": "done"}, b"Select a valid choice"),
        ({"note": "x" * 4001}, b"at most 4000 characters"),
    ],
)
def test_bad_input_shows_the_error_and_changes_nothing(
    client, ilo_focal_point, action, data, message
):
    client.force_login(ilo_focal_point)

    response = report(client, action, **data)

    assert response.status_code == 400
    assert message in response.content
    action.refresh_from_db()
    assert (action.status, action.version) == ("planned", 1)


@pytest.mark.django_db
def test_a_missing_version_is_a_400_not_a_500(client, ilo_focal_point, action):
    client.force_login(ilo_focal_point)
    response = client.post(
        reverse("action_status", args=[action.pk]), {"status": "planned", "progress": 10}
    )
    assert response.status_code == 400
    assert b"reload the page" in response.content


@pytest.mark.django_db
def test_a_stale_form_overwrites_nothing_and_says_who_changed_it(
    client, ilo_focal_point, secretariat_user, action
):
    read_version = action.version
    secretariat_user.first_name, secretariat_user.last_name = "Ana", "Reyes"
    secretariat_user.save()
    action_change_status(
        action=action,
        changed_by=secretariat_user,
        status=Status.ON_HOLD,
        progress=5,
        note="Funding gap.",
    )
    client.force_login(ilo_focal_point)

    response = report(client, action, version=read_version, note="My late report.")

    assert response.status_code == 409
    assert b"Not saved: Ana Reyes changed this action since you opened it." in response.content
    # The page shows the current state, and the form is ready at the current version.
    assert b"Funding gap." in response.content
    assert f'name="version" value="{read_version + 1}"'.encode() in response.content
    action.refresh_from_db()
    assert (action.status, action.progress) == ("on_hold", 5)
    assert not StatusChange.objects.filter(note="My late report.").exists()


@pytest.mark.django_db
def test_completing_from_the_form_sets_progress_to_100(client, secretariat_user, action):
    client.force_login(secretariat_user)
    report(client, action, status="completed", progress=80, note="Published.")
    action.refresh_from_db()
    assert (action.status, action.progress) == ("completed", 100)
    assert action.completed_on is not None
