"""Indexes for dictionary search on the normalized (folded) alias column.

PostgreSQL: a btree with text_pattern_ops serves prefix search (`LIKE 'x%'`), and a trigram
GIN index (pg_trgm) serves substring search (`LIKE '%x%'`). SQLite (the demo) scans, which is
fine at demo sizes.
"""

from django.db import migrations

TABLES = ["coding_actoralias", "coding_locationalias"]


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table in TABLES:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_norm_prefix "
                f"ON {table} (normalized text_pattern_ops)"
            )
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_norm_trgm "
                f"ON {table} USING gin (normalized gin_trgm_ops)"
            )


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DROP INDEX IF EXISTS {table}_norm_prefix")
            cursor.execute(f"DROP INDEX IF EXISTS {table}_norm_trgm")


class Migration(migrations.Migration):
    dependencies = [("coding", "0002_postgres_invariants")]
    operations = [migrations.RunPython(forward, backward)]
