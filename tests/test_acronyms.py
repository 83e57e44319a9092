"""Organisation acronyms are part of an address (/agencies/<acronym>/): validated when
written, and harmless when an old row holds one that would not be accepted today."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agencies.models import Organisation
from tests.factories import (
    FocalPointFactory,
    FollowUpActionFactory,
    ForumFactory,
    GovernmentFactory,
    InvolvementFactory,
    OrganisationFactory,
    RoundTableFactory,
    SessionFactory,
    UserFactory,
)

REFUSAL = "the acronym is part of the organisation’s web address"


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


def organisation_form(acronym):
    return {
        "acronym": acronym,
        "name": "United Nations Department of Economic and Social Affairs",
        "kind": Organisation.Kind.UN_AGENCY,
        "is_gmg_member": "on",
        "focal_points-TOTAL_FORMS": "0",
        "focal_points-INITIAL_FORMS": "0",
    }


@pytest.mark.django_db
def test_the_admin_refuses_an_acronym_with_a_slash(client, admin_user):
    client.force_login(admin_user)

    response = client.post(reverse("admin:agencies_organisation_add"), organisation_form("UN/DESA"))

    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_the_admin_accepts_a_plain_acronym(client, admin_user):
    client.force_login(admin_user)

    response = client.post(reverse("admin:agencies_organisation_add"), organisation_form("UNDESA"))

    assert response.status_code == 302
    assert Organisation.objects.get().acronym == "UNDESA"


@pytest.mark.parametrize(
    "acronym",
    [
        "ILO",
        "UNDESA",
        "World Bank",
        "RO Korea",
        "Center for Migration Studies",
        "U.N.",
        "Côte d'Ivoire",
        "Guinea-Bissau",
    ],
)
def test_acronyms_of_the_record_and_the_like_are_valid(acronym):
    organisation = Organisation(acronym=acronym, name="x", kind=Organisation.Kind.OTHER)
    organisation.clean_fields()


@pytest.mark.parametrize("acronym", ["UN/DESA", "a?b", "#1", "50%", " ILO", "-ILO", "..", "x\ny"])
def test_acronyms_that_would_break_an_address_are_refused(acronym):
    organisation = Organisation(acronym=acronym, name="x", kind=Organisation.Kind.OTHER)
    with pytest.raises(ValidationError) as error:
        organisation.clean_fields()
    assert REFUSAL in str(error.value.message_dict["acronym"])


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", ["UN/DESA", "UN/DESA/", "a?b#c", "x\ny", "100%"])
def test_an_old_row_with_a_hostile_acronym_breaks_no_page(client, hostile):
    """Written straight into the database, past the validator, as old data could be."""
    agency = OrganisationFactory(acronym="UNDESA")
    government = GovernmentFactory(acronym="Belgium", name="Belgium")
    forum = ForumFactory(host_government=government)
    forum.steering_group.add(agency)
    session = SessionFactory(round_table=RoundTableFactory(forum=forum))
    session.coordinators.add(agency)
    InvolvementFactory(session=session, organisation=agency)
    led = FollowUpActionFactory(forum=forum, lead=agency, title="Led by the agency")
    partnered = FollowUpActionFactory(forum=forum, partners=[agency], title="With the agency")
    focal_point = FocalPointFactory(organisation=agency).user
    Organisation.objects.filter(pk=agency.pk).update(acronym=hostile)
    client.force_login(focal_point)

    agency_url = reverse("agency_detail", args=[hostile])
    for url in [
        reverse("dashboard"),
        reverse("action_list"),
        reverse("my_assignments"),
        reverse("forum_detail", args=[forum.pk]),
        reverse("session_detail", args=[session.pk]),
        reverse("action_detail", args=[led.pk]),
        reverse("action_detail", args=[partnered.pk]),
        reverse("involvement_matrix"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    # The links lead to the agency's page, and it opens.
    assert agency_url in client.get(reverse("action_detail", args=[led.pk])).content.decode()
    page = client.get(agency_url)
    assert page.status_code == 200
    assert page.context["organisation"] == Organisation.objects.get(pk=agency.pk)


@pytest.mark.django_db
def test_a_slash_acronym_gets_a_readable_address(client, observer):
    OrganisationFactory(acronym="UNDESA")
    Organisation.objects.filter(acronym="UNDESA").update(acronym="UN/DESA")

    assert reverse("agency_detail", args=["UN/DESA"]) == "/agencies/UN/DESA/"
    assert reverse("agency_detail", args=["World Bank"]) == "/agencies/World%20Bank/"
    client.force_login(observer)
    assert client.get("/agencies/UN/DESA/").status_code == 200
    assert client.get("/agencies/UN/").status_code == 404
