"""Partners on the secretariat's forms: checkboxes labelled "ACRONYM — Name", in acronym
order, the ticked ones named above them; exactly the ticked ones are saved."""

import re
from html import unescape

import pytest
from django.urls import reverse

from actions.models import FollowUpAction
from tests.factories import FollowUpActionFactory, GovernmentFactory, OrganisationFactory


@pytest.fixture
def organisations(ilo, iom):
    return {
        "ilo": ilo,
        "iom": iom,
        "undp": OrganisationFactory(acronym="UNDP", name="United Nations Development Programme"),
        "philippines": GovernmentFactory(acronym="Philippines"),
    }


@pytest.fixture
def handbook(organisations):
    action = FollowUpActionFactory(title="Handbook", lead=organisations["ilo"])
    action.partners.set([organisations["iom"]])
    return action


def boxes(html):
    """[(value, label, checked)] of the partners' checkboxes, in page order."""
    found = re.findall(
        r'<label class="check-label"><input type="checkbox" name="partners" value="(\d+)"'
        r"[^>]*?( checked)?> ([^<]*)</label>",
        html,
    )
    return [(value, unescape(label), bool(checked)) for value, checked, label in found]


def form_data(action, **changes):
    data = {
        "title": action.title,
        "description": action.description,
        "forum": action.forum_id,
        "lead": action.lead_id or "",
        "partners": [str(pk) for pk in action.partners.values_list("pk", flat=True)],
        "version": action.version,
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_the_edit_form_offers_partners_as_labelled_checkboxes_in_acronym_order(
    client, secretariat_user, handbook, organisations
):
    client.force_login(secretariat_user)
    html = client.get(reverse("action_edit", args=[handbook.pk])).content.decode()
    # Less the forum's host government, which the factory makes.
    listed = [box for box in boxes(html) if box[1] != handbook.forum.host_government.name]
    assert [label for _value, label, _checked in listed] == [
        "ILO — International Labour Organization",
        "IOM — International Organization for Migration",
        # A government's acronym is its name: said once.
        "Philippines",
        "UNDP — United Nations Development Programme",
    ]
    assert [label for _value, label, checked in listed if checked] == [
        "IOM — International Organization for Migration"
    ]
    assert 'Ticked: <span data-partner-chosen data-none="none">IOM</span>' in html
    # No multiple <select> to Ctrl-click any more.
    assert 'name="partners" multiple' not in html
    # The search box only shows with its script; it has no name, so it is never sent.
    assert re.search(r'<div class="partner-search-row" data-partner-search-row hidden>', html)
    assert re.search(r'<input type="search" id="id_partners_search" data-partner-search', html)
    assert '<script src="/static/js/partner-search.js" defer></script>' in html


@pytest.mark.django_db
def test_the_ticked_partners_are_saved_and_nothing_else(
    client, secretariat_user, handbook, organisations
):
    client.force_login(secretariat_user)
    ticked = [organisations["undp"].pk, organisations["philippines"].pk]
    response = client.post(
        reverse("action_edit", args=[handbook.pk]), form_data(handbook, partners=ticked)
    )
    assert response.status_code == 302
    assert set(handbook.partners.values_list("pk", flat=True)) == set(ticked)
    handbook.refresh_from_db()
    assert handbook.title == "Handbook"


@pytest.mark.django_db
def test_the_form_sent_unchanged_keeps_the_partners_and_the_version(
    client, secretariat_user, handbook
):
    client.force_login(secretariat_user)
    version = handbook.version
    response = client.post(reverse("action_edit", args=[handbook.pk]), form_data(handbook))
    assert response.status_code == 302
    handbook.refresh_from_db()
    assert handbook.version == version
    assert [partner.acronym for partner in handbook.partners.all()] == ["IOM"]


@pytest.mark.django_db
def test_no_partner_ticked_removes_them_all(client, secretariat_user, handbook):
    client.force_login(secretariat_user)
    data = form_data(handbook)
    del data["partners"]  # a browser sends nothing for no box ticked
    client.post(reverse("action_edit", args=[handbook.pk]), data)
    assert not handbook.partners.exists()


@pytest.mark.django_db
def test_a_refused_form_keeps_the_partners_ticked(
    client, secretariat_user, handbook, organisations
):
    client.force_login(secretariat_user)
    ticked = [organisations["undp"].pk]
    response = client.post(
        reverse("action_edit", args=[handbook.pk]),
        form_data(handbook, title="", partners=ticked),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert [label for _value, label, checked in boxes(html) if checked] == [
        "UNDP — United Nations Development Programme"
    ]
    assert 'Ticked: <span data-partner-chosen data-none="none">UNDP</span>' in html
    assert [partner.acronym for partner in handbook.partners.all()] == ["IOM"]


@pytest.mark.django_db
def test_the_new_action_form_starts_with_none_ticked(client, secretariat_user, organisations):
    client.force_login(secretariat_user)
    html = client.get(reverse("action_create")).content.decode()
    assert len(boxes(html)) == 4
    assert not any(checked for _value, _label, checked in boxes(html))
    assert 'Ticked: <span data-partner-chosen data-none="none">none</span>' in html


@pytest.mark.django_db
def test_a_new_action_gets_the_ticked_partners(client, secretariat_user, organisations):
    client.force_login(secretariat_user)
    forum = FollowUpActionFactory().forum
    response = client.post(
        reverse("action_create"),
        {
            "title": "Working group on data",
            "forum": forum.pk,
            "lead": organisations["ilo"].pk,
            "partners": [organisations["iom"].pk, organisations["undp"].pk],
            "status": "planned",
        },
    )
    assert response.status_code == 302
    action = FollowUpAction.objects.get(title="Working group on data")
    assert sorted(p.acronym for p in action.partners.all()) == ["IOM", "UNDP"]
