"""Immutable dataset releases: a snapshot of validated events, files and checksums."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .codebook import CodebookVersion
from .corpus import Project


class DatasetRelease(models.Model):
    class Status(models.TextChoices):
        BUILDING = "building"
        READY = "ready"
        FAILED = "failed"

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="releases")
    tag = models.CharField(max_length=60, help_text="Stable version tag, e.g. v1.0.0")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BUILDING)
    codebook_version = models.ForeignKey(
        CodebookVersion, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(blank=True)
    formula_guard = models.BooleanField(
        default=True,
        help_text="Whether the CSV files guard text cells a spreadsheet would take for "
        "formulas (off: the values exactly, for round trips).",
    )
    row_count = models.PositiveIntegerField(default=0)
    agreement_summary = models.JSONField(default=dict, blank=True)
    data_as_of = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A building release is handed to a worker until `lease_until`; the worker holds the row
    # lock for the whole build, so the sweep re-takes it only once the lease has passed and
    # no live worker holds the lock (PostgreSQL drops a dead worker's lock with its session).
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Times handed to a worker.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "tag"], name="release_unique_tag"),
            models.CheckConstraint(
                condition=Q(status__in=["building", "ready", "failed"]), name="release_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | Q(finished_at__isnull=False),
                name="release_ready_has_finish_time",
            ),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project.slug} {self.tag}"


class ReleaseFile(models.Model):
    release = models.ForeignKey(DatasetRelease, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=20)
    filename = models.CharField(max_length=200)
    file = models.FileField(upload_to="releases/%Y/%m/")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["release", "format"], name="releasefile_unique_format"),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="releasefile_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.filename


class GoldRetraction(models.Model):
    """A gold event that stopped being validated data (its article was reopened).

    Incremental export (`validated_since`) sends these as tombstones, so a client that keeps
    the last sync time learns of removals, not only additions. `event_id` is kept as a plain
    number because the event itself may be deleted later (an undone decision).
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="retractions")
    article = models.ForeignKey(
        "coding.Article", on_delete=models.CASCADE, related_name="retractions"
    )
    event_id = models.BigIntegerField()
    revision = models.PositiveIntegerField(help_text="The adjudication revision it belonged to.")
    retracted_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["project", "retracted_at"])]
        ordering = ["retracted_at", "id"]

    def __str__(self) -> str:
        return f"event {self.event_id} retracted at {self.retracted_at:%Y-%m-%d %H:%M}"
