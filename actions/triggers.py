"""The database triggers that keep ActionParticipant and ActionTally, as they are today.

The one definition of the current triggers, per database. Migrations 0007 and 0008 keep
their own frozen copies (a migration must not change when this module does); after every
`migrate` the actions app re-installs these (actions/apps.py), so a later migration that
rebuilds a table (SQLite's ALTER TABLE is a copy, which drops the table's triggers) cannot
leave the derived tables behind, and the system check actions.E001 (actions/checks.py)
names any trigger that is missing all the same.

Why triggers rather than Python, and how each one keeps its rows: migrations 0007 and 0008,
and the models' docstrings.

Changing a trigger: change it here; the next `migrate` replaces it on every database. The
names must stay those of the migrations, or the old trigger would run beside the new one.
"""

from dataclasses import dataclass

from django.db import transaction

from .models import ActionParticipant, ActionTally, FollowUpAction

ACTION = FollowUpAction._meta.db_table
PARTNERS = FollowUpAction.partners.through._meta.db_table
CO_LEADS = FollowUpAction.co_leads.through._meta.db_table  # migration 0014
DEVELOPERS = FollowUpAction.developed_by.through._meta.db_table  # migration 0014
PARTICIPANT = ActionParticipant._meta.db_table
TALLY = ActionTally._meta.db_table

# The databases these triggers are written for (migrations 0007 and 0008 refuse others).
VENDORS = ("postgresql", "sqlite")


@dataclass(frozen=True)
class TriggerSet:
    """The triggers that keep one derived table, and how to fill it from scratch."""

    derived_table: str
    source_tables: tuple[str, ...]
    postgresql_functions: tuple[str, ...]
    # (name, table, CREATE statement); CREATE OR REPLACE TRIGGER on PostgreSQL.
    postgresql_triggers: tuple[tuple[str, str, str], ...]
    sqlite_triggers: tuple[tuple[str, str, str], ...]
    refill: str
    # (table, column) the triggers name that a migration added after the tables: on a
    # database migrated back before it, these triggers cannot be installed.
    columns: tuple[tuple[str, str], ...] = ()
    # Which rows of the derived table these triggers keep (an SQL condition), when other
    # sets keep others; empty: all of them.
    owned_rows: str = ""

    @property
    def tables(self):
        return (self.derived_table, *self.source_tables)

    def triggers(self, vendor):
        if vendor == "postgresql":
            return self.postgresql_triggers
        if vendor == "sqlite":
            return self.sqlite_triggers
        raise NotImplementedError(
            f"{self.derived_table} is kept by triggers on PostgreSQL and SQLite, not {vendor}"
        )


# ActionParticipant (migration 0007): one row per organisation, action and role, each
# trigger keeping the rows of its own role. The same statements in both dialects.
ADD_LEAD = (
    f"INSERT INTO {PARTICIPANT} (action_id, organisation_id, role) "
    f"SELECT NEW.id, NEW.lead_id, 'lead' WHERE NEW.lead_id IS NOT NULL"
)
REMOVE_LEAD = f"DELETE FROM {PARTICIPANT} WHERE action_id = OLD.id AND role = 'lead'"


def _add_member(table_role):
    return (
        f"INSERT INTO {PARTICIPANT} (action_id, organisation_id, role) "
        f"VALUES (NEW.followupaction_id, NEW.organisation_id, '{table_role}')"
    )


def _remove_member(table_role):
    return (
        f"DELETE FROM {PARTICIPANT} WHERE action_id = OLD.followupaction_id "
        f"AND organisation_id = OLD.organisation_id AND role = '{table_role}'"
    )


ADD_PARTNER = _add_member("partner")
REMOVE_PARTNER = _remove_member("partner")

# The organisation sets of an action other than its partners (migration 0014), each kept
# as the partners are: (the link table, the role of its rows, the trigger's base name).
MEMBER_TABLES = (
    (CO_LEADS, "co_lead", "participant_co_lead"),
    (DEVELOPERS, "developer", "participant_developer"),
)


def _member_function(base, role):
    return f"""
        CREATE OR REPLACE FUNCTION {base}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                {_remove_member(role)};
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                {_add_member(role)};
            END IF;
            RETURN NULL;
        END $$
        """


def _member_postgresql_trigger(table, base):
    return (
        base,
        table,
        f"CREATE OR REPLACE TRIGGER {base} AFTER INSERT OR UPDATE OR DELETE "
        f"ON {table} FOR EACH ROW EXECUTE FUNCTION {base}()",
    )


