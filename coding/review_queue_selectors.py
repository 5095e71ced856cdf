"""The adjudication queue's reads: a page in the queue's order after a cursor, and how many
articles a filter holds, both at a cost that does not grow with the project.

The order is ReviewQueueEntry.order_key (most severe first, then most disagreements, then
article id), one unique bigint: DRF's CursorPagination pages on it ("order_key > last seen"),
an index range on (project, unanimous[, adjudication_state], order_key). An event-type or
coder filter reads ReviewQueueKey, which carries the same columns, on its own index range;
both together read the "pair" key of that coder and type (one range and one stored count too).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet, Sum, Value
from django.db.models.functions import NullIf

from coding.models import Project, ReviewQueueCount, ReviewQueueEntry, ReviewQueueKey
from coding.models.review_queue import MAX_SEVERITY, severity_bound
from coding.models.review_queue_keys import pair_value


def _key(event_type: str | None, coder: int | None) -> tuple[str, str] | None:
    """The one filter key that selects these filters' articles (None: no key filter)."""
    if event_type and coder:
        return ReviewQueueKey.Kind.PAIR.value, pair_value(coder, event_type)
    if event_type:
        return ReviewQueueKey.Kind.EVENT_TYPE.value, event_type
    if coder:
        return ReviewQueueKey.Kind.CODER.value, str(coder)
    return None


def adjudication_queue(
    project: Project,
    *,
    unanimous: bool = False,
    event_type: str | None = None,
    coder: int | None = None,
    min_severity: int | None = None,
    status: str | None = None,
) -> QuerySet[Any]:
    """The queued articles matching the filters, in the queue's order (order_key): most
    severe disagreement first (5 = an event found by one coder only), then most
    disagreements, then article id; articles coded by a single coder come after them
    (max_severity None, n_disagreements 0) unless `min_severity` is given. `unanimous=True`
    lists the articles of two or more coders without any disagreement instead (by article
    id). `event_type` matches an event type or sub-type code of the article's coder events,
    `coder` a coder assigned to it, `status` its adjudication ("none" before it is opened).

    Rows are dicts: article_id, title, max_severity, n_disagreements, adjudication_status,
    finished_at and order_key (the cursor's position)."""
    key = _key(event_type, coder)
    rows: QuerySet[Any]
    if key:
        kind, value = key
        rows = ReviewQueueKey.objects.filter(
            project=project, kind=kind, value=value, unanimous=unanimous
        )
        entry = "article__review_queue_entry__"
    else:
        rows = ReviewQueueEntry.objects.filter(
            project=project, unanimous=unanimous, order_key__isnull=False
        )
        entry = ""
    if min_severity:
        if unanimous or min_severity > MAX_SEVERITY:  # nothing is that severe
            rows = rows.none()
        else:
            rows = rows.filter(order_key__lt=severity_bound(min_severity))
    if status:
        rows = rows.filter(adjudication_state="" if status == "none" else status)
    # The entry's own columns, read through the article's entry from a key row.
    copied = (
        {"n_disagreements": F(f"{entry}n_disagreements"), "finished_at": F(f"{entry}finished_at")}
        if entry
        else {}
    )
    return rows.order_by("order_key").values(
        "article_id",
        *([] if entry else ["n_disagreements", "finished_at"]),
        "order_key",
        title=F("article__title"),
        max_severity=NullIf(f"{entry}top_severity", Value(0)),
        adjudication_status=NullIf("adjudication_state", Value("")),
        **copied,
    )


def adjudication_queue_count(
    project: Project,
    *,
    unanimous: bool = False,
    event_type: str | None = None,
    coder: int | None = None,
    min_severity: int | None = None,
    status: str | None = None,
) -> tuple[int, bool]:
    """How many articles `adjudication_queue` lists with these filters, and whether that is
    exact (always, since event type and coder together have their own key): a sum over the
    project's stored counts (ReviewQueueCount), a few dozen rows whatever its size."""
    kind, value = _key(event_type, coder) or ("", "")
    counts = ReviewQueueCount.objects.filter(
        project=project, kind=kind, value=value, unanimous=unanimous
    )
    if min_severity:
        if unanimous or min_severity > MAX_SEVERITY:
            return 0, True
        counts = counts.filter(top_severity__gte=min_severity)
    if status:
        counts = counts.filter(adjudication_state="" if status == "none" else status)
    total = counts.aggregate(n=Sum("n"))["n"]
    return int(total or 0), True
