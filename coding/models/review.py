"""Adjudication: the gold layer of an article and the decisions that built it."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .corpus import Article, Project


class Adjudication(models.Model):
    """One per article. Reopening a validated article bumps `revision` (audited)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        VALIDATED = "validated", "Validated"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="adjudications")
    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="adjudication")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    revision = models.PositiveIntegerField(default=1)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic-lock version.")
    validated_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "validated"]), name="adjudication_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="open")
                | Q(validated_at__isnull=False, validated_by__isnull=False),
                name="adjudication_validated_has_who_when",
            ),
        ]
        indexes = [models.Index(fields=["project", "status", "validated_at"])]

    def __str__(self) -> str:
        return f"adjudication of article {self.article_id} r{self.revision}"


class AdjudicationDecision(models.Model):
    class Kind(models.TextChoices):
        ACCEPT = "accept", "Accept one coder's event"
        MERGE = "merge", "Merge field by field"
        EDIT = "edit", "Edit"
        ADD = "add", "Add an event no coder found"
        REJECT = "reject", "Reject"
        UNANIMOUS = "unanimous", "Unanimous (auto-accepted)"

    adjudication = models.ForeignKey(
        Adjudication, on_delete=models.CASCADE, related_name="decisions"
    )
    revision = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    cluster_key = models.CharField(
        max_length=120, blank=True, help_text="Which aligned event cluster this decides."
    )
    gold_event = models.ForeignKey(
        "coding.CodedEvent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    source_events = models.ManyToManyField(
        "coding.CodedEvent", blank=True, related_name="adjudicated_in"
    )
    field_sources = models.JSONField(
        default=dict,
        blank=True,
        help_text="For merges: field key -> source coder event id, or 'typed'.",
    )
    reason = models.TextField(blank=True)
    reason_code = models.CharField(max_length=40, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    active = models.BooleanField(
        default=True, help_text="False once undone; kept as history of the adjudication."
    )
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["accept", "merge", "edit", "add", "reject", "unanimous"]),
                name="decision_kind_valid",
            ),
            # Two supervisors deciding the same aligned event at once: the database lets one
            # in and refuses the other.
            models.UniqueConstraint(
                fields=["adjudication", "cluster_key"],
                condition=~Q(cluster_key="") & Q(active=True),
                name="decision_one_live_per_cluster",
            ),
            models.CheckConstraint(
                condition=Q(active=True) | Q(undone_at__isnull=False),
                name="decision_undone_has_time",
            ),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.cluster_key or 'new event'}"


class Comment(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="comments")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    event = models.ForeignKey(
        "coding.CodedEvent",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="comment_not_empty"),
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"comment {self.pk}"
