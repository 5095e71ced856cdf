"""Article agreement runs as stored rows: runs, results and disagreements, written with COPY
in one transaction per batch, keyed by a digest of their inputs (storing the same inputs
twice stores nothing new)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from coding.agreement import AlphaResult, ArticleAgreement, compute_article_agreement
from coding.agreement.accumulator import PRESENCE_KEY
from coding.models import AgreementResult, AgreementRun, Disagreement, Project
from coding.services.agreement_inputs import ALGORITHM_VERSION, ArticleInputs
from coding.services.agreement_rows import alpha_details, finite
from coding.services.review_queue import review_queue_refresh

_INSERT_BATCH = 2000

# Disagreement kinds of the maths package → stored kinds; severity stored as 5..1 (5 = worst).
_KIND = {
    "unmatched_event": "unmatched_event",
    "event_type": "event_type",
    "participants": "actors_location",
    "attribute": "other_field",
    "span_boundaries": "span",
}


def cluster_key(cluster_events: Mapping[int, Any]) -> str:
    """A stable name for an aligned cluster: its event ids, sorted."""
    return "e" + "-".join(str(e.id) for e in sorted(cluster_events.values(), key=lambda e: e.id))


_JSON_SCALARS = frozenset({str, int, bool, type(None)})


def _jsonable(value: Any) -> Any:
    if type(value) in _JSON_SCALARS:
        return value
    if isinstance(value, frozenset | set):
        return sorted((_jsonable(v) for v in value), key=str)
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _finite_rounded(value: float) -> float | None:
    """Cohesion of a one-event cluster is NaN (no pairs): stored as null (JSON has no NaN)."""
    return None if math.isnan(value) else round(value, 6)


def _article_params(result: ArticleAgreement, keys: list[str]) -> dict[str, Any]:
    return {
        "algorithm": ALGORITHM_VERSION,
        "coders": list(result.coders),
        "clusters": [
            {
                "key": keys[c.index],
                "cohesion": _finite_rounded(c.cohesion),
                "events": {str(coder): event.id for coder, event in c.events.items()},
            }
            for c in result.clusters
        ],
    }


# Columns written for article runs; JSON columns are serialized here (COPY takes text).
_RUN_COLUMNS = (
    "id",
    "project_id",
    "article_id",
    "scope",
    "status",
    "input_digest",
    "params",
    "progress_done",
    "progress_total",
    "error",
    "created_at",
    "started_at",
    "finished_at",
)
_RESULT_COLUMNS = (
    "run_id",
    "metric",
    "field_key",
    "event_type_code",
    "coder_a",
    "coder_b",
    "level",
    "value",
    "status",
    "ci_low",
    "ci_high",
    "p_below_667",
    "p_below_800",
    "n_units",
    "n_pairable",
    "n_coders",
    "percent_agreement",
    "details",
)
_DISAGREEMENT_COLUMNS = (
    "run_id",
    "article_id",
    "kind",
    "severity",
    "cluster_key",
    "field_key",
    "details",
)
_JSON_COLUMNS = frozenset({"params", "details"})


def _article_result_values(run_id: int, key: str, alpha: AlphaResult) -> tuple[Any, ...]:
    """One article result row in _RESULT_COLUMNS order (the fields `_result_row` sets)."""
    return (
        run_id,
        "alpha",
        "" if key == PRESENCE_KEY else key,
        "",  # all event types
        None,  # all coders
        None,
        alpha.level,
        finite(alpha.value),
        alpha.status,
        None,  # no interval for one article
        None,
        None,
        None,
        alpha.n_units,
        alpha.n_pairable_units,
        alpha.n_coders,
        finite(alpha.percent_agreement),
        alpha_details(alpha),
    )


def _article_rows(
    run_id: int, article_id: int, result: ArticleAgreement, keys: list[str]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The result rows and disagreement rows of one article run (column orders above)."""
    rows = [_article_result_values(run_id, PRESENCE_KEY, result.detection)]
    rows += [_article_result_values(run_id, k, f.alpha) for k, f in result.fields.items()]
    disagreements = [
        (
            run_id,
            article_id,
            _KIND[d.kind],
            6 - d.severity,
            keys[d.cluster_index],
            d.field_key or "",
            {
                "coders": list(d.coder_ids),
                "events": list(d.event_ids),
                "values": {str(c): _jsonable(v) for c, v in d.values.items()},
                "spans": {
                    str(c): [[s.role, s.start, s.end] for s in spans]
                    for c, spans in d.spans.items()
                },
            },
        )
        for d in result.disagreements
    ]
    return rows, disagreements


