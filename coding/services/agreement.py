"""Agreement runs: per article (after the last submission) and per project (debounced).

Runs are keyed by a digest of their inputs (coder events and their versions, the codebook
version, the algorithm version): computing the same inputs again changes nothing, so a task
that is delivered twice, or re-run after its worker died, is harmless.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import math
import os
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import combinations, islice
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from coding.agreement import (
    AlphaResult,
    ArticleAgreement,
    DetectionCounts,
    ProjectAgreementAccumulator,
    compute_article_agreement,
    pairwise_detection,
    prevalence_note,
)
from coding.agreement.accumulator import PRESENCE_KEY, AlphaAccumulator
from coding.codebook_runtime import version_spec
from coding.codebook_spec import CodebookSpec
from coding.models import (
    REAL_ASSIGNMENT,
    AgreementResult,
    AgreementRun,
    Article,
    Assignment,
    Disagreement,
    Project,
    User,
)
from coding.services.agreement_gamma import gamma_results
from coding.services.agreement_inputs import (
    ALGORITHM_VERSION,
    ArticleInputs,
    agreement_fields,
    load_article_inputs,
)
from coding.services.agreement_leases import lease_end as _lease_end
from coding.services.agreement_leases import run_claim as _claim
from coding.services.agreement_leases import run_renew as _renew
from coding.services.review_queue import review_queue_refresh

CHUNK = 500
_CHUNKS_PER_COLLECTION = 10  # full garbage collections while streaming (see _cyclic_gc_paused)
_INSERT_BATCH = 2000
BOOTSTRAP_SAMPLES = 1000
BOOTSTRAP_SEED = 20_240_601
DETECTION_F1 = "detection_f1"
ALPHA_BY_WEEK = "alpha_week"  # α per field over the articles whose coding ended that week


def coding_week(moment: dt.datetime | None) -> str | None:
    """The ISO week ("2026-W49") of a moment, in UTC; None stays None."""
    if moment is None:
        return None
    year, week, _ = moment.astimezone(dt.UTC).isocalendar()
    return f"{year}-W{week:02d}"


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


def _finite(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _finite_rounded(value: float) -> float | None:
    """Cohesion of a one-event cluster is NaN (no pairs): stored as null (JSON has no NaN)."""
    return None if math.isnan(value) else round(value, 6)


def _alpha_details(alpha: AlphaResult) -> dict[str, Any]:
    details: dict[str, Any] = {"n_dropped_units": alpha.n_dropped_units, "n_values": alpha.n_values}
    if alpha.distance is not None:  # the field's own δ² (coding/agreement/distances.py)
        details["distance"] = alpha.distance
    if not math.isnan(alpha.ac1):  # project figures: never a lone α
        details["ac1"] = alpha.ac1
        details["most_common_share"] = _finite(alpha.most_common_share)
        note = prevalence_note(
            alpha.value, alpha.ac1, alpha.percent_agreement, alpha.most_common_share
        )
        if note is not None:
            details["note"] = note
    return details


def _result_row(run: AgreementRun, key: str, alpha: AlphaResult, **extra: Any) -> AgreementResult:
    return AgreementResult(
        run=run,
        metric="alpha",
        field_key="" if key == PRESENCE_KEY else key,
        level=alpha.level,
        value=_finite(alpha.value),
        status=alpha.status,
        n_units=alpha.n_units,
        n_pairable=alpha.n_pairable_units,
        n_coders=alpha.n_coders,
        percent_agreement=_finite(alpha.percent_agreement),
        details=_alpha_details(alpha),
        **extra,
    )


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
        _finite(alpha.value),
        alpha.status,
        None,  # no interval for one article
        None,
        None,
        None,
        alpha.n_units,
        alpha.n_pairable_units,
        alpha.n_coders,
        _finite(alpha.percent_agreement),
        _alpha_details(alpha),
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


def _article_result(inputs: ArticleInputs, fields: list[Any]) -> ArticleAgreement:
    return compute_article_agreement(inputs.events, fields, inputs.coders)


def _save_article_run(
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
        result = _article_result(inputs, fields)
    try:
        return _store_article_runs(project, [(inputs, result)])[0]
    except IntegrityError:  # a concurrent delivery stored the same inputs first
        stored = AgreementRun.objects.filter(
            article_id=inputs.article_id, scope="article", input_digest=inputs.digest
        ).first()
        if stored is None:  # not that race: a real constraint violation
            raise
        return stored


def _store_new_article_runs(
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
            _save_article_run(project, inputs, fields, result)


def article_agreement_compute(*, article_id: int) -> AgreementRun | None:
    """Compute (or find) the agreement run of an article whose coders have all submitted.

    Returns None when the article is not ready (a coder has not submitted, or no coder). An
    article with one coder gets a run too: no agreement figures, but its clusters (one per
    event) for adjudication.
    """
    article = Article.objects.select_related("project__codebook_version").get(pk=article_id)
    version = article.project.codebook_version
    spec = version_spec(version)
    inputs = load_article_inputs([article_id], spec, version.pk)
    if not inputs:
        return None
    return _save_article_run(article.project, inputs[0], agreement_fields(spec))


def latest_article_run(article_id: int) -> AgreementRun | None:
    return (
        AgreementRun.objects.filter(
            article_id=article_id, scope="article", status=AgreementRun.Status.DONE
        )
        .order_by("-finished_at", "-id")
        .first()
    )


# --- Project level ---------------------------------------------------------------------------


def _ready_article_ids(project: Project) -> Iterator[list[int]]:
    """Ids of articles with only submitted assignments, in chunks (streamed)."""
    pending = set(
        Assignment.objects.filter(REAL_ASSIGNMENT, project=project)
        .exclude(status=Assignment.Status.SUBMITTED)
        .values_list("article_id", flat=True)
    )
    ids = (
        a
        for a in project.articles.order_by("id")
        .values_list("id", flat=True)
        .iterator(chunk_size=5000)
        if a not in pending
    )
    while chunk := list(islice(ids, CHUNK)):
        yield chunk


def _columns(matrix: Sequence[Sequence[Any]], indexes: list[int]) -> list[list[Any]]:
    return [[row[i] for i in indexes] for row in matrix]


def _dominant_type(result: ArticleAgreement, index: int) -> str:
    types = [e.event_type for e in result.clusters[index].events.values()]
    return max(sorted(set(types)), key=types.count)


class _ProjectFigures:
    """Accumulators for the project: overall, per event type, per coder pair."""

    def __init__(self, fields: list[Any]) -> None:
        self.fields = fields
        self.overall = ProjectAgreementAccumulator(fields)
        self.by_type: dict[str, ProjectAgreementAccumulator] = {}
        self.by_pair: dict[tuple[int, int], AlphaAccumulator] = {}
        self.by_week: dict[str, ProjectAgreementAccumulator] = {}
        self.detection = DetectionCounts()
        self.detection_by_pair: dict[tuple[int, int], DetectionCounts] = {}
        self.n_articles = 0

    def add(self, article_id: int, result: ArticleAgreement, week: str | None = None) -> None:
        """Fold one article in; `week` (ISO "2026-W49") is the week its coding ended."""
        self.n_articles += 1
        self.overall.add_article(result, article_id)
        if week is not None:
            weekly = self.by_week.get(week)
            if weekly is None:  # a chart, not an inference: no bootstrap, no per-unit copies
                weekly = self.by_week[week] = ProjectAgreementAccumulator(
                    self.fields, keep_units=False
                )
            weekly.add_article(result, article_id)
        clusters_by_type: dict[str, list[int]] = {}
        for index in range(len(result.clusters)):
            clusters_by_type.setdefault(_dominant_type(result, index), []).append(index)
        for code, indexes in clusters_by_type.items():
            acc = self.by_type.get(code)
            if acc is None:  # drill-downs are not bootstrapped: no per-unit copies
                acc = self.by_type[code] = ProjectAgreementAccumulator(
                    self.fields, keep_units=False
                )
            acc.accumulators[PRESENCE_KEY].add(
                _columns(result.presence, indexes), cluster=article_id, coder_ids=result.coders
            )
            for spec in self.fields:
                acc.accumulators[spec.key].add(
                    _columns(result.fields[spec.key].matrix, indexes),
                    cluster=article_id,
                    coder_ids=result.coders,
                )
        for (i, a), (j, b) in combinations(enumerate(result.coders), 2):
            pair = self.by_pair.get((a, b))
            if pair is None:
                pair = self.by_pair[a, b] = AlphaAccumulator("nominal", keep_units=False)
            pair.add([result.presence[i], result.presence[j]], cluster=article_id, coder_ids=(a, b))
        for pair_key, counts in pairwise_detection(result.presence, result.coders):
            self.detection.add(counts)
            self.detection_by_pair.setdefault(pair_key, DetectionCounts()).add(counts)

    def rows(self, run: AgreementRun) -> list[AgreementResult]:
        rows = []
        boots = self.overall.bootstraps(n_boot=BOOTSTRAP_SAMPLES, seed=BOOTSTRAP_SEED)
        for key, alpha in self.overall.results().items():
            boot = boots[key]
            rows.append(
                _result_row(
                    run,
                    key,
                    alpha,
                    ci_low=_finite(boot.low),
                    ci_high=_finite(boot.high),
                    p_below_667=_finite(boot.p_below_667),
                    p_below_800=_finite(boot.p_below_800),
                )
            )
            rows[-1].details.update(
                {"n_boot": boot.n_boot, "seed": boot.seed, "n_articles": boot.n_clusters}
            )
        for code, acc in sorted(self.by_type.items()):
            for key, alpha in acc.results().items():
                rows.append(_result_row(run, key, alpha, event_type_code=code))
        for (a, b), pair in sorted(self.by_pair.items()):
            rows.append(_result_row(run, PRESENCE_KEY, pair.result(), coder_a=a, coder_b=b))
        for week, weekly in sorted(self.by_week.items()):
            for key, alpha in weekly.results().items():
                row = _result_row(run, key, alpha)
                row.metric = ALPHA_BY_WEEK
                row.details["week"] = week
                rows.append(row)
        rows.append(_detection_row(run, self.detection))
        for (a, b), counts in sorted(self.detection_by_pair.items()):
            rows.append(_detection_row(run, counts, coder_a=a, coder_b=b))
        return rows


def _detection_row(run: AgreementRun, counts: DetectionCounts, **pair: Any) -> AgreementResult:
    """Event detection F1 between coders (coding/agreement/detection.py), micro-averaged."""
    return AgreementResult(
        run=run,
        metric=DETECTION_F1,
        field_key="",
        value=_finite(counts.f1),
        status="ok" if counts.events else "undefined: no events",
        n_units=counts.events,
        n_pairable=counts.true_positives,
        details={"true_positives": counts.true_positives, "events": counts.events},
        **pair,
    )


def _test_pause() -> None:
    """Fault-injection knob for the worker-crash test: pause between chunks."""
    pause = float(os.environ.get("ATHAR_AGREEMENT_TEST_PAUSE", "0") or 0)
    if pause:
        time.sleep(pause)


def _fold_chunk(
    project: Project,
    chunk: list[int],
    spec: CodebookSpec,
    version_id: int,
    fields: list[Any],
    figures: _ProjectFigures,
    digests: Any,
) -> None:
    """Compute a chunk of articles, fold them into the project figures, and store the
    article runs whose inputs were not stored yet (three bulk inserts for the chunk)."""
    loaded = load_article_inputs(chunk, spec, version_id)
    stored = set(
        AgreementRun.objects.filter(
            article_id__in=[inputs.article_id for inputs in loaded],
            scope="article",
            status=AgreementRun.Status.DONE,
        ).values_list("article_id", "input_digest")
    )
    fresh = []
    for inputs in loaded:
        result = _article_result(inputs, fields)
        if (inputs.article_id, inputs.digest) not in stored:
            fresh.append((inputs, result))
        if len(inputs.coders) < 2:  # stored for adjudication; no agreement to measure
            continue
        figures.add(inputs.article_id, result, coding_week(inputs.coded_at))
        digests.update(inputs.digest.encode())
    _store_new_article_runs(project, fresh, fields)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while articles stream through.

    Each chunk makes hundreds of thousands of short-lived objects, which reference counting
    frees (the loop makes next to no reference cycles), yet the collector's passes over them
    took about a third of the worker's CPU (bench/bench_agreement.py). The loop still runs a
    full collection every few chunks, so memory stays bounded even if cycles appear.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def project_agreement_compute(*, project_id: int, run_id: int | None = None) -> AgreementRun:
    """Recompute every ready article (reusing stored article runs whose inputs are unchanged)
    and the project's figures. Streams articles in chunks: memory stays bounded.

    With `run_id` (a run created by a supervisor's "recompute"), progress is reported on it;
    a re-delivered task starts that run over and ends with the same results.
    """
    project = Project.objects.select_related("codebook_version").get(pk=project_id)
    version = project.codebook_version
    spec = version_spec(version)
    fields = agreement_fields(spec)
    token = uuid.uuid4().hex
    total = project.articles.count()
    if run_id is None:
        run = AgreementRun.objects.create(
            project=project,
            scope="project",
            status=AgreementRun.Status.RUNNING,
            input_digest=f"auto:{timezone.now().isoformat()}:{os.urandom(4).hex()}",
            started_at=timezone.now(),
            progress_total=total,
            lease_token=token,
            lease_until=_lease_end(),
        )
    else:
        run = AgreementRun.objects.get(pk=run_id, project=project, scope="project")
        if not _claim(run, token, total):
            return run  # done, failed, or leased by a live worker: a second delivery
        AgreementResult.objects.filter(run=run).delete()
    figures = _ProjectFigures(fields)
    digests = hashlib.sha256(ALGORITHM_VERSION.encode())
    done = 0
    with_gamma = bool(run.params.get("gamma"))  # asked for by a supervisor's recompute
    gamma_articles: list[int] = []
    with _cyclic_gc_paused():
        for n_chunks, chunk in enumerate(_ready_article_ids(project), start=1):
            _fold_chunk(project, chunk, spec, version.pk, fields, figures, digests)
            if with_gamma:
                gamma_articles += chunk
            done += len(chunk)
            _renew(run, token, progress_done=min(done, total))
            if n_chunks % _CHUNKS_PER_COLLECTION == 0:
                gc.collect()
            _test_pause()
    rows = figures.rows(run)
    gamma: dict[str, Any] = {}
    if with_gamma:
        gamma_rows, skipped = gamma_results(
            run, gamma_articles, spec, version.pk, renew=lambda: _renew(run, token)
        )
        rows += gamma_rows
        gamma = {"gamma": {"articles": len(gamma_rows), "skipped": skipped}}
    with transaction.atomic():
        _renew(run, token)  # still ours: nothing is stored by a worker that lost its lease
        AgreementResult.objects.bulk_create(rows)
        AgreementRun.objects.filter(pk=run.pk).update(
            status=AgreementRun.Status.DONE,
            lease_until=None,
            lease_token="",
            progress_done=total,
            finished_at=timezone.now(),
            params={
                "algorithm": ALGORITHM_VERSION,
                "inputs_digest": digests.hexdigest(),
                "n_articles": figures.n_articles,
                "bootstrap": {
                    "samples": BOOTSTRAP_SAMPLES,
                    "seed": BOOTSTRAP_SEED,
                    "resampled_unit": "article",
                },
                **gamma,
            },
        )
    run.refresh_from_db()
    return run


@transaction.atomic
def project_recompute_request(
    *,
    project: Project,
    kind: str = "recompute",
    gamma: bool = False,
    actor: User | None = None,
) -> AgreementRun:
    """A queued run of the project's figures, recorded with its outbox row (the drain hands
    it to a worker; the lease sweep hands it again if the worker dies). `kind` "auto" is
    the debounced run after submissions, which the drain itself creates.

    ``gamma`` asks the run for γ per article as well (coding.services.agreement_gamma; about
    1.3 s an article, so only on request). The caller has checked that ``actor`` may ask
    (supervisors and admins); the request is audited when an actor is given."""
    from coding.services.audit import audit_record
    from coding.services.outbox import outbox_record

    run = AgreementRun.objects.create(
        project=project,
        scope="project",
        status=AgreementRun.Status.QUEUED,
        input_digest=f"{kind}:{timezone.now().isoformat()}:{os.urandom(4).hex()}",
        progress_total=project.articles.count(),
        lease_until=_lease_end(),
        params={"gamma": True} if gamma else {},
    )
    if actor is not None:
        audit_record(
            action="agreement.recompute",
            actor=actor,
            project=project,
            target=run,
            data={"gamma": gamma},
        )
    if kind == "recompute":
        outbox_record(
            kind="project_run",
            key=f"run:{run.pk}",
            payload={"project_id": project.pk, "run_id": run.pk},
        )
    return run


def latest_project_run(project: Project) -> AgreementRun | None:
    return (
        AgreementRun.objects.filter(
            project=project, scope="project", status=AgreementRun.Status.DONE
        )
        .order_by("-finished_at", "-id")
        .first()
    )
