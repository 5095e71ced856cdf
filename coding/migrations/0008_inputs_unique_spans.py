"""One evidence span per (event, role, start, end).

Before the constraint, copies of a span already stored are deleted, keeping the first (lowest
id). A copy carries nothing of its own: the quote is the article's text at the same offsets.
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


class Migration(migrations.Migration):
    dependencies = [
        ("coding", "0007_export_csv_rows"),
    ]

    operations = [
        migrations.RunSQL(DELETE_COPIES, reverse_sql=migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="evidencespan",
            constraint=models.UniqueConstraint(
                fields=("event", "role", "start", "end"), name="evidencespan_unique_per_event"
            ),
        ),
    ]
