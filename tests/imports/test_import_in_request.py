"""A small upload is imported in the request: 201 with the finished job, recorded like a
worker's (listed, readable at its url); a bad file fails with its report and imports nothing;
the same file twice is deduplicated; a crash midway (an exception, or the process killed)
leaves no article; a larger upload still goes to a worker."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from coding.models import Article, Assignment, AuditEntry, ImportJob, ImportUploadChunk, OutboxItem
from tests.world import World

pytestmark = [pytest.mark.django_db]


def _url(world: World) -> str:
    return f"/api/v1/projects/{world.project.pk}/articles/import/"


def _jsonl(n: int, prefix: str = "Dépêche") -> bytes:
    rows = [
        {"title": f"{prefix} {i}", "text": f"Des hommes armés ont attaqué Boni ({prefix} {i})."}
        for i in range(n)
    ]
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()


def _articles() -> list[tuple[int, str]]:
    return list(Article.objects.order_by("pk").values_list("pk", "text_sha256"))


def _post(world: World, name: str, payload: bytes, query: str = "") -> Any:
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        response = world.client(world.supervisor).post(
            _url(world) + query, {"file": SimpleUploadedFile(name, payload)}, format="multipart"
        )
    assert callbacks == []  # no outbox kick: nothing left for a worker
    return response


def test_a_small_upload_answers_201_with_the_done_job(world: World) -> None:
    outbox = OutboxItem.objects.count()
    audits = AuditEntry.objects.filter(action="article.import").count()
    response = _post(world, "b.jsonl", _jsonl(4))
    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == body["url"]
    assert body["status"] == "done"
    assert body["result"] == {
        "created": 4,
        "duplicates": [],
        "errors": [],
        "errors_total": 0,
        "errors_by_kind": {},
        "errors_listed": 0,
        "assignments_created": 4 * world.project.overlap,
    }
    assert body["error"] is None
    assert (body["size"], body["sha256"]) == (len(_jsonl(4)), hashlib.sha256(_jsonl(4)).hexdigest())
    assert (body["rows_read"], body["bytes_read"], body["attempts"]) == (4, len(_jsonl(4)), 0)
    assert body["started_at"] is not None
    assert body["finished_at"] is not None
    assert body["created_by"] == world.supervisor.username
    client = world.client(world.supervisor)
    assert client.get(body["url"]).json() == body
    listed = client.get(f"/api/v1/projects/{world.project.pk}/imports/").json()
    assert [j["id"] for j in listed] == [body["id"]]
    assert Article.objects.filter(project=world.project, title__startswith="Dépêche").count() == 4
    assert Assignment.objects.filter(article__title__startswith="Dépêche").count() == 4 * 2
    assert AuditEntry.objects.filter(action="article.import").count() == audits + 1
    assert not ImportUploadChunk.objects.exists()  # nothing stored for a worker
    assert OutboxItem.objects.count() == outbox


def test_a_bad_file_fails_with_its_report_and_imports_nothing(world: World) -> None:
    before = (_articles(), Assignment.objects.count(), AuditEntry.objects.count())
    payload = _jsonl(2) + b"\n{oops"
    response = _post(world, "bad.jsonl", payload)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "failed"
    assert body["result"] is None
    assert body["error"]["code"] == "invalid_file"
    assert body["error"]["detail"] == (
        "1 problem in bad.jsonl; nothing was imported (fix them, or pass skip_invalid=true "
        "to import the good rows)"
    )
    assert [e["location"] for e in body["error"]["errors"]] == ["line 3"]
    assert (body["error"]["errors_total"], body["error"]["errors_listed"]) == (1, 1)
    assert (_articles(), Assignment.objects.count(), AuditEntry.objects.count()) == before
    assert ImportJob.objects.get().status == "failed"
    # The good rows with skip_invalid: the same report, and they are imported.
    partial = _post(world, "bad.jsonl", payload, "?skip_invalid=true").json()
    assert partial["status"] == "done"
    assert partial["result"]["created"] == 2
    assert partial["result"]["errors"] == body["error"]["errors"]


def test_the_same_file_twice_is_deduplicated(world: World) -> None:
    first = _post(world, "b.jsonl", _jsonl(3)).json()
    articles = _articles()
    assignments = Assignment.objects.count()
    second = _post(world, "b.jsonl", _jsonl(3)).json()
    assert (first["status"], second["status"]) == ("done", "done")
    assert first["result"]["created"] == 3
    assert second["result"]["created"] == 0
    assert second["result"]["assignments_created"] == 0
    existing = {title: pk for pk, title in Article.objects.values_list("pk", "title")}
    assert second["result"]["duplicates"] == [
        {"position": i + 1, "title": f"Dépêche {i}", "existing_article": existing[f"Dépêche {i}"]}
        for i in range(3)
    ]
    assert (_articles(), Assignment.objects.count()) == (articles, assignments)


def test_an_exception_midway_rolls_everything_back_and_the_job_says_why(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coding.services import imports

    def explode(**kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    # The articles are written when the assignment pass fails.
    monkeypatch.setattr(imports, "assignments_balance", explode)
    before = (_articles(), Assignment.objects.count(), AuditEntry.objects.count())
    response = _post(world, "b.jsonl", _jsonl(3))
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "failed"
    assert body["error"] == {
        "code": "import_error",
        "detail": "the import failed and nothing was imported: RuntimeError: disk on fire",
    }
    assert (_articles(), Assignment.objects.count(), AuditEntry.objects.count()) == before


def test_an_upload_over_the_threshold_goes_to_a_worker(world: World, settings: Any) -> None:
    payload = _jsonl(3)
    settings.ATHAR = {**settings.ATHAR, "IMPORT_IN_REQUEST_MAX_BYTES": len(payload)}
    with TestCase.captureOnCommitCallbacks(execute=False):
        at_limit = world.client(world.supervisor).post(
            _url(world), {"file": SimpleUploadedFile("a.jsonl", payload)}, format="multipart"
        )
    assert (at_limit.status_code, at_limit.json()["status"]) == (201, "done")
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        over = world.client(world.supervisor).post(
            _url(world),
            {"file": SimpleUploadedFile("b.jsonl", _jsonl(3, "Autre dépêche"))},
            format="multipart",
        )
    assert (over.status_code, over.json()["status"]) == (202, "queued")
    assert len(callbacks) == 1  # the outbox kick
    assert ImportUploadChunk.objects.filter(job_id=over.json()["id"]).exists()
    assert not Article.objects.filter(title__startswith="Autre dépêche").exists()
