"""Calibration items: validated articles with frozen gold, slipped blind into coders' queues
and scored against that gold (issue #17, items 3 and 4).

A calibration assignment is an ordinary Assignment (so it looks like any other to its coder)
with a CalibrationAssignment row beside it. Everything downstream of coder work (agreement
inputs, the adjudication and its queue, coder feedback on adjudicated work) selects real work
with `REAL_ASSIGNMENT` / `REAL_EVENT`, so calibration work never enters it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .corpus import Article, Project
from .workflow import Assignment

# Real coding work: an assignment that is not a calibration item, an event that is not on one
# (gold events have no assignment, so they pass).
REAL_ASSIGNMENT = Q(calibration__isnull=True)
REAL_EVENT = Q(assignment__calibration__isnull=True)


class CalibrationPolicy(models.Model):
    """A project's calibration settings. No row: rate 0 (no calibration items slipped) and
    the default drift rule."""

    class Window(models.TextChoices):
        WEEK = "week"
        MONTH = "month"

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, primary_key=True, related_name="calibration_policy"
    )
    rate = models.FloatField(
        default=0.0,
        help_text="Calibration items per real assignment of a coder (0 to 1): a coder with n "
        "real assignments gets floor(rate × n) calibration items, as many as are eligible.",
    )
    drift_threshold = models.FloatField(
        default=0.6, help_text="Flag a coder whose last window's detection F1 is below this."
    )
    drift_drop = models.FloatField(
        default=0.15,
        help_text="Flag a coder whose last window is this much below the median of their "
        "earlier windows.",
    )
    drift_min_items = models.PositiveSmallIntegerField(
        default=3, help_text="Items (articles) a window needs to count."
    )
    drift_window = models.CharField(max_length=5, choices=Window.choices, default=Window.MONTH)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__gte=0.0, rate__lte=1.0), name="calibrationpolicy_rate_range"
            ),
            models.CheckConstraint(
                condition=Q(drift_threshold__gte=0.0, drift_threshold__lte=1.0),
                name="calibrationpolicy_threshold_range",
            ),
            models.CheckConstraint(
                condition=Q(drift_drop__gte=0.0, drift_drop__lte=1.0),
                name="calibrationpolicy_drop_range",
            ),
            models.CheckConstraint(
                condition=Q(drift_min_items__gte=1), name="calibrationpolicy_min_items_positive"
            ),
            models.CheckConstraint(
                condition=Q(drift_window__in=["week", "month"]),
                name="calibrationpolicy_window_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"calibration policy of project {self.project_id}"


class CalibrationItem(models.Model):
    """A validated article marked as a calibration item. Unmarking (`active=False`) stops new
    calibration assignments of it; its assignments and scores stay."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, related_name="calibration_item"
    )
    active = models.BooleanField(default=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField()
    unmarked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(active=True, unmarked_at__isnull=True)
                | Q(active=False, unmarked_at__isnull=False),
                name="calibrationitem_unmarked_has_time",
            ),
        ]
        indexes = [models.Index(fields=["project", "active"])]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"calibration item: article {self.article_id}"


class CalibrationAssignment(models.Model):
    """The calibration side of one assignment, and its score against the gold once scored.

    `fields` holds, per codebook field key, {"agree": n, "compared": n} over the matched
    (coder event, gold event) pairs where either side has a value.
    """

    class Status(models.TextChoices):
        OPEN = "open"  # not submitted yet
        PENDING = "pending"  # submitted; the score is recorded as outbox work
        SCORED = "scored"

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, primary_key=True, related_name="calibration"
    )
    # RESTRICT: an item with scores cannot be deleted alone (unmark it), only with its article.
    item = models.ForeignKey(CalibrationItem, on_delete=models.RESTRICT, related_name="assignments")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    gold_revision = models.PositiveIntegerField(null=True, blank=True)
    tp = models.PositiveIntegerField(null=True, blank=True)
    fp = models.PositiveIntegerField(null=True, blank=True)
    fn = models.PositiveIntegerField(null=True, blank=True)
    f1 = models.FloatField(null=True, blank=True)
    fields = models.JSONField(default=dict, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "pending", "scored"]),
                name="calibrationassignment_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="scored")
                | Q(tp__isnull=False, fp__isnull=False, fn__isnull=False, scored_at__isnull=False),
                name="calibrationassignment_scored_has_counts",
            ),
        ]

    def __str__(self) -> str:
        return f"calibration assignment {self.assignment_id} ({self.status})"
