"""Two imports into one project at once, whose files share a text: the second one's write
waits for the first's commit, breaks the per-project uniqueness of texts, and is run again
from the start; the text is created once and reported a duplicate by the second job."""

from __future__ import annotations

import io
import json
import threading
from typing import Any

import pytest
from django.db import connection

from coding.models import Article
from coding.services.import_jobs import import_job_create, import_job_run
from tests.world import World

pytestmark = [pytest.mark.django_db(transaction=True)]

SHARED = "Des hommes armés ont attaqué le poste de Boulkessi mardi à l'aube."


def _file(*texts: str) -> bytes:
    return "\n".join(
        json.dumps({"title": f"T{i}", "text": t}, ensure_ascii=False) for i, t in enumerate(texts)
    ).encode()


def test_two_jobs_sharing_a_text_import_it_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each job pauses with its rows written, before its commit: the two overlap.
    monkeypatch.setenv("ATHAR_IMPORT_TEST_PAUSE", "1.5")
    jobs = [
        import_job_create(
            project=world.project,
            actor=world.supervisor,
            fileobj=io.BytesIO(_file(SHARED, f"Texte propre au fichier {n}.")),
            filename=f"f{n}.jsonl",
        )
        for n in range(2)
    ]
    results: dict[int, Any] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run(job_id: int) -> None:
        try:
            start.wait(timeout=30)
            results[job_id] = import_job_run(job_id=job_id)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job.pk,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    done = [results[job.pk] for job in jobs]
    assert [job.status for job in done] == ["done", "done"]
    assert sorted(job.result["created"] for job in done) == [1, 2]
    second = next(job for job in done if job.result["created"] == 1)
    assert [d["title"] for d in second.result["duplicates"]] == ["T0"]
    assert Article.objects.filter(project=world.project, text=SHARED).count() == 1
    assert Article.objects.filter(project=world.project, title__in=["T0", "T1"]).count() == 3


def test_a_jobs_copy_meeting_a_concurrent_text_is_run_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The articles go in by COPY, whose unique violation psycopg raises as its own error
    # (Django wraps only execute and fetch): the job is run again, not failed.
    import psycopg

    from coding.services import import_jobs

    job = import_job_create(
        project=world.project,
        actor=world.supervisor,
        fileobj=io.BytesIO(_file(SHARED)),
        filename="f.jsonl",
    )
    real = import_jobs._run_once
    calls = {"n": 0}

    def collides_once(job_id: int) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise psycopg.errors.UniqueViolation(
                'duplicate key value violates unique constraint "article_unique_text_per_project"'
            )
        return real(job_id)

    monkeypatch.setattr(import_jobs, "_run_once", collides_once)
    done = import_job_run(job_id=job.pk)
    assert calls["n"] == 2
    assert done is not None
    assert done.status == "done"
    assert done.result["created"] == 1
    assert Article.objects.filter(project=world.project, text=SHARED).count() == 1
