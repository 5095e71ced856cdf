"""The outbox: work recorded in the writing transaction, drained once, coalesced, backed off,
and never lost when the broker is down (PostgreSQL; the real-worker tests are in
tests/worker/test_outbox_worker.py)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from coding.models import AgreementRun, Assignment, OutboxItem
from coding.services import export_rows, export_rows_chunks, outbox_drain
from coding.services.outbox import outbox_record
from coding.services.outbox_drain import HANDLERS
from tests.worker.conftest import broker_at
from tests.world import World, complete_event

pytestmark = pytest.mark.django_db

DOWN = "redis://127.0.0.1:6390/0"  # no Redis listens there: the broker is down


def _code(world: World, assignment: Assignment, fatalities: int) -> None:
    body = complete_event(world)
    body["values"] = dict(body["values"]) | {"fatalities": fatalities}  # type: ignore[arg-type]
    client = world.client(assignment.coder)
    response = client.post(f"/api/v1/assignments/{assignment.pk}/events/", body, format="json")
    assert response.status_code == 201, response.json()


def test_last_submit_with_the_broker_down_is_2xx_and_the_work_is_kept(
    world: World, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from config.celery import app

    _code(world, world.assignment_a, 5)
    _code(world, world.assignment_b, 7)  # a disagreement: the article needs adjudication
    client_a, client_b = world.client(world.coder_a), world.client(world.coder_b)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(f"/api/v1/assignments/{world.assignment_a.pk}/submit/")
    assert response.status_code == 200
    assert not OutboxItem.objects.exists()  # not the last submission: no work

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    try:
        with broker_at(DOWN), django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = client_b.post(f"/api/v1/assignments/{world.assignment_b.pk}/submit/")
    finally:
        app.conf.task_always_eager = True
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert len(callbacks) == 1  # the nudge to the drain, which failed and was logged
    (item,) = OutboxItem.objects.all()
    assert (item.kind, item.key, item.payload) == (
        "article_agreement",
        f"article:{world.article.pk}",
        {"article_id": world.article.pk},
    )
    assert not AgreementRun.objects.exists()
    assert Assignment.objects.get(pk=world.assignment_b.pk).status == "submitted"

    # The broker is back: the periodic drain does the work, once.
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_drain.outbox_drain() == 2  # the article, then the project's figures
    assert AgreementRun.objects.filter(scope="article", status="done").count() == 1
    assert AgreementRun.objects.filter(scope="project", status="done").count() == 1
    assert not OutboxItem.objects.exists()
    queue = world.client(world.supervisor).get(
        f"/api/v1/projects/{world.project.pk}/adjudication/queue/"
    )
    assert queue.status_code == 200
    assert queue.json()["count"] == 1


def test_recompute_with_the_broker_down_is_202_and_queued_with_a_lease(
    world: World, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    try:
        with broker_at(DOWN), django_capture_on_commit_callbacks(execute=True):
            response = world.client(world.supervisor).post(
                f"/api/v1/projects/{world.project.pk}/agreement/recompute/"
            )
    finally:
        app.conf.task_always_eager = True
    assert response.status_code == 202
    run = AgreementRun.objects.get(pk=response.json()["id"])
    assert run.status == "queued"
    assert run.lease_until is not None
    assert run.lease_until > timezone.now()
    (item,) = OutboxItem.objects.all()
    assert (item.kind, item.payload) == (
        "project_run",
        {"project_id": world.project.pk, "run_id": run.pk},
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_drain.outbox_drain() == 1
    run.refresh_from_db()
    assert (run.status, run.attempts, run.lease_token) == ("done", 1, "")
    assert not OutboxItem.objects.exists()


def test_rows_of_one_key_are_done_once_with_their_payloads_merged(
    world: World, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    calls: list[tuple[int, object]] = []
    monkeypatch.setattr(
        export_rows,
        "csv_rows_refresh",
        lambda *, project, article_ids=None: calls.append((project.pk, article_ids)) or 0,
    )
    # A whole project goes to the planner (chunks when it is large: export_rows_chunks).
    monkeypatch.setattr(
        export_rows_chunks,
        "csv_rows_refresh_project",
        lambda *, project: calls.append((project.pk, None)) or 0,
    )
    p = world.project.pk
    with transaction.atomic():
        for ids in ([3, 1], [2], [1]):
            outbox_record(
                kind="csv_rows",
                key=f"project:{p}",
                payload={"project_id": p, "article_ids": ids},
            )
    assert outbox_drain.outbox_drain() == 1
    assert calls == [(p, [1, 2, 3])]
    assert not OutboxItem.objects.exists()

    with transaction.atomic():
        for ids in ([5], None):
            outbox_record(
                kind="csv_rows", key=f"project:{p}", payload={"project_id": p, "article_ids": ids}
            )
    assert outbox_drain.outbox_drain() == 1
    assert calls[1] == (p, None)  # the whole project covers the narrower request


def test_a_failing_group_is_kept_with_its_error_and_backed_off(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(payloads: list[dict[str, object]]) -> None:
        AgreementRun.objects.create(project=world.project, scope="project", input_digest="x")
        raise RuntimeError("disk full")

    monkeypatch.setitem(HANDLERS, "article_agreement", broken)
    with transaction.atomic():
        item = outbox_record(
            kind="article_agreement", key="article:1", payload={"article_id": world.article.pk}
        )
    before = timezone.now()
    assert outbox_drain.outbox_drain() == 1
    item.refresh_from_db()
    assert item.attempts == 1
    assert item.last_error == "RuntimeError: disk full"
    assert item.available_at >= before + outbox_drain._backoff(1)
    assert not AgreementRun.objects.exists()  # the failed work's writes were rolled back
    assert outbox_drain.outbox_drain() == 0  # backing off: not due
    OutboxItem.objects.filter(pk=item.pk).update(available_at=timezone.now())
    assert outbox_drain.outbox_drain() == 1
    item.refresh_from_db()
    assert item.attempts == 2
    assert item.available_at >= timezone.now() + outbox_drain._backoff(1)


def test_work_recorded_in_a_rolled_back_transaction_does_not_exist(world: World) -> None:
    @transaction.atomic
    def failing_write() -> None:
        outbox_record(kind="project_agreement", key="project:1", payload={"project_id": 1})
        raise RuntimeError("the write failed")

    with pytest.raises(RuntimeError, match="the write failed"):
        failing_write()
    assert not OutboxItem.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_drains_never_take_one_row(world: World) -> None:
    """A row another drain holds (row lock) is skipped, not done a second time."""
    item = OutboxItem.objects.create(
        kind="project_agreement", key="project:x", payload={"project_id": world.project.pk}
    )
    taken, release = threading.Event(), threading.Event()

    def other_drain() -> None:
        try:
            with transaction.atomic():
                OutboxItem.objects.select_for_update().get(pk=item.pk)
                taken.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=other_drain)
    thread.start()
    try:
        assert taken.wait(30)
        assert outbox_drain.outbox_drain() == 0
        assert not AgreementRun.objects.exists()
        assert OutboxItem.objects.filter(pk=item.pk).exists()
    finally:
        release.set()
        thread.join(30)
