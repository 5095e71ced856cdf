"""Imports done by a real Celery worker (real Redis, real PostgreSQL), uploaded over the API:
the happy path, a worker killed mid-import, the broker down at upload, a bad file, and the
same file twice."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from coding.models import Article, Assignment, AuditEntry, ImportJob, ImportUploadChunk, OutboxItem
from coding.services.import_jobs import import_jobs_sweep
from tests.worker.conftest import WorkerProcess, broker_at
from tests.world import World

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

FAST = {
    "ATHAR_OUTBOX_SWEEP_SECONDS": "1",
    "ATHAR_LEASE_SECONDS": "3",
    "CELERY_VISIBILITY_TIMEOUT": "3600",
}


@pytest.fixture(autouse=True)
def _uploads_go_to_a_worker(settings: Any) -> None:
    """These files are small: without this they would be imported in the request."""
    settings.ATHAR = {**settings.ATHAR, "IMPORT_IN_REQUEST_MAX_BYTES": 0}


def _jsonl(n: int, prefix: str = "Article") -> bytes:
    rows = [
        {"title": f"{prefix} {i}", "text": f"هاجم مسلحون قرية رقم {i} ({prefix}) يوم الاثنين."}
        for i in range(n)
    ]
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()


def _upload(world: World, name: str, payload: bytes) -> dict[str, Any]:
    client = APIClient()
    client.force_authenticate(world.supervisor)
    file = io.BytesIO(payload)
    file.name = name
    response = client.post(
        f"/api/v1/projects/{world.project.pk}/articles/import/", {"file": file}, format="multipart"
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued"
    return body


def _job(world: World, body: dict[str, Any]) -> dict[str, Any]:
    client = APIClient()
    client.force_authenticate(world.supervisor)
    response = client.get(body["url"])
    assert response.status_code == 200
    return response.json()


def _wait(condition: Callable[[], Any], what: str, timeout: float = 90) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, what
        time.sleep(0.2)
    return value


def _finished(world: World, body: dict[str, Any]) -> dict[str, Any]:
    return _wait(
        lambda: (job := _job(world, body))["status"] in ("done", "failed") and job,
        "the job did not finish",
    )


def _state(world: World) -> tuple[Any, ...]:
    return (
        sorted(Article.objects.filter(project=world.project).values_list("text_sha256", flat=True)),
        Assignment.objects.count(),
        AuditEntry.objects.count(),
    )


def test_a_worker_imports_an_upload_and_the_job_reports_it(
    world: World,
    celery_worker_process,  # type: ignore[no-untyped-def]
) -> None:
    before = Article.objects.filter(project=world.project).count()
    body = _upload(world, "batch.jsonl", _jsonl(50))
    job = _finished(world, body)
    assert job["status"] == "done", job
    assert job["result"]["created"] == 50
    assert job["result"]["assignments_created"] == 100  # overlap 2
    assert job["rows_read"] == 50
    assert job["bytes_read"] == job["size"]
    assert job["error"] is None
    assert job["started_at"] is not None
    assert job["finished_at"] is not None
    assert Article.objects.filter(project=world.project).count() == before + 50
    assert not ImportUploadChunk.objects.filter(job_id=body["id"]).exists()  # upload consumed


def test_the_same_file_twice_is_deduplicated(
    world: World,
    celery_worker_process,  # type: ignore[no-untyped-def]
) -> None:
    first = _finished(world, _upload(world, "batch.jsonl", _jsonl(5)))
    assert first["result"]["created"] == 5
    again = _finished(world, _upload(world, "batch.jsonl", _jsonl(5)))
    assert again["status"] == "done"
    assert again["result"]["created"] == 0
    assert [d["position"] for d in again["result"]["duplicates"]] == [1, 2, 3, 4, 5]
    assert Article.objects.filter(project=world.project, title__startswith="Article").count() == 5


def test_a_bad_file_fails_with_its_report_and_imports_nothing(
    world: World,
    celery_worker_process,  # type: ignore[no-untyped-def]
) -> None:
    before = _state(world)
    payload = _jsonl(3) + b'\n{"title": "", "text": "x"}\n{not json\n'
    job = _finished(world, _upload(world, "bad.jsonl", payload))
    assert job["status"] == "failed"
    assert job["result"] is None
    error = job["error"]
    assert error["code"] == "invalid_file"
    assert error["detail"].startswith("2 problems in bad.jsonl; nothing was imported")
    assert [e["line"] for e in error["errors"]] == [4, 5]
    assert error["errors_total"] == 2
    assert _state(world) == before
    assert not ImportUploadChunk.objects.exists()


def test_a_worker_killed_mid_import_leaves_nothing_and_the_job_is_imported_once(
    world: World,
    tmp_path: Path,
    settings: Any,
) -> None:
    """The first worker pauses with every article written and not committed, and is
    SIGKILLed there: nothing is imported, the job stays live; while it was alive the sweep
    left it alone (it held the upload's lock) even with its lease passed. A second worker's
    sweep hands the job over once the lease passes, and it is imported exactly once."""
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.control.purge()
    before = _state(world)
    first = WorkerProcess(tmp_path / "first.log", beat=True, ATHAR_IMPORT_TEST_PAUSE="600", **FAST)
    second = WorkerProcess(tmp_path / "second.log", beat=True, **FAST)
    try:
        first.start()
        body = _upload(world, "batch.jsonl", _jsonl(40))
        _wait(lambda: _job(world, body)["rows_read"] == 40, "the first worker read no rows")
        time.sleep(1.0)  # into the pause: the rows are written, not committed
        ImportJob.objects.filter(pk=body["id"]).update(lease_until="2000-01-01T00:00:00Z")
        assert import_jobs_sweep() == 0  # a live worker holds the upload: left alone
        assert ImportJob.objects.get(pk=body["id"]).attempts == 1
        first.kill_hard()
        assert _state(world) == before
        job = _job(world, body)
        assert job["status"] == "running"
        assert job["result"] is None
        assert ImportUploadChunk.objects.filter(job_id=body["id"]).count() == 1

        second.start()
        job = _finished(world, body)
        assert job["status"] == "done", job
        assert job["result"]["created"] == 40
        assert job["attempts"] == 2
        articles = Article.objects.filter(project=world.project, title__startswith="Article")
        assert articles.count() == 40
        assert OutboxItem.objects.filter(kind="import_run").count() == 0
    finally:
        first.stop()
        second.stop()
        app.conf.task_always_eager = True


def test_an_upload_while_the_broker_is_down_is_imported_when_it_returns(
    world: World,
    tmp_path: Path,
    settings: Any,
) -> None:
    """The upload commits its job and outbox row and answers 202 although the kick cannot
    reach the broker; the job waits, queued. A worker started later (its beat drains the
    outbox) imports it."""
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.control.purge()
    worker = WorkerProcess(tmp_path / "worker.log", beat=True, **FAST)
    try:
        with broker_at("redis://127.0.0.1:1/0"):  # nothing listens there: an outage
            body = _upload(world, "batch.jsonl", _jsonl(7))
        time.sleep(1.0)
        assert _job(world, body)["status"] == "queued"
        assert OutboxItem.objects.filter(kind="import_run").count() == 1
        assert not Article.objects.filter(title__startswith="Article").exists()
        worker.start()
        job = _finished(world, body)
        assert job["status"] == "done"
        assert job["result"]["created"] == 7
        assert Article.objects.filter(title__startswith="Article").count() == 7
    finally:
        worker.stop()
        app.conf.task_always_eager = True