def _member_sqlite_triggers(table, role, base):
    return (
        (
            f"{base}_insert",
            table,
            f"CREATE TRIGGER {base}_insert AFTER INSERT ON {table} BEGIN {_add_member(role)}; END",
        ),
        (
            f"{base}_delete",
            table,
            f"CREATE TRIGGER {base}_delete AFTER DELETE ON {table} "
            f"BEGIN {_remove_member(role)}; END",
        ),
        (
            f"{base}_update",
            table,
            f"CREATE TRIGGER {base}_update AFTER UPDATE ON {table} "
            f"BEGIN {_remove_member(role)}; {_add_member(role)}; END",
        ),
    )


PARTICIPANTS = TriggerSet(
    derived_table=PARTICIPANT,
    source_tables=(ACTION, PARTNERS),
    postgresql_functions=(
        f"""
        CREATE OR REPLACE FUNCTION participant_from_lead() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                IF OLD.lead_id IS NOT DISTINCT FROM NEW.lead_id THEN
                    RETURN NULL;
                END IF;
                {REMOVE_LEAD};
            END IF;
            {ADD_LEAD};
            RETURN NULL;
        END $$
        """,
        f"""
        CREATE OR REPLACE FUNCTION participant_from_partner() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                {REMOVE_PARTNER};
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                {ADD_PARTNER};
            END IF;
            RETURN NULL;
        END $$
        """,
    ),
    postgresql_triggers=(
        (
            "participant_lead",
            ACTION,
            f"CREATE OR REPLACE TRIGGER participant_lead AFTER INSERT OR UPDATE OF lead_id "
            f"ON {ACTION} FOR EACH ROW EXECUTE FUNCTION participant_from_lead()",
        ),
        (
            "participant_partner",
            PARTNERS,
            f"CREATE OR REPLACE TRIGGER participant_partner AFTER INSERT OR UPDATE OR DELETE "
            f"ON {PARTNERS} FOR EACH ROW EXECUTE FUNCTION participant_from_partner()",
        ),
    ),
    sqlite_triggers=(
        (
            "participant_lead_insert",
            ACTION,
            f"CREATE TRIGGER participant_lead_insert AFTER INSERT ON {ACTION} "
            f"BEGIN {ADD_LEAD}; END",
        ),
        (
            "participant_lead_update",
            ACTION,
            f"CREATE TRIGGER participant_lead_update AFTER UPDATE OF lead_id ON {ACTION} "
            f"WHEN OLD.lead_id IS NOT NEW.lead_id BEGIN {REMOVE_LEAD}; {ADD_LEAD}; END",
        ),
        (
            "participant_partner_insert",
            PARTNERS,
            f"CREATE TRIGGER participant_partner_insert AFTER INSERT ON {PARTNERS} "
            f"BEGIN {ADD_PARTNER}; END",
        ),
        (
            "participant_partner_delete",
            PARTNERS,
            f"CREATE TRIGGER participant_partner_delete AFTER DELETE ON {PARTNERS} "
            f"BEGIN {REMOVE_PARTNER}; END",
        ),
        (
            "participant_partner_update",
            PARTNERS,
            f"CREATE TRIGGER participant_partner_update AFTER UPDATE ON {PARTNERS} "
            f"BEGIN {REMOVE_PARTNER}; {ADD_PARTNER}; END",
        ),
    ),
    refill=f"""
        INSERT INTO {PARTICIPANT} (action_id, organisation_id, role)
        SELECT id, lead_id, 'lead' FROM {ACTION} WHERE lead_id IS NOT NULL
        UNION ALL
        SELECT followupaction_id, organisation_id, 'partner' FROM {PARTNERS}
    """,
    owned_rows="role IN ('lead', 'partner')",
)

# ActionParticipant's co-lead and developer rows (migration 0014), a set of their own so
# that a database migrated back before 0014 still gets the lead and partner triggers.
MEMBERS = TriggerSet(
    derived_table=PARTICIPANT,
    source_tables=(CO_LEADS, DEVELOPERS),
    postgresql_functions=tuple(
        _member_function(base, role) for _table, role, base in MEMBER_TABLES
    ),
    postgresql_triggers=tuple(
        _member_postgresql_trigger(table, base) for table, _role, base in MEMBER_TABLES
    ),
    sqlite_triggers=tuple(
        trigger
        for table, role, base in MEMBER_TABLES
        for trigger in _member_sqlite_triggers(table, role, base)
    ),
    refill=f"""
        INSERT INTO {PARTICIPANT} (action_id, organisation_id, role)
        SELECT followupaction_id, organisation_id, 'co_lead' FROM {CO_LEADS}
        UNION ALL
        SELECT followupaction_id, organisation_id, 'developer' FROM {DEVELOPERS}
    """,
    owned_rows="role IN ('co_lead', 'developer')",
)


