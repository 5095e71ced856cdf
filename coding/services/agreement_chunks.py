"""A project recompute split into chunks that any number of Celery workers compute.

1. `project_run_plan` (the run's task, on one worker) takes the run's lease and cuts the
   project's ready articles into chunks of ATHAR_AGREEMENT_CHUNK_ARTICLES (AgreementChunk
   rows, planned once per run); the task sends the chunks still to do as a Celery group.
2. `agreement_chunk_compute` (any worker) takes one chunk under its own lease, computes its
   articles (storing their article runs, as one article's task would), and stores the
   chunk's fold records (coding.services.agreement_figures) and, when asked for, γ per
   article. It renews the run's lease, so a run whose chunks progress is never swept.
   Marking the chunk done locks the run row, so exactly one worker sees the last chunk done.
3. `project_run_finish` (the worker that finished the last chunk) folds the chunks' records
   in chunk order, which is ascending article order — the same arithmetic as one process
   computing everything (`compute_chunk` is what both run) — and publishes the run
   (coding.services.agreement_publish).

Crash safety: a chunk whose worker died keeps its passed lease; nothing renews the run's
lease any more, so the sweep hands the run over again and the new plan re-sends every
chunk not done whose lease passed. A chunk computed twice stores the same payload (article
runs are keyed by their inputs' digest), and a worker that lost a chunk's lease stores
nothing. A broker that is down when chunks are sent only delays them the same way.
"""

from __future__ import annotations

import gc
import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Least
from django.utils import timezone

from coding.agreement import unitizing_part
from coding.codebook_runtime import version_spec
from coding.codebook_spec import CodebookSpec
from coding.models import (
    REAL_ASSIGNMENT,
    AgreementChunk,
    AgreementRun,
    Article,
    Assignment,
    Project,
)
from coding.services.agreement_figures import ChunkOutput, FoldRecord, RunFold, coding_week
from coding.services.agreement_gamma import article_gamma, article_spans
from coding.services.agreement_inputs import agreement_fields, load_article_inputs
from coding.services.agreement_leases import LeaseLost, lease_end, run_claim
from coding.services.agreement_publish import run_publish
from coding.services.agreement_store import article_result, store_new_article_runs

_LIVE = (AgreementRun.Status.QUEUED, AgreementRun.Status.RUNNING)


def fault_pause(variable: str) -> None:
    """Fault-injection knobs for the worker-crash tests (seconds to sleep)."""
    pause = float(os.environ.get(variable, "0") or 0)
    if pause:
        time.sleep(pause)


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while articles stream through.

    Each chunk makes hundreds of thousands of short-lived objects, which reference counting
    frees (the loop makes next to no reference cycles), yet the collector's passes over them
    took about a third of the worker's CPU (bench/bench_agreement.py). A full collection
    runs when the pause ends, so memory stays bounded even if cycles appear.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect()


def ready_article_ids(project: Project) -> Iterator[list[int]]:
    """Ids of articles with only submitted assignments, ascending, in chunks (streamed)."""
    pending = set(
        Assignment.objects.filter(
            REAL_ASSIGNMENT, project=project
        )  # calibration work waits for no one
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
    while chunk := list(islice(ids, settings.ATHAR_AGREEMENT_CHUNK_ARTICLES)):
        yield chunk


def compute_chunk(
    project: Project,
    article_ids: list[int],
    spec: CodebookSpec,
    fields: list[Any],
    *,
    gamma: bool,
    heartbeat: Callable[[], None],
) -> ChunkOutput:
    """Compute a chunk of articles: store the article runs whose inputs were not stored yet
    (three bulk inserts), and return what the project's figures need from them."""
    version_id = project.codebook_version_id
    loaded = load_article_inputs(article_ids, spec, version_id)
    stored = set(
        AgreementRun.objects.filter(
            article_id__in=[inputs.article_id for inputs in loaded],
            scope="article",
            status=AgreementRun.Status.DONE,
        ).values_list("article_id", "input_digest")
    )
    lengths = dict(
        Article.objects.filter(pk__in=[i.article_id for i in loaded]).values_list("pk", "len_cp")
    )
    output = ChunkOutput()
    fresh = []
    for inputs in loaded:
        result = article_result(inputs, fields)
        if (inputs.article_id, inputs.digest) not in stored:
            fresh.append((inputs, result))
        if len(inputs.coders) < 2:  # stored for adjudication; no agreement to measure
            continue
        length = lengths.get(inputs.article_id, 0)
        unitizing = (
            unitizing_part(article_spans(inputs), coders=inputs.coders, continuum=(0, length))
            if length
            else None
        )
        output.records.append(
            FoldRecord.of(inputs.article_id, result, coding_week(inputs.coded_at), unitizing)
        )
        output.digests.append(inputs.digest)
    store_new_article_runs(project, fresh, fields)
    if gamma:
        for inputs in loaded:
            row = article_gamma(inputs)
            if row is None:
                output.gamma_skipped += 1
            else:
                output.gamma.append(row)
            heartbeat()  # ~1.3 s an article: stay inside the lease
    return output


def _project_of(run: AgreementRun) -> tuple[Project, CodebookSpec, list[Any]]:
    project = Project.objects.select_related("codebook_version").get(pk=run.project_id)
    spec = version_spec(project.codebook_version)
    return project, spec, agreement_fields(spec)


# --- the distributed path ---------------------------------------------------------------------


@dataclass(frozen=True)
class RunPlan:
    run_id: int
    send: list[int]  # chunk indexes to send to workers
    finish: bool  # every chunk is done: finish the run now


def project_run_plan(*, project_id: int, run_id: int | None = None) -> RunPlan | None:
    """Take the run (None: a new "auto" run) and cut it into chunks, once; the chunks to
    send are those not done whose lease passed (all of them the first time). None when the
    run is not this worker's to plan (done, failed, or leased by a live worker)."""
    project = Project.objects.get(pk=project_id)
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
            lease_until=lease_end(),
        )
    else:
        run = AgreementRun.objects.get(pk=run_id, project=project, scope="project")
        if not run_claim(run, token, total):
            return None
    with transaction.atomic():
        if not AgreementChunk.objects.filter(run=run).exists():
            AgreementChunk.objects.bulk_create(
                AgreementChunk(run=run, index=index, article_ids=ids)
                for index, ids in enumerate(ready_article_ids(project))
            )
        now = timezone.now()
        chunks = AgreementChunk.objects.filter(run=run)
        done_ids = chunks.filter(status="done").values_list("article_ids", flat=True)
        done = sum(len(ids) for ids in done_ids)
        AgreementRun.objects.filter(pk=run.pk).update(
            progress_done=min(done, total), lease_until=lease_end()
        )
        due = chunks.filter(status="pending").filter(
            Q(lease_until__isnull=True) | Q(lease_until__lt=now)
        )
        send = sorted(due.values_list("index", flat=True))
        # A pick-up lease: a second plan within it does not send the chunk again.
        due.update(lease_token="", lease_until=lease_end())
        finish = not chunks.filter(status="pending").exists()
    return RunPlan(run.pk, send, finish)


