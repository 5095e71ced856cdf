"""Coded events and their evidence spans.

An event lives in exactly one layer: a coder's (through an Assignment) or the gold layer
(through the article's Adjudication). Field values are validated against the pinned codebook
version by coding.services; values with a typed column are also projected into the typed
columns below so that exports and filters can use indexes.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact

from .codebook import CodebookVersion, EventType
from .corpus import Article
from .dictionaries import Location
from .workflow import Assignment


class CodedEvent(models.Model):
    class Layer(models.TextChoices):
        CODER = "coder", "Coder"
        GOLD = "gold", "Gold (adjudicated)"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    codebook_version = models.ForeignKey(
        CodebookVersion, on_delete=models.PROTECT, related_name="events"
    )
    layer = models.CharField(max_length=8, choices=Layer.choices)
    # Indexed by (assignment, id) below: the coding screen's keyset pages.
    assignment = models.ForeignKey(
        Assignment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,
    )
    adjudication = models.ForeignKey(
        "coding.Adjudication",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="gold_events",
    )
    event_type = models.ForeignKey(EventType, on_delete=models.PROTECT, related_name="+")
    event_subtype = models.ForeignKey(
        EventType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    values = models.JSONField(default=dict, blank=True)
    date_start = models.DateField(null=True, blank=True)
    date_end = models.DateField(null=True, blank=True)
    date_precision = models.SmallIntegerField(null=True, blank=True)
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    geo_precision = models.SmallIntegerField(null=True, blank=True)
    fatalities = models.IntegerField(null=True, blank=True)
    memo = models.TextField(
        blank=True,
        help_text="The coder's (or supervisor's) own remark on the event; not a codebook "
        "field, never exported. Was `notes` (a codebook may have a field keyed notes).",
    )
    version = models.PositiveIntegerField(default=1, help_text="Optimistic-lock version.")
    # Advanced by PostgreSQL on every change of the event row or of its spans (triggers of
    # migration 0030): a stored rendering (EventRendering) is served only while its stamp
    # equals this one, so no writer, whatever path it takes, can leave a stale one served.
    render_stamp = models.BigIntegerField(
        default=0,
        db_default=0,
        editable=False,
        help_text="Changes with the event or its spans (PostgreSQL triggers); not a version.",
    )
    # Set once, when a coder accepts a machine suggestion (coding.services.recommender):
    # the event began from it. Never set on gold; shown to supervisors, never to other coders.
    suggested_by = models.ForeignKey(
        "coding.RecommenderModel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    suggestion_confidence = models.FloatField(null=True, blank=True)
    suggestion_key = models.CharField(max_length=120, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(layer="coder", assignment__isnull=False, adjudication__isnull=True)
                    | Q(layer="gold", assignment__isnull=True, adjudication__isnull=False)
                ),
                name="codedevent_one_layer",
            ),
            models.CheckConstraint(
                condition=Q(fatalities__isnull=True) | Q(fatalities__gte=0),
                name="codedevent_fatalities_nonnegative",
            ),
            models.CheckConstraint(
                condition=Q(date_start__isnull=True)
                | Q(date_end__isnull=True)
                | Q(date_end__gte=F("date_start")),
                name="codedevent_date_range",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="codedevent_version_positive"),
            models.CheckConstraint(
                condition=Q(
                    suggested_by__isnull=True, suggestion_confidence__isnull=True, suggestion_key=""
                )
                | Q(
                    layer="coder",
                    suggested_by__isnull=False,
                    suggestion_confidence__gte=0,
                    suggestion_confidence__lte=1,
                )
                & ~Q(suggestion_key=""),
                name="codedevent_suggestion_origin",
            ),
        ]
        indexes = [
            models.Index(fields=["article", "layer"]),
            models.Index(fields=["date_start"]),
            # An assignment's events in id order, a page at a time (coding.event_pages); it
            # replaces the foreign key's own index on assignment_id, so writes keep one index.
            models.Index(fields=["assignment", "id"], name="codedevent_assignment_page"),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"event {self.pk} ({self.layer})"


class EvidenceSpan(models.Model):
    """Words in the article that are evidence for one role of an event.

    `start`/`end` are Unicode code-point offsets into Article.text, half-open [start, end);
    `quote == text[start:end]` is checked by the service on save, and the database checks that
    the quote is as long as the span.
    """

    event = models.ForeignKey(CodedEvent, on_delete=models.CASCADE, related_name="spans")
    role = models.CharField(max_length=80)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(start__gte=0), name="evidencespan_start_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(start__lt=F("end")), name="evidencespan_start_lt_end"
            ),
            models.CheckConstraint(
                condition=Exact(Length("quote"), F("end") - F("start")),
                name="evidencespan_quote_length",
            ),
            # The same words for the same role twice is no more evidence (and bloats reads).
            models.UniqueConstraint(
                fields=["event", "role", "start", "end"], name="evidencespan_unique_per_event"
            ),
        ]
        ordering = ["start", "end", "id"]

    def __str__(self) -> str:
        return f"{self.role} [{self.start}, {self.end})"


class EventRendering(models.Model):
    """The JSON text of one coder event as the assignment read gives it (coding.event_pages),
    stored so that a page is a range of stored texts, not a rendering per event per read.

    Derived data: written only by the read itself (coding.event_pages renders the events that
    have none, or a stale one, and stores them). `stamp` is the event's `render_stamp` the text
    was rendered from; the read serves `body` only while the two are equal. No database
    foreign key: a trigger deletes the renderings of deleted events (a rendering stored by a
    read that raced a delete is an orphan that no read can reach), so an event delete never
    waits on, or fails because of, a read storing renderings."""

    event = models.OneToOneField(
        CodedEvent,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    stamp = models.BigIntegerField()
    body = models.TextField()

    def __str__(self) -> str:
        return f"rendering of event {self.event_id} at stamp {self.stamp}"
