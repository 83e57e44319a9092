"""ActionParticipant: "lead or partner" in one indexed table, kept in step by triggers.

Triggers rather than Python: an action's lead and partners are written by the services,
the admin, load_gfmd, bulk inserts (generate_load_data) and queryset updates, and signals
see only some of those. One row per (organisation, action, role): each trigger keeps the
rows of its own role, so no trigger reads the other table and concurrent edits of a lead
and a partner cannot leave a row behind.

On SQLite, a later migration that rebuilds actions_followupaction or its partners table
(SQLite's ALTER TABLE is a copy) drops these triggers with the old table: create them again
in that migration (tests/test_action_participants.py fails until then).
"""

import django.db.models.deletion
from django.db import migrations, models

PARTICIPANT = "actions_actionparticipant"
ACTION = "actions_followupaction"
PARTNERS = "actions_followupaction_partners"

# The same statements in both dialects; NEW and OLD are the changed row.
ADD_LEAD = f"INSERT INTO {PARTICIPANT} (action_id, organisation_id, role) SELECT NEW.id, NEW.lead_id, 'lead' WHERE NEW.lead_id IS NOT NULL"
REMOVE_LEAD = f"DELETE FROM {PARTICIPANT} WHERE action_id = OLD.id AND role = 'lead'"
ADD_PARTNER = f"INSERT INTO {PARTICIPANT} (action_id, organisation_id, role) VALUES (NEW.followupaction_id, NEW.organisation_id, 'partner')"
REMOVE_PARTNER = f"DELETE FROM {PARTICIPANT} WHERE action_id = OLD.followupaction_id AND organisation_id = OLD.organisation_id AND role = 'partner'"

# What is already there, for databases migrated with actions in them.
BACKFILL = f"""
INSERT INTO {PARTICIPANT} (action_id, organisation_id, role)
SELECT id, lead_id, 'lead' FROM {ACTION} WHERE lead_id IS NOT NULL
UNION ALL
SELECT followupaction_id, organisation_id, 'partner' FROM {PARTNERS}
"""

SQLITE_TRIGGERS = [
    f"CREATE TRIGGER participant_lead_insert AFTER INSERT ON {ACTION} BEGIN {ADD_LEAD}; END",
    f"CREATE TRIGGER participant_lead_update AFTER UPDATE OF lead_id ON {ACTION} "
    f"WHEN OLD.lead_id IS NOT NEW.lead_id BEGIN {REMOVE_LEAD}; {ADD_LEAD}; END",
    f"CREATE TRIGGER participant_partner_insert AFTER INSERT ON {PARTNERS} BEGIN {ADD_PARTNER}; END",
    f"CREATE TRIGGER participant_partner_delete AFTER DELETE ON {PARTNERS} BEGIN {REMOVE_PARTNER}; END",
    f"CREATE TRIGGER participant_partner_update AFTER UPDATE ON {PARTNERS} "
    f"BEGIN {REMOVE_PARTNER}; {ADD_PARTNER}; END",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "participant_lead_insert",
        "participant_lead_update",
        "participant_partner_insert",
        "participant_partner_delete",
        "participant_partner_update",
    )
]

POSTGRESQL_TRIGGERS = [
    f"""
    CREATE FUNCTION participant_from_lead() RETURNS trigger LANGUAGE plpgsql AS $$
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
    CREATE TRIGGER participant_lead AFTER INSERT OR UPDATE OF lead_id ON {ACTION}
    FOR EACH ROW EXECUTE FUNCTION participant_from_lead()
    """,
    f"""
    CREATE FUNCTION participant_from_partner() RETURNS trigger LANGUAGE plpgsql AS $$
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
    f"""
    CREATE TRIGGER participant_partner AFTER INSERT OR UPDATE OR DELETE ON {PARTNERS}
    FOR EACH ROW EXECUTE FUNCTION participant_from_partner()
    """,
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS participant_lead ON {ACTION}",
    "DROP FUNCTION IF EXISTS participant_from_lead()",
    f"DROP TRIGGER IF EXISTS participant_partner ON {PARTNERS}",
    "DROP FUNCTION IF EXISTS participant_from_partner()",
]


def _statements(vendor, postgresql, sqlite):
    if vendor == "postgresql":
        return postgresql
    if vendor == "sqlite":
        return sqlite
    raise NotImplementedError(f"ActionParticipant triggers exist for PostgreSQL and SQLite, not {vendor}")


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
        ('actions', '0006_lead_and_partner_indexes'),
        ('agencies', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='ActionParticipant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('lead', 'Lead'), ('partner', 'Partner')], max_length=10)),
                ('action', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='participants', to='actions.followupaction')),
                ('organisation', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='participations', to='agencies.organisation')),
            ],
            options={
                'indexes': [models.Index(fields=['action', 'organisation'], name='participant_action_org_idx')],
                'constraints': [models.UniqueConstraint(fields=('organisation', 'action', 'role'), name='participant_unique_org_action')],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
