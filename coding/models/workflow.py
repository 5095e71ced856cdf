"""Assignments: one coder's blind layer on one article of a project."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .corpus import Article, Project


class Assignment(models.Model):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", "Assigned"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"

    # The only moves a status may make; anything else is refused (HTTP 409).
    TRANSITIONS: dict[str, frozenset[str]] = {
        "assigned": frozenset({"in_progress", "submitted"}),
        "in_progress": frozenset({"submitted"}),
        "submitted": frozenset({"in_progress"}),  # a supervisor's reopen
    }

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assignments")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="assignments")
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ASSIGNED)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "article", "coder"], name="assignment_unique_coder_article"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["assigned", "in_progress", "submitted"]),
                name="assignment_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(submitted_at__isnull=False),
                name="assignment_submitted_has_time",
            ),
        ]
        indexes = [models.Index(fields=["coder", "status"])]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.coder_id} ({self.status})"
