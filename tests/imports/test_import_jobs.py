"""Import jobs with tasks in-process: refusals store nothing, jobs are seen only by the
project's managers, the stored upload is the file byte for byte, a finished job is never run
again, and the sweep hands over (or fails) a job whose worker was lost."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from coding.models import Article, Assignment, AuditEntry, ImportJob, ImportUploadChunk
from coding.services import import_jobs
from coding.services.import_jobs import import_job_create, import_job_run, import_jobs_sweep
from tests.factories_ops import ImportJobFactory, ImportUploadChunkFactory
from tests.imports.helpers import finished_import
from tests.world import World

pytestmark = [pytest.mark.django_db]


def _url(world: World) -> str:
    return f"/api/v1/projects/{world.project.pk}/articles/import/"


def _jsonl(n: int) -> bytes:
    rows = [
        {"title": f"Dépêche {i}", "text": f"Des hommes armés ont attaqué Boni ({i})."}
        for i in range(n)
    ]
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()


def _state() -> tuple[Any, ...]:
    return (
        list(Article.objects.order_by("pk").values_list("pk", "text_sha256")),
        Assignment.objects.count(),
        AuditEntry.objects.count(),
        ImportJob.objects.count(),
        ImportUploadChunk.objects.count(),
    )


@pytest.mark.parametrize(
    ("actor", "status"), [("coder_a", 403), ("researcher", 403), ("outsider", 404)]
)
def test_an_upload_by_a_non_manager_is_refused_and_stores_nothing(
    world: World, actor: str, status: int
) -> None:
    before = _state()
    upload = SimpleUploadedFile("batch.jsonl", _jsonl(3))
    response = world.client(getattr(world, actor)).post(
        _url(world), {"file": upload}, format="multipart"
    )
    assert response.status_code == status
    assert _state() == before


def test_an_upload_over_the_limit_creates_no_job(world: World, settings: Any) -> None:
    settings.ATHAR = {**settings.ATHAR, "MAX_IMPORT_BYTES": 1_000}
    before = _state()
    upload = SimpleUploadedFile("big.jsonl", _jsonl(100))
    response = world.client(world.supervisor).post(
        _url(world), {"file": upload}, format="multipart"
    )
    assert response.status_code == 413
    assert _state() == before


def test_an_unknown_format_value_is_refused_before_anything_is_stored(world: World) -> None:
    before = _state()
    upload = SimpleUploadedFile("batch.jsonl", _jsonl(1))
    response = world.client(world.supervisor).post(
        _url(world), {"file": upload, "format": "docx"}, format="multipart"
    )
    assert response.status_code == 422
    assert _state() == before


def test_the_upload_answers_202_with_the_queued_job_and_the_worker_finishes_it(
    world: World, settings: Any
) -> None:
    settings.ATHAR = {**settings.ATHAR, "IMPORT_IN_REQUEST_MAX_BYTES": len(_jsonl(4)) - 1}
    client = world.client(world.supervisor)
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        response = client.post(
            _url(world), {"file": SimpleUploadedFile("b.jsonl", _jsonl(4))}, format="multipart"
        )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert body["result"] is None
    assert body["size"] == len(_jsonl(4))
    assert body["sha256"] == hashlib.sha256(_jsonl(4)).hexdigest()
    assert body["created_by"] == world.supervisor.username
    assert response["Location"] == f"/api/v1/projects/{world.project.pk}/imports/{body['id']}/"
    assert len(callbacks) == 1  # the outbox kick; nothing imported in the request
    assert not Article.objects.filter(title__startswith="Dépêche").exists()
    for callback in callbacks:
        with TestCase.captureOnCommitCallbacks(execute=True):
            callback()
    job = client.get(body["url"]).json()
    assert job["status"] == "done"
    assert job["result"]["created"] == 4
    assert job["rows_read"] == 4
    assert job["attempts"] == 1


def test_jobs_are_seen_by_the_projects_managers_only(world: World) -> None:
    mine = ImportJobFactory(project=world.project, created_by=world.supervisor)
    theirs = ImportJobFactory(project=world.other_project, created_by=world.supervisor)
    sup = world.client(world.supervisor)
    base = f"/api/v1/projects/{world.project.pk}/imports/"
    assert sup.get(f"{base}{mine.pk}/").json()["id"] == mine.pk
    assert world.client(world.admin).get(f"{base}{mine.pk}/").status_code == 200
    assert sup.get(f"{base}{theirs.pk}/").status_code == 404  # another project's job
    assert sup.get(f"{base}999999/").status_code == 404
    assert world.client(world.coder_a).get(f"{base}{mine.pk}/").status_code == 403
    assert world.client(world.outsider).get(f"{base}{mine.pk}/").status_code == 404
    assert [j["id"] for j in sup.get(base).json()] == [mine.pk]


def test_a_file_stored_in_several_chunks_is_imported_as_sent(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_jobs, "CHUNK_BYTES", 100)
    payload = _jsonl(20)
    job = import_job_create(
        project=world.project,
        actor=world.supervisor,
        fileobj=io.BytesIO(payload),
        filename="b.jsonl",
    )
    chunks = list(ImportUploadChunk.objects.filter(job=job).order_by("index"))
    assert len(chunks) == -(-len(payload) // 100)
    assert b"".join(bytes(c.data) for c in chunks) == payload
    assert (job.size, job.sha256) == (len(payload), hashlib.sha256(payload).hexdigest())
    done = import_job_run(job_id=job.pk)
    assert done is not None
    assert done.status == "done"
    assert done.result["created"] == 20  # type: ignore[index]
    assert not ImportUploadChunk.objects.filter(job=job).exists()


def test_an_empty_file_is_one_empty_chunk_and_imports_nothing(world: World) -> None:
    job = import_job_create(
        project=world.project, actor=world.supervisor, fileobj=io.BytesIO(b""), filename="e.jsonl"
    )
    assert [bytes(c.data) for c in ImportUploadChunk.objects.filter(job=job)] == [b""]
    done = import_job_run(job_id=job.pk)
    assert done is not None
    assert done.status == "done"
    assert done.result["created"] == 0  # type: ignore[index]


def test_a_finished_job_run_again_changes_nothing(world: World) -> None:
    answer = finished_import(
        world.client(world.supervisor),
        _url(world),
        {"file": SimpleUploadedFile("b.jsonl", _jsonl(3))},
    )
    assert answer.status_code == 201
    before = _state()
    job = import_job_run(job_id=answer.job["id"])  # type: ignore[index]  # a second delivery
    assert job is not None
    assert job.status == "done"
    assert _state() == before


def test_the_sweep_hands_a_lost_job_over_and_it_is_imported_once(world: World) -> None:
    job = ImportJobFactory(
        project=world.project,
        created_by=world.supervisor,
        status="running",
        attempts=1,
        lease_until=timezone.now() - dt.timedelta(seconds=1),
    )
    ImportUploadChunkFactory(job=job, data=_jsonl(2))
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert import_jobs_sweep() == 1
    job.refresh_from_db()
    assert job.status == "done"
    assert job.attempts == 2
    assert job.result["created"] == 2  # type: ignore[index]
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert import_jobs_sweep() == 0  # nothing live left


def test_a_job_whose_lease_has_not_passed_is_left_alone(world: World) -> None:
    job = ImportJobFactory(
        project=world.project,
        created_by=world.supervisor,
        lease_until=timezone.now() + dt.timedelta(minutes=5),
    )
    ImportUploadChunkFactory(job=job)
    assert import_jobs_sweep() == 0
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("queued", 0)


def test_a_job_lost_too_often_fails_and_imports_nothing(world: World, settings: Any) -> None:
    settings.ATHAR_WORK_MAX_ATTEMPTS = 3
    job = ImportJobFactory(
        project=world.project,
        created_by=world.supervisor,
        status="running",
        attempts=3,
        lease_until=timezone.now() - dt.timedelta(seconds=1),
    )
    ImportUploadChunkFactory(job=job, data=_jsonl(2))
    before = Article.objects.count()
    assert import_jobs_sweep() == 1
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == {
        "code": "worker_lost",
        "detail": "its worker was lost 3 times; nothing was imported (upload the file again)",
    }
    assert not ImportUploadChunk.objects.filter(job=job).exists()
    assert Article.objects.count() == before


def test_the_import_page_is_for_the_projects_managers(world: World) -> None:
    from tests.frontend.test_pages import client_for

    job = ImportJobFactory(project=world.project, created_by=world.supervisor)
    url = f"/projects/{world.project.pk}/import/"
    page = client_for(world.supervisor).get(url)
    assert page.status_code == 200
    assert (
        f'"url": "/api/v1/projects/{world.project.pk}/imports/{job.pk}/"' in page.content.decode()
    )
    assert client_for(world.coder_a).get(url).status_code == 403
    assert client_for(world.outsider).get(url).status_code == 404
