"""Co-leads and developers: an action led by more than one organisation ("under the
leadership of the Governments of Morocco and Spain"), and the organisation that carried
out its work ("IOM recently developed a Compendium").

What each may do and where each shows: the focal points of co-leads and developers report
as the lead's do and find the action in "My assignments"; ?lead= finds co-led actions;
the action page, the list and the exports name every lead; the services refuse an
organisation leading twice or leading and partnering at once.
"""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.models import ActionParticipant, FollowUpAction
from actions.permissions import Viewer
from actions.services import action_create, action_update
from tests.factories import (
    FocalPointFactory,
    FollowUpActionFactory,
    ForumFactory,
    OrganisationFactory,
    UserFactory,
)


@pytest.fixture
def compendium(db):
    morocco = OrganisationFactory(acronym="Morocco", name="Morocco")
    spain = OrganisationFactory(acronym="Spain", name="Spain")
    iom = OrganisationFactory(acronym="IOM", name="International Organization for Migration")
    ilo = OrganisationFactory(acronym="ILO", name="International Labour Organization")
    action = action_create(
        created_by=None,
        title="Compendium of Good Practice Policy Elements",
        forum=ForumFactory(),
        lead=morocco,
        co_leads=[spain],
        partners=[ilo],
        developed_by=[iom],
    )
    return action


def focal_point_of(acronym):
    from agencies.models import Organisation

    organisation = Organisation.objects.get(acronym=acronym)
    return FocalPointFactory(
        user=UserFactory(username=f"{acronym}-focal"), organisation=organisation
    ).user


def test_co_leads_and_developers_are_participants_in_their_roles(compendium):
    roles = {
        (row.organisation.acronym, row.role)
        for row in ActionParticipant.objects.filter(action=compendium).select_related(
            "organisation"
        )
    }
    assert roles == {
        ("Morocco", ActionParticipant.Role.LEAD),
        ("Spain", ActionParticipant.Role.CO_LEAD),
        ("ILO", ActionParticipant.Role.PARTNER),
        ("IOM", ActionParticipant.Role.DEVELOPER),
    }


def test_removing_a_co_lead_or_developer_removes_its_row(compendium):
    compendium.co_leads.clear()
    compendium.developed_by.clear()
    assert set(
        ActionParticipant.objects.filter(action=compendium).values_list("role", flat=True)
    ) == {ActionParticipant.Role.LEAD, ActionParticipant.Role.PARTNER}


@pytest.mark.parametrize(
    "acronym, may_report", [("Morocco", True), ("Spain", True), ("ILO", True), ("IOM", True)]
)
def test_every_organisation_taking_part_may_report(compendium, acronym, may_report):
    viewer = Viewer(focal_point_of(acronym))
    action = FollowUpAction.objects.for_detail().get(pk=compendium.pk)
    assert viewer.can_report_on(action) is may_report


def test_an_organisation_not_taking_part_may_not_report(compendium):
    OrganisationFactory(acronym="UNDP")
    viewer = Viewer(focal_point_of("UNDP"))
    assert not viewer.can_report_on(FollowUpAction.objects.for_detail().get(pk=compendium.pk))


def test_a_co_lead_reports_through_the_page(client, compendium):
    client.force_login(focal_point_of("Spain"))
    response = client.post(
        reverse("action_status", args=[compendium.pk]),
        {
            "status": "completed",
            "progress": "100",
            "note": "Published.",
            "version": compendium.version,
        },
    )
    assert response.status_code == 302
    assert compendium.history.latest("changed_at").note == "Published."


@pytest.mark.parametrize("acronym", ["Spain", "IOM"])
def test_my_assignments_list_co_led_and_developed_actions(client, compendium, acronym):
    client.force_login(focal_point_of(acronym))
    response = client.get(reverse("my_assignments"))
    assert compendium.title in response.content.decode()


def test_the_lead_filter_finds_co_led_actions(client, compendium, secretariat_user):
    FollowUpActionFactory(title="Led by Spain alone", lead=compendium.co_leads.get())
    FollowUpActionFactory(title="Someone else's")
    client.force_login(secretariat_user)
    html = client.get(reverse("action_list"), {"lead": "Spain"}).content.decode()
    assert compendium.title in html
    assert "Led by Spain alone" in html
    assert "Someone else&#x27;s" not in html and "Someone else's" not in html


def test_the_list_names_every_lead(client, compendium, secretariat_user):
    client.force_login(secretariat_user)
    html = client.get(reverse("action_list")).content.decode()
    assert 'agencies/Morocco/">Morocco</a>, <a href="/agencies/Spain/">Spain</a>' in html


def test_the_action_page_says_who_leads_and_who_developed_it(client, compendium, secretariat_user):
    client.force_login(secretariat_user)
    html = client.get(reverse("action_detail", args=[compendium.pk])).content.decode()
    assert "<dt>Leads</dt>" in html
    assert ">Morocco</a> and <a" in html
    assert "<dt>Developed by</dt>" in html
    assert ">International Organization for Migration (IOM)</a>" in html


def test_an_action_with_one_lead_says_lead(client, secretariat_user):
    action = FollowUpActionFactory(lead=OrganisationFactory(acronym="ILO"))
    client.force_login(secretariat_user)
    html = client.get(reverse("action_detail", args=[action.pk])).content.decode()
    assert "<dt>Lead</dt>" in html
    assert "Developed by" not in html


def test_the_csv_names_every_lead(client, compendium, secretariat_user):
    client.force_login(secretariat_user)
    response = client.get(reverse("action_export"))
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    (row,) = rows
    assert row["Lead"] == "Morocco; Spain"
    assert row["Developed by"] == "IOM"


def test_the_lead_cannot_be_a_co_lead_too(compendium):
    with pytest.raises(ValidationError) as refused:
        action_update(
            action=compendium,
            updated_by=None,
            expected_version=compendium.version,
            co_leads=[compendium.lead],
        )
    assert "Morocco is the lead: it cannot be a co-lead too." in refused.value.messages


def test_a_co_lead_cannot_be_a_partner_too(db):
    spain = OrganisationFactory(acronym="Spain")
    with pytest.raises(ValidationError) as refused:
        action_create(
            created_by=None,
            title="Twice Spain",
            forum=ForumFactory(),
            lead=OrganisationFactory(acronym="Morocco"),
            co_leads=[spain],
            partners=[spain],
        )
    assert "A co-lead cannot be a partner too: Spain." in refused.value.messages
    assert not FollowUpAction.objects.exists()


def test_changing_the_lead_to_a_co_lead_is_refused_and_changes_nothing(compendium):
    spain = compendium.co_leads.get()
    with pytest.raises(ValidationError):
        action_update(
            action=compendium, updated_by=None, expected_version=compendium.version, lead=spain
        )
    compendium.refresh_from_db()
    assert compendium.lead.acronym == "Morocco"


def test_co_leads_are_in_the_audit_trail(compendium, secretariat_user):
    ilo = compendium.partners.get()
    unhcr = OrganisationFactory(acronym="UNHCR")
    _, changed = action_update(
        action=compendium,
        updated_by=secretariat_user,
        expected_version=compendium.version,
        co_leads=[compendium.co_leads.get(), unhcr],
        partners=[ilo],
    )
    assert changed == ["co-leads"]
    latest = compendium.audit_entries.latest("history_date")
    assert {link.organisation_id for link in latest.co_leads.all()} == {
        unhcr.pk,
        compendium.co_leads.order_by("pk").first().pk,
    }
