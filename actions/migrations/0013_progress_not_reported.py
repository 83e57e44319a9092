"""Progress may be "not reported" (NULL) instead of a made-up 0 %; ActionTally counts the
actions whose progress is reported, so averages leave the others out.

Before this migration every action has a progress, so each group's reported count is its
action count. The triggers that keep `reported` are installed after `migrate`
(actions/triggers.py, through actions/apps.py), as every change of the triggers is.
"""

import importlib

from django.db import migrations, models


# The ActionTally triggers as this migration leaves them (keeping `reported`), frozen here as
# actions/triggers.py writes them today; going back, migration 0008's own are put back
# before the column goes, so no write in between meets a function that names it.
NEW_POSTGRESQL_FUNCTION = "\n        CREATE OR REPLACE FUNCTION action_tally_change() RETURNS trigger LANGUAGE plpgsql AS $$\n        BEGIN\n            IF TG_OP = 'INSERT' THEN\n                \n        INSERT INTO actions_actiontally (forum_id, round_table_id, status, actions, reported, progress_sum)\n        SELECT forum_id, round_table_id, status, SUM(n), SUM(r), SUM(p)\n        FROM (SELECT forum_id, COALESCE(round_table_id, 0) AS round_table_id, status, 1 AS n, CASE WHEN progress IS NULL THEN 0 ELSE 1 END AS r, COALESCE(progress, 0) AS p FROM new_rows) AS changes\n        GROUP BY forum_id, round_table_id, status\n        HAVING SUM(n) <> 0 OR SUM(r) <> 0 OR SUM(p) <> 0\n        ORDER BY forum_id, round_table_id, status\n        \n    ON CONFLICT (forum_id, round_table_id, status) DO UPDATE SET\n        actions = actions_actiontally.actions + excluded.actions,\n        reported = actions_actiontally.reported + excluded.reported,\n        progress_sum = actions_actiontally.progress_sum + excluded.progress_sum\n\n    ;\n            ELSIF TG_OP = 'DELETE' THEN\n                \n        INSERT INTO actions_actiontally (forum_id, round_table_id, status, actions, reported, progress_sum)\n        SELECT forum_id, round_table_id, status, SUM(n), SUM(r), SUM(p)\n        FROM (SELECT forum_id, COALESCE(round_table_id, 0) AS round_table_id, status, -1 AS n, CASE WHEN progress IS NULL THEN 0 ELSE -1 END AS r, -COALESCE(progress, 0) AS p FROM old_rows) AS changes\n        GROUP BY forum_id, round_table_id, status\n        HAVING SUM(n) <> 0 OR SUM(r) <> 0 OR SUM(p) <> 0\n        ORDER BY forum_id, round_table_id, status\n        \n    ON CONFLICT (forum_id, round_table_id, status) DO UPDATE SET\n        actions = actions_actiontally.actions + excluded.actions,\n        reported = actions_actiontally.reported + excluded.reported,\n        progress_sum = actions_actiontally.progress_sum + excluded.progress_sum\n\n    ;\n            ELSE\n                \n        INSERT INTO actions_actiontally (forum_id, round_table_id, status, actions, reported, progress_sum)\n        SELECT forum_id, round_table_id, status, SUM(n), SUM(r), SUM(p)\n        FROM (SELECT forum_id, COALESCE(round_table_id, 0) AS round_table_id, status, 1 AS n, CASE WHEN progress IS NULL THEN 0 ELSE 1 END AS r, COALESCE(progress, 0) AS p FROM new_rows UNION ALL SELECT forum_id, COALESCE(round_table_id, 0) AS round_table_id, status, -1 AS n, CASE WHEN progress IS NULL THEN 0 ELSE -1 END AS r, -COALESCE(progress, 0) AS p FROM old_rows) AS changes\n        GROUP BY forum_id, round_table_id, status\n        HAVING SUM(n) <> 0 OR SUM(r) <> 0 OR SUM(p) <> 0\n        ORDER BY forum_id, round_table_id, status\n        \n    ON CONFLICT (forum_id, round_table_id, status) DO UPDATE SET\n        actions = actions_actiontally.actions + excluded.actions,\n        reported = actions_actiontally.reported + excluded.reported,\n        progress_sum = actions_actiontally.progress_sum + excluded.progress_sum\n\n    ;\n            END IF;\n            RETURN NULL;\n        END $$\n        "
NEW_SQLITE_TRIGGERS = [
    ('action_tally_insert', 'CREATE TRIGGER action_tally_insert AFTER INSERT ON actions_followupaction BEGIN \n    INSERT INTO actions_actiontally (forum_id, round_table_id, status, actions, reported, progress_sum)\n    VALUES (NEW.forum_id, COALESCE(NEW.round_table_id, 0), NEW.status, 1,\n        NEW.progress IS NOT NULL, COALESCE(NEW.progress, 0))\n    \n    ON CONFLICT (forum_id, round_table_id, status) DO UPDATE SET\n        actions = actions_actiontally.actions + excluded.actions,\n        reported = actions_actiontally.reported + excluded.reported,\n        progress_sum = actions_actiontally.progress_sum + excluded.progress_sum\n\n; END'),
    ('action_tally_delete', 'CREATE TRIGGER action_tally_delete AFTER DELETE ON actions_followupaction BEGIN \n    UPDATE actions_actiontally SET actions = actions - 1, reported = reported - (OLD.progress IS NOT NULL),\n        progress_sum = progress_sum - COALESCE(OLD.progress, 0)\n    WHERE forum_id = OLD.forum_id AND round_table_id = COALESCE(OLD.round_table_id, 0)\n    AND status = OLD.status\n; END'),
    ('action_tally_update', 'CREATE TRIGGER action_tally_update AFTER UPDATE OF forum_id, round_table_id, status, progress ON actions_followupaction BEGIN \n    UPDATE actions_actiontally SET actions = actions - 1, reported = reported - (OLD.progress IS NOT NULL),\n        progress_sum = progress_sum - COALESCE(OLD.progress, 0)\n    WHERE forum_id = OLD.forum_id AND round_table_id = COALESCE(OLD.round_table_id, 0)\n    AND status = OLD.status\n; \n    INSERT INTO actions_actiontally (forum_id, round_table_id, status, actions, reported, progress_sum)\n    VALUES (NEW.forum_id, COALESCE(NEW.round_table_id, 0), NEW.status, 1,\n        NEW.progress IS NOT NULL, COALESCE(NEW.progress, 0))\n    \n    ON CONFLICT (forum_id, round_table_id, status) DO UPDATE SET\n        actions = actions_actiontally.actions + excluded.actions,\n        reported = actions_actiontally.reported + excluded.reported,\n        progress_sum = actions_actiontally.progress_sum + excluded.progress_sum\n\n; END'),
]


def _0008():
    return importlib.import_module("actions.migrations.0008_action_tally")


def _install(schema_editor, postgresql_function, sqlite_triggers):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgresql_function)
    elif vendor == "sqlite":
        for name, create in sqlite_triggers:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
            schema_editor.execute(create)


def install_new_triggers(apps, schema_editor):
    _install(schema_editor, NEW_POSTGRESQL_FUNCTION, NEW_SQLITE_TRIGGERS)


def install_0008_triggers(apps, schema_editor):
    old = _0008()
    function = old.POSTGRESQL_TRIGGERS[0].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
    names = [statement.split()[2] for statement in old.SQLITE_TRIGGERS]
    _install(schema_editor, function, list(zip(names, old.SQLITE_TRIGGERS, strict=True)))


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0012_status_assumed"),
    ]

    operations = [
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
        # Last: on SQLite the AlterField above rebuilt the table, without its triggers.
        migrations.RunPython(install_new_triggers, install_0008_triggers),
    ]
