"""The adjudication queue, one row per article, kept in step with what decides its place."""

from django.db import models
from django.db.models import F, Q

from .agreement import AgreementRun
from .corpus import Article, Project


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

    class Meta:
        indexes = [
            # The queue's order, so a page is the next few entries of one index range.
            models.Index(
                "project",
                "unanimous",
                F("top_severity").desc(),
                F("n_disagreements").desc(),
                "article",
                name="reviewqueue_order",
            ),
            models.Index(
                "project",
                "unanimous",
                "adjudication_state",
                F("top_severity").desc(),
                F("n_disagreements").desc(),
                "article",
                name="reviewqueue_status_order",
            ),
        ]
        constraints = [
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
