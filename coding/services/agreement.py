"""Agreement runs: per article (after the last submission) and per project (debounced).

Runs are keyed by a digest of their inputs (coder events and their versions, the codebook
version, the algorithm version): computing the same inputs again changes nothing, so a task
that is delivered twice, or re-run after its worker died, is harmless.
"""

from __future__ import annotations

import hashlib
import math
import os
import time
from collections.abc import Iterator, Mapping
from itertools import combinations, islice
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from coding.agreement import (
    AlphaResult,
    ArticleAgreement,
    ProjectAgreementAccumulator,
    compute_article_agreement,
)
from coding.agreement.accumulator import PRESENCE_KEY, AlphaAccumulator
from coding.codebook_runtime import version_spec
from coding.models import AgreementResult, AgreementRun, Article, Assignment, Disagreement, Project
from coding.services.agreement_inputs import (
    ALGORITHM_VERSION,
    ArticleInputs,
    agreement_fields,
    load_article_inputs,
)

CHUNK = 500
BOOTSTRAP_SAMPLES = 1000
BOOTSTRAP_SEED = 20_240_601
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


def _jsonable(value: Any) -> Any:
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
        details={"n_dropped_units": alpha.n_dropped_units, "n_values": alpha.n_values},
        **extra,
    )


def _store_article(run: AgreementRun, result: ArticleAgreement) -> None:
    article_id = run.article_id
    assert article_id is not None
    rows = [_result_row(run, PRESENCE_KEY, result.detection)]
    rows += [_result_row(run, key, field.alpha) for key, field in result.fields.items()]
    AgreementResult.objects.bulk_create(rows)
    keys = [cluster_key(c.events) for c in result.clusters]
    Disagreement.objects.bulk_create(
        Disagreement(
            run=run,
            article_id=article_id,
            kind=_KIND[d.kind],
            severity=6 - d.severity,
            cluster_key=keys[d.cluster_index],
            field_key=d.field_key or "",
            details={
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
    )
    run.params = {
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


def _article_result(inputs: ArticleInputs, fields: list[Any]) -> ArticleAgreement:
    return compute_article_agreement(inputs.events, fields, inputs.coders)


def _save_article_run(project: Project, inputs: ArticleInputs, fields: list[Any]) -> AgreementRun:
    """The done run for these exact inputs, computing and storing it if new."""
    existing = AgreementRun.objects.filter(
        article_id=inputs.article_id,
        scope="article",
        input_digest=inputs.digest,
        status=AgreementRun.Status.DONE,
    ).first()
    if existing:
        return existing
    result = _article_result(inputs, fields)
    now = timezone.now()
    try:
        with transaction.atomic():
            run = AgreementRun.objects.create(
                project=project,
                article_id=inputs.article_id,
                scope="article",
                input_digest=inputs.digest,
                status=AgreementRun.Status.DONE,
                started_at=now,
                finished_at=now,
                progress_done=1,
                progress_total=1,
            )
            _store_article(run, result)
            run.save(update_fields=["params"])
    except IntegrityError:  # a concurrent delivery stored the same inputs first
        return AgreementRun.objects.get(
            article_id=inputs.article_id, scope="article", input_digest=inputs.digest
        )
    return run


def article_agreement_compute(*, article_id: int) -> AgreementRun | None:
    """Compute (or find) the agreement run of an article whose coders have all submitted.

    Returns None when the article is not ready (a coder has not submitted, or < 2 coders).
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
        Assignment.objects.filter(project=project)
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
        self.n_articles = 0

    def add(self, article_id: int, result: ArticleAgreement) -> None:
        self.n_articles += 1
        self.overall.add_article(result, article_id)
        for index in range(len(result.clusters)):
            acc = self.by_type.setdefault(
                _dominant_type(result, index), ProjectAgreementAccumulator(self.fields)
            )
            acc.accumulators[PRESENCE_KEY].add(
                [[row[index]] for row in result.presence],
                cluster=article_id,
                coder_ids=result.coders,
            )
            for spec in self.fields:
                matrix = result.fields[spec.key].matrix
                acc.accumulators[spec.key].add(
                    [[row[index]] for row in matrix], cluster=article_id, coder_ids=result.coders
                )
        for (i, a), (j, b) in combinations(enumerate(result.coders), 2):
            pair = self.by_pair.setdefault((a, b), AlphaAccumulator("nominal"))
            pair.add([result.presence[i], result.presence[j]], cluster=article_id, coder_ids=(a, b))

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
        return rows


def _test_pause() -> None:
    """Fault-injection knob for the worker-crash test: pause between chunks."""
    pause = float(os.environ.get("ATHAR_AGREEMENT_TEST_PAUSE", "0") or 0)
    if pause:
        time.sleep(pause)


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
    if run_id is None:
        run = AgreementRun.objects.create(
            project=project,
            scope="project",
            status=AgreementRun.Status.RUNNING,
            input_digest=f"auto:{timezone.now().isoformat()}:{os.getpid()}",
            started_at=timezone.now(),
        )
    else:
        run = AgreementRun.objects.get(pk=run_id, project=project, scope="project")
        AgreementResult.objects.filter(run=run).delete()
    total = project.articles.count()
    AgreementRun.objects.filter(pk=run.pk).update(
        status=AgreementRun.Status.RUNNING,
        progress_done=0,
        progress_total=total,
        started_at=timezone.now(),
        error="",
    )
    figures = _ProjectFigures(fields)
    digests = hashlib.sha256(ALGORITHM_VERSION.encode())
    done = 0
    for chunk in _ready_article_ids(project):
        for inputs in load_article_inputs(chunk, spec, version.pk):
            _save_article_run(project, inputs, fields)
            figures.add(inputs.article_id, _article_result(inputs, fields))
            digests.update(inputs.digest.encode())
        done += len(chunk)
        AgreementRun.objects.filter(pk=run.pk).update(progress_done=min(done, total))
        _test_pause()
    with transaction.atomic():
        AgreementResult.objects.bulk_create(figures.rows(run))
        AgreementRun.objects.filter(pk=run.pk).update(
            status=AgreementRun.Status.DONE,
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
            },
        )
    run.refresh_from_db()
    return run


def project_recompute_request(*, project: Project) -> AgreementRun:
    """A queued full-recompute run; the caller enqueues the task on commit."""
    return AgreementRun.objects.create(
        project=project,
        scope="project",
        status=AgreementRun.Status.QUEUED,
        input_digest=f"recompute:{timezone.now().isoformat()}:{os.urandom(4).hex()}",
        progress_total=project.articles.count(),
    )


def latest_project_run(project: Project) -> AgreementRun | None:
    return (
        AgreementRun.objects.filter(
            project=project, scope="project", status=AgreementRun.Status.DONE
        )
        .order_by("-finished_at", "-id")
        .first()
    )
