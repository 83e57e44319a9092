"""Progress may be "not reported" (NULL) instead of a made-up 0 %; ActionTally counts the
actions whose progress is reported, so averages leave the others out.

Before this migration every action has a progress, so each group's reported count is its
action count. Nothing writes actions between dropping the old triggers and installing the
new ones (below), so the counts stay right; `migrate` installs actions/triggers.py's again
after it, as always.
"""

import importlib

from django.db import migrations, models

# The ActionTally triggers as this migration leaves them (keeping `reported`), frozen here as
# actions/triggers.py writes them today. They are dropped first: on SQLite, adding the column
# rebuilds actions_actiontally, and a rename under the triggers that name it fails. Going
# back, the same in reverse, and migration 0008's own are put back once the column is gone.
NEW_POSTGRESQL = [
    """
        CREATE OR REPLACE FUNCTION action_tally_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                
        INSERT INTO actions_actiontally (forum_id, round_table_id, status, actions, reported, progress_sum)
        SELECT forum_id, round_table_id, status, SUM(n), SUM(r), SUM(p)
        FROM (SELECT forum_id, COALESCE(round_table_id, 0) AS round_table_id, status, 1 AS n, CASE WHEN progress IS NULL THEN 0 ELSE 1 END AS r, COALESCE(progress, 0) AS p FROM new_rows) AS changes
        GROUP BY forum_id, round_table_id, status
        HAVING SUM(n) <> 0 OR SUM(r) <> 0 OR SUM(p) <> 0
        ORDER BY forum_id, round_table_id, status
        
    ON CONFLICT (forum_id, round_table_id, status) DO UPDATE SET
        actions = actions_actiontally.actions + excluded.actions,
        reported = actions_actiontally.reported + excluded.reported,
        progress_sum = actions_actiontally.progress_sum + excluded.progress_sum

    ;
            ELSIF TG_OP = 'DELETE' THEN
                
        INSERT INTO actions_actiontally (forum_id, round_table_id, status, actions, reported, progress_sum)
        SELECT forum_id, round_table_id, status, SUM(n), SUM(r), SUM(p)
        FROM (SELECT forum_id, COALESCE(round_table_id, 0) AS round_table_id, status, -1 AS n, CASE WHEN progress IS NULL THEN 0 ELSE -1 END AS r, -COALESCE(progress, 0) AS p FROM old_rows) AS changes
        GROUP BY forum_id, round_table_id, status
        HAVING SUM(n) <> 0 OR SUM(r) <> 0 OR SUM(p) <> 0
        ORDER BY forum_id, round_table_id, status
        
    ON CONFLICT (forum_id, round_table_id, status) DO UPDATE SET
        actions = actions_actiontally.actions + excluded.actions,
        reported = actions_actiontally.reported + excluded.reported,
        progress_sum = actions_actiontally.progress_sum + excluded.progress_sum

    ;
            ELSE
                
        INSERT INTO actions_actiontally (forum_id, round_table_id, status, actions, reported, progress_sum)
        SELECT forum_id, round_table_id, status, SUM(n), SUM(r), SUM(p)
        FROM (SELECT forum_id, COALESCE(round_table_id, 0) AS round_table_id, status, 1 AS n, CASE WHEN progress IS NULL THEN 0 ELSE 1 END AS r, COALESCE(progress, 0) AS p FROM new_rows UNION ALL SELECT forum_id, COALESCE(round_table_id, 0) AS round_table_id, status, -1 AS n, CASE WHEN progress IS NULL THEN 0 ELSE -1 END AS r, -COALESCE(progress, 0) AS p FROM old_rows) AS changes
        GROUP BY forum_id, round_table_id, status
        HAVING SUM(n) <> 0 OR SUM(r) <> 0 OR SUM(p) <> 0
        ORDER BY forum_id, round_table_id, status
        
    ON CONFLICT (forum_id, round_table_id, status) DO UPDATE SET
        actions = actions_actiontally.actions + excluded.actions,
        reported = actions_actiontally.reported + excluded.reported,
        progress_sum = actions_actiontally.progress_sum + excluded.progress_sum

    ;
            END IF;
            RETURN NULL;
        END $$
        """,
    """CREATE OR REPLACE TRIGGER action_tally_insert AFTER INSERT ON actions_followupaction REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION action_tally_change()""",
    """CREATE OR REPLACE TRIGGER action_tally_update AFTER UPDATE ON actions_followupaction REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION action_tally_change()""",
    """CREATE OR REPLACE TRIGGER action_tally_delete AFTER DELETE ON actions_followupaction REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION action_tally_change()""",
]
NEW_SQLITE = [
    """CREATE TRIGGER action_tally_insert AFTER INSERT ON actions_followupaction BEGIN 
    INSERT INTO actions_actiontally (forum_id, round_table_id, status, actions, reported, progress_sum)
    VALUES (NEW.forum_id, COALESCE(NEW.round_table_id, 0), NEW.status, 1,
        NEW.progress IS NOT NULL, COALESCE(NEW.progress, 0))
    
    ON CONFLICT (forum_id, round_table_id, status) DO UPDATE SET
        actions = actions_actiontally.actions + excluded.actions,
        reported = actions_actiontally.reported + excluded.reported,
        progress_sum = actions_actiontally.progress_sum + excluded.progress_sum

; END""",
    """CREATE TRIGGER action_tally_delete AFTER DELETE ON actions_followupaction BEGIN 
    UPDATE actions_actiontally SET actions = actions - 1, reported = reported - (OLD.progress IS NOT NULL),
        progress_sum = progress_sum - COALESCE(OLD.progress, 0)
    WHERE forum_id = OLD.forum_id AND round_table_id = COALESCE(OLD.round_table_id, 0)
    AND status = OLD.status
; END""",
    """CREATE TRIGGER action_tally_update AFTER UPDATE OF forum_id, round_table_id, status, progress ON actions_followupaction BEGIN 
    UPDATE actions_actiontally SET actions = actions - 1, reported = reported - (OLD.progress IS NOT NULL),
        progress_sum = progress_sum - COALESCE(OLD.progress, 0)
    WHERE forum_id = OLD.forum_id AND round_table_id = COALESCE(OLD.round_table_id, 0)
    AND status = OLD.status
; 
    INSERT INTO actions_actiontally (forum_id, round_table_id, status, actions, reported, progress_sum)
    VALUES (NEW.forum_id, COALESCE(NEW.round_table_id, 0), NEW.status, 1,
        NEW.progress IS NOT NULL, COALESCE(NEW.progress, 0))
    
    ON CONFLICT (forum_id, round_table_id, status) DO UPDATE SET
        actions = actions_actiontally.actions + excluded.actions,
        reported = actions_actiontally.reported + excluded.reported,
        progress_sum = actions_actiontally.progress_sum + excluded.progress_sum

; END""",
]


