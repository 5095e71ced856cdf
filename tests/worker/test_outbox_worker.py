"""Nothing is lost with a real worker, beat and Redis: work committed while the broker was
down is done once it is back, and a release whose worker was killed (SIGKILL) mid-build is
built by another within its lease, never by two at once. Leases and the sweep interval are
shortened through settings; the broker's visibility timeout stays long (an hour), so the
recovery shown is the sweep's, not a redelivery."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import DatabaseError, transaction

from coding.models import AgreementRun, DatasetRelease, OutboxItem, ReleaseFile
from coding.services.releases import release_request
from tests.exports.test_export_api import _adjudicate
from tests.worker.conftest import WorkerProcess, broker_at
from tests.world import World, complete_event

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

DOWN = "redis://127.0.0.1:6390/0"  # no Redis listens there
FAST = {
    "ATHAR_OUTBOX_SWEEP_SECONDS": "1",
    "ATHAR_LEASE_SECONDS": "3",
    "ATHAR_AGREEMENT_DEBOUNCE_SECONDS": "0",
    "CELERY_VISIBILITY_TIMEOUT": "3600",
}
SLOW_LEASE = {"ATHAR_LEASE_SECONDS": "15"}


def _wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def real_broker(settings):  # type: ignore[no-untyped-def]
    """This process publishes to the real broker (not eagerly); the queue starts empty."""
    from config.celery import app

    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        raise pytest.UsageError("worker tests need CELERY_BROKER_URL=redis://… (make test sets it)")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.control.purge()
    try:
        yield app
    finally:
        app.conf.task_always_eager = True


def test_work_committed_while_the_broker_is_down_is_done_when_it_is_back(
    world: World, real_broker, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    for assignment, fatalities in ((world.assignment_a, 5), (world.assignment_b, 7)):
        body = complete_event(world)
        body["values"] = dict(body["values"]) | {"fatalities": fatalities}  # type: ignore[arg-type]
        client = world.client(assignment.coder)
        assert (
            client.post(
                f"/api/v1/assignments/{assignment.pk}/events/", body, format="json"
            ).status_code
            == 201
        )
    assert (
        world.client(world.coder_a)
        .post(f"/api/v1/assignments/{world.assignment_a.pk}/submit/")
        .status_code
        == 200
    )
    with broker_at(DOWN):
        last = world.client(world.coder_b).post(
            f"/api/v1/assignments/{world.assignment_b.pk}/submit/"
        )
        recompute = world.client(world.supervisor).post(
            f"/api/v1/projects/{world.project.pk}/agreement/recompute/"
        )
    assert last.status_code == 200, last.content
    assert recompute.status_code == 202, recompute.content
    run_id = recompute.json()["id"]
    assert sorted(OutboxItem.objects.values_list("kind", flat=True)) == [
        "article_agreement",
        "project_run",
    ]
    assert not AgreementRun.objects.filter(scope="article").exists()
    assert AgreementRun.objects.get(pk=run_id).status == "queued"

    worker = WorkerProcess(tmp_path / "worker.log", beat=True, **FAST)
    worker.start()
    try:
        _wait_for(
            lambda: (
                not OutboxItem.objects.exists()
                and AgreementRun.objects.filter(scope="article", status="done").count() == 1
                and not AgreementRun.objects.filter(status__in=["queued", "running"]).exists()
            ),
            60,
            "the beat drain to do the work recorded during the outage",
        )
    finally:
        worker.stop()
    assert AgreementRun.objects.get(pk=run_id).status == "done"
    assert AgreementRun.objects.filter(scope="project", status="done").count() == 2  # + auto
    queue = world.client(world.supervisor).get(
        f"/api/v1/projects/{world.project.pk}/adjudication/queue/"
    )
    assert queue.json()["count"] == 1


def _locked(release_id: int) -> bool:
    """True while some session holds the release's row lock (a builder)."""
    try:
        with transaction.atomic():
            DatasetRelease.objects.select_for_update(nowait=True).get(pk=release_id)
    except DatabaseError:
        return True
    return False


def test_a_release_whose_worker_is_killed_mid_build_is_built_by_another_within_its_lease(
    disputed: World, real_broker, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    real_broker.conf.task_always_eager = True
    _adjudicate(disputed)  # validated, eagerly, before the workers start
    real_broker.conf.task_always_eager = False
    first = WorkerProcess(tmp_path / "first.log", **FAST, ATHAR_RELEASE_TEST_PAUSE="60")
    first.start()
    try:
        release = release_request(project=disputed.project, actor=disputed.supervisor, tag="v1")
        # Not polled with the lock itself: a probe holding it could make the builder skip.
        _wait_for(
            lambda: "coding.build_release[" in first.log_path.read_text(errors="replace"),
            60,
            "the first worker to take the build",
        )
        time.sleep(2)  # well inside its 60 s pause before storing the files
        assert _locked(release.pk)  # the live builder holds the release
    finally:
        first.kill_hard()
    # PostgreSQL ends the dead worker's session (and drops its lock) as it sees the socket
    # close; the dead build wrote nothing (its transaction died with it).
    _wait_for(lambda: not _locked(release.pk), 20, "PostgreSQL to drop the dead session's lock")
    stale = DatasetRelease.objects.get(pk=release.pk)
    assert (stale.status, stale.attempts, stale.data_as_of) == ("building", 1, None)
    assert not ReleaseFile.objects.filter(release=release).exists()

    # Its own hand-overs get a longer lease, so a slow machine does not hand it over twice.
    second = WorkerProcess(tmp_path / "second.log", beat=True, **(FAST | SLOW_LEASE))
    second.start()
    try:
        took = _wait_for(
            lambda: DatasetRelease.objects.get(pk=release.pk).status == "ready",
            30,
            "the sweep to hand the release to the second worker and the build to finish",
        )
    finally:
        second.stop()
    assert took < 30
    built = DatasetRelease.objects.get(pk=release.pk)
    assert (built.attempts, built.row_count, built.lease_until) == (2, 1, None)
    assert built.data_as_of is not None
    files = list(ReleaseFile.objects.filter(release=release).order_by("format"))
    assert [f.format for f in files] == [
        "csv",
        "datapackage",
        "geojson",
        "jsonl",
        "reliability_html",
        "reliability_json",
    ]
    for record in files:
        with record.file.open("rb") as stored:
            data = stored.read()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (record.size, record.sha256)
    assert "coding.build_release" in (tmp_path / "second.log").read_text()
