"""ActionParticipant and ActionTally survive later migrations: `migrate` re-installs their
triggers (actions/triggers.py, from actions/apps.py) and a system check names any missing.

A later migration is played here as one would run: the schema editor alters a field of the
action table (on SQLite a copy of the table, which drops its triggers), then `migrate`.
The suite runs on SQLite and on PostgreSQL, so both dialects are tested.
"""

import sys

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.db.models import Count

from actions import triggers
from actions.models import ActionsOfOrganisations, ActionTally, FollowUpAction
from actions.services import action_change_status, action_create
from tests.factories import FollowUpActionFactory, OrganisationFactory, RoundTableFactory
from tests.test_action_participants import assert_in_step as assert_participants_in_step
from tests.test_action_tally import assert_in_step as assert_tally_in_step

Status = FollowUpAction.Status


def alter_the_title_as_a_later_migration_would():
    """title max_length 300 -> 301 and back: two table copies on SQLite, as an AlterField
    migration makes them (and its reversal), and the model's schema as before."""
    old_field = FollowUpAction._meta.get_field("title")
    new_field = FollowUpAction._meta.get_field("title").clone()
    new_field.max_length = 301
    new_field.set_attributes_from_name("title")
    with connection.schema_editor() as schema_editor:
        schema_editor.alter_field(FollowUpAction, old_field, new_field)
        schema_editor.alter_field(FollowUpAction, new_field, old_field)


def drop_trigger(name):
    table = dict((n, t) for n, t, _ in triggers.expected(connection))[name]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER {name} ON {table}")
        else:
            cursor.execute(f"DROP TRIGGER {name}")


def drop_every_trigger():
    for name, _, _ in triggers.expected(connection):
        drop_trigger(name)


def trigger_errors():
    found = checks.run_checks(tags=[checks.Tags.database], databases=["default"])
    return [message for message in found if message.id.startswith("actions.")]


def status_counts_of_the_actions():
    rows = FollowUpAction.objects.values_list("status").annotate(n=Count("pk")).order_by()
    return dict(rows)


def assert_every_count_matches_the_actions():
    assert ActionTally.objects.action_count() == FollowUpAction.objects.count()
    assert ActionTally.objects.status_counts() == status_counts_of_the_actions()
    for status, n in status_counts_of_the_actions().items():
        assert ActionTally.objects.action_count([status]) == n
    assert_tally_in_step()
    assert_participants_in_step()


@pytest.fixture
def organisations(db):
    return [OrganisationFactory(acronym=acronym) for acronym in ("ILO", "IOM", "UNDP")]


@pytest.fixture
def round_table(db):
    return RoundTableFactory(number=1)


def create_action(created_by, round_table, lead, partners, title="Handbook"):
    return action_create(
        created_by=created_by,
        title=title,
        forum=round_table.forum,
        round_table=round_table,
        lead=lead,
        partners=partners,
    )


@pytest.mark.django_db(transaction=True)
def test_a_table_rebuild_drops_the_triggers_on_sqlite_and_only_there():
    """The trap itself: without the re-install after migrate, SQLite has lost them."""
    assert triggers.missing(connection) == []

    alter_the_title_as_a_later_migration_would()

    if connection.vendor == "sqlite":
        assert set(triggers.missing(connection)) == {
            "participant_lead_insert",
            "participant_lead_update",
            "action_tally_insert",
            "action_tally_delete",
            "action_tally_update",
        }  # the partner table's triggers stay: that table was not copied
    else:
        assert triggers.missing(connection) == []  # PostgreSQL alters in place


@pytest.mark.django_db(transaction=True)
def test_after_a_table_rebuild_and_migrate_a_new_action_is_found_and_counted(
    client, secretariat_user, organisations, round_table
):
    ilo, iom, undp = organisations
    FollowUpActionFactory(forum=round_table.forum, lead=iom, status=Status.PLANNED)

    alter_the_title_as_a_later_migration_would()
    call_command("migrate", verbosity=0)

    assert triggers.missing(connection) == []
    action = create_action(secretariat_user, round_table, lead=ilo, partners=[undp])
    action_change_status(
        action=action, changed_by=secretariat_user, status=Status.IN_PROGRESS, progress=30
    )

    client.force_login(secretariat_user)
    for organisation in (ilo, undp):  # the lead, and a partner
        response = client.get("/actions/", {"agency": organisation.acronym})
        assert response.status_code == 200
        assert action.title in response.content.decode()
        assert list(FollowUpAction.objects.for_organisations([organisation.pk])) == [action]
        scope = ActionsOfOrganisations([organisation.pk])
        assert list(scope.filter(FollowUpAction.objects.all())) == [action]
        assert scope.count() == 1
    assert FollowUpAction.objects.count_for_organisations([ilo.pk, iom.pk, undp.pk]) == 2
    assert ActionTally.objects.action_count() == FollowUpAction.objects.count() == 2
    assert ActionTally.objects.status_counts() == {Status.PLANNED: 1, Status.IN_PROGRESS: 1}
    assert_every_count_matches_the_actions()


