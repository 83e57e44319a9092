"""The organisation page: an agency or government, its roles and its actions."""

import pytest
from django.urls import reverse

from roundtables.models import Involvement
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

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

# Session and user for the signed-in request (the user read with whether they are
# secretariat, which the navigation asks), then organisation, focal points (+ user),
# involvements (+ forum, session, round table), led actions, their partners,
# partnered actions, their partners, coordinated sessions, hosted forums.
AGENCY_PAGE_QUERIES = 12  # who asked for each involvement: one more


@pytest.mark.django_db
def test_anonymous_is_sent_to_the_login_page(client, ilo):
    response = client.get(reverse("agency_detail", args=["ILO"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_shows_the_agency_its_involvements_and_actions(client, observer, ilo_focal_point, ilo, iom):
    ilo_focal_point.first_name, ilo_focal_point.last_name = "Ada", "Lovelace"
    ilo_focal_point.save()
    forum = ForumFactory(number=1, short_name="GFMD I", city="Brussels")
    round_table = RoundTableFactory(forum=forum, number=1)
    session = SessionFactory(round_table=round_table, code="1.2", title="Temporary labour")
    InvolvementFactory(session=session, organisation=ilo, role=Involvement.Role.RAPPORTEUR)
    Involvement.objects.create(
        forum=forum, organisation=ilo, role=Involvement.Role.ADVISORY, detail="Staff secondment"
    )
    FollowUpActionFactory(forum=forum, lead=ilo, title="Led by the ILO")
    FollowUpActionFactory(forum=forum, lead=iom, partners=[ilo], title="IOM with the ILO")
    client.force_login(observer)

    response = client.get(reverse("agency_detail", args=["ILO"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "International Labour Organization (ILO)" in html
    assert "UN agency" in html
    assert "Global Migration Group member</dt><dd>Yes" in html
    assert "Ada Lovelace" in html
    assert "ilo-focal" in html
    assert reverse("forum_detail", args=[forum.pk]) in html
    assert reverse("session_detail", args=[session.pk]) in html
    assert "Rapporteur" in html
    assert "Across the forum" in html
    assert "Staff secondment" in html
    assert "Led by the ILO" in html
    assert "IOM with the ILO" in html
    assert "Actions ILO leads" in html
    assert "Actions ILO partners in" in html


@pytest.mark.django_db
def test_a_government_shows_what_it_coordinated_and_hosted(client, observer):
    philippines = GovernmentFactory(acronym="Philippines", name="Philippines")
    forum = ForumFactory(number=2, short_name="GFMD II", city="Manila", host_government=philippines)
    round_table = RoundTableFactory(forum=forum, number=1)
    session = SessionFactory(round_table=round_table, code="1.1", title="Protecting migrants")
    session.coordinators.add(philippines)
    client.force_login(observer)

    response = client.get(reverse("agency_detail", args=["Philippines"]))

    html = response.content.decode()
    assert "Global Migration Group member</dt><dd>No" in html
    assert "Sessions Philippines coordinated" in html
    assert "Protecting migrants" in html
    assert "Forums Philippines hosted" in html
    assert "GFMD II, Manila" in html


@pytest.mark.django_db
def test_acronym_with_a_space_works(client, observer):
    OrganisationFactory(acronym="World Bank", name="The World Bank")
    client.force_login(observer)

    response = client.get(reverse("agency_detail", args=["World Bank"]))

    assert response.status_code == 200
    assert "The World Bank (World Bank)" in response.content.decode()


@pytest.mark.django_db
def test_unknown_acronym_is_404(client, observer):
    client.force_login(observer)
    assert client.get(reverse("agency_detail", args=["NOPE"])).status_code == 404


@pytest.mark.django_db
def test_names_and_titles_are_escaped(client, observer):
    organisation = OrganisationFactory(acronym="EVIL", name=SCRIPT)
    FollowUpActionFactory(lead=organisation, title=SCRIPT)
    FocalPointFactory(organisation=organisation, user=UserFactory(first_name=SCRIPT))
    client.force_login(observer)

    html = client.get(reverse("agency_detail", args=["EVIL"])).content.decode()

    assert SCRIPT not in html
    assert ESCAPED in html


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 50])
def test_query_count_does_not_grow_with_the_organisation(
    client, observer, django_assert_num_queries, size
):
    government = GovernmentFactory(acronym="Morocco", name="Morocco")
    forums = [ForumFactory(number=number, host_government=government) for number in range(1, 4)]
    for index in range(size):
        forum = forums[index % 3]
        round_table = RoundTableFactory(forum=forum, number=index + 1)
        session = SessionFactory(round_table=round_table, code=f"{index + 1}.1")
        session.coordinators.add(government)
        InvolvementFactory(session=session, organisation=government)
        FocalPointFactory(organisation=government)
        FollowUpActionFactory(
            forum=forum, lead=government, partners=[OrganisationFactory(), OrganisationFactory()]
        )
        FollowUpActionFactory(
            forum=forum, lead=OrganisationFactory(), partners=[government, OrganisationFactory()]
        )
    client.force_login(observer)
    url = reverse("agency_detail", args=["Morocco"])

    with django_assert_num_queries(AGENCY_PAGE_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
