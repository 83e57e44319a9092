"""Trigram indexes for the list's text search on PostgreSQL.

The search is `title ILIKE '%word%' OR description ILIKE '%word%'` (Django's icontains,
which PostgreSQL runs as UPPER(col::text) LIKE UPPER(...)); a GIN index with
gin_trgm_ops on the same expression serves it. SQLite has no such index: there the
search scans, which is fine at its size.
"""

from django.db import migrations

INDEXES = {
    "action_title_trgm_idx": "title",
    "action_description_trgm_idx": "description",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON actions_followupaction "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("actions", "0004_list_indexes")]

    operations = [migrations.RunPython(create, drop)]
