"""One evidence span per (event, role, start, end).

Before the constraint, copies of a span already stored are deleted, keeping the first (lowest
id). A copy carries nothing of its own: the quote is the article's text at the same offsets.
Copies in a validated gold layer go too: the trigger that freezes validated gold (0010) is
switched off for this one statement, in the migration's transaction.
"""

from django.db import migrations, models

DELETE_COPIES = """
DELETE FROM coding_evidencespan
WHERE id IN (
    SELECT id FROM (
        SELECT id, ROW_NUMBER() OVER (
            PARTITION BY event_id, role, start, "end" ORDER BY id
        ) AS n
        FROM coding_evidencespan
    ) AS numbered
    WHERE n > 1
)
"""


FROZEN_GOLD_TRIGGER = "athar_evidencespan_matches_text"


def delete_copies(cursor, vendor: str) -> int:  # type: ignore[no-untyped-def]
    """Delete the copies; returns how many went."""
    if vendor != "postgresql":
        cursor.execute(DELETE_COPIES)
        return cursor.rowcount
    cursor.execute(f"ALTER TABLE coding_evidencespan DISABLE TRIGGER {FROZEN_GOLD_TRIGGER}")
    cursor.execute(DELETE_COPIES)
    deleted = cursor.rowcount
    cursor.execute(f"ALTER TABLE coding_evidencespan ENABLE TRIGGER {FROZEN_GOLD_TRIGGER}")
    return deleted


def _delete_copies(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    with schema_editor.connection.cursor() as cursor:
        delete_copies(cursor, schema_editor.connection.vendor)


class Migration(migrations.Migration):
    dependencies = [
        ("coding", "0012_leaks_csv_formula_guard"),
    ]

    operations = [
        migrations.RunPython(_delete_copies, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="evidencespan",
            constraint=models.UniqueConstraint(
                fields=("event", "role", "start", "end"), name="evidencespan_unique_per_event"
            ),
        ),
    ]
