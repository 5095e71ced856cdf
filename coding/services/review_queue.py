"""Keeps ReviewQueueEntry (the adjudication queue, one row per article) equal to what the
article's latest finished agreement run and its adjudication say.

Callers: the agreement service when it stores article runs, the adjudication services when an
adjudication is opened, validated or reopened, the backfill migration and the
`rebuild_review_queue` command; and, for the filter keys, the event services and the
assignment services when an already queued article's coder events or coders change
(`review_queue_follow_coding`). Each refresh recomputes the named articles' rows and keys
from their sources (never patches a field), so a refresh run twice, or late, still leaves
them right, and appends the change of the project's counts (review_queue_counts).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from typing import Any

from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Subquery,
)
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Coalesce

from coding.models import (
    REAL_ASSIGNMENT,
    REAL_EVENT,
    Adjudication,
    AgreementRun,
    Article,
    Assignment,
    CodedEvent,
    Disagreement,
    Project,
    ReviewQueueEntry,
    ReviewQueueKey,
)
from coding.models.review_queue_keys import pair_value
from coding.services.review_queue_counts import combinations, counts_append, counts_recount, listed

# Articles refreshed per statement by a rebuild: bounded memory at any project size.
REBUILD_CHUNK = 2000
_FIELDS = (
    "project_id",
    "run_id",
    "unanimous",
    "top_severity",
    "n_disagreements",
    "n_coders",
    "adjudication_state",
    "finished_at",
)


class JsonArrayLength(Func):
    """The number of elements of a JSON array (PostgreSQL jsonb, or SQLite's JSON text)."""

    function = "jsonb_array_length"
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, function="json_array_length", **extra_context)


def queue_rows(
    *, run_model: Any, disagreement_model: Any, adjudication_model: Any, article_ids: list[int]
) -> list[dict[str, Any]]:
    """The queue values of these articles, one dict per article that has a finished article
    run: the newest such run (highest id), its disagreements' maximum severity and number,
    its number of coders, and the article's adjudication status.

    Takes the model classes so the backfill migration can pass its historical models.
    """
    newer = run_model.objects.filter(
        article_id=OuterRef("article_id"), scope="article", status="done", id__gt=OuterRef("id")
    )
    of_run = disagreement_model.objects.filter(run_id=OuterRef("pk")).order_by()
    rows = (
        run_model.objects.filter(article_id__in=article_ids, scope="article", status="done")
        .filter(~Exists(newer))
        .annotate(
            max_severity=Subquery(
                of_run.values("run_id").annotate(m=Max("severity")).values("m")[:1]
            ),
            n_disagreements=Coalesce(
                Subquery(
                    of_run.values("run_id").annotate(n=Count("*")).values("n")[:1],
                    output_field=IntegerField(),
                ),
                0,
            ),
            n_coders=JsonArrayLength(KeyTransform("coders", "params")),
            adjudication_status=Subquery(
                adjudication_model.objects.filter(article_id=OuterRef("article_id")).values(
                    "status"
                )[:1]
            ),
        )
        .values(
            "article_id",
            "project_id",
            "max_severity",
            "n_disagreements",
            "n_coders",
            "adjudication_status",
            "finished_at",
            run_id=F("id"),
        )
    )
    result = []
    for row in rows:
        n_coders = row["n_coders"]
        row["adjudication_state"] = row.pop("adjudication_status") or ""
        row["top_severity"] = row.pop("max_severity") or 0
        row["unanimous"] = row["n_disagreements"] == 0 and n_coders is not None and n_coders >= 2
        result.append(row)
    return result


def store_rows(
    *, entry_model: Any, article_ids: Collection[int], rows: Iterable[dict[str, Any]]
) -> None:
    """Make the entries of `article_ids` exactly `rows`: upsert those, delete the others."""
    entries = [
        entry_model(article_id=row["article_id"], **{f: row[f] for f in _FIELDS}) for row in rows
    ]
    entry_model.objects.bulk_create(
        entries, update_conflicts=True, unique_fields=["article"], update_fields=list(_FIELDS)
    )
    kept = {entry.article_id for entry in entries}
    gone = [pk for pk in article_ids if pk not in kept]
    if gone:
        entry_model.objects.filter(article_id__in=gone).delete()


def queue_keys(article_ids: Collection[int]) -> dict[int, list[tuple[str, str]]]:
    """The filter keys of these articles, sorted: the event type and sub-type codes of their
    coder events, their coders' ids (any assignment, whatever its status), and every
    (coder, type code) pair of those two (an event type and a coder filter together)."""
    found: dict[int, set[tuple[str, str]]] = {pk: set() for pk in article_ids}
    # calibration work (a coder re-coding validated gold blind) is never part of the queue
    events = CodedEvent.objects.filter(
        REAL_EVENT, article_id__in=article_ids, layer=CodedEvent.Layer.CODER
    )
    for article_id, type_code, subtype_code in (
        events.values_list("article_id", "event_type__code", "event_subtype__code")
        .distinct()
        .order_by()
    ):
        found[article_id].add((ReviewQueueKey.Kind.EVENT_TYPE, type_code))
        if subtype_code:
            found[article_id].add((ReviewQueueKey.Kind.EVENT_TYPE, subtype_code))
    for article_id, coder_id in Assignment.objects.filter(
        REAL_ASSIGNMENT, article_id__in=article_ids
    ).values_list("article_id", "coder_id"):
        found[article_id].add((ReviewQueueKey.Kind.CODER, str(coder_id)))
    for keys in found.values():
        codes = [value for kind, value in keys if kind == ReviewQueueKey.Kind.EVENT_TYPE]
        coders = [value for kind, value in keys if kind == ReviewQueueKey.Kind.CODER]
        pairs = (pair_value(coder, code) for coder in coders for code in codes)
        keys.update((ReviewQueueKey.Kind.PAIR, pair) for pair in pairs)
    return {pk: sorted(keys) for pk, keys in found.items()}


