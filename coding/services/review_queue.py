"""Keeps ReviewQueueEntry (the adjudication queue, one row per article) equal to what the
article's latest finished agreement run and its adjudication say.

Callers: the agreement service when it stores article runs, the adjudication services when an
adjudication is opened, validated or reopened, the backfill migration and the
`rebuild_review_queue` command. Each refresh recomputes the named articles' rows from their
sources (never patches a field), so a refresh run twice, or late, still leaves them right.
"""

from __future__ import annotations

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
    Adjudication,
    AgreementRun,
    Article,
    Disagreement,
    Project,
    ReviewQueueEntry,
)

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


def review_queue_refresh(*, article_ids: Collection[int]) -> None:
    """Recompute the queue rows of these articles from their sources.

    Call inside the transaction that changed a run or an adjudication of theirs. The
    articles' rows are locked first (FOR NO KEY UPDATE, in id order), so two transactions
    refreshing one article take turns, and the later one reads the earlier one's committed
    change (READ COMMITTED takes a new snapshot per statement) instead of overwriting it
    with what it saw before.
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
        rows = queue_rows(
            run_model=AgreementRun,
            disagreement_model=Disagreement,
            adjudication_model=Adjudication,
            article_ids=ids,
        )
        store_rows(entry_model=ReviewQueueEntry, article_ids=ids, rows=rows)


def review_queue_rebuild(*, project: Project) -> int:
    """Recompute every queue row of the project, a chunk of articles per transaction.
    Returns the number of articles looked at. For repair; the services keep the rows right."""
    seen = 0
    article_ids = list(
        Article.objects.filter(project=project).order_by("pk").values_list("pk", flat=True)
    )
    for start in range(0, len(article_ids), REBUILD_CHUNK):
        chunk = article_ids[start : start + REBUILD_CHUNK]
        review_queue_refresh(article_ids=chunk)
        seen += len(chunk)
    return seen
