"""The "same event?" candidate search: two outbox kinds, and on PostgreSQL two partial
indexes over the gold layer for coding.dedup_selectors.

- (event_type_id, date_precision, date_start) INCLUDE (date_end) WHERE layer = 'gold': the
  blocking-compatible reports of a new report are one index range per event type and
  precision (each precision widens by its own number of days), so a report dated to the day
  does not read a month of reports dated to the day.
- (date_precision, (date_end - date_start)) WHERE layer = 'gold': the longest date range of
  each precision is one index entry; it bounds how far before the window a start may lie.

The models do not declare these indexes (expression and INCLUDE indexes; as 0006 does), so
the model state is unchanged. SQLite (the demo) gets neither: its searches scan.
"""

from django.db import migrations, models

INDEXES = {
    "coding_codedevent_gold_type_start": (
        "coding_codedevent (event_type_id, date_precision, date_start) INCLUDE (date_end) "
        "WHERE layer = 'gold'"
    ),
    "coding_codedevent_gold_span": (
        "coding_codedevent (date_precision, (date_end - date_start)) WHERE layer = 'gold'"
    ),
}

KINDS = [
    "article_agreement",
    "project_agreement",
    "project_run",
    "csv_rows",
    "release_build",
]


def create_indexes(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, target in INDEXES.items():
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop_indexes(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("coding", "0017_dataset_events_fatalities_policy")]
    operations = [
        migrations.RemoveConstraint(model_name="outboxitem", name="outboxitem_kind_valid"),
        migrations.AlterField(
            model_name="outboxitem",
            name="kind",
            field=models.CharField(
                choices=[
                    ("article_agreement", "Article Agreement"),
                    ("project_agreement", "Project Agreement"),
                    ("project_run", "Project Run"),
                    ("csv_rows", "Csv Rows"),
                    ("release_build", "Release Build"),
                    ("dedup_article", "Dedup Article"),
                    ("dedup_project", "Dedup Project"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="outboxitem",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", [*KINDS, "dedup_article", "dedup_project"])),
                name="outboxitem_kind_valid",
            ),
        ),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
