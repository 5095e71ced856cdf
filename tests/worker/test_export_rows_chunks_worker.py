"""A large refresh of stored renderings over real Celery workers (real Redis, real
PostgreSQL): two workers take its chunks and store every rendering; a worker killed in the
middle of a chunk stores nothing of it and the chunk is done later by the drain of another
worker (delayed, never dropped); a published recompute makes the stored JSONL lines current
again without anyone asking, and exports are the rendered ones throughout."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection, transaction
from django.utils import timezone

from coding.export_streams import current_epoch, valid_rows
from coding.models import (
    Adjudication,
    AgreementRun,
    Article,
    CodedEvent,
    ExportCsvRow,
    OutboxItem,
    Project,
)
from coding.services.agreement import project_recompute_request
from coding.services.events import EventInput
from coding.services.export_rows import csv_rows_refresh, csv_rows_schedule
from coding.services.gold import gold_event_create
from tests.agreement_service.chunk_scene import _spans, coded_articles
from tests.exports.test_export_csv_rows import _validated_articles
from tests.exports.test_export_rows_chunks import FORMATS, exported, rendered
from tests.worker.conftest import WorkerProcess
from tests.worker.test_export_rows_worker import _backend_alive, _backends_waiting_on_stored_rows
from tests.world import World, complete_event

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

FAST = {
    "ATHAR_EXPORT_REFRESH_CHUNK_EVENTS": "2",
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
def real_broker(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.control.purge()
    try:
        yield
    finally:
        app.conf.task_always_eager = True


def _chunk_rows() -> int:
    return OutboxItem.objects.filter(kind="csv_rows", payload__has_key="after").count()


def _identical(project: Project) -> None:
    for fmt in FORMATS:
        assert exported(project, fmt) == rendered(project, fmt), fmt


def _current(project: Project) -> int:
    """Gold events of the project whose stored texts are all valid now."""
    from django.db.models import Exists

    return (
        CodedEvent.objects.filter(article__project=project, layer="gold")
        .filter(Exists(valid_rows(current_epoch(), project)))
        .count()
    )


def test_two_workers_take_the_chunks_of_a_large_refresh(
    world: World, tmp_path: Path, real_broker: None
) -> None:
    gold = _validated_articles(world, count=4)  # 8 events: 4 chunks of 2
    workers = [WorkerProcess(tmp_path / f"w{n}.log", node=f"w{n}", **FAST) for n in range(2)]
    try:
        for worker in workers:
            worker.start()
        with transaction.atomic():
            csv_rows_schedule(project_id=world.project.pk)
        _wait_for(
            lambda: ExportCsvRow.objects.count() == len(gold) and not _chunk_rows(),
            120,
            "every chunk stored",
        )
    finally:
        for worker in workers:
            worker.stop()
    logs = "".join(w.log_path.read_text(errors="replace") for w in workers)
    assert logs.count("Task coding.refresh_export_chunk[") >= 4 * 2  # received + succeeded
    assert "raised unexpected" not in logs
    assert OutboxItem.objects.filter(kind="csv_rows").count() == 0
    _identical(world.project)


def test_a_worker_killed_mid_chunk_delays_the_refresh_never_drops_it(
    world: World,
    tmp_path: Path,
    settings,
    real_broker: None,  # type: ignore[no-untyped-def]
) -> None:
    """The chunks' writes are held by a SHARE lock on the stored rows (another connection);
    the only worker is SIGKILLed while a chunk waits there. Nothing of it is stored, every
    chunk row stays, exports are the rendered ones; a new worker's drain does the chunks once
    their rows are due (the dead worker's messages are not redelivered within the hour)."""
    gold = _validated_articles(world, count=3)
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}"
    first = WorkerProcess(tmp_path / "first.log", beat=True, node="first", **FAST)
    second = WorkerProcess(tmp_path / "second.log", beat=True, node="second", **FAST)
    try:
        with psycopg.connect(url) as blocker:
            blocker.execute("LOCK TABLE coding_exportcsvrow IN SHARE MODE")
            with transaction.atomic():
                csv_rows_schedule(project_id=world.project.pk)
            first.start()
            _wait_for(lambda: bool(_backends_waiting_on_stored_rows()), 90, "a chunk's write")
            waiting = _backends_waiting_on_stored_rows()
            assert _chunk_rows() == 3
            _identical(world.project)  # mid-refresh: nothing half stored is served
            first.kill_hard()
            blocker.rollback()
        _wait_for(lambda: not _backend_alive(waiting[0]), 60, "the killed worker's backend")
        assert ExportCsvRow.objects.count() == 0
        assert _chunk_rows() == 3
        _identical(world.project)

        second.start()
        _wait_for(lambda: not _chunk_rows(), 90, "the drain doing the chunks")
        assert ExportCsvRow.objects.count() == len(gold)
        assert _current(world.project) == len(gold)
        _identical(world.project)
    finally:
        first.stop()
        second.stop()


def _coded_and_validated(world: World, monkeypatch: pytest.MonkeyPatch) -> list[CodedEvent]:
    """Three articles coded by both coders (no agreement computed yet), each validated with
    one gold event."""
    coded_articles(world, monkeypatch, 3)
    body = complete_event(world)
    gold = []
    for article in Article.objects.filter(project=world.project).order_by("id"):
        adjudication = Adjudication.objects.create(project=world.project, article=article)
        data = EventInput(
            event_type="ATTACK",
            event_subtype="ARMED_ASSAULT",
            values=dict(body["values"]),  # type: ignore[arg-type]
            spans=_spans(body, shift=0),
        )
        gold.append(gold_event_create(adjudication=adjudication, actor=world.supervisor, data=data))
        Adjudication.objects.filter(pk=adjudication.pk).update(
            status=Adjudication.Status.VALIDATED,
            validated_at=timezone.now(),
            validated_by=world.supervisor,
        )
    return gold


def test_a_recompute_makes_the_stored_lines_current_again(
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    real_broker: None,
) -> None:
    """The validated articles had no agreement run when their texts were stored; the
    recompute stores one per article, so JSONL shows new figures: the stored lines go stale
    and are stored again after the run publishes, with no request from anyone."""
    gold = _coded_and_validated(world, monkeypatch)
    assert not AgreementRun.objects.filter(project=world.project).exists()
    csv_rows_refresh(project=world.project)
    assert _current(world.project) == len(gold)
    worker = WorkerProcess(tmp_path / "worker.log", node="recompute", **FAST)
    try:
        worker.start()
        with transaction.atomic():
            run = project_recompute_request(project=world.project)
        compared = 0
        deadline = time.monotonic() + 120
        while True:
            assert time.monotonic() < deadline, "the stored lines never became current"
            before = rendered(world.project, "jsonl")
            streamed = exported(world.project, "jsonl")
            if rendered(world.project, "jsonl") == before:  # no change in between
                assert streamed == before
                compared += 1
            state = AgreementRun.objects.get(pk=run.pk).status
            if state == "done" and _current(world.project) == len(gold):
                break
            time.sleep(0.2)
    finally:
        worker.stop()
    assert compared >= 1
    latest = dict(
        AgreementRun.objects.filter(project=world.project, scope="article", status="done")
        .order_by("article_id", "-id")
        .distinct("article_id")
        .values_list("article_id", "id")
    )
    assert sorted(latest) == sorted({event.article_id for event in gold})
    stored = dict(ExportCsvRow.objects.values_list("event_id", "agreement_run"))
    assert stored == {event.pk: latest[event.article_id] for event in gold}
    assert not OutboxItem.objects.filter(kind="csv_rows").exists()
    _identical(world.project)
