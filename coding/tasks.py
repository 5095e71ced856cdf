"""Celery tasks: thin wrappers that take ids and call services.

Services never send tasks themselves: they record work as outbox rows in their transaction
(coding.services.outbox), and `drain_outbox` — sent on commit, and run by Celery beat —
does it or hands it to the tasks below. Tasks are idempotent (a re-delivered task changes
nothing), hold leases on long work (a second delivery of work a live worker holds does
nothing), are acknowledged late, and retry only on transient database/broker errors, a
bounded number of times.
"""

from __future__ import annotations

import logging

from celery import group, shared_task
from django.db import InterfaceError, OperationalError, connection, transaction
from kombu.exceptions import OperationalError as KombuOperationalError

from coding.services import agreement as agreement_service
from coding.services import agreement_chunks
from coding.services.adjudication import adjudication_auto
from coding.services.agreement_leases import LeaseLost
from coding.services.agreement_schedule import project_agreement_schedule
from coding.services.outbox_drain import leases_sweep, outbox_drain

log = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
RETRY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "max_retries": 5,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


@shared_task(name="coding.ping", acks_late=True, ignore_result=False)
def ping(token: str) -> dict[str, str]:
    """Round trip through broker, worker and database; used by the health tests."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"pong": token, "vendor": connection.vendor}


@shared_task(name="coding.drain_outbox", **RETRY)
def drain_outbox() -> dict[str, int]:
    """Re-take runs and releases whose lease passed, then do the due outbox rows."""
    swept = leases_sweep()
    return {"swept": swept, "drained": outbox_drain()}


@shared_task(name="coding.compute_article_agreement", **RETRY)
def compute_article_agreement(article_id: int) -> int | None:
    """Agreement of one article whose coders have all submitted; then (debounced) its
    project's figures. (The outbox drain does this itself; kept for direct use.)"""
    with transaction.atomic():
        run = agreement_service.article_agreement_compute(article_id=article_id)
        if run is None:
            return None
        adjudication_auto(article_id=article_id)
        project_agreement_schedule(project_id=run.project_id)
    return run.pk


@shared_task(name="coding.compute_project_agreement", **RETRY)
def compute_project_agreement(project_id: int, run_id: int | None = None) -> int | None:
    """The project's figures over every ready article, on the run `run_id` (leased: a second
    delivery while a live worker holds the run does nothing): cut into chunks that any
    number of workers compute (coding.services.agreement_chunks), sent as a group."""
    try:
        plan = agreement_chunks.project_run_plan(project_id=project_id, run_id=run_id)
    except LeaseLost:  # another worker holds the run now and will finish it
        return None
    if plan is None:
        return None
    if plan.send:
        chunks = group(compute_agreement_chunk.si(plan.run_id, index) for index in plan.send)
        try:
            chunks.apply_async()
        except (KombuOperationalError, ConnectionError, TimeoutError):
            # Delayed, not lost: nothing renews the run's lease now, so the sweep hands the
            # run over again once it passes, and that plan sends these chunks again.
            log.warning("could not send the chunks of agreement run %s", plan.run_id, exc_info=True)
    elif plan.finish:
        agreement_chunks.project_run_finish(run_id=plan.run_id)
    return plan.run_id


@shared_task(name="coding.compute_agreement_chunk", **RETRY)
def compute_agreement_chunk(run_id: int, index: int) -> bool:
    """One chunk of a project run; the worker that completes the last chunk publishes the
    run. Idempotent: a chunk done, or held by a live worker, is left alone."""
    try:
        last = agreement_chunks.agreement_chunk_compute(run_id=run_id, index=index)
    except LeaseLost:  # this chunk's lease passed and another worker took it
        return False
    if last:
        agreement_chunks.project_run_finish(run_id=run_id)
    return last


@shared_task(name="coding.refresh_csv_rows", **RETRY)
def refresh_csv_rows(project_id: int | None = None, article_ids: list[int] | None = None) -> int:
    """Store the CSV export lines that are missing or stale: of some articles of a project,
    of a whole project, or of every project (``project_id`` None). Idempotent."""
    from coding.models import Project
    from coding.services.export_rows import csv_rows_refresh, csv_rows_refresh_all

    if project_id is None:
        return csv_rows_refresh_all()
    project = (
        Project.objects.select_related("codebook_version__codebook").filter(pk=project_id).first()
    )
    if project is None:  # deleted since: nothing to store
        return 0
    return csv_rows_refresh(project=project, article_ids=article_ids)


@shared_task(name="coding.refresh_export_chunk", **RETRY)
def refresh_export_chunk(item_id: int) -> int | None:
    """One chunk of a large refresh of stored export renderings (its outbox row; see
    coding.services.export_rows_chunks). Idempotent: a chunk done, or held by another
    worker right now, is left alone (None)."""
    from coding.services.export_rows_chunks import csv_rows_chunk_take

    return csv_rows_chunk_take(item_id=item_id)


@shared_task(name="coding.build_release", **RETRY)
def build_release(release_id: int) -> int:
    """Write a release's files (idempotent: a ready release is left as it is)."""
    from coding.services.releases import release_build, release_failed

    try:
        return release_build(release_id=release_id).pk
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:  # record why, then let Celery log it; no retry for bugs
        release_failed(release_id=release_id, error=f"{type(exc).__name__}: {exc}")
        raise


@shared_task(name="coding.train_recommender", **RETRY)
def train_recommender(model_id: int) -> int | None:
    """Train a queued machine-coder model (idempotent: a model that is ready, failed, or held
    by another live worker is left alone). A failure other than a transient one marks the
    model failed with its reason; no retry for bugs."""
    from coding.services.recommender import recommender_train

    try:
        model = recommender_train(model_id=model_id)
    except TRANSIENT_ERRORS:
        raise
    except Exception:  # recorded on the model by the service
        return None
    return None if model is None else model.pk


@shared_task(name="coding.run_import", **RETRY)
def run_import(job_id: int) -> int | None:
    """Import an uploaded file of articles (idempotent: a finished job, or one a live worker
    holds, is left alone). A failure other than a transient one marks the job failed with
    its reason, nothing imported; no retry for bugs."""
    from coding.services.import_jobs import import_job_failed, import_job_run

    try:
        job = import_job_run(job_id=job_id)
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        log.exception("import job %s failed", job_id)
        import_job_failed(job_id=job_id, error=f"{type(exc).__name__}: {exc}")
        return None
    return None if job is None else job.pk
