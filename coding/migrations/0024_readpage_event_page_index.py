"""The coding screen reads an assignment's events a page at a time in id order (issue #19,
item 3): an index on (assignment_id, id) serves those keyset pages, and it replaces the
foreign key's index on assignment_id alone (its leading column serves every lookup that one
did), so an event write still maintains the same number of indexes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coding", "0023_queue2_keyset_keys_counts"),
    ]

    operations = [
        # The new index first, so lookups by assignment always have one.
        migrations.AddIndex(
            model_name="codedevent",
            index=models.Index(fields=["assignment", "id"], name="codedevent_assignment_page"),
        ),
        migrations.AlterField(
            model_name="codedevent",
            name="assignment",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="coding.assignment",
            ),
        ),
    ]
