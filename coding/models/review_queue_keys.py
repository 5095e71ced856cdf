"""What the adjudication queue filters and counts on without reading the whole project: one
row per (queued article, filter key), and per-project counts kept as appended deltas."""

from django.db import models

from .corpus import Article, Project


class ReviewQueueKey(models.Model):
    """One filter key of a queued article: an event type or sub-type code of its coder events
    (kind "type"), one of its coders (kind "coder", the user id as text), or one of each
    together (kind "pair", "<coder id>:<type code>", every coder of the article with every
    type key of it: the two filters together are one index range and one stored count, not a
    walk along one key's range testing the other), with a copy of
    its entry's tab, adjudication state and order key, so a filtered page is one index range
    too. Written only by coding.services.review_queue, with the entry it copies, whenever
    the entry, the article's coder events or its assignments change (listed entries only).
    """

    class Kind(models.TextChoices):
        EVENT_TYPE = "type"
        CODER = "coder"
        PAIR = "pair"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    value = models.CharField(max_length=100)  # a pair: id digits, ":", a code of <= 80
    unanimous = models.BooleanField()
    adjudication_state = models.CharField(max_length=16, blank=True)
    order_key = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(
                "project", "kind", "value", "unanimous", "order_key", name="reviewkey_keyset"
            ),
            models.Index(
                "project",
                "kind",
                "value",
                "unanimous",
                "adjudication_state",
                "order_key",
                name="reviewkey_status_keyset",
            ),
        ]
        constraints = [
            models.UniqueConstraint("article", "kind", "value", name="reviewkey_unique"),
        ]

    def __str__(self) -> str:
        return f"queue key {self.kind}={self.value}: article {self.article_id}"


def pair_value(coder_id: int | str, type_code: str) -> str:
    """The value of a "pair" key: a coder's id and an event type code (ids have no ":")."""
    return f"{coder_id}:{type_code}"


class ReviewQueueCount(models.Model):
    """A change to the number of listed queue entries of a project with these
    (kind, value, unanimous, adjudication_state, top_severity); kind and value are "" for
    the entries themselves, else a ReviewQueueKey's. A count is the SUM of its rows.

    Refreshes only append rows (no shared row is updated, so concurrent refreshes neither
    wait for nor deadlock on each other) and fold a project's rows back into one per
    combination when no other transaction is folding them (a PostgreSQL advisory lock), so
    a count sums a few dozen rows whatever the size of the project.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, blank=True)
    value = models.CharField(max_length=100, blank=True)
    unanimous = models.BooleanField()
    adjudication_state = models.CharField(max_length=16, blank=True)
    top_severity = models.PositiveSmallIntegerField()
    n = models.BigIntegerField(help_text="A change (+/-) to the count; the count is the sum.")

    class Meta:
        indexes = [
            models.Index(
                "project",
                "kind",
                "value",
                "unanimous",
                "adjudication_state",
                "top_severity",
                name="reviewcount_lookup",
            ),
        ]

    def __str__(self) -> str:
        return f"queue count {self.kind}={self.value}: {self.n:+d}"
