"""The action page flags an overdue action by the one rule (FollowUpAction.is_overdue): the
template used to compare the dates itself."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import FollowUpAction
from tests.factories import FollowUpActionFactory

pytestmark = pytest.mark.django_db
Status = FollowUpAction.Status


@pytest.mark.parametrize(
    "status, days_ago, flagged",
    [
        (Status.IN_PROGRESS, 3, True),
        (Status.ON_HOLD, 3, True),
        (Status.IN_PROGRESS, 0, False),  # due today is not overdue yet
        (Status.COMPLETED, 3, False),
        (Status.CANCELLED, 3, False),
    ],
)
def test_the_action_page_says_overdue_only_when_the_rule_does(
    client, observer, status, days_ago, flagged
):
    today = timezone.localdate()
    action = FollowUpActionFactory(status=status, due_date=today - datetime.timedelta(days_ago))
    client.force_login(observer)

    page = client.get(reverse("action_detail", args=[action.pk])).content.decode()

    assert action.is_overdue(today) is flagged
    assert ("Overdue by 3\u00a0days" in page) is flagged
