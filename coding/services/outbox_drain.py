"""Doing recorded after-commit work (see coding.services.outbox), and re-taking work whose
worker died.

`outbox_drain` takes due rows with ``SELECT … FOR UPDATE SKIP LOCKED`` (two drains never
take one row), one (kind, key) group per transaction, and does the group's work once:
short work (an article's agreement, stored CSV lines) right there, so the rows are deleted
in the transaction that does it; long work (project figures, a recompute, a release build)
is handed to a leased run or release and sent to the broker after commit. A group that fails
stays, with its error, and is tried again after an exponential back-off.

`leases_sweep` hands back to the broker every queued/running project run, every building
release and every queued/running import job (coding.services.import_jobs) whose lease has
passed (its worker died, or its message was lost); after
ATHAR_WORK_MAX_ATTEMPTS hand-overs the work is marked failed, with its reason, for a person
to retry.

Both run in `coding.drain_outbox`, on every commit that records work and from Celery beat.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from coding.models import (
    AgreementChunk,
    AgreementRun,
    Article,
    DatasetRelease,
    OutboxItem,
    Project,
)

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 600.0
TASK_PROJECT_AGREEMENT = "coding.compute_project_agreement"
TASK_BUILD_RELEASE = "coding.build_release"


def lease_delta() -> dt.timedelta:
    return dt.timedelta(seconds=settings.ATHAR_LEASE_SECONDS)


def _send_after_commit(task_name: str, *args: Any) -> None:
    """Send a task once the hand-over commits. If the broker is down, the run or release
    keeps its lease and the sweep sends it again when the lease passes."""

    def send() -> None:
        from celery import current_app

        task = current_app.tasks[task_name]
        if current_app.conf.task_always_eager:
            task.delay(*args)
            return
        try:
            task.delay(*args)
        except Exception:
            log.warning("could not send %s%r; the sweep will", task_name, args, exc_info=True)

    transaction.on_commit(send)


# --- handlers: one call per (kind, key) group, inside the group's transaction ---------------


def _article_agreement(payloads: list[dict[str, Any]]) -> None:
    from coding.services.adjudication import adjudication_auto
    from coding.services.agreement import article_agreement_compute
    from coding.services.agreement_schedule import project_agreement_schedule

    article_id = payloads[0]["article_id"]
    if not Article.objects.filter(pk=article_id).exists():
        return  # deleted since: nothing to compute
    run = article_agreement_compute(article_id=article_id)
    if run is None:  # reopened since: the next last submission records new work
        return
    adjudication_auto(article_id=article_id)
    project_agreement_schedule(project_id=run.project_id)


def _project_agreement(payloads: list[dict[str, Any]]) -> None:
    from coding.services.agreement import project_recompute_request

    project = Project.objects.filter(pk=payloads[0]["project_id"]).first()
    if project is None:
        return
    run = project_recompute_request(project=project, kind="auto")
    _project_run_hand_over(run)


def _project_run(payloads: list[dict[str, Any]]) -> None:
    run = AgreementRun.objects.filter(
        pk=payloads[0]["run_id"], status__in=["queued", "running"]
    ).first()
    if run is not None:
        _project_run_hand_over(run)


def _project_run_hand_over(run: AgreementRun) -> None:
    """Give a queued run to the broker with a pick-up lease (no worker token yet)."""
    AgreementRun.objects.filter(pk=run.pk).update(
        lease_until=timezone.now() + lease_delta(), lease_token="", attempts=run.attempts + 1
    )
    _send_after_commit(TASK_PROJECT_AGREEMENT, run.project_id, run.pk)


def _csv_rows(payloads: list[dict[str, Any]]) -> None:
    """Stored renderings: of some articles, of a project, of every project (None), or of
    one chunk of a large project's refresh (a payload with ``after``). A whole project of
    more than one chunk's events is cut into chunks that workers take (export_rows_chunks)."""
    from coding.services.export_rows import csv_rows_refresh
    from coding.services.export_rows_chunks import (
        csv_rows_chunk_refresh,
        csv_rows_refresh_project,
    )

    if "after" in payloads[0]:
        csv_rows_chunk_refresh(payloads)
        return
    project_id = payloads[0]["project_id"]
    if project_id is None:
        projects = Project.objects.select_related("codebook_version__codebook").filter(
            adjudications__status="validated"
        )
        for each in projects.distinct().order_by("id"):
            csv_rows_refresh_project(project=each)
        return
    project = (
        Project.objects.select_related("codebook_version__codebook").filter(pk=project_id).first()
    )
    if project is None:
        return
    ids: set[int] | None = set()
    for payload in payloads:
        if payload.get("article_ids") is None:
            ids = None  # the whole project covers every narrower request
            break
        ids.update(payload["article_ids"])  # type: ignore[union-attr]
    if ids is None:
        csv_rows_refresh_project(project=project)
    else:
        csv_rows_refresh(project=project, article_ids=sorted(ids))


