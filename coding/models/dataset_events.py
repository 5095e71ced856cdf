"""Dataset events: one real-world event and the reports of it (validated gold events, each in
its own article), plus the candidate pairs a supervisor is asked about ("same event?").

Every validated gold event is the report of exactly one dataset event. It starts as its own
dataset event whose id is the gold event's id, so a team that never links events exports the
same ids as before. Linking moves the reports of the newer dataset event into the older one
(the oldest id survives) and retires the newer one as a tombstone pointing at the survivor
(`merged_into`); splitting moves a report out into a dataset event with a fresh id. Ids are
never reused for another event: a fresh id is drawn from the gold events' own sequence on
PostgreSQL, so it can never equal a gold event's id. See docs/export-formats.md ("Dataset
event ids").

The database (PostgreSQL, migration 0014) refuses a report that is not a validated gold event
of the dataset event's project, and two reports from one article in one dataset event.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from .corpus import Article, Project
from .events import CodedEvent


class DatasetEvent(models.Model):
    """One real-world event. Live while it has reports; a tombstone (`retired_at` set) once its
    reports were merged into another (`merged_into`) or its last report was withdrawn because
    the article was reopened (then `merged_into` is null).

    `resolution` keeps the supervisor's field-by-field choices where the reports differ:
    ``{field_key: {"report": gold_event_id} | {"value": v, "rule": "intersection" | "union" |
    "conservative" | "low_best_high" | "typed"}, plus "by": user id, "at": ISO time, "reason"}``.
    A field with no entry takes the value of the primary report (the oldest report). The
    special keys ``event_type`` and ``date`` (the date range with its precision) and
    ``fatalities`` are resolved the same way.
    """

    id = models.BigIntegerField(primary_key=True)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="dataset_events")
    resolution = models.JSONField(default=dict, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="absorbed"
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic-lock version.")
    created_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(
        db_index=True, help_text="Last change of its reports or resolution (incremental sync)."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(retired_at__isnull=False),
                name="datasetevent_merged_is_retired",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="datasetevent_not_merged_into_itself"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="datasetevent_version_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["project", "changed_at"]),
            # the few live events with a resolution: every export reads them first
            models.Index(
                fields=["project"],
                condition=Q(retired_at__isnull=True) & ~Q(resolution={}),
                name="datasetevent_resolved_live",
            ),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"dataset event {self.pk}"


class DatasetEventReport(models.Model):
    """A validated gold event reporting a dataset event. A gold event reports one dataset event
    at most (none only while its article is not validated)."""

    dataset_event = models.ForeignKey(
        DatasetEvent, on_delete=models.CASCADE, related_name="reports"
    )
    # ON DELETE CASCADE in PostgreSQL (migration 0016), so that deleting a coder's event
    # costs Django no extra query for tables that only ever hold gold events.
    gold_event = models.OneToOneField(
        CodedEvent, on_delete=models.DO_NOTHING, db_constraint=False, related_name="dataset_report"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dataset_event", "article"], name="datasetreport_one_per_article"
            ),
        ]
        indexes = [
            # the few reports of linked or split events (every other report's dataset event
            # has its gold event's id): every export reads them first
            models.Index(
                fields=["dataset_event"],
                condition=~Q(dataset_event=F("gold_event")),
                name="datasetreport_other_id",
            )
        ]
        ordering = ["gold_event_id"]

    def __str__(self) -> str:
        return f"report {self.gold_event_id} of dataset event {self.dataset_event_id}"


class DuplicateCandidate(models.Model):
    """Two reports (gold events of different articles) that may be the same real-world event,
    as found by the candidate finder, with its score and the reasons shown to the supervisor.
    `event_a` < `event_b`. A pair decided `not_same` is never proposed again."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        LINKED = "linked", "Linked (same event)"
        NOT_SAME = "not_same", "Not the same event"

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="duplicate_candidates"
    )
    # ON DELETE CASCADE in PostgreSQL (migration 0016), as for reports.
    event_a = models.ForeignKey(
        CodedEvent, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    event_b = models.ForeignKey(
        CodedEvent, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    score = models.FloatField()
    reasons = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    found_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(event_a__lt=F("event_b")), name="duplicatecandidate_ordered_pair"
            ),
            models.UniqueConstraint(
                fields=["event_a", "event_b"], name="duplicatecandidate_one_per_pair"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "linked", "not_same"]),
                name="duplicatecandidate_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(decided_at__isnull=False),
                name="duplicatecandidate_decided_has_when",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "status", "-score"]),
            models.Index(fields=["event_b"]),
        ]
        ordering = ["-score", "id"]

    def __str__(self) -> str:
        return f"candidate {self.event_a_id}~{self.event_b_id} ({self.status})"