def _stored(ids: list[int]) -> tuple[list[dict[str, Any]], dict[int, list[tuple[str, str]]]]:
    entries: list[dict[str, Any]] = [
        dict(row)
        for row in ReviewQueueEntry.objects.filter(article_id__in=ids).values(
            "project_id",
            "article_id",
            "unanimous",
            "adjudication_state",
            "top_severity",
            "n_disagreements",
            "n_coders",
        )
    ]
    keys: dict[int, list[tuple[str, str]]] = {}
    for article_id, kind, value in ReviewQueueKey.objects.filter(article_id__in=ids).values_list(
        "article_id", "kind", "value"
    ):
        keys.setdefault(article_id, []).append((kind, value))
    return entries, keys


def _store_keys(ids: list[int], keys: dict[int, list[tuple[str, str]]]) -> None:
    """Make the keys of `ids` those of their listed entries, with the entries' order keys."""
    ReviewQueueKey.objects.filter(article_id__in=ids).delete()
    entries = (
        ReviewQueueEntry.objects.filter(article_id__in=ids, order_key__isnull=False)
        .order_by("article_id")
        .values_list("project_id", "article_id", "unanimous", "adjudication_state", "order_key")
    )
    ReviewQueueKey.objects.bulk_create(
        (
            ReviewQueueKey(
                project_id=project_id,
                article_id=article_id,
                kind=kind,
                value=value,
                unanimous=unanimous,
                adjudication_state=state,
                order_key=order_key,
            )
            for project_id, article_id, unanimous, state, order_key in entries
            for kind, value in keys[article_id]
        ),
        batch_size=5000,
    )


def review_queue_refresh(*, article_ids: Collection[int]) -> None:
    """Recompute the queue rows, filter keys and counts of these articles from their sources.

    Call inside the transaction that changed a run, an adjudication, or a queued article's
    coder events or assignments. The articles' rows are locked first (FOR NO KEY UPDATE, in
    id order), so two transactions refreshing one article take turns, and the later one
    reads the earlier one's committed change (READ COMMITTED takes a new snapshot per
    statement) instead of overwriting it with what it saw before; the counts' change is
    the difference between what the locked rows were and what they become.
    """
    ids = sorted(set(article_ids))
    if not ids:
        return
    with transaction.atomic():
        list(
            Article.objects.select_for_update(no_key=True)
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        before, before_keys = _stored(ids)
        rows = queue_rows(
            run_model=AgreementRun,
            disagreement_model=Disagreement,
            adjudication_model=Adjudication,
            article_ids=ids,
        )
        store_rows(entry_model=ReviewQueueEntry, article_ids=ids, rows=rows)
        keys = queue_keys([row["article_id"] for row in rows if listed(row)])
        _store_keys(ids, keys)
        by_project: dict[int, Counter[Any]] = {}
        for project_id in {row["project_id"] for row in [*before, *rows]}:
            delta = combinations([r for r in rows if r["project_id"] == project_id], keys)
            delta.subtract(
                combinations([r for r in before if r["project_id"] == project_id], before_keys)
            )
            by_project[project_id] = delta
        for project_id, change in sorted(by_project.items()):
            counts_append(project_id=project_id, delta=change)


def review_queue_follow_coding(*, article_ids: Collection[int]) -> None:
    """Refresh those of these articles that are queued: their coder events or assignments
    changed, and with them their filter keys. One indexed look-up when none is queued (the
    common case: coders code before their article has a run).

    Precondition: inside the transaction that made the change."""
    queued = list(
        ReviewQueueEntry.objects.filter(article_id__in=list(article_ids)).values_list(
            "article_id", flat=True
        )
    )
    if queued:
        review_queue_refresh(article_ids=queued)


def review_queue_rebuild(*, project: Project) -> int:
    """Recompute every queue row and filter key of the project, a chunk of articles per
    transaction, then its counts in one. Returns the number of articles looked at. For
    repair; the services keep the rows right."""
    seen = 0
    article_ids = list(
        Article.objects.filter(project=project).order_by("pk").values_list("pk", flat=True)
    )
    for start in range(0, len(article_ids), REBUILD_CHUNK):
        chunk = article_ids[start : start + REBUILD_CHUNK]
        review_queue_refresh(article_ids=chunk)
        seen += len(chunk)
    counts_recount(project=project)
    return seen