def _release_build(payloads: list[dict[str, Any]]) -> None:
    release = (
        DatasetRelease.objects.select_for_update(skip_locked=True)
        .filter(pk=payloads[0]["release_id"], status="building")
        .first()
    )
    if release is None:  # built, failed, or being built right now (its builder holds the lock)
        return
    _release_hand_over(release)


def _release_hand_over(release: DatasetRelease) -> None:
    DatasetRelease.objects.filter(pk=release.pk).update(
        lease_until=timezone.now() + lease_delta(), attempts=release.attempts + 1
    )
    _send_after_commit(TASK_BUILD_RELEASE, release.pk)


def _dedup_article(payloads: list[dict[str, Any]]) -> None:
    from coding.services.duplicate_search import duplicate_candidates_find_article

    duplicate_candidates_find_article(article_id=payloads[0]["article_id"])


def _dedup_project(payloads: list[dict[str, Any]]) -> None:
    """One chunk of a whole-project candidate pass; records the next chunk. Of coalesced
    requests the one furthest behind wins (a new request restarts the pass from the start)."""
    from coding.services.duplicate_search import duplicate_candidates_find_chunk
    from coding.services.outbox import outbox_record

    project_id = payloads[0]["project_id"]
    cursors = [p.get("after") for p in payloads]
    after = None
    if all(cursor is not None for cursor in cursors):
        after = min((dt.date.fromisoformat(c[0]), int(c[1])) for c in cursors if c is not None)
    following = duplicate_candidates_find_chunk(project_id=project_id, after=after)
    if following is not None:
        outbox_record(
            kind=OutboxItem.Kind.DEDUP_PROJECT,
            key=f"project:{project_id}",
            payload={
                "project_id": project_id,
                "after": [following[0].isoformat(), following[1]],
            },
        )


def _calibration_score(payloads: list[dict[str, Any]]) -> None:
    from coding.services.calibration_scoring import calibration_score

    calibration_score(assignment_id=payloads[0]["assignment_id"])


def _recommender_train(payloads: list[dict[str, Any]]) -> None:
    from coding.services.recommender import recommender_hand_over

    recommender_hand_over(model_id=payloads[0]["model_id"])


def _recommender_check(payloads: list[dict[str, Any]]) -> None:
    from coding.services.recommender import recommender_check

    recommender_check(project_id=payloads[0]["project_id"])


def _import_run(payloads: list[dict[str, Any]]) -> None:
    from coding.services.import_jobs import import_job_hand_over

    import_job_hand_over(job_id=payloads[0]["job_id"])


