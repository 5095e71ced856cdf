"""Kill the worker in the middle of a project recompute (SIGKILL, real Celery, real Redis):
once its lease passes, the sweep of a new worker (Celery beat) hands the run over again and
it completes with the same results as a computation that was never interrupted. The
broker's visibility timeout stays an hour: recovery does not wait for a redelivery."""

from __future__ import annotations

import time

import pytest

from coding.models import AgreementResult, AgreementRun, Assignment
from coding.services import workflow
from coding.services.agreement import project_agreement_compute, project_recompute_request
from coding.services.articles import articles_create
from coding.services.assignment import assignments_balance
from coding.services.events import EventInput, event_create
from tests.world import World, complete_event

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

N_ARTICLES = 6


def _wait_for(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _figures(run: AgreementRun) -> list[tuple]:  # type: ignore[type-arg]
    return list(
        AgreementResult.objects.filter(run=run)
        .order_by("field_key", "event_type_code", "coder_a", "coder_b")
        .values_list(
            "field_key",
            "event_type_code",
            "coder_a",
            "coder_b",
            "value",
            "ci_low",
            "ci_high",
            "status",
            "n_units",
        )
    )


def _coded_project(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """N articles, each coded by both coders and submitted (agreement hooks off)."""
    monkeypatch.setattr(workflow, "ON_ARTICLE_COMPLETE", [])
    from tests.world import Item

    articles_create(
        project=world.project,
        actor=None,
        items=[Item(f"Extra {i}", world.article.text + f"\n({i})") for i in range(N_ARTICLES - 1)],
    )
    assignments_balance(project=world.project)
    body = complete_event(world)
    for n, assignment in enumerate(Assignment.objects.filter(project=world.project)):
        values = dict(body["values"]) | {"fatalities": 5 + (n % 3)}  # type: ignore[arg-type]
        event_create(
            assignment=assignment,
            actor=assignment.coder,
            data=EventInput(event_type="ATTACK", event_subtype="ARMED_ASSAULT", values=values),
        )
        workflow.assignment_submit(assignment=assignment, actor=assignment.coder)


def test_worker_killed_mid_task_completes_after_restart_with_the_same_results(
    world: World,
    monkeypatch,
    tmp_path,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    from tests.worker.conftest import WorkerProcess

    _coded_project(world, monkeypatch)
    reference = project_agreement_compute(project_id=world.project.pk)
    assert AgreementRun.objects.filter(scope="article").count() == N_ARTICLES

    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.control.purge()
    crash_env = {
        "ATHAR_AGREEMENT_TEST_PAUSE": "30",
        "ATHAR_LEASE_SECONDS": "3",
        "ATHAR_OUTBOX_SWEEP_SECONDS": "1",
        "CELERY_VISIBILITY_TIMEOUT": "3600",
    }
    first = WorkerProcess(tmp_path / "first.log", **crash_env)
    first.start()
    try:
        run = project_recompute_request(project=world.project)  # recorded; drained on commit
        # The worker has computed the first chunk and is paused before finishing.
        _wait_for(
            lambda: AgreementRun.objects.get(pk=run.pk).progress_done == N_ARTICLES,
            60,
            "the first worker to reach the pause",
        )
        assert AgreementRun.objects.get(pk=run.pk).status == "running"
    finally:
        first.kill_hard()
    assert AgreementRun.objects.get(pk=run.pk).status == "running"  # left unfinished

    second = WorkerProcess(
        tmp_path / "second.log",
        beat=True,
        # Its own hand-overs get a longer lease, so a slow machine does not hand it twice.
        **(crash_env | {"ATHAR_AGREEMENT_TEST_PAUSE": "0", "ATHAR_LEASE_SECONDS": "15"}),
    )
    second.start()
    try:
        _wait_for(
            lambda: AgreementRun.objects.get(pk=run.pk).status == "done",
            30,
            "the sweep to hand the run over again and the run to finish",
        )
    finally:
        second.stop()
        app.conf.task_always_eager = True
    finished = AgreementRun.objects.get(pk=run.pk)
    assert (finished.attempts, finished.lease_token, finished.lease_until) == (2, "", None)
    assert finished.progress_done == finished.progress_total == N_ARTICLES
    assert finished.params["inputs_digest"] == reference.params["inputs_digest"]
    assert _figures(finished) == _figures(reference)
    # Article runs were not duplicated by the second delivery.
    assert AgreementRun.objects.filter(scope="article").count() == N_ARTICLES
