"""Keep every stored export text inline in its row (``SET STORAGE MAIN``): compressed (LZ4,
0022), but not moved out to the TOAST table.

A row holds the CSV lines, the JSONL line, the GeoJSON feature (and the PLOVER line): ~3.4 KB
compressed, over PostgreSQL's 2 KB threshold, so with the default storage (EXTENDED) the
largest compressed value — the JSONL line — went out of line, and streaming it cost a TOAST
index lookup and a second heap fetch per row: COPY of the JSONL texts of 100,000 events took
10.7 µs of backend CPU a row out of line and 7.4 µs inline (bench/bench_export.py, docs/
PERFORMANCE.md, "Exports: JSONL at 1M"). MAIN compresses first and moves a value out of line
only when the row would not fit a page at all.

Affects values written from now on (a refresh rewrites stale rows; ``TRUNCATE
coding_exportcsvrow`` and a refresh rewrites all). Reversible: back to EXTENDED. A no-op
except on PostgreSQL.
"""

from django.db import migrations

TEXTS = ("line", "csv_exact", "jsonl", "geojson", "plover")


def _storage(schema_editor, storage: str) -> None:  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    columns = ", ".join(f"ALTER COLUMN {column} SET STORAGE {storage}" for column in TEXTS)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE coding_exportcsvrow {columns}")


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    _storage(schema_editor, "MAIN")


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    _storage(schema_editor, "EXTENDED")


class Migration(migrations.Migration):
    dependencies = [
        ("coding", "0036_writes_event_triggers"),
    ]

    operations = [migrations.RunPython(forward, backward)]
