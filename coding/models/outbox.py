"""Work that must follow a commit, recorded in that commit (a transactional outbox)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutboxItem(models.Model):
    """One piece of after-commit work. Written in the transaction whose commit makes the work
    due, so it exists if and only if that commit happened; deleted in the transaction that
    does the work (or hands it to a leased run/release). Rows with the same (kind, key) are
    one piece of work: a drain does it once for all of them.

    Nothing here depends on the broker: if the broker is down when the row commits, the
    periodic drain (Celery beat) finds it once the broker is back.
    """

    class Kind(models.TextChoices):
        ARTICLE_AGREEMENT = "article_agreement"  # payload {"article_id"}
        PROJECT_AGREEMENT = "project_agreement"  # payload {"project_id"} (debounced figures)
        PROJECT_RUN = "project_run"  # payload {"project_id", "run_id"} (a queued run)
        CSV_ROWS = "csv_rows"  # payload {"project_id", "article_ids"} (None = all)
        RELEASE_BUILD = "release_build"  # payload {"release_id"}
        DEDUP_ARTICLE = "dedup_article"  # payload {"article_id"} (candidates after validation)
        DEDUP_PROJECT = "dedup_project"  # payload {"project_id", "after"} (one chunk of a pass)
        CALIBRATION_SCORE = "calibration_score"  # payload {"assignment_id"}
        RECOMMENDER_TRAIN = "recommender_train"  # payload {"model_id"} (hand over, watch)
        RECOMMENDER_CHECK = "recommender_check"  # payload {"project_id"} (after validation)
        IMPORT_RUN = "import_run"  # payload {"job_id"} (hand an import job to a worker)

    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=80, help_text="Rows with the same kind and key coalesce.")
    payload = models.JSONField(default=dict)
    available_at = models.DateTimeField(default=timezone.now, help_text="Not drained before.")
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "article_agreement",
                        "project_agreement",
                        "project_run",
                        "csv_rows",
                        "release_build",
                        "dedup_article",
                        "dedup_project",
                        "calibration_score",
                        "recommender_train",
                        "recommender_check",
                        "import_run",
                    ]
                ),
                name="outboxitem_kind_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["available_at", "id"]),
            models.Index(fields=["kind", "key"]),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
