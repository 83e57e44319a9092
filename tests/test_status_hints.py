"""What the report form says before saving (static/js/status-hints.js): the outcomes the
server works out with the services' own status rules, and the help beside the fields."""

import datetime
import json
import re

import pytest
import time_machine
from django.urls import reverse

from actions.forms import status_report_outcomes
from actions.models import FollowUpAction
from actions.services import PROGRESS_RULES, STATUS_DATE_RULES, action_change_status
from tests.factories import FollowUpActionFactory

Status = FollowUpAction.Status
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC)):
        yield


@pytest.mark.django_db
def test_completed_below_100_is_said_to_be_saved_as_100():
    action = FollowUpActionFactory(status=Status.IN_PROGRESS, progress=40)
    outcomes = status_report_outcomes(action)["outcomes"]
    assert outcomes[Status.COMPLETED]["same"] == {
        "adjusted": [
            "Progress set to 100%: a completed action is done.",
            "Completed on set to 23 November 2026.",
        ]
    }
    assert outcomes[Status.COMPLETED]["full"] == {
        "adjusted": ["Completed on set to 23 November 2026."]
    }
    assert outcomes[Status.IN_PROGRESS]["other"] == {"adjusted": []}


@pytest.mark.django_db
def test_moving_into_in_progress_dates_the_start_unless_known():
    planned = FollowUpActionFactory(status=Status.PLANNED, progress=0)
    assert status_report_outcomes(planned)["outcomes"][Status.IN_PROGRESS]["other"] == {
        "adjusted": ["Started on set to today (23 November 2026)."]
    }
    started = FollowUpActionFactory(
        status=Status.PLANNED, progress=0, started_on=datetime.date(2026, 1, 5)
    )
    assert status_report_outcomes(started)["outcomes"][Status.IN_PROGRESS]["other"] == {
        "adjusted": []
    }


@pytest.mark.django_db
def test_a_cancelled_actions_progress_moving_is_said_to_be_refused():
    action = FollowUpActionFactory(status=Status.CANCELLED, progress=30)
    outcomes = status_report_outcomes(action)
    assert outcomes["progress"] == 30
    assert outcomes["outcomes"][Status.CANCELLED]["other"] == {
        "refused": "A cancelled action's progress cannot change. To resume it, "
        "choose another status."
    }
    assert outcomes["outcomes"][Status.CANCELLED]["same"] == {"adjusted": []}
    # Choosing another status resumes it.
    assert outcomes["outcomes"][Status.ON_HOLD]["other"] == {"adjusted": []}


@pytest.mark.django_db
def test_leaving_completed_says_the_date_is_cleared(secretariat_user):
    action = FollowUpActionFactory(
        status=Status.IN_PROGRESS, progress=90, started_on=datetime.date(2026, 2, 1)
    )
    action_change_status(action=action, changed_by=secretariat_user, status=Status.COMPLETED)
    action.refresh_from_db()
    assert status_report_outcomes(action)["outcomes"][Status.IN_PROGRESS]["other"] == {
        "adjusted": ["Completion date cleared: the action is no longer completed."]
    }
    # Trying the rules wrote nothing.
    action.refresh_from_db()
    assert (action.status, action.progress, action.completed_on) == (
        Status.COMPLETED,
        100,
        TODAY,
    )


@pytest.mark.django_db
def test_the_outcomes_agree_with_what_saving_does(ilo_focal_point, ilo):
    """The hint for "completed" at 40 % says what the service then says it adjusted."""
    action = FollowUpActionFactory(lead=ilo, status=Status.IN_PROGRESS, progress=40)
    said = status_report_outcomes(action)["outcomes"][Status.COMPLETED]["same"]["adjusted"]
    change = action_change_status(
        action=action, changed_by=ilo_focal_point, status=Status.COMPLETED, progress=40
    )
    assert change.adjusted == said


@pytest.mark.django_db
def test_the_report_form_carries_the_outcomes_the_help_and_a_live_region(
    client, ilo_focal_point, ilo
):
    action = FollowUpActionFactory(lead=ilo, status=Status.IN_PROGRESS, progress=40)
    client.force_login(ilo_focal_point)
    html = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    data = re.search(
        r'<script id="status-outcomes-data" type="application/json">(.*?)</script>', html
    ).group(1)
    assert json.loads(data) == json.loads(json.dumps(status_report_outcomes(action)))
    assert '<div class="status-hint" id="status-hint" aria-live="polite"' in html
    assert '<script src="/static/js/status-hints.js" defer></script>' in html
    assert STATUS_DATE_RULES in html.replace("&#x27;", "'")
    assert PROGRESS_RULES in html.replace("&#x27;", "'")


@pytest.mark.django_db
def test_no_outcomes_for_who_cannot_report(client, observer):
    action = FollowUpActionFactory()
    client.force_login(observer)
    html = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "status-outcomes-data" not in html
    assert "status-hints.js" not in html