@pytest.mark.django_db(transaction=True)
def test_migrate_refills_what_was_written_while_the_triggers_were_missing(
    secretariat_user, organisations, round_table
):
    """Triggers put back keep rows in step from then on; what changed without them is
    counted again by the same migrate."""
    ilo, iom, undp = organisations
    kept = create_action(secretariat_user, round_table, lead=ilo, partners=[iom])
    drop_every_trigger()

    create_action(secretariat_user, round_table, lead=iom, partners=[undp], title="Workshop")
    FollowUpAction.objects.filter(pk=kept.pk).update(lead=undp, status=Status.ON_HOLD)
    kept.partners.set([ilo])
    assert ActionTally.objects.action_count() == 1  # stale: the trap this test is about

    call_command("migrate", verbosity=0)

    assert triggers.missing(connection) == []
    assert_every_count_matches_the_actions()
    assert set(FollowUpAction.objects.for_organisations([undp.pk])) == set(
        FollowUpAction.objects.all()
    )


@pytest.mark.django_db(transaction=True)
def test_migrate_with_nothing_missing_recounts_nothing(secretariat_user, round_table, ilo):
    create_action(secretariat_user, round_table, lead=ilo, partners=[])
    before = set(ActionTally.objects.values_list("pk", "actions"))

    call_command("migrate", verbosity=0)

    assert set(ActionTally.objects.values_list("pk", "actions")) == before  # not refilled


@pytest.mark.django_db(transaction=True)
def test_the_system_check_names_a_missing_trigger_until_migrate(round_table):
    assert trigger_errors() == []
    name = triggers.expected(connection)[0][0]
    drop_trigger(name)

    errors = trigger_errors()
    assert [error.id for error in errors] == ["actions.E001"]
    assert name in errors[0].msg
    assert errors[0].hint == "Run manage.py migrate, which re-installs them."
    with pytest.raises(SystemCheckError, match=name):
        call_command("check", databases=["default"])

    call_command("migrate", verbosity=0)

    assert trigger_errors() == []
    call_command("check", databases=["default"])


@pytest.mark.django_db(transaction=True)
def test_manage_py_migrate_is_not_stopped_by_the_check_of_what_it_repairs(
    monkeypatch, capsys, round_table
):
    """`manage.py migrate` runs the database checks first; there a missing trigger is a
    warning, or the command that re-installs it would refuse to run."""
    drop_trigger(triggers.expected(connection)[0][0])
    monkeypatch.setattr(sys, "argv", ["manage.py", "migrate"])

    assert [message.id for message in trigger_errors()] == ["actions.W001"]
    call_command("migrate", skip_checks=False, verbosity=1)

    assert "actions.W001" in capsys.readouterr().err
    assert triggers.missing(connection) == []


@pytest.mark.django_db(transaction=True)
def test_migrating_back_installs_only_the_triggers_whose_tables_exist(
    secretariat_user, organisations, round_table
):
    """At 0007 there is no ActionTally table: its triggers are neither installed nor
    missing, and ActionParticipant's still follow the actions (on SQLite reversing 0009
    copies the action table, which drops them)."""
    ilo, iom, _ = organisations
    action = FollowUpActionFactory(forum=round_table.forum, lead=ilo)
    try:
        call_command("migrate", "actions", "0007_action_participants", verbosity=0)
        assert [s.derived_table for s in triggers.installable(connection)] == [triggers.PARTICIPANT]
        assert triggers.missing(connection) == []
        assert trigger_errors() == []
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {triggers.ACTION} SET lead_id = %s WHERE id = %s", [iom.pk, action.pk]
            )
        assert FollowUpAction.objects.count_for_organisations([iom.pk]) == 1
    finally:
        call_command("migrate", verbosity=0)
    assert triggers.missing(connection) == []
    assert_every_count_matches_the_actions()


@pytest.mark.django_db(transaction=True)
def test_install_is_idempotent(round_table):
    triggers.install(connection)
    triggers.install(connection)
    FollowUpActionFactory(forum=round_table.forum, progress=40)
    assert triggers.missing(connection) == []
    assert ActionTally.objects.action_count() == 1  # once, not once per install
    assert_every_count_matches_the_actions()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_disabled_trigger_counts_as_missing_on_postgresql(round_table):
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {triggers.ACTION} DISABLE TRIGGER action_tally_insert")
    assert triggers.missing(connection) == ["action_tally_insert"]

    call_command("migrate", verbosity=0)

    assert triggers.missing(connection) == []
    FollowUpActionFactory(forum=round_table.forum)
    assert_every_count_matches_the_actions()


@pytest.mark.django_db(transaction=True)
def test_a_dump_without_the_derived_tables_loads_back_with_every_count(
    organisations, round_table, tmp_path
):
    """The README's dump: the two derived tables excluded, loaddata fills them again."""
    ilo, iom, undp = organisations
    # By nobody: the dump leaves the users out, and the flush below takes them away.
    create_action(None, round_table, lead=ilo, partners=[iom, undp])
    create_action(None, round_table, lead=iom, partners=[iom], title="Workshop")
    before = {
        "participants": sorted(FollowUpAction.objects.values_list("pk", "participants__role")),
        "tally": ActionTally.objects.status_counts(),
    }
    dump = tmp_path / "portal.json"
    call_command(
        "dumpdata",
        "actions",
        "agencies",
        "roundtables",
        "--exclude=actions.actionparticipant",
        "--exclude=actions.actiontally",
        output=str(dump),
        verbosity=0,
    )
    call_command("flush", interactive=False, verbosity=0)
    assert FollowUpAction.objects.count() == ActionTally.objects.action_count() == 0

    call_command("loaddata", str(dump), verbosity=0)

    assert FollowUpAction.objects.count() == 2
    assert (
        sorted(FollowUpAction.objects.values_list("pk", "participants__role"))
        == (before["participants"])
    )
    assert ActionTally.objects.status_counts() == before["tally"]
    assert_every_count_matches_the_actions()
