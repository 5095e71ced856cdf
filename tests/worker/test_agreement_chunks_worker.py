"""A project recompute split into chunks over real Celery workers (real Redis, real
PostgreSQL): two workers store the same figures as one process; a worker killed in the
middle of a chunk loses nothing (the sweep hands the run over again and the chunk is
computed again); chunks that could not be sent because the broker was down are sent again
once it is back — delayed, never lost."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from coding.models import AgreementChunk, AgreementRun
from coding.services.agreement import project_agreement_compute, project_recompute_request
from tests.agreement_service.chunk_scene import coded_articles, stored_figures
from tests.worker.conftest import WorkerProcess, broker_at
from tests.world import World

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

N_ARTICLES = 7  # 4 chunks of 2
DOWN = "redis://127.0.0.1:6390/0"  # no Redis listens there
FAST = {
    "ATHAR_AGREEMENT_CHUNK_ARTICLES": "2",
    "ATHAR_OUTBOX_SWEEP_SECONDS": "1",
    "ATHAR_LEASE_SECONDS": "3",
    "CELERY_VISIBILITY_TIMEOUT": "3600",
}


def _wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def scene(world: World, monkeypatch, settings):  # type: ignore[no-untyped-def]
    """The project coded, its single-process reference run, and the test process publishing
    to the real broker (not running tasks inline)."""
    from config.celery import app

    settings.ATHAR_AGREEMENT_CHUNK_ARTICLES = 2
    coded_articles(world, monkeypatch, N_ARTICLES)
    reference = project_agreement_compute(project_id=world.project.pk)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.control.purge()
    try:
        yield world, reference
    finally:
        app.conf.task_always_eager = True


def _done(run_id: int) -> bool:
    return AgreementRun.objects.get(pk=run_id).status == "done"


def test_two_workers_store_the_figures_of_one_process(scene, tmp_path) -> None:  # type: ignore[no-untyped-def]
    world, reference = scene
    workers = [
        WorkerProcess(
            tmp_path / f"w{n}.log", node=f"w{n}", **(FAST | {"ATHAR_LEASE_SECONDS": "30"})
        )
        for n in (1, 2)
    ]
    for worker in workers:
        worker.start()
    try:
        run = project_recompute_request(project=world.project)  # drained on commit
        _wait_for(lambda: _done(run.pk), 90, "the chunked run to finish")
    finally:
        for worker in workers:
            worker.stop()
    finished = AgreementRun.objects.get(pk=run.pk)
    assert stored_figures(finished) == stored_figures(reference)
    assert finished.params == reference.params
    assert not AgreementChunk.objects.exists()
    assert AgreementRun.objects.filter(scope="article").count() == N_ARTICLES
    logs = "".join(w.log_path.read_text(errors="replace") for w in workers)
    assert logs.count("coding.compute_agreement_chunk[") >= 4


def test_a_worker_killed_mid_chunk_loses_nothing(scene, tmp_path) -> None:  # type: ignore[no-untyped-def]
    world, reference = scene
    first = WorkerProcess(
        tmp_path / "first.log", **(FAST | {"ATHAR_AGREEMENT_TEST_CHUNK_PAUSE": "60"})
    )
    first.start()
    try:
        run = project_recompute_request(project=world.project)
        # The first chunk is computed and its worker paused before storing it.
        _wait_for(
            lambda: AgreementChunk.objects.filter(run_id=run.pk, attempts=1).exists(),
            60,
            "the first worker to take a chunk",
        )
        time.sleep(1)
    finally:
        first.kill_hard()
    taken = AgreementChunk.objects.get(run_id=run.pk, attempts=1)
    assert (taken.status, taken.payload) == ("pending", None)  # nothing stored
    assert AgreementRun.objects.get(pk=run.pk).status == "running"

    second = WorkerProcess(
        tmp_path / "second.log", beat=True, node="second", **(FAST | {"ATHAR_LEASE_SECONDS": "15"})
    )
    second.start()
    try:
        _wait_for(lambda: _done(run.pk), 90, "the sweep to hand the run over and it to finish")
    finally:
        second.stop()
    finished = AgreementRun.objects.get(pk=run.pk)
    assert finished.attempts == 2
    assert stored_figures(finished) == stored_figures(reference)
    assert finished.params["inputs_digest"] == reference.params["inputs_digest"]
    assert AgreementRun.objects.filter(scope="article").count() == N_ARTICLES


def test_chunks_not_sent_while_the_broker_is_down_are_sent_later(  # type: ignore[no-untyped-def]
    scene, tmp_path, settings
) -> None:
    from coding.tasks import compute_project_agreement

    world, reference = scene
    settings.ATHAR_LEASE_SECONDS = 2  # the plan's pick-up leases
    with broker_at(DOWN):
        run = project_recompute_request(project=world.project)  # its drain cannot send either
        # The run's task, as a worker would run it, while the broker is down.
        assert compute_project_agreement(world.project.pk, run.pk) == run.pk
    chunks = AgreementChunk.objects.filter(run_id=run.pk)
    assert sorted(chunks.values_list("index", "status", "attempts")) == [
        (i, "pending", 0) for i in range(4)
    ]
    assert AgreementRun.objects.get(pk=run.pk).status == "running"
    time.sleep(2.5)  # the leases pass: nothing is working on the run

    worker = WorkerProcess(tmp_path / "worker.log", beat=True, **FAST)
    worker.start()
    try:
        _wait_for(lambda: _done(run.pk), 90, "the sweep to send the chunks again")
    finally:
        worker.stop()
    finished = AgreementRun.objects.get(pk=run.pk)
    assert stored_figures(finished) == stored_figures(reference)
    assert not AgreementChunk.objects.exists()
