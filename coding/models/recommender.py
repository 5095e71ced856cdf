"""The machine coder of a project: its settings and its trained, versioned models.

A model is trained from the project's validated gold under one codebook version and is used
only while the project codes against that version. Its artifact (coding.recommender.Artifact
bytes: arrays, no pickle) is stored with the digest of the training set, the seed and the
digest of the model itself, so a training can be checked and reproduced.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .codebook import CodebookVersion
from .corpus import Project


class RecommenderSettings(models.Model):
    """One per project (absent: the defaults below). ``hidden_from``: the control group,
    coders who never see suggestions (docs/recommender.md, "Anchoring")."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="recommender_settings"
    )
    enabled = models.BooleanField(default=True)
    min_events = models.PositiveIntegerField(
        default=20, help_text="Validated events a type needs before it is suggested."
    )
    retrain_after = models.PositiveIntegerField(
        default=50, help_text="Newly validated articles that start an automatic training."
    )
    threshold = models.FloatField(
        default=0.5, help_text="Calibrated probability from which a type is suggested."
    )
    hidden_from = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(min_events__gte=1), name="recommendersettings_min_events_positive"
            ),
            models.CheckConstraint(
                condition=Q(retrain_after__gte=1),
                name="recommendersettings_retrain_after_positive",
            ),
            models.CheckConstraint(
                condition=Q(threshold__gt=0) & Q(threshold__lt=1),
                name="recommendersettings_threshold_open_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"recommender settings of {self.project_id}"


class RecommenderModel(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"
        TRAINING = "training"
        READY = "ready"
        FAILED = "failed"

    class Reason(models.TextChoices):
        MANUAL = "manual"
        AUTO = "auto"

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="recommender_models"
    )
    number = models.PositiveIntegerField(help_text="Version of the model within the project.")
    codebook_version = models.ForeignKey(
        CodebookVersion, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    reason = models.CharField(max_length=10, choices=Reason.choices, default=Reason.MANUAL)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seed = models.BigIntegerField(default=0)
    algorithm = models.CharField(max_length=80, blank=True)
    min_events = models.PositiveIntegerField(default=20)
    threshold = models.FloatField(default=0.5)
    training_digest = models.CharField(max_length=64, blank=True)
    model_sha256 = models.CharField(max_length=64, blank=True)
    artifact = models.BinaryField(null=True, blank=True)
    trained_through = models.DateTimeField(
        null=True, blank=True, help_text="Gold validated up to this moment was read."
    )
    article_ids = models.JSONField(default=list, blank=True, help_text="Training articles.")
    articles = models.PositiveIntegerField(default=0)
    events = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True, help_text="Labels, held-out P/R.")
    evaluation = models.JSONField(
        default=dict, blank=True, help_text="Measured like a coder (docs/recommender.md)."
    )
    evaluated_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="recommendermodel_unique_number"
            ),
            # One training at a time per project.
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status__in=["queued", "training"]),
                name="recommendermodel_one_active",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "training", "ready", "failed"]),
                name="recommendermodel_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=["manual", "auto"]), name="recommendermodel_reason_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="ready")
                | (Q(artifact__isnull=False) & ~Q(model_sha256="") & ~Q(training_digest="")),
                name="recommendermodel_ready_has_artifact",
            ),
        ]
        ordering = ["project_id", "-number"]

    def __str__(self) -> str:
        return f"model {self.number} of project {self.project_id} ({self.status})"
