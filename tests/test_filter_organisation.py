"""/actions/?organisation=&role=: one organisation choice instead of three; the old
?lead=, ?partner=, ?agency= links keep working."""

import re

import pytest
from django.urls import reverse

from actions.filters import FollowUpActionFilter
from actions.models import FollowUpAction
from tests.factories import FollowUpActionFactory, OrganisationFactory

Status = FollowUpAction.Status


@pytest.fixture
def actions(ilo, iom):
    undp = OrganisationFactory(acronym="UNDP")
    return {
        "ilo_leads": FollowUpActionFactory(title="ILO leads", lead=ilo, partners=[undp]),
        "ilo_partners": FollowUpActionFactory(title="ILO partners", lead=iom, partners=[ilo]),
        "iom_alone": FollowUpActionFactory(title="IOM alone", lead=iom),
        "no_lead": FollowUpActionFactory(title="Nobody leads", lead=None),
    }


def titles(response):
    table = response.content.decode().split('<table class="action-table">')
    if len(table) < 2:
        return set()
    return set(re.findall(r'<td><a href="/actions/\d+/">([^<]+)</a></td>', table[1]))


def filter_form(response):
    html = response.content.decode()
    start = html.index('<form method="get" class="filters"')
    return html[start : html.index("</form>", start)]


def select_names(response):
    return re.findall(r'<select name="(\w+)"', filter_form(response))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"organisation": "ILO"}, {"ILO leads", "ILO partners"}),
        ({"organisation": "ILO", "role": "either"}, {"ILO leads", "ILO partners"}),
        ({"organisation": "ILO", "role": "lead"}, {"ILO leads"}),
        ({"organisation": "ILO", "role": "partner"}, {"ILO partners"}),
        ({"organisation": "UNDP", "role": "lead"}, set()),
        ({"organisation": "IOM", "role": "lead"}, {"ILO partners", "IOM alone"}),
        # A role without an organisation leaves nothing out.
        ({"role": "lead"}, {"ILO leads", "ILO partners", "IOM alone", "Nobody leads"}),
        # The old parameters, as links in e-mails and bookmarks have them.
        ({"lead": "ILO"}, {"ILO leads"}),
        ({"partner": "ILO"}, {"ILO partners"}),
        ({"agency": "ILO"}, {"ILO leads", "ILO partners"}),
        # Old and new together: both apply.
        ({"agency": "ILO", "organisation": "IOM", "role": "lead"}, {"ILO partners"}),
    ],
)
def test_organisation_and_role(client, secretariat_user, actions, params, expected):
    client.force_login(secretariat_user)

    response = client.get(reverse("action_list"), params)

    assert response.status_code == 200
    assert titles(response) == expected
    assert response.context["result_count"] == len(expected)


@pytest.mark.django_db
def test_the_form_offers_the_organisations_once(client, secretariat_user, actions):
    client.force_login(secretariat_user)

    response = client.get(reverse("action_list"))

    form = filter_form(response)
    assert "organisation" in select_names(response)
    for old in ("lead", "partner", "agency"):
        assert f'name="{old}"' not in form
    assert form.count('<option value="UNDP">UNDP</option>') == 1
    assert '<option value="either">Leads or partners</option>' in form
    assert '<label for="id_organisation">Organisation</label>' in form
    assert '<label for="id_role">Role</label>' in form


@pytest.mark.django_db
def test_the_form_shows_the_chosen_organisation_and_role(client, secretariat_user, actions):
    client.force_login(secretariat_user)

    form = filter_form(
        client.get(reverse("action_list"), {"organisation": "ILO", "role": "partner"})
    )

    assert '<option value="ILO" selected>ILO</option>' in form
    assert '<option value="partner" selected>Partners</option>' in form
    assert 'name="lead"' not in form


@pytest.mark.django_db
@pytest.mark.parametrize("old", ["lead", "partner", "agency"])
def test_an_old_link_shows_the_old_fields_so_they_can_be_cleared(
    client, secretariat_user, actions, old
):
    client.force_login(secretariat_user)

    response = client.get(reverse("action_list"), {old: "ILO"})

    assert set(select_names(response)) >= {"organisation", "lead", "partner", "agency"}
    assert f'<select name="{old}" id="id_{old}"><option value="">' in filter_form(response)
    assert b"Clear filters" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"organisation": "NOPE"}, {"role": "boss"}])
def test_an_unknown_organisation_or_role_is_refused(client, secretariat_user, actions, params):
    client.force_login(secretariat_user)

    response = client.get(reverse("action_list"), params)

    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    assert titles(response) == set()


@pytest.mark.django_db
def test_a_role_alone_is_not_a_filter(client, secretariat_user, actions):
    """The form always sends ?role=either: submitting it with nothing chosen is no filter."""
    client.force_login(secretariat_user)

    response = client.get(reverse("action_list"), {"role": "either", "organisation": ""})

    assert b"Clear filters" not in response.content
    assert response.context["result_count"] == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "narrowing", "counted_from_participants"),
    [
        ({"agency": "ILO"}, {"agency"}, True),
        ({"organisation": "ILO"}, {"organisation"}, True),
        ({"organisation": "ILO", "role": "either"}, {"organisation"}, True),
        ({"organisation": "ILO", "role": "lead"}, {"organisation", "role"}, False),
        ({"organisation": "ILO", "role": "partner"}, {"organisation", "role"}, False),
        ({"role": "partner"}, set(), False),
    ],
)
def test_either_keeps_the_participants_the_view_counts_from(
    actions, ilo, params, narrowing, counted_from_participants
):
    """actions.selectors.list_count counts ?agency= and ?organisation= with either role from
    filterset.lead_or_partner_actions(), the organisation's actions the filter read."""
    filterset = FollowUpActionFilter(params, queryset=FollowUpAction.objects.all())
    assert filterset.is_valid()
    list(filterset.qs)

    assert filterset.narrowing_filters() == narrowing
    scope = filterset.lead_or_partner_actions()
    assert (scope is not None) == counted_from_participants
    if counted_from_participants:
        assert scope.count() == 2


@pytest.mark.django_db
def test_the_export_takes_organisation_and_role(client, secretariat_user, actions):
    client.force_login(secretariat_user)

    response = client.get(reverse("action_export"), {"organisation": "ILO", "role": "lead"})

    assert response.status_code == 200
    csv = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "ILO leads" in csv
    assert "ILO partners" not in csv


@pytest.mark.django_db
def test_my_assignments_take_organisation_and_role(client, ilo_focal_point, actions):
    client.force_login(ilo_focal_point)

    response = client.get(reverse("my_assignments"), {"organisation": "UNDP", "role": "partner"})

    assert titles(response) == {"ILO leads"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params", [{"lead": "ILO"}, {"organisation": "ILO", "role": "lead"}, {"agency": "ILO"}]
)
def test_one_organisation_s_list_is_counted_without_a_count_over_the_list(
    client, secretariat_user, actions, ilo, params
):
    """?lead= is counted from the lead rows of ActionParticipant, as ?agency= from its
    rows: the count is right and no COUNT runs over the actions."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from actions.models import FollowUpAction

    client.force_login(secretariat_user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/actions/", params)
    if "lead" in params.values() or "lead" in params:
        expected = FollowUpAction.objects.filter(lead=ilo).count()
    else:
        expected = FollowUpAction.objects.for_organisations([ilo.pk]).count()
    assert response.context["result_count"] == expected
    counts = [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]
    assert not any('FROM "actions_followupaction"' in sql for sql in counts), counts
