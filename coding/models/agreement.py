"""Stored agreement computations and the disagreements they found."""

from django.db import models
from django.db.models import Q

from .corpus import Article, Project


class AgreementRun(models.Model):
    """One computation over a digest of its inputs; re-running the same inputs is a no-op."""

    class Scope(models.TextChoices):
        ARTICLE = "article", "Article"
        PROJECT = "project", "Project"

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="agreement_runs")
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="agreement_runs"
    )
    scope = models.CharField(max_length=8, choices=Scope.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    input_digest = models.CharField(max_length=64)
    params = models.JSONField(default=dict, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A queued/running run belongs to the worker holding `lease_token` until `lease_until`
    # (renewed after every chunk); past it, the sweep hands the run to another worker.
    # An empty token with a lease: handed to the broker, waiting for a worker.
    lease_until = models.DateTimeField(null=True, blank=True)
    # Database defaults too: article runs are inserted with COPY, naming only their columns.
    lease_token = models.CharField(max_length=32, blank=True, default="", db_default="")
    attempts = models.PositiveIntegerField(
        default=0, db_default=0, help_text="Times handed to a worker."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope="article") & Q(article__isnull=False))
                | (Q(scope="project") & Q(article__isnull=True)),
                name="agreementrun_scope_matches_article",
            ),
            models.UniqueConstraint(
                fields=["article", "input_digest"],
                condition=Q(scope="article"),
                name="agreementrun_unique_article_digest",
            ),
            models.UniqueConstraint(
                fields=["project", "input_digest"],
                condition=Q(scope="project"),
                name="agreementrun_unique_project_digest",
            ),
            models.CheckConstraint(
                condition=Q(progress_done__lte=models.F("progress_total")),
                name="agreementrun_progress_bounded",
            ),
        ]
        indexes = [
            models.Index(
                fields=["lease_until"],
                condition=Q(status__in=["queued", "running"]),
                name="agreementrun_pending_lease",
            )
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.scope} run {self.pk} ({self.status})"


class AgreementResult(models.Model):
    run = models.ForeignKey(AgreementRun, on_delete=models.CASCADE, related_name="results")
    metric = models.CharField(max_length=40, help_text="e.g. alpha, alpha_u, span_f1, percent")
    field_key = models.CharField(max_length=80, blank=True, help_text="Empty = event detection.")
    event_type_code = models.CharField(max_length=80, blank=True)
    coder_a = models.BigIntegerField(null=True, blank=True)
    coder_b = models.BigIntegerField(null=True, blank=True)
    level = models.CharField(max_length=16, blank=True)
    value = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=40, default="ok")
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    p_below_667 = models.FloatField(null=True, blank=True)
    p_below_800 = models.FloatField(null=True, blank=True)
    n_units = models.PositiveIntegerField(default=0)
    n_pairable = models.PositiveIntegerField(default=0)
    n_coders = models.PositiveIntegerField(default=0)
    percent_agreement = models.FloatField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__lte=1.0),
                name="agreementresult_value_le_1",
            ),
            models.CheckConstraint(
                condition=Q(ci_low__isnull=True)
                | Q(ci_high__isnull=True)
                | Q(ci_low__lte=models.F("ci_high")),
                name="agreementresult_ci_ordered",
            ),
        ]
        indexes = [models.Index(fields=["run", "metric", "field_key"])]

    def __str__(self) -> str:
        return f"{self.metric} {self.field_key or 'detection'} = {self.value}"


class Disagreement(models.Model):
    """A place where coders of one article differ; the adjudication queue reads these."""

    class Kind(models.TextChoices):
        UNMATCHED_EVENT = "unmatched_event"
        EVENT_TYPE = "event_type"
        ACTORS_LOCATION = "actors_location"
        OTHER_FIELD = "other_field"
        SPAN = "span"

    run = models.ForeignKey(AgreementRun, on_delete=models.CASCADE, related_name="disagreements")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="disagreements")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    severity = models.PositiveSmallIntegerField(help_text="Higher is more severe.")
    cluster_key = models.CharField(max_length=120)
    field_key = models.CharField(max_length=80, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["article", "-severity"])]
        ordering = ["-severity", "id"]

    def __str__(self) -> str:
        return f"{self.kind} in article {self.article_id}"


class AgreementChunk(models.Model):
    """One slice of a project run's articles, computed by any worker (coding.services.
    agreement_chunks). Its payload is what the run's final step folds into the project's
    figures; chunks live only while their run is queued or running (deleted when it ends)."""

    class Status(models.TextChoices):
        PENDING = "pending"
        DONE = "done"

    run = models.ForeignKey(AgreementRun, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField(help_text="Order of the chunk in the run (0, 1, …).")
    article_ids = models.JSONField(default=list, help_text="Ready articles, ascending ids.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    # As on runs: an empty token with a lease = sent to the broker, waiting for a worker.
    lease_token = models.CharField(max_length=32, blank=True, default="")
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Times a worker took it.")
    payload = models.BinaryField(
        null=True, blank=True, help_text="The chunk's fold records (see agreement_chunks)."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="agreementchunk_unique_index"),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(payload__isnull=False),
                name="agreementchunk_done_has_payload",
            ),
        ]
        ordering = ["run", "index"]

    def __str__(self) -> str:
        return f"chunk {self.index} of run {self.run_id} ({self.status})"