def _insert_rows(model: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Insert plain rows: COPY on PostgreSQL (several times faster than bulk_create for tens
    of thousands of rows), bulk_create elsewhere. Database errors surface as Django's."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows],
            batch_size=_INSERT_BATCH,
        )
        return
    json_at = [i for i, column in enumerate(columns) if column in _JSON_COLUMNS]
    statement = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.copy(statement) as copy,
    ):
        for row in rows:
            values = list(row)
            for i in json_at:
                values[i] = json.dumps(values[i])
            copy.write_row(values)


def _insert_runs(runs: list[AgreementRun]) -> None:
    """Insert new runs and give each its id, as bulk_create would."""
    if connection.vendor != "postgresql":
        AgreementRun.objects.bulk_create(runs)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [AgreementRun._meta.db_table, len(runs)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
    for run, pk in zip(runs, ids, strict=True):
        run.pk = pk
    _insert_rows(
        AgreementRun,
        _RUN_COLUMNS,
        [tuple(getattr(run, column) for column in _RUN_COLUMNS) for run in runs],
    )
    for run in runs:
        run._state.adding = False
        run._state.db = connection.alias


def _store_article_runs(
    project: Project, computed: list[tuple[ArticleInputs, ArticleAgreement]]
) -> list[AgreementRun]:
    """Insert done article runs with their results and disagreements: one transaction and
    three bulk inserts however many articles. Raises IntegrityError (and stores nothing)
    if the same inputs of one of them were stored meanwhile."""
    now = timezone.now()
    keys = [[cluster_key(c.events) for c in result.clusters] for _, result in computed]
    runs = [
        AgreementRun(
            project=project,
            article_id=inputs.article_id,
            scope="article",
            input_digest=inputs.digest,
            status=AgreementRun.Status.DONE,
            created_at=now,
            started_at=now,
            finished_at=now,
            progress_done=1,
            progress_total=1,
            params=_article_params(result, article_keys),
        )
        for (inputs, result), article_keys in zip(computed, keys, strict=True)
    ]
    with transaction.atomic():
        _insert_runs(runs)
        results: list[tuple[Any, ...]] = []
        disagreements: list[tuple[Any, ...]] = []
        for run, (inputs, result), article_keys in zip(runs, computed, keys, strict=True):
            run_results, run_disagreements = _article_rows(
                run.pk, inputs.article_id, result, article_keys
            )
            results += run_results
            disagreements += run_disagreements
        _insert_rows(AgreementResult, _RESULT_COLUMNS, results)
        _insert_rows(Disagreement, _DISAGREEMENT_COLUMNS, disagreements)
        review_queue_refresh(article_ids=[inputs.article_id for inputs, _ in computed])
    return runs


def article_result(inputs: ArticleInputs, fields: list[Any]) -> ArticleAgreement:
    return compute_article_agreement(inputs.events, fields, inputs.coders)


def save_article_run(
    project: Project,
    inputs: ArticleInputs,
    fields: list[Any],
    result: ArticleAgreement | None = None,
) -> AgreementRun:
    """The done run for these exact inputs, computing (unless `result` is given) and
    storing it if new."""
    existing = AgreementRun.objects.filter(
        article_id=inputs.article_id,
        scope="article",
        input_digest=inputs.digest,
        status=AgreementRun.Status.DONE,
    ).first()
    if existing:
        return existing
    if result is None:
        result = article_result(inputs, fields)
    try:
        return _store_article_runs(project, [(inputs, result)])[0]
    except IntegrityError:  # a concurrent delivery stored the same inputs first
        stored = AgreementRun.objects.filter(
            article_id=inputs.article_id, scope="article", input_digest=inputs.digest
        ).first()
        if stored is None:  # not that race: a real constraint violation
            raise
        return stored


def store_new_article_runs(
    project: Project,
    computed: list[tuple[ArticleInputs, ArticleAgreement]],
    fields: list[Any],
) -> None:
    """Store a chunk's runs whose inputs were not stored yet, in one bulk transaction; if a
    concurrent per-article task stored one of them meanwhile, go one by one instead."""
    if not computed:
        return
    try:
        _store_article_runs(project, computed)
    except IntegrityError:
        for inputs, result in computed:
            save_article_run(project, inputs, fields, result)
