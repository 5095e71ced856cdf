"""Stored facts for the throughput dashboard (issue 17): one narrow row per assignment and
one per article, copies of what the dashboard's figures are computed from, so its reads scan
these rows instead of joining every assignment to its events, time ledger and adjudication.

On PostgreSQL the rows are written **only by triggers** on their sources (assignments,
coder events, coding time ledgers, adjudications, articles), in the transaction that changes
the source, whatever the writer (services, bulk imports, admin, raw SQL):
coding/migrations/0031_teamdash_throughput_facts.py. Each trigger recomputes the facts of
the rows it touched from their sources, so a fact is never a running sum that could drift;
``manage.py rebuild_throughput_facts`` recomputes a project's (a repair, e.g. after
restoring a table). On other databases (the SQLite demo) the rows stay empty and the
dashboard reads the sources (coding/throughput_selectors.py).

The keys carry no foreign-key constraint: the triggers delete a fact with its source, and
Django's cascades must not try to delete them first (the trigger would re-create them).
"""

from django.conf import settings
from django.db import models

from .corpus import Article, Project
from .workflow import Assignment


class AssignmentFact(models.Model):
    assignment = models.OneToOneField(
        Assignment,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    project = models.ForeignKey(
        Project, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", db_index=False
    )
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        db_index=False,
    )
    article = models.ForeignKey(
        Article, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", db_index=False
    )
    created_at = models.DateTimeField()
    submitted_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The assignment's submission time while it is submitted, else NULL.",
    )
    submitted_week = models.DateField(
        null=True,
        blank=True,
        help_text="The Monday of submitted_at's week (settings.TIME_ZONE), NULL with it.",
    )
    validated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When its article's adjudication was validated (NULL: it is not).",
    )
    n_events = models.PositiveIntegerField(help_text="The assignment's coder events.")
    seconds = models.FloatField(
        null=True,
        blank=True,
        help_text="Active coding seconds (its time ledger); NULL: none recorded.",
    )

    class Meta:
        indexes = [
            # The weekly rows read the submissions of a period.
            models.Index("project", "submitted_at", name="tpfact_submitted"),
            # The weekly rows of every coder and week, in the order they are grouped in,
            # read from the index alone.
            models.Index(
                fields=["project", "coder", "submitted_week"],
                include=["n_events", "seconds"],
                name="tpfact_weekly",
                condition=models.Q(submitted_week__isnull=False),
            ),
            models.Index("project", "coder", name="tpfact_coder"),
        ]

    def __str__(self) -> str:
        return f"facts of assignment {self.assignment_id}"


class ArticleFact(models.Model):
    article = models.OneToOneField(
        Article,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        db_index=False,
    )
    project = models.ForeignKey(
        Project, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", db_index=False
    )
    imported_at = models.DateTimeField()
    complete_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The last submission once it has assignments and every one is submitted.",
    )
    opened_at = models.DateTimeField(
        null=True, blank=True, help_text="When its adjudication was opened."
    )
    validated_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was validated (if it is)."
    )

    class Meta:
        indexes = [models.Index("project", "imported_at", name="tpfact_article_project")]

    def __str__(self) -> str:
        return f"facts of article {self.article_id}"


class ThroughputCount(models.Model):
    """Per project, user, week and kind, an amount the dashboard sums: assignments created,
    reaching "submitted" and "validated" for the share curves (weeks as the share rule
    counts them: coding.throughput.weekly.ShareCounts), and active coding and review
    seconds (from the day rows). Rows are *appended deltas*: a trigger adds one per change
    and never updates a row, so coders writing at once take no lock on a shared counter; the
    writer that holds the project's fold lock (pg_try_advisory_xact_lock, never waited for)
    replaces the rows of the keys it touched by their sum. A reader sums per key."""

    class Kind(models.TextChoices):
        CREATED = "created", "Assignments created"
        SUBMITTED = "submitted", "Assignments submitted (share week)"
        VALIDATED = "validated", "Assignments validated (share week)"
        CODING = "coding", "Active coding seconds"
        REVIEW = "review", "Active review seconds"

    project = models.ForeignKey(
        Project, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        db_index=False,
    )
    week = models.DateField(help_text="The week's Monday (settings.TIME_ZONE).")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    amount = models.FloatField(help_text="A change (a count, or seconds) or a folded sum.")

    class Meta:
        indexes = [models.Index("project", "user", "kind", "week", name="tpcount_key")]

    def __str__(self) -> str:
        return f"{self.kind} {self.user_id} {self.week}: {self.amount:+g}"


class ProgressCount(models.Model):
    """Per project, the number of articles with the same weeks imported, complete, opened
    for adjudication and validated (coding.throughput.weekly.ArticleWeeks); appended deltas
    folded like ThroughputCount."""

    project = models.ForeignKey(
        Project, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", db_index=False
    )
    imported_week = models.DateField()
    complete_week = models.DateField(null=True, blank=True)
    opened_week = models.DateField(null=True, blank=True)
    validated_week = models.DateField(null=True, blank=True)
    n = models.IntegerField(help_text="A change (+1, -1) or a folded sum.")

    class Meta:
        indexes = [models.Index("project", "imported_week", name="tpprogress_key")]

    def __str__(self) -> str:
        return f"imported {self.imported_week}: {self.n:+d}"
