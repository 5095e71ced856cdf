"""Article imports run by a worker: the job a supervisor follows, and the stored upload."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .corpus import Project


class ImportJob(models.Model):
    """One uploaded file to import into a project: a small one imported in the request that
    uploaded it (coding.services.import_uploads: the job, the articles and its report commit
    together), a larger one by a Celery worker.

    For a worker, the upload is stored first (ImportUploadChunk rows, in the database: every
    web host and worker shares it), the job and its outbox row commit together, and the answer
    is given at once. A worker imports the file in one transaction that also marks the job
    done or failed and deletes the upload, so a job is imported exactly once or not at all.
    `rows_read` and the lease are written while it works, from a connection of their own
    (progress a supervisor can watch).
    """

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(max_length=255)
    format = models.CharField(max_length=10, blank=True, help_text="Empty: from the name.")
    skip_invalid = models.BooleanField(default=False)
    size = models.PositiveBigIntegerField(help_text="Bytes uploaded.")
    sha256 = models.CharField(max_length=64, help_text="Of the uploaded bytes.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_read = models.PositiveIntegerField(default=0, help_text="Progress while running.")
    bytes_read = models.PositiveBigIntegerField(default=0, help_text="Progress while running.")
    #: The import's answer once done (created, duplicates, errors, counts, assignments).
    result = models.JSONField(null=True, blank=True)
    #: Why it failed: the same body a refused synchronous import had (code, detail, errors…).
    error = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Handed to a worker until `lease_until` (renewed while it reads the file); the sweep
    # hands the job over again once the lease passed and no live worker holds its upload.
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Times handed to a worker.")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]),
                name="importjob_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(result__isnull=False, finished_at__isnull=False),
                name="importjob_done_has_result",
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | Q(error__isnull=False, finished_at__isnull=False),
                name="importjob_failed_has_error",
            ),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="importjob_sha256_hex"
            ),
        ]
        indexes = [models.Index(fields=["project", "-created_at"])]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import {self.pk} {self.filename} ({self.status})"


class ImportUploadChunk(models.Model):
    """A piece of an uploaded file (in order), kept until its job is done or failed.

    Chunk 0 always exists (an empty file is one empty chunk): the worker importing the job
    holds its row lock for the whole import, which is how a second delivery of the task and
    the sweep know a live worker is at it (PostgreSQL drops a dead worker's lock).
    """

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "index"], name="importchunk_unique_index"),
        ]
        ordering = ["job_id", "index"]  # not "job": that would join (and lock) the job

    def __str__(self) -> str:
        return f"import {self.job_id} chunk {self.index}"
