"""/actions/new/ and /actions/<pk>/edit/: the secretariat's forms."""

import pytest
from django.urls import reverse

from actions.models import FollowUpAction
from actions.services import action_change_status
from tests.factories import (
    FollowUpActionFactory,
    OrganisationFactory,
    RoundTableFactory,
    SessionFactory,
)

Status = FollowUpAction.Status


@pytest.fixture
def origin():
    round_table = RoundTableFactory(number=1)
    other_round_table = RoundTableFactory(forum=round_table.forum, number=3)
    return {
        "forum": round_table.forum,
        "round_table": round_table,
        "session": SessionFactory(round_table=round_table, code="1.2"),
        "other_session": SessionFactory(round_table=other_round_table, code="3.4"),
    }


@pytest.mark.django_db
def test_secretariat_creates_an_action_with_its_first_history_entry(
    client, secretariat_user, origin, ilo, iom
):
    client.force_login(secretariat_user)

    response = client.post(
        reverse("action_create"),
        {
            "title": "Workshop on circular migration",
            "description": "Follow-up to session 1.2.",
            "forum": origin["forum"].pk,
            "round_table": origin["round_table"].pk,
            "session": origin["session"].pk,
            "lead": ilo.pk,
            "partners": [iom.pk],
            "due_date": "2027-03-01",
            "status": "planned",
        },
    )

    action = FollowUpAction.objects.get(title="Workshop on circular migration")
    assert response.status_code == 302
    assert response["Location"] == reverse("action_detail", args=[action.pk])
    assert action.slug == "workshop-on-circular-migration"
    assert list(action.partners.all()) == [iom]
    assert action.history.get().new_status == "planned"
    page = client.get(response["Location"])
    assert "Action “Workshop on circular migration” created.".encode() in page.content


@pytest.mark.django_db
def test_a_session_outside_the_round_table_is_shown_on_the_field(client, secretariat_user, origin):
    client.force_login(secretariat_user)

    response = client.post(
        reverse("action_create"),
        {
            "title": "Misplaced",
            "forum": origin["forum"].pk,
            "round_table": origin["round_table"].pk,
            "session": origin["other_session"].pk,
            "status": "proposed",
        },
    )

    assert response.status_code == 400
    assert b"Nothing was saved." in response.content
    assert b"Session 3.4 belongs to round table 3, not to round table 1." in response.content
    assert response.context["form"].errors["session"]
    assert not FollowUpAction.objects.filter(title="Misplaced").exists()


@pytest.mark.django_db
def test_missing_title_and_forum_are_required(client, secretariat_user):
    client.force_login(secretariat_user)
    response = client.post(reverse("action_create"), {"status": "proposed"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) >= {"title", "forum"}


@pytest.mark.django_db
def test_edit_changes_what_the_action_is_but_not_its_status(client, secretariat_user, origin, ilo):
    action = FollowUpActionFactory(forum=origin["forum"], lead=ilo, status=Status.IN_PROGRESS)
    new_lead = OrganisationFactory(acronym="UNDP")
    client.force_login(secretariat_user)

    response = client.post(
        reverse("action_edit", args=[action.pk]),
        {
            "title": "Renamed action",
            "forum": origin["forum"].pk,
            "lead": new_lead.pk,
            "due_date": "2027-01-31",
            "status": "cancelled",  # not a field of this form: ignored
            "version": action.version,
        },
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.lead, str(action.due_date)) == (
        "Renamed action",
        new_lead,
        "2027-01-31",
    )
    assert action.status == Status.IN_PROGRESS
    assert action.version == 2
    assert b"Changes saved." in client.get(response["Location"]).content


@pytest.mark.django_db
def test_edit_from_a_stale_form_is_refused(client, secretariat_user, ilo_focal_point, origin, ilo):
    action = FollowUpActionFactory(forum=origin["forum"], lead=ilo, status=Status.PLANNED)
    stale_version = action.version
    action_change_status(
        action=action, changed_by=ilo_focal_point, status=Status.IN_PROGRESS, progress=10
    )
    client.force_login(secretariat_user)

    response = client.post(
        reverse("action_edit", args=[action.pk]),
        {"title": "Overwrite", "forum": origin["forum"].pk, "version": stale_version},
    )

    assert response.status_code == 409
    assert b"changed this action since you opened the form" in response.content
    action.refresh_from_db()
    assert action.title != "Overwrite"


@pytest.mark.django_db
def test_edit_with_an_invalid_date_keeps_everything(client, secretariat_user, origin):
    action = FollowUpActionFactory(forum=origin["forum"], title="Keep me")
    client.force_login(secretariat_user)
    response = client.post(
        reverse("action_edit", args=[action.pk]),
        {
            "title": "Changed",
            "forum": origin["forum"].pk,
            "due_date": "31/31/2027",
            "version": action.version,
        },
    )
    assert response.status_code == 400
    assert b"Enter a valid date" in response.content
    action.refresh_from_db()
    assert action.title == "Keep me"
