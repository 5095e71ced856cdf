"""The adjudication queue, one row per article, kept in step with what decides its place."""

from django.db import models
from django.db.models import Case, ExpressionWrapper, F, Q, Value, When
from django.db.models.functions import Least

from .agreement import AgreementRun
from .corpus import Article, Project

# The queue's order packed into one bigint, so that a page is "the next N entries after this
# key" on one index and a cursor is one number (keyset pagination):
#   bits 59-62: 15 - top_severity (most severe first; severities are 0..15, checked below)
#   bits 36-58: 2**23 - 1 - n_disagreements (more disagreements first; capped at 2**23 - 1)
#   bits 0-35: the article id (ascending among ties; ids below 2**36, checked below)
SEVERITY_SHIFT = 2**59
COUNT_SHIFT = 2**36
MAX_SEVERITY = 15
COUNT_CAP = 2**23 - 1
MAX_ARTICLE_ID = 2**36 - 1


def severity_bound(min_severity: int) -> int:
    """The order key below which every entry has top_severity >= min_severity (1..15)."""
    return (MAX_SEVERITY + 1 - min_severity) * SEVERITY_SHIFT


ORDER_KEY = Case(
    # A run that recorded no coders and found no disagreement is listed in no tab.
    When(Q(n_disagreements=0, n_coders__isnull=True), then=Value(None)),
    default=ExpressionWrapper(
        (Value(MAX_SEVERITY) - F("top_severity")) * Value(SEVERITY_SHIFT)
        + (Value(COUNT_CAP) - Least(F("n_disagreements"), Value(COUNT_CAP))) * Value(COUNT_SHIFT)
        + F("article_id"),
        output_field=models.BigIntegerField(),
    ),
    output_field=models.BigIntegerField(),
)


class ReviewQueueEntry(models.Model):
    """An article's place in the adjudication queue, from its latest finished agreement run
    and its adjudication. Written only by coding.services.review_queue, in the transactions
    that store a run or change an adjudication's status, so the queue's pages read a few
    index entries instead of every run of the project (issue #19, item 1).

    `top_severity` is the run's highest disagreement severity, 0 when it has none (not NULL:
    SQLite cannot index NULLS LAST, and 0 sorts after every severity, which start at 1);
    `n_coders` is the run's number of coders (None if the run did not record them, as the
    former query read it);
    `adjudication_state` is "" before the adjudication is opened.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, related_name="review_queue_entry"
    )
    run = models.ForeignKey(AgreementRun, on_delete=models.CASCADE, related_name="+")
    unanimous = models.BooleanField(
        help_text="Two or more coders and no disagreement: listed under the unanimous tab."
    )
    top_severity = models.PositiveSmallIntegerField(help_text="0: no disagreement.")
    n_disagreements = models.PositiveIntegerField()
    n_coders = models.PositiveIntegerField(null=True)
    adjudication_state = models.CharField(
        max_length=16, blank=True, help_text="The adjudication's status; empty before it is opened."
    )
    finished_at = models.DateTimeField()
    order_key = models.GeneratedField(
        expression=ORDER_KEY,
        output_field=models.BigIntegerField(null=True),
        db_persist=True,
        help_text="The queue's order in one number (see ORDER_KEY); NULL: listed nowhere.",
    )

    class Meta:
        indexes = [
            # The queue's order: a page is the next entries after a key on one index range,
            # and min_severity is an upper bound on that key.
            models.Index("project", "unanimous", "order_key", name="reviewqueue_keyset"),
            models.Index(
                "project",
                "unanimous",
                "adjudication_state",
                "order_key",
                name="reviewqueue_status_keyset",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(top_severity__lte=MAX_SEVERITY, article_id__lte=MAX_ARTICLE_ID),
                name="reviewqueue_order_key_in_range",
            ),
            models.CheckConstraint(
                condition=Q(unanimous=False) | Q(n_disagreements=0, n_coders__gte=2),
                name="reviewqueue_unanimous_consistent",
            ),
            # A disagreement of severity 0 would read as "none": refused rather than hidden.
            models.CheckConstraint(
                condition=Q(n_disagreements=0, top_severity=0)
                | Q(n_disagreements__gt=0, top_severity__gt=0),
                name="reviewqueue_severity_iff_disagreements",
            ),
        ]

    def __str__(self) -> str:
        return f"queue: article {self.article_id}, severity {self.top_severity}"