HANDLERS: dict[str, Callable[[list[dict[str, Any]]], None]] = {
    OutboxItem.Kind.ARTICLE_AGREEMENT: _article_agreement,
    OutboxItem.Kind.PROJECT_AGREEMENT: _project_agreement,
    OutboxItem.Kind.PROJECT_RUN: _project_run,
    OutboxItem.Kind.CSV_ROWS: _csv_rows,
    OutboxItem.Kind.RELEASE_BUILD: _release_build,
    OutboxItem.Kind.DEDUP_ARTICLE: _dedup_article,
    OutboxItem.Kind.DEDUP_PROJECT: _dedup_project,
    OutboxItem.Kind.CALIBRATION_SCORE: _calibration_score,
    OutboxItem.Kind.RECOMMENDER_TRAIN: _recommender_train,
    OutboxItem.Kind.RECOMMENDER_CHECK: _recommender_check,
    OutboxItem.Kind.IMPORT_RUN: _import_run,
}


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(MAX_BACKOFF_SECONDS, 2.0 ** min(attempts, 20)))


def _drain_one() -> bool:
    """Do one due group; False when none is due (or all are taken by other drains)."""
    now = timezone.now()
    with transaction.atomic():
        head = (
            OutboxItem.objects.select_for_update(skip_locked=True)
            .filter(available_at__lte=now)
            .order_by("available_at", "id")
            .first()
        )
        if head is None:
            return False
        # Every row of the group, due or not yet (a debounce), that no other drain holds.
        group = list(
            OutboxItem.objects.select_for_update(skip_locked=True)
            .filter(kind=head.kind, key=head.key)
            .order_by("id")
        )
        ids = [item.pk for item in group]
        try:
            with transaction.atomic():
                HANDLERS[head.kind]([item.payload for item in group])
        except Exception as exc:
            attempts = max(item.attempts for item in group) + 1
            log.exception("outbox %s %s failed (attempt %d)", head.kind, head.key, attempts)
            OutboxItem.objects.filter(pk__in=ids).update(
                attempts=attempts,
                available_at=timezone.now() + _backoff(attempts),
                last_error=f"{type(exc).__name__}: {exc}"[:2000],
            )
            return True
        OutboxItem.objects.filter(pk__in=ids).delete()
    return True


def outbox_drain(*, limit: int = 500) -> int:
    """Do up to `limit` due groups; the number done (or failed and deferred)."""
    done = 0
    while done < limit and _drain_one():
        done += 1
    return done


def _expired(now: dt.datetime) -> Q:
    return Q(lease_until__isnull=True) | Q(lease_until__lt=now)


def leases_sweep() -> int:
    """Hand back runs and releases whose lease has passed; fail those out of attempts.
    Returns how many were handed back or failed."""
    now = timezone.now()
    limit = settings.ATHAR_WORK_MAX_ATTEMPTS
    swept = 0
    with transaction.atomic():
        runs = (
            AgreementRun.objects.select_for_update(skip_locked=True)
            .filter(_expired(now), scope="project", status__in=["queued", "running"])
            .order_by("id")
        )
        for run in runs:
            swept += 1
            if run.attempts >= limit:
                AgreementRun.objects.filter(pk=run.pk).update(
                    status=AgreementRun.Status.FAILED,
                    lease_until=None,
                    lease_token="",
                    finished_at=now,
                    error=f"its worker was lost {run.attempts} times; recompute to try again",
                )
                AgreementChunk.objects.filter(run=run).delete()  # its partial results
                continue
            log.warning("agreement run %s: lease passed, handing it to a worker again", run.pk)
            _project_run_hand_over(run)
    with transaction.atomic():
        # SKIP LOCKED: a live builder holds its release's row lock for the whole build.
        releases = (
            DatasetRelease.objects.select_for_update(skip_locked=True)
            .filter(_expired(now), status="building")
            .order_by("id")
        )
        for release in releases:
            swept += 1
            if release.attempts >= limit:
                DatasetRelease.objects.filter(pk=release.pk).update(
                    status=DatasetRelease.Status.FAILED,
                    lease_until=None,
                    error=f"its worker was lost {release.attempts} times; request it again",
                )
                continue
            log.warning("release %s: lease passed, handing it to a worker again", release.pk)
            _release_hand_over(release)
    from coding.services.import_jobs import import_jobs_sweep

    return swept + import_jobs_sweep()
