"""ActionTally: actions counted per forum, round table and status, kept by triggers.

PostgreSQL: statement triggers with transition tables, so a bulk insert or update of
100,000 actions adds to each group once, not once per action. Each statement's changes
are added in key order, so two statements moving actions between the same groups in
opposite directions lock the rows in the same order and cannot deadlock.

SQLite has no statement triggers: a row trigger per action. Deleting only subtracts
(an UPDATE), so flushing the tables in any order leaves no negative rows behind.

On SQLite, a later migration that rebuilds actions_followupaction (SQLite's ALTER TABLE is
a copy) drops these triggers with the old table: create them again in that migration
(tests/test_action_tally.py fails until then).
"""

from django.db import migrations, models

TALLY = "actions_actiontally"
ACTION = "actions_followupaction"
GROUP = "forum_id, round_table_id, status"
ADD_TO_GROUP = f"""
    ON CONFLICT ({GROUP}) DO UPDATE SET
        actions = {TALLY}.actions + excluded.actions,
        progress_sum = {TALLY}.progress_sum + excluded.progress_sum
"""

# What is already there, for databases migrated with actions in them.
BACKFILL = f"""
INSERT INTO {TALLY} ({GROUP}, actions, progress_sum)
SELECT forum_id, COALESCE(round_table_id, 0), status, COUNT(*), SUM(progress)
FROM {ACTION} GROUP BY forum_id, COALESCE(round_table_id, 0), status
"""

# Each transition table's rows as +1 / -1 action of their group.
_ADDED = "SELECT forum_id, COALESCE(round_table_id, 0) AS round_table_id, status, 1 AS n, progress AS p FROM new_rows"
_REMOVED = "SELECT forum_id, COALESCE(round_table_id, 0) AS round_table_id, status, -1 AS n, -progress AS p FROM old_rows"


def _apply(changes):
    return f"""
        INSERT INTO {TALLY} ({GROUP}, actions, progress_sum)
        SELECT forum_id, round_table_id, status, SUM(n), SUM(p) FROM ({changes}) AS changes
        GROUP BY forum_id, round_table_id, status
        HAVING SUM(n) <> 0 OR SUM(p) <> 0
        ORDER BY forum_id, round_table_id, status
        {ADD_TO_GROUP}
    """


POSTGRESQL_TRIGGERS = [
    f"""
    CREATE FUNCTION action_tally_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
    # One trigger per event: PostgreSQL allows transition tables only on single-event triggers.
    f"""
    CREATE TRIGGER action_tally_insert AFTER INSERT ON {ACTION}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION action_tally_change()
    """,
    f"""
    CREATE TRIGGER action_tally_update AFTER UPDATE ON {ACTION}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION action_tally_change()
    """,
    f"""
    CREATE TRIGGER action_tally_delete AFTER DELETE ON {ACTION}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION action_tally_change()
    """,
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS action_tally_insert ON {ACTION}",
    f"DROP TRIGGER IF EXISTS action_tally_update ON {ACTION}",
    f"DROP TRIGGER IF EXISTS action_tally_delete ON {ACTION}",
    "DROP FUNCTION IF EXISTS action_tally_change()",
]

SQLITE_ADD = f"""
    INSERT INTO {TALLY} ({GROUP}, actions, progress_sum)
    VALUES (NEW.forum_id, COALESCE(NEW.round_table_id, 0), NEW.status, 1, NEW.progress)
    {ADD_TO_GROUP}
"""
SQLITE_SUBTRACT = f"""
    UPDATE {TALLY} SET actions = actions - 1, progress_sum = progress_sum - OLD.progress
    WHERE forum_id = OLD.forum_id AND round_table_id = COALESCE(OLD.round_table_id, 0)
    AND status = OLD.status
"""
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER action_tally_insert AFTER INSERT ON {ACTION} BEGIN {SQLITE_ADD}; END",
    f"CREATE TRIGGER action_tally_delete AFTER DELETE ON {ACTION} BEGIN {SQLITE_SUBTRACT}; END",
    f"CREATE TRIGGER action_tally_update AFTER UPDATE OF forum_id, round_table_id, status, "
    f"progress ON {ACTION} BEGIN {SQLITE_SUBTRACT}; {SQLITE_ADD}; END",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in ("action_tally_insert", "action_tally_delete", "action_tally_update")
]


def _statements(vendor, postgresql, sqlite):
    if vendor == "postgresql":
        return postgresql
    if vendor == "sqlite":
        return sqlite
    raise NotImplementedError(f"ActionTally triggers exist for PostgreSQL and SQLite, not {vendor}")


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in _statements(vendor, POSTGRESQL_TRIGGERS, SQLITE_TRIGGERS):
        schema_editor.execute(statement)
    schema_editor.execute(BACKFILL)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in _statements(vendor, POSTGRESQL_DROP, SQLITE_DROP):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('actions', '0007_action_participants'),
    ]

    operations = [
        migrations.CreateModel(
            name='ActionTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('forum_id', models.BigIntegerField()),
                ('round_table_id', models.BigIntegerField()),
                ('status', models.CharField(choices=[('proposed', 'Proposed'), ('planned', 'Planned'), ('in_progress', 'In progress'), ('completed', 'Completed'), ('on_hold', 'On hold'), ('cancelled', 'Cancelled')], max_length=20)),
                ('actions', models.IntegerField()),
                ('progress_sum', models.BigIntegerField()),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('forum_id', 'round_table_id', 'status'), name='tally_unique_group')],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
