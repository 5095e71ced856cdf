"""The CSV formula guard (issue 13 item 17): a release records whether its CSV files guard
formula-like cells; a project's `csv_formula_guard` setting, when present, is a boolean; and
every stored CSV line, rendered before the guard existed, becomes stale (the export epoch is
raised), so exports render lines until `manage.py refresh_export_rows` stores guarded ones."""

from django.db import migrations, models


def raise_export_epoch(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO coding_exportepoch AS e (id, value) VALUES (1, 1) "
                "ON CONFLICT (id) DO UPDATE SET value = e.value + 1"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("coding", "0011_outbox_work"),
    ]

    operations = [
        migrations.AddField(
            model_name="datasetrelease",
            name="formula_guard",
            field=models.BooleanField(
                default=True,
                help_text="Whether the CSV files guard text cells a spreadsheet would take for formulas (off: the values exactly, for round trips).",
            ),
        ),
        migrations.AlterField(
            model_name="project",
            name="settings",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='Project options, e.g. {"auto_accept_unanimous": true, "csv_formula_guard": false}.',
            ),
        ),
        migrations.AddConstraint(
            model_name="project",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("settings__has_key", "csv_formula_guard"), _negated=True),
                    ("settings__csv_formula_guard", True),
                    ("settings__csv_formula_guard", False),
                    _connector="OR",
                ),
                name="project_csv_formula_guard_boolean",
            ),
        ),
        migrations.RunPython(raise_export_epoch, migrations.RunPython.noop),
    ]
