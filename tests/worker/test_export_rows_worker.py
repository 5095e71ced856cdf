"""A validation's stored renderings are stored by a real worker (real Celery, real Redis),
after the commit; two refreshes at once (as a validation's task and a dictionary reload's may
run) neither fail nor disagree; a worker killed mid-refresh leaves nothing half stored and the
work is done again by the next one."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection, transaction
from django.utils import timezone

from coding.codebook_runtime import version_spec
from coding.export_selectors import ExportFilters, iter_export_events
from coding.export_streams import export_chunks
from coding.models import CodedEvent, ExportCsvRow, OutboxItem
from coding.services.export_rows import csv_rows_refresh, csv_rows_schedule
from tests.exports.test_export_api import _adjudicate
from tests.exports.test_export_csv_rows import _rendered_export, _validated_articles
from tests.worker.conftest import WorkerProcess
from tests.world import World

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.mark.worker
def test_a_real_worker_stores_the_lines_of_a_validated_article(
    disputed: World,
    celery_worker_process,  # type: ignore[no-untyped-def]  # started after `disputed`
) -> None:
    _adjudicate(disputed)  # each request commits; validation enqueues the task on commit
    gold = CodedEvent.objects.get(article=disputed.article, layer=CodedEvent.Layer.GOLD)
    deadline = time.monotonic() + 60
    while not ExportCsvRow.objects.filter(event_id=gold.pk).exists():
        assert time.monotonic() < deadline, "the worker stored no line"
        time.sleep(0.2)
    _header, line = _rendered_export(disputed.project).split("\r\n", 1)
    assert ExportCsvRow.objects.get(event_id=gold.pk).line == line


def test_two_refreshes_at_once_store_each_line_once_and_right(world: World) -> None:
    gold = _validated_articles(world, count=6)
    written: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def refresh() -> None:
        try:
            start.wait(timeout=30)
            written.append(csv_rows_refresh(project=world.project))
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(gold) <= sum(written) <= 2 * len(gold)  # each line at least once
    assert ExportCsvRow.objects.count() == len(gold)
    stored = "".join(export_chunks(world.project, "csv", ExportFilters(), timezone.now()))
    assert stored == _rendered_export(world.project)


FAST = {"ATHAR_OUTBOX_SWEEP_SECONDS": "1", "CELERY_VISIBILITY_TIMEOUT": "3600"}


def _backends_waiting_on_stored_rows() -> list[int]:
    """PostgreSQL backends blocked on a lock while writing stored renderings."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE '%%coding_exportcsvrow%%'"
        )
        return [row[0] for row in cursor.fetchall()]


def _backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return bool(cursor.fetchone()[0])


@pytest.mark.worker
def test_a_worker_killed_mid_refresh_stores_nothing_half_and_the_work_is_redone(
    world: World,
    tmp_path: Path,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    """The refresh is held (a SHARE lock on the stored rows, from another connection) after it
    rendered its chunk and while it writes; the worker is SIGKILLed there. Nothing of it is
    stored, every export meanwhile is the rendered one, the outbox row stays, and a new
    worker's sweep stores every rendering."""
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.control.purge()
    gold = _validated_articles(world, count=3)
    expected = {fmt: _rendered(world.project, fmt) for fmt in ("csv", "jsonl", "geojson")}
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}"
    worker = WorkerProcess(tmp_path / "first.log", beat=True, **FAST)
    second = WorkerProcess(tmp_path / "second.log", beat=True, **FAST)
    try:
        with psycopg.connect(url) as blocker:
            blocker.execute("LOCK TABLE coding_exportcsvrow IN SHARE MODE")
            with transaction.atomic():
                csv_rows_schedule(project_id=world.project.pk)
            worker.start()
            deadline = time.monotonic() + 90
            while not (waiting := _backends_waiting_on_stored_rows()):
                assert time.monotonic() < deadline, "the refresh never reached its write"
                time.sleep(0.2)
            for fmt, text in expected.items():  # mid-refresh: nothing half stored is served
                assert (
                    "".join(export_chunks(world.project, fmt, ExportFilters(), timezone.now()))
                    == text
                )
            worker.kill_hard()
            blocker.rollback()  # the lock goes; the dead worker's transaction is rolled back
        deadline = time.monotonic() + 60
        while _backend_alive(waiting[0]):
            assert time.monotonic() < deadline, "the killed worker's backend stayed"
            time.sleep(0.2)
        assert ExportCsvRow.objects.count() == 0
        assert OutboxItem.objects.filter(kind="csv_rows").count() == 1
        for fmt, text in expected.items():
            assert (
                "".join(export_chunks(world.project, fmt, ExportFilters(), timezone.now())) == text
            )

        second.start()
        deadline = time.monotonic() + 90
        while OutboxItem.objects.filter(kind="csv_rows").exists():
            assert time.monotonic() < deadline, "no worker took the refresh again"
            time.sleep(0.2)
        assert ExportCsvRow.objects.count() == len(gold)
        assert ExportCsvRow.objects.filter(jsonl__isnull=True).count() == 0
        for fmt, text in expected.items():
            assert (
                "".join(export_chunks(world.project, fmt, ExportFilters(), timezone.now())) == text
            )
    finally:
        worker.stop()
        second.stop()
        app.conf.task_always_eager = True


def _rendered(project, fmt: str) -> str:  # type: ignore[no-untyped-def]
    from coding.exporting import geojson_chunks, jsonl_chunks

    if fmt == "csv":
        return _rendered_export(project)
    spec = version_spec(project.codebook_version)
    events = iter_export_events(project, ExportFilters(), timezone.now())
    return "".join({"jsonl": jsonl_chunks, "geojson": geojson_chunks}[fmt](events, spec))