# ActionTally (migration 0008): PostgreSQL statement triggers with transition tables, each
# statement's changes added in key order (no deadlock between opposite moves); SQLite row
# triggers, deleting only subtracts.
GROUP = "forum_id, round_table_id, status"
ADD_TO_GROUP = f"""
    ON CONFLICT ({GROUP}) DO UPDATE SET
        actions = {TALLY}.actions + excluded.actions,
        reported = {TALLY}.reported + excluded.reported,
        progress_sum = {TALLY}.progress_sum + excluded.progress_sum
"""
# An action with no progress reported (NULL) counts among the actions, not the reported.
_ADDED = (
    "SELECT forum_id, COALESCE(round_table_id, 0) AS round_table_id, status, 1 AS n, "
    "CASE WHEN progress IS NULL THEN 0 ELSE 1 END AS r, COALESCE(progress, 0) AS p "
    "FROM new_rows"
)
_REMOVED = (
    "SELECT forum_id, COALESCE(round_table_id, 0) AS round_table_id, status, -1 AS n, "
    "CASE WHEN progress IS NULL THEN 0 ELSE -1 END AS r, -COALESCE(progress, 0) AS p "
    "FROM old_rows"
)


def _apply(changes):
    return f"""
        INSERT INTO {TALLY} ({GROUP}, actions, reported, progress_sum)
        SELECT forum_id, round_table_id, status, SUM(n), SUM(r), SUM(p)
        FROM ({changes}) AS changes
        GROUP BY forum_id, round_table_id, status
        HAVING SUM(n) <> 0 OR SUM(r) <> 0 OR SUM(p) <> 0
        ORDER BY forum_id, round_table_id, status
        {ADD_TO_GROUP}
    """


SQLITE_ADD = f"""
    INSERT INTO {TALLY} ({GROUP}, actions, reported, progress_sum)
    VALUES (NEW.forum_id, COALESCE(NEW.round_table_id, 0), NEW.status, 1,
        NEW.progress IS NOT NULL, COALESCE(NEW.progress, 0))
    {ADD_TO_GROUP}
"""
SQLITE_SUBTRACT = f"""
    UPDATE {TALLY} SET actions = actions - 1, reported = reported - (OLD.progress IS NOT NULL),
        progress_sum = progress_sum - COALESCE(OLD.progress, 0)
    WHERE forum_id = OLD.forum_id AND round_table_id = COALESCE(OLD.round_table_id, 0)
    AND status = OLD.status
"""

TALLIES = TriggerSet(
    derived_table=TALLY,
    source_tables=(ACTION,),
    postgresql_functions=(
        f"""
        CREATE OR REPLACE FUNCTION action_tally_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                {_apply(_ADDED)};
            ELSIF TG_OP = 'DELETE' THEN
                {_apply(_REMOVED)};
            ELSE
                {_apply(_ADDED + " UNION ALL " + _REMOVED)};
            END IF;
            RETURN NULL;
        END $$
        """,
    ),
    # One trigger per event: PostgreSQL allows transition tables only on single-event triggers.
    postgresql_triggers=(
        (
            "action_tally_insert",
            ACTION,
            f"CREATE OR REPLACE TRIGGER action_tally_insert AFTER INSERT ON {ACTION} "
            f"REFERENCING NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION action_tally_change()",
        ),
        (
            "action_tally_update",
            ACTION,
            f"CREATE OR REPLACE TRIGGER action_tally_update AFTER UPDATE ON {ACTION} "
            f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION action_tally_change()",
        ),
        (
            "action_tally_delete",
            ACTION,
            f"CREATE OR REPLACE TRIGGER action_tally_delete AFTER DELETE ON {ACTION} "
            f"REFERENCING OLD TABLE AS old_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION action_tally_change()",
        ),
    ),
    sqlite_triggers=(
        (
            "action_tally_insert",
            ACTION,
            f"CREATE TRIGGER action_tally_insert AFTER INSERT ON {ACTION} BEGIN {SQLITE_ADD}; END",
        ),
        (
            "action_tally_delete",
            ACTION,
            f"CREATE TRIGGER action_tally_delete AFTER DELETE ON {ACTION} "
            f"BEGIN {SQLITE_SUBTRACT}; END",
        ),
        (
            "action_tally_update",
            ACTION,
            f"CREATE TRIGGER action_tally_update AFTER UPDATE OF forum_id, round_table_id, "
            f"status, progress ON {ACTION} BEGIN {SQLITE_SUBTRACT}; {SQLITE_ADD}; END",
        ),
    ),
    refill=f"""
        INSERT INTO {TALLY} ({GROUP}, actions, reported, progress_sum)
        SELECT forum_id, COALESCE(round_table_id, 0), status, COUNT(*), COUNT(progress),
            COALESCE(SUM(progress), 0)
        FROM {ACTION} GROUP BY forum_id, COALESCE(round_table_id, 0), status
    """,
    columns=((TALLY, "reported"),),  # migration 0013
)

