"""Leases on project runs and releases: a second delivery of work that a live worker holds
does nothing; work whose lease passed is handed to a worker again; after too many hand-overs
it is failed, shown as failed, and can be retried (PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from coding.models import (
    AgreementChunk,
    AgreementResult,
    AgreementRun,
    DatasetRelease,
    OutboxItem,
    ReleaseFile,
)
from coding.services.agreement import project_agreement_compute, project_recompute_request
from coding.services.agreement_leases import LeaseLost, run_claim, run_renew
from coding.services.outbox_drain import leases_sweep
from coding.services.releases import release_build, release_request
from tests.exports.test_export_api import _adjudicate
from tests.world import World

pytestmark = pytest.mark.django_db

PAST = dt.timedelta(seconds=-1)


def _queued_run(world: World) -> AgreementRun:
    run = project_recompute_request(project=world.project)
    OutboxItem.objects.all().delete()  # handed over below by hand
    return run


def test_a_second_delivery_of_a_run_held_by_a_live_worker_does_nothing(world: World) -> None:
    run = _queued_run(world)
    assert run_claim(run, "a" * 32, 1)
    held = AgreementRun.objects.get(pk=run.pk)
    again = project_agreement_compute(project_id=world.project.pk, run_id=run.pk)
    assert again.pk == run.pk
    after = AgreementRun.objects.get(pk=run.pk)
    assert (after.status, after.lease_token, after.lease_until, after.started_at) == (
        "running",
        "a" * 32,
        held.lease_until,
        held.started_at,
    )
    assert not AgreementResult.objects.filter(run=run).exists()


def test_a_worker_whose_lease_was_taken_stops_and_stores_nothing(world: World) -> None:
    run = _queued_run(world)
    assert run_claim(run, "a" * 32, 1)
    AgreementRun.objects.filter(pk=run.pk).update(lease_until=timezone.now() + PAST)
    assert run_claim(run, "b" * 32, 1)  # the lease passed: another worker takes it
    with pytest.raises(LeaseLost):
        run_renew(run, "a" * 32, progress_done=1)
    assert AgreementRun.objects.get(pk=run.pk).lease_token == "b" * 32
    assert AgreementRun.objects.get(pk=run.pk).progress_done == 0


def test_a_run_whose_lease_passed_is_handed_again_and_finishes(
    world: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    run = _queued_run(world)
    assert run_claim(run, "dead" * 8, 1)  # a worker took it, then died
    assert leases_sweep() == 0  # its lease has not passed yet
    AgreementRun.objects.filter(pk=run.pk).update(lease_until=timezone.now() + PAST)
    with django_capture_on_commit_callbacks(execute=True):
        assert leases_sweep() == 1
    run.refresh_from_db()
    assert (run.status, run.attempts, run.lease_token, run.lease_until) == ("done", 1, "", None)
    assert AgreementResult.objects.filter(run=run).exists()


def test_a_run_out_of_attempts_is_failed_not_shown_in_progress_and_can_be_retried(
    world: World, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    run = _queued_run(world)
    AgreementRun.objects.filter(pk=run.pk).update(
        status="running",
        attempts=settings.ATHAR_WORK_MAX_ATTEMPTS,
        lease_until=timezone.now() + PAST,
    )
    # A chunk its lost workers stored: dropped with the failed run (nothing to fold any more).
    AgreementChunk.objects.create(run=run, index=0, status="done", payload=b"x")
    sup = world.client(world.supervisor)
    url = f"/api/v1/projects/{world.project.pk}/agreement/"
    assert sup.get(url).json()["in_progress"]["id"] == run.pk  # stale: still shown
    assert leases_sweep() == 1
    run.refresh_from_db()
    assert run.status == "failed"
    assert run.error == "its worker was lost 5 times; recompute to try again"
    assert run.lease_until is None
    assert not AgreementChunk.objects.exists()
    assert sup.get(url).json()["in_progress"] is None
    assert sup.get(f"{url}runs/{run.pk}/").json()["status"] == "failed"
    with django_capture_on_commit_callbacks(execute=True):  # the retry action
        response = sup.post(f"{url}recompute/")
    assert response.status_code == 202
    assert AgreementRun.objects.get(pk=response.json()["id"]).status == "done"


def test_a_release_out_of_attempts_is_failed(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    release = release_request(
        project=world.project, actor=world.supervisor, tag="r1", confirm_empty=True
    )
    DatasetRelease.objects.filter(pk=release.pk).update(
        attempts=settings.ATHAR_WORK_MAX_ATTEMPTS, lease_until=timezone.now() + PAST
    )
    assert leases_sweep() == 1
    release.refresh_from_db()
    assert (release.status, release.error) == (
        "failed",
        "its worker was lost 5 times; request it again",
    )
    assert not ReleaseFile.objects.filter(release=release).exists()


@pytest.mark.django_db(transaction=True)
def test_a_release_being_built_is_neither_built_again_nor_swept(
    disputed: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """A live builder holds the release's row lock: a second delivery writes nothing, and the
    sweep leaves it alone even after its lease passed."""
    _adjudicate(disputed)
    from config.celery import app

    app.conf.task_always_eager = False  # record the release without building it here
    try:
        with transaction.atomic():
            release = release_request(project=disputed.project, actor=disputed.supervisor, tag="r")
    finally:
        app.conf.task_always_eager = True
    OutboxItem.objects.all().delete()
    DatasetRelease.objects.filter(pk=release.pk).update(lease_until=timezone.now() + PAST)
    taken, done = threading.Event(), threading.Event()

    def live_builder() -> None:
        try:
            with transaction.atomic():
                DatasetRelease.objects.select_for_update().get(pk=release.pk)
                taken.set()
                done.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=live_builder)
    thread.start()
    try:
        assert taken.wait(30)
        again = release_build(release_id=release.pk)
        assert again.status == "building"
        assert not ReleaseFile.objects.filter(release=release).exists()
        assert leases_sweep() == 0
        assert DatasetRelease.objects.get(pk=release.pk).attempts == 0
    finally:
        done.set()
        thread.join(30)
    built = release_build(release_id=release.pk)  # the lock is gone: now it is built
    assert built.status == "ready"
    assert ReleaseFile.objects.filter(release=release).count() == 6  # 4 data + 2 report
    assert release_build(release_id=release.pk).finished_at == built.finished_at  # idempotent