def agreement_chunk_compute(*, run_id: int, index: int) -> bool:
    """Compute one chunk of a live run under the chunk's lease; True when this completed
    the run's last chunk (the caller then finishes the run). A chunk that is done, or held
    by a live worker, or of a run no longer live, is left alone (False)."""
    token = uuid.uuid4().hex
    now = timezone.now()
    took = (
        AgreementChunk.objects.filter(
            run_id=run_id, index=index, status="pending", run__status__in=_LIVE
        )
        .filter(Q(lease_token="") | Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_token=token, lease_until=lease_end(), attempts=F("attempts") + 1)
    )
    if not took:
        return False
    chunk = AgreementChunk.objects.get(run_id=run_id, index=index)
    run = AgreementRun.objects.get(pk=run_id)
    project, spec, fields = _project_of(run)

    def heartbeat() -> None:
        if not AgreementChunk.objects.filter(pk=chunk.pk, lease_token=token).update(
            lease_until=lease_end()
        ):
            raise LeaseLost(f"chunk {index} of agreement run {run_id} was taken by another worker")
        AgreementRun.objects.filter(pk=run_id, status__in=_LIVE).update(lease_until=lease_end())

    with cyclic_gc_paused():
        output = compute_chunk(
            project,
            chunk.article_ids,
            spec,
            fields,
            gamma=bool(run.params.get("gamma")),
            heartbeat=heartbeat,
        )
        payload = output.encode()
    fault_pause("ATHAR_AGREEMENT_TEST_CHUNK_PAUSE")
    with transaction.atomic():
        # The run row's lock orders the chunks' completions: exactly one sees none pending.
        live = AgreementRun.objects.select_for_update().filter(pk=run_id, status__in=_LIVE)
        if not live.exists():
            return False
        if not AgreementChunk.objects.filter(
            pk=chunk.pk, lease_token=token, status="pending"
        ).update(status="done", payload=payload, lease_token="", lease_until=None):
            return False  # our lease passed and another worker took (or finished) it
        AgreementRun.objects.filter(pk=run_id).update(
            progress_done=Least(F("progress_done") + len(chunk.article_ids), F("progress_total")),
            lease_until=lease_end(),
        )
        return not AgreementChunk.objects.filter(run_id=run_id, status="pending").exists()


def project_run_finish(*, run_id: int) -> AgreementRun:
    """Fold every chunk's output in chunk order and publish the run. Harmless to call twice
    or on a run not live (the publish step takes the run row's lock and checks)."""
    run = AgreementRun.objects.get(pk=run_id)
    chunks = list(
        AgreementChunk.objects.filter(run=run).order_by("index").values_list("pk", "status")
    )
    if run.status not in _LIVE or any(status != "done" for _, status in chunks):
        return run
    fault_pause("ATHAR_AGREEMENT_TEST_PAUSE")
    _, _, fields = _project_of(run)
    fold = RunFold(fields)
    with cyclic_gc_paused():
        for pk, _ in chunks:
            payload = AgreementChunk.objects.values_list("payload", flat=True).get(pk=pk)
            if payload is None:  # cannot happen: a done chunk has a payload (a constraint)
                raise ValueError(f"chunk {pk} of agreement run {run_id} has no payload")
            fold.add(ChunkOutput.decode(bytes(payload)))
            AgreementRun.objects.filter(pk=run_id, status__in=_LIVE).update(lease_until=lease_end())
    run_publish(run, fold)
    run.refresh_from_db()
    return run
