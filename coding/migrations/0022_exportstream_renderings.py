"""Stored renderings for every export format (issue 19 item 2): the stored row of a gold event
gains its unguarded CSV line (where it differs), its JSONL line, GeoJSON feature and PLOVER
line, and the agreement run its JSONL line shows. Rows stored before hold only the CSV line
(``jsonl`` NULL) and count as missing for the other formats until
``manage.py refresh_export_rows`` stores them again.

What only the new formats show, edited outside the adjudication workflow, raises the export
epoch too: dictionary aliases (JSONL lists them) and a user's name (JSONL's ``decided_by``,
PLOVER's ``coder``). Aliases are watched for inserts as well: a new alias changes a line."""

from django.db import migrations, models

ALIAS_TABLES = ("coding_actoralias", "coding_locationalias")

FORWARD = [
    # Statement triggers fire even when no row changed (a cascade that deletes no alias):
    # inserts and deletes look at their transition table first.
    """CREATE OR REPLACE FUNCTION athar_raise_export_epoch_if_rows() RETURNS trigger AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed) THEN
    INSERT INTO coding_exportepoch AS e (id, value) VALUES (1, 1)
      ON CONFLICT (id) DO UPDATE SET value = e.value + 1;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
    *(
        statement
        for table in ALIAS_TABLES
        for statement in (
            f"""CREATE TRIGGER athar_export_epoch_alias_insert AFTER INSERT ON {table}
  REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION athar_raise_export_epoch_if_rows()""",
            f"""CREATE TRIGGER athar_export_epoch_alias_delete AFTER DELETE ON {table}
  REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION athar_raise_export_epoch_if_rows()""",
            f"""CREATE TRIGGER athar_export_epoch_alias_update AFTER UPDATE ON {table}
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
  EXECUTE FUNCTION athar_raise_export_epoch()""",
        )
    ),
    """CREATE TRIGGER athar_export_epoch_username AFTER UPDATE OF username ON coding_user
  FOR EACH ROW WHEN (OLD.username IS DISTINCT FROM NEW.username)
  EXECUTE FUNCTION athar_raise_export_epoch()""",
]
BACKWARD = [
    *(
        f"DROP TRIGGER IF EXISTS athar_export_epoch_alias_{op} ON {table}"
        for table in ALIAS_TABLES
        for op in ("insert", "delete", "update")
    ),
    "DROP TRIGGER IF EXISTS athar_export_epoch_username ON coding_user",
    "DROP FUNCTION IF EXISTS athar_raise_export_epoch_if_rows()",
]


# The texts are streamed far more often than written: LZ4 decompresses several times faster
# than PostgreSQL's default pglz (only where the server was built with it; new values only).
TEXTS = ("line", "csv_exact", "jsonl", "geojson", "plover")
LZ4 = "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"


def _compression(cursor, method: str) -> None:  # type: ignore[no-untyped-def]
    cursor.execute(LZ4)
    row = cursor.fetchone()
    if row and row[0]:
        for column in TEXTS:
            cursor.execute(
                f"ALTER TABLE coding_exportcsvrow ALTER COLUMN {column} SET COMPRESSION {method}"
            )


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            for statement in FORWARD:
                cursor.execute(statement)
            _compression(cursor, "lz4")


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            for statement in BACKWARD:
                cursor.execute(statement)
            _compression(cursor, "DEFAULT")


class Migration(migrations.Migration):
    dependencies = [
        ("coding", "0021_lead_proposal_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="exportcsvrow",
            name="csv_exact",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="exportcsvrow",
            name="jsonl",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="exportcsvrow",
            name="geojson",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="exportcsvrow",
            name="plover",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="exportcsvrow",
            name="revision",
            field=models.PositiveIntegerField(
                default=0,
                help_text="The article's adjudication revision (JSONL shows it) when rendered.",
            ),
        ),
        migrations.AddField(
            model_name="exportcsvrow",
            name="agreement_run",
            field=models.BigIntegerField(
                default=0,
                help_text="The article's latest done agreement run (0: none) when rendered.",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