TRIGGER_SETS = (PARTICIPANTS, MEMBERS, TALLIES)


def installable(connection):
    """The trigger sets whose tables (and columns) are all there: none before the actions app
    is migrated (or after it is migrated to zero); before 0014 not those of the co-lead and
    developer tables; before 0013 not ActionTally's (migration 0013 puts back those of
    then)."""
    existing = set(connection.introspection.table_names())
    return [
        trigger_set
        for trigger_set in TRIGGER_SETS
        if existing.issuperset(trigger_set.tables) and _has_columns(connection, trigger_set)
    ]


def _has_columns(connection, trigger_set):
    with connection.cursor() as cursor:
        for table, column in trigger_set.columns:
            described = connection.introspection.get_table_description(cursor, table)
            if column not in {field.name for field in described}:
                return False
    return True


def expected(connection):
    """(name, table, derived table) of every trigger that should be in this database now."""
    return [
        (name, table, trigger_set.derived_table)
        for trigger_set in installable(connection)
        for name, table, _ in trigger_set.triggers(connection.vendor)
    ]


def _existing(connection, tables):
    """{(name, table)} of the enabled triggers on these tables."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # to_regclass: the tables as the connection's search_path finds them, as Django
            # does. Internal triggers are those of foreign keys; a disabled trigger keeps
            # nothing in step, so it counts as missing (install enables it again).
            cursor.execute(
                "SELECT t.tgname, c.relname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' "
                "AND c.oid IN (SELECT to_regclass(name) FROM unnest(%s::text[]) AS name)",
                [list(tables)],
            )
        else:
            cursor.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
        return set(cursor.fetchall())


def missing(connection):
    """Names of the expected triggers that are not in the database, in definition order."""
    wanted = expected(connection)
    if not wanted:
        return []
    found = _existing(connection, {table for _, table, _ in wanted})
    return [name for name, table, _ in wanted if (name, table) not in found]


def install(connection):
    """(Re)install every trigger whose tables exist: idempotent, in one transaction.

    PostgreSQL replaces the functions and triggers in place (CREATE OR REPLACE; PostgreSQL
    14+, as Django 5.2 requires), which takes a SHARE ROW EXCLUSIVE lock on the action and
    partner tables until commit: writes wait that long, reads do not. SQLite drops and
    creates each trigger; in one transaction, no write ever sees the table without it.
    """
    vendor = connection.vendor
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for trigger_set in installable(connection):
            triggers = trigger_set.triggers(vendor)
            if vendor == "postgresql":
                for statement in trigger_set.postgresql_functions:
                    cursor.execute(statement)
            for name, _table, create in triggers:
                if vendor == "sqlite":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(create)


def rebuild(connection, trigger_sets=TRIGGER_SETS):
    """Fill the derived tables again from the actions and their partners.

    For a database whose triggers were missing while rows were written: installing them
    keeps the rows in step from then on, not for what happened meanwhile. Call it with the
    triggers installed and in the same transaction as installing them: on PostgreSQL that
    transaction then holds the lock CREATE TRIGGER took, so no write slips in between.
    """
    existing = set(installable(connection))
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for trigger_set in trigger_sets:
            if trigger_set in existing:
                where = f" WHERE {trigger_set.owned_rows}" if trigger_set.owned_rows else ""
                cursor.execute(f"DELETE FROM {trigger_set.derived_table}{where}")
                cursor.execute(trigger_set.refill)


def sets_of(trigger_names, connection):
    """The trigger sets some of whose triggers are named."""
    names = set(trigger_names)
    return [
        trigger_set
        for trigger_set in TRIGGER_SETS
        if names.intersection(name for name, _, _ in trigger_set.triggers(connection.vendor))
    ]
