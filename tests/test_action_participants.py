"""ActionParticipant: "lead, co-lead, partner or developer" kept in step by the database,
however actions change.

Each test changes leads and partners one way (services, model saves as the admin makes
them, queryset updates, bulk inserts, deletes) and compares the participant rows with what
the actions' lead and partners say. The suite runs on SQLite and on PostgreSQL, so both
dialects' triggers are tested.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q

from actions.models import ActionParticipant, ActionsOfOrganisations, FollowUpAction
from actions.services import action_create, action_update
from tests.factories import FollowUpActionFactory, ForumFactory, OrganisationFactory

LEAD, PARTNER = ActionParticipant.Role.LEAD, ActionParticipant.Role.PARTNER


def participant_rows():
    return set(ActionParticipant.objects.values_list("action_id", "organisation_id", "role"))


def rows_the_actions_say():
    led = {
        (pk, lead_id, LEAD)
        for pk, lead_id in FollowUpAction.objects.exclude(lead=None).values_list("pk", "lead_id")
    }
    members = set()
    for field, role in (
        (FollowUpAction.partners, PARTNER),
        (FollowUpAction.co_leads, ActionParticipant.Role.CO_LEAD),
        (FollowUpAction.developed_by, ActionParticipant.Role.DEVELOPER),
    ):
        members |= {
            (action_id, organisation_id, role)
            for action_id, organisation_id in field.through.objects.values_list(
                "followupaction_id", "organisation_id"
            )
        }
    return led | members


def assert_in_step():
    assert participant_rows() == rows_the_actions_say()


@pytest.fixture
def orgs(db):
    return [OrganisationFactory(acronym=acronym) for acronym in ("ILO", "IOM", "UNDP", "UNHCR")]


@pytest.mark.django_db
def test_services_create_and_edit_keep_participants_in_step(orgs, secretariat_user):
    ilo, iom, undp, unhcr = orgs
    action = action_create(
        created_by=secretariat_user,
        title="Compendium of good practices",
        forum=ForumFactory(),
        lead=ilo,
        partners=[iom, undp],
    )
    assert participant_rows() == {(action.pk, ilo.pk, LEAD), (action.pk, iom.pk, PARTNER),
                                  (action.pk, undp.pk, PARTNER)}  # fmt: skip

    action_update(
        action=action,
        updated_by=secretariat_user,
        expected_version=action.version,
        lead=unhcr,
        partners=[undp, ilo],
    )
    assert participant_rows() == {(action.pk, unhcr.pk, LEAD), (action.pk, undp.pk, PARTNER),
                                  (action.pk, ilo.pk, PARTNER)}  # fmt: skip
    assert_in_step()


@pytest.mark.django_db
def test_an_organisation_both_leading_and_partnering_keeps_its_lead_row(orgs):
    ilo, iom, *_ = orgs
    action = FollowUpActionFactory(lead=ilo, partners=[ilo, iom])
    assert list(FollowUpAction.objects.for_organisations([ilo.pk])) == [action]
    assert FollowUpAction.objects.count_for_organisations([ilo.pk]) == 1

    action.partners.remove(ilo)
    assert participant_rows() == {(action.pk, ilo.pk, LEAD), (action.pk, iom.pk, PARTNER)}
    assert list(FollowUpAction.objects.for_organisations([ilo.pk])) == [action]

    action.lead = None
    action.save()  # what the admin's change form does
    assert list(FollowUpAction.objects.for_organisations([ilo.pk])) == []
    assert_in_step()


@pytest.mark.django_db
def test_model_saves_and_partner_sets_as_the_admin_makes_them(orgs):
    ilo, iom, undp, unhcr = orgs
    action = FollowUpActionFactory(lead=ilo)
    action.lead = iom
    action.save()
    action.partners.set([undp, unhcr])
    action.partners.set([unhcr])
    action.partners.add(undp)
    assert_in_step()
    action.partners.clear()
    assert participant_rows() == {(action.pk, iom.pk, LEAD)}


@pytest.mark.django_db
def test_saving_other_fields_leaves_participants_alone(orgs):
    ilo, iom, *_ = orgs
    action = FollowUpActionFactory(lead=ilo, partners=[iom])
    before = set(ActionParticipant.objects.values_list("pk", flat=True))
    action.title = "Renamed"
    action.save()
    FollowUpAction.objects.update(progress=50)
    assert set(ActionParticipant.objects.values_list("pk", flat=True)) == before


@pytest.mark.django_db
def test_queryset_updates_and_bulk_inserts_are_followed_too(orgs):
    ilo, iom, undp, _ = orgs
    forum = ForumFactory()
    actions = FollowUpAction.objects.bulk_create(
        [
            FollowUpAction(slug=f"bulk-{n}", title=f"Bulk {n}", forum=forum, lead=ilo)
            for n in range(3)
        ]
    )
    through = FollowUpAction.partners.through
    through.objects.bulk_create(
        [through(followupaction_id=action.pk, organisation_id=iom.pk) for action in actions]
    )
    assert_in_step()
    FollowUpAction.objects.filter(pk=actions[0].pk).update(lead=undp)
    FollowUpAction.objects.filter(pk=actions[1].pk).update(lead=None)
    FollowUpAction.partners.through.objects.filter(followupaction_id=actions[2].pk).update(
        organisation_id=undp.pk
    )
    assert_in_step()
    assert FollowUpAction.objects.count_for_organisations([ilo.pk]) == 1
    assert FollowUpAction.objects.count_for_organisations([undp.pk]) == 2


@pytest.mark.django_db
def test_deleting_actions_and_partner_organisations(orgs):
    ilo, iom, undp, _ = orgs
    kept = FollowUpActionFactory(lead=ilo, partners=[iom, undp])
    deleted = FollowUpActionFactory(lead=iom, partners=[ilo])
    deleted.delete()
    undp.delete()  # a partner may be deleted (a lead is protected)
    assert participant_rows() == {(kept.pk, ilo.pk, LEAD), (kept.pk, iom.pk, PARTNER)}
    assert_in_step()


@pytest.mark.django_db
def test_lead_or_partner_matches_the_two_tables_for_any_set_of_organisations(orgs):
    ilo, iom, undp, unhcr = orgs
    FollowUpActionFactory(lead=ilo, partners=[iom])
    FollowUpActionFactory(lead=iom, partners=[ilo, undp])
    FollowUpActionFactory(lead=undp)
    FollowUpActionFactory(lead=None, partners=[unhcr])
    FollowUpActionFactory(lead=unhcr)
    for chosen in ([ilo], [iom], [ilo, iom], [undp, unhcr], [ilo, iom, undp, unhcr], []):
        ids = [org.pk for org in chosen]
        expected = set(
            FollowUpAction.objects.filter(Q(lead__in=ids) | Q(partners__in=ids)).values_list(
                "pk", flat=True
            )
        )
        found = FollowUpAction.objects.for_organisations(ids)
        assert set(found.values_list("pk", flat=True)) == expected
        assert FollowUpAction.objects.count_for_organisations(ids) == len(expected)


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_in_actions_that_were_there_before_it(orgs):
    """A portal upgraded with actions in it finds them by organisation at once."""
    ilo, iom, *_ = orgs
    action = FollowUpActionFactory(lead=ilo, partners=[iom, ilo])
    executor = MigrationExecutor(connection)
    executor.migrate([("actions", "0006_lead_and_partner_indexes")])
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE actions_followupaction SET lead_id = %s WHERE id = %s", [iom.pk, action.pk]
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert participant_rows() == {(action.pk, iom.pk, LEAD), (action.pk, iom.pk, PARTNER),
                                  (action.pk, ilo.pk, PARTNER)}  # fmt: skip
    action.partners.remove(iom)  # and the triggers are back
    assert_in_step()


@pytest.mark.django_db
@pytest.mark.parametrize("few", [ActionsOfOrganisations.FEW, 1])
def test_actions_of_organisations_read_as_ids_or_as_a_subquery_agree(orgs, monkeypatch, few):
    monkeypatch.setattr(ActionsOfOrganisations, "FEW", few)
    ilo, iom, undp, _ = orgs
    both = FollowUpActionFactory(lead=ilo, partners=[ilo, iom])
    led = FollowUpActionFactory(lead=iom)
    FollowUpActionFactory(lead=undp)

    scope = ActionsOfOrganisations([ilo.pk, iom.pk])

    assert (scope.action_ids is not None) == (few > 1)
    assert set(scope.filter(FollowUpAction.objects.all())) == {both, led}
    assert scope.count() == 2


@pytest.mark.django_db
def test_actions_loaded_from_a_dump_get_their_participants_back(orgs, tmp_path):
    """As the README says: dumpdata without ActionParticipant, loaddata fills it again."""
    ilo, iom, undp, _ = orgs
    FollowUpActionFactory(lead=ilo, partners=[iom, undp])
    FollowUpActionFactory(lead=iom, partners=[iom])
    before = participant_rows()
    dump = tmp_path / "actions.json"
    call_command("dumpdata", "actions.followupaction", output=str(dump), verbosity=0)
    FollowUpAction.objects.all().delete()
    assert participant_rows() == set()

    call_command("loaddata", str(dump), verbosity=0)

    assert participant_rows() == before
    assert_in_step()