def _0008():
    return importlib.import_module("actions.migrations.0008_action_tally")


def _run(schema_editor, postgresql, sqlite):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": postgresql, "sqlite": sqlite}.get(vendor, []):
        schema_editor.execute(statement)


def drop_tally_triggers(apps, schema_editor):
    _run(schema_editor, _0008().POSTGRESQL_DROP, _0008().SQLITE_DROP)


def install_new_triggers(apps, schema_editor):
    _run(schema_editor, NEW_POSTGRESQL, NEW_SQLITE)


def install_0008_triggers(apps, schema_editor):
    _run(schema_editor, _0008().POSTGRESQL_TRIGGERS, _0008().SQLITE_TRIGGERS)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0012_status_assumed"),
    ]

    operations = [
        migrations.RunPython(drop_tally_triggers, install_0008_triggers),
        migrations.AddField(
            model_name="actiontally",
            name="reported",
            field=models.IntegerField(default=0),
        ),
        migrations.RunSQL(
            "UPDATE actions_actiontally SET reported = actions",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="followupaction",
            name="progress",
            field=models.PositiveSmallIntegerField(
                blank=True,
                default=None,
                help_text="Per cent, 0 to 100; empty when not reported.",
                null=True,
                verbose_name="progress",
            ),
        ),
        migrations.AlterField(
            model_name="historicalfollowupaction",
            name="progress",
            field=models.PositiveSmallIntegerField(
                blank=True,
                default=None,
                help_text="Per cent, 0 to 100; empty when not reported.",
                null=True,
                verbose_name="progress",
            ),
        ),
        migrations.AlterField(
            model_name="statuschange",
            name="progress",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        # Going back: the columns take NULL no more, so "not reported" is 0 again, as before.
        migrations.RunSQL(
            migrations.RunSQL.noop,
            reverse_sql=[
                f"UPDATE {table} SET progress = 0 WHERE progress IS NULL"
                for table in (
                    "actions_followupaction",
                    "actions_historicalfollowupaction",
                    "actions_statuschange",
                )
            ],
        ),
        migrations.RunPython(install_new_triggers, drop_tally_triggers),
    ]
