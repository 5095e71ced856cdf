"""The adjudication queue as one row per article (ReviewQueueEntry), filled from the latest
finished article runs and adjudications that exist (issue #19, item 1)."""

import django.db.models.deletion
from django.db import migrations, models

BACKFILL_CHUNK = 2000


def backfill(apps, schema_editor):
    # The rule that computes a row is shared with the service (it takes the model classes), so
    # the backfill and the live upkeep cannot drift apart.
    from coding.services.review_queue import queue_rows, store_rows

    article_model = apps.get_model("coding", "Article")
    models_ = {
        "run_model": apps.get_model("coding", "AgreementRun"),
        "disagreement_model": apps.get_model("coding", "Disagreement"),
        "adjudication_model": apps.get_model("coding", "Adjudication"),
    }
    entry_model = apps.get_model("coding", "ReviewQueueEntry")
    ids = list(article_model.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BACKFILL_CHUNK):
        chunk = ids[start : start + BACKFILL_CHUNK]
        rows = queue_rows(article_ids=chunk, **models_)
        store_rows(entry_model=entry_model, article_ids=chunk, rows=rows)


class Migration(migrations.Migration):
    dependencies = [
        ("coding", "0019_dataset_events_grouping_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReviewQueueEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "unanimous",
                    models.BooleanField(
                        help_text="Two or more coders and no disagreement: listed under the unanimous tab."
                    ),
                ),
                ("top_severity", models.PositiveSmallIntegerField(help_text="0: no disagreement.")),
                ("n_disagreements", models.PositiveIntegerField()),
                ("n_coders", models.PositiveIntegerField(null=True)),
                (
                    "adjudication_state",
                    models.CharField(
                        blank=True,
                        help_text="The adjudication's status; empty before it is opened.",
                        max_length=16,
                    ),
                ),
                ("finished_at", models.DateTimeField()),
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="review_queue_entry",
                        to="coding.article",
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="coding.project",
                    ),
                ),
                (
                    "run",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="coding.agreementrun",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        models.F("project"),
                        models.F("unanimous"),
                        models.OrderBy(models.F("top_severity"), descending=True),
                        models.OrderBy(models.F("n_disagreements"), descending=True),
                        models.F("article"),
                        name="reviewqueue_order",
                    ),
                    models.Index(
                        models.F("project"),
                        models.F("unanimous"),
                        models.F("adjudication_state"),
                        models.OrderBy(models.F("top_severity"), descending=True),
                        models.OrderBy(models.F("n_disagreements"), descending=True),
                        models.F("article"),
                        name="reviewqueue_status_order",
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("unanimous", False),
                            models.Q(("n_coders__gte", 2), ("n_disagreements", 0)),
                            _connector="OR",
                        ),
                        name="reviewqueue_unanimous_consistent",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("n_disagreements", 0), ("top_severity", 0)),
                            models.Q(("n_disagreements__gt", 0), ("top_severity__gt", 0)),
                            _connector="OR",
                        ),
                        name="reviewqueue_severity_iff_disagreements",
                    ),
                ],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
