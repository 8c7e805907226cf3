"""Trigram indexes for the dashboard's job search (title, employer, location "contains").

Django's icontains is UPPER(col) LIKE UPPER('%q%') on PostgreSQL, so the indexes are on
UPPER(col) with gin_trgm_ops. PostgreSQL only: the embedded SQLite mode has no pg_trgm and
searches by scanning, which is fine at its size. Not in the models' Meta (the state would
differ between backends); created and dropped here.
"""

from django.db import migrations

TABLES = ("jobs", "jobs_side")
COLUMNS = ("title", "org_name", "location_raw")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table in TABLES:
        for column in COLUMNS:
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{table}_{column}_trgm" ON "{table}" '
                f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for column in COLUMNS:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{table}_{column}_trgm"')


class Migration(migrations.Migration):
    dependencies = [("extraction", "0002_jobs_status_updated_index")]
    operations = [migrations.RunPython(create, drop)]
