"""Admin change lists run a fixed number of queries, however many rows they show."""

import pytest
from django.urls import reverse

from actions.models import FollowUpAction, StatusChange
from digests.models import DigestDelivery, DigestPreference
from tests.factories import (
    FocalPointFactory,
    FollowUpActionFactory,
    InvolvementFactory,
    OrganisationFactory,
    SessionFactory,
    UserFactory,
)

# Session and user for the signed-in request; the page's own queries follow (filters'
# choices, the two counts, the rows, the date hierarchy).
CHANGE_LIST_QUERIES = {
    "actions_followupaction": 10,
    "actions_statuschange": 7,
    "digests_digestdelivery": 6,
    "digests_digestpreference": 5,
    "agencies_organisation": 5,
    "agencies_focalpoint": 5,
    "roundtables_forum": 5,
    "roundtables_roundtable": 6,
    "roundtables_session": 7,
    "roundtables_involvement": 7,
}


def make_rows(count):
    """`count` of everything: each action in a session of its own forum and round table,
    with partners, a history entry, and a focal point with a digest row and preference."""
    for number in range(count):
        session = SessionFactory()
        action = FollowUpActionFactory(
            forum=session.round_table.forum,
            round_table=session.round_table,
            session=session,
            partners=[OrganisationFactory(), OrganisationFactory()],
        )
        StatusChange.objects.create(
            action=action, new_status=FollowUpAction.Status.PLANNED, progress=0
        )
        InvolvementFactory(session=session)
        user = FocalPointFactory().user
        DigestDelivery.objects.create(
            recipient=user, week=f"2026-W{number + 1:02}", kind=DigestDelivery.Kind.FOCAL_POINT
        )
        DigestPreference.objects.create(user=user)


@pytest.fixture
def admin_client_with(client, db):
    def sign_in(count):
        make_rows(count)
        client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
        return client

    return sign_in


@pytest.mark.parametrize("rows", [5, 30])
@pytest.mark.parametrize("change_list", sorted(CHANGE_LIST_QUERIES))
def test_change_list_queries_do_not_grow_with_rows(
    admin_client_with, django_assert_num_queries, change_list, rows
):
    client = admin_client_with(rows)
    url = reverse(f"admin:{change_list}_changelist")

    with django_assert_num_queries(CHANGE_LIST_QUERIES[change_list]):
        response = client.get(url)

    assert response.status_code == 200
    assert response.context["cl"].result_count >= rows
