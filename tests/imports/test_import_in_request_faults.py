"""Imports in the request, against committed data: a process killed with the articles written
and not committed leaves nothing (not even the job); two requests whose files share a text
import it once."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from coding.models import Article, Assignment, ImportJob
from coding.services import import_uploads
from coding.services.import_uploads import import_in_request
from tests.worker.conftest import ROOT, WorkerProcess
from tests.world import World

pytestmark = [pytest.mark.django_db(transaction=True)]

SHARED = "Des hommes armés ont attaqué le poste de Boulkessi mardi à l'aube."

IMPORT_SCRIPT = """
import io, sys, django
django.setup()
from coding.models import Project, User
from coding.services.import_uploads import import_in_request
import_in_request(project=Project.objects.get(pk=int(sys.argv[1])),
                  actor=User.objects.get(pk=int(sys.argv[2])),
                  fileobj=io.BytesIO(sys.stdin.buffer.read()), filename="killed.jsonl")
"""


def _file(*texts: str) -> bytes:
    return "\n".join(
        json.dumps({"title": f"T{i}", "text": t}, ensure_ascii=False) for i, t in enumerate(texts)
    ).encode()


def _open_transactions(pid: int) -> int:
    """Backends of the test database, other than this one, inside a transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%%' "
            "AND backend_xid IS NOT NULL"
        )
        return int(cursor.fetchone()[0])


def test_a_process_killed_mid_import_leaves_nothing(world: World, tmp_path: Path) -> None:
    before = (Article.objects.count(), Assignment.objects.count(), ImportJob.objects.count())
    # Pause with the job, the articles and their assignments written, before the commit.
    env = WorkerProcess(tmp_path / "unused.log", ATHAR_IMPORT_TEST_PAUSE="120").env()
    process = subprocess.Popen(
        [sys.executable, "-c", IMPORT_SCRIPT, str(world.project.pk), str(world.supervisor.pk)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        start_new_session=True,
    )
    assert process.stdin is not None
    process.stdin.write(_file("Un texte.", "Un autre texte.", SHARED))
    process.stdin.close()
    deadline = time.monotonic() + 90
    while not _open_transactions(process.pid):  # its rows written, uncommitted
        assert process.poll() is None, "the import ended before it was killed"
        assert time.monotonic() < deadline, "the import did not reach its pause"
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    deadline = time.monotonic() + 30
    while _open_transactions(process.pid):  # PostgreSQL notices the dead client
        assert time.monotonic() < deadline
        time.sleep(0.2)
    after = (Article.objects.count(), Assignment.objects.count(), ImportJob.objects.count())
    assert after == before


def test_two_requests_sharing_a_text_import_it_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each request pauses with its rows written, before its commit: the two overlap.
    monkeypatch.setenv("ATHAR_IMPORT_TEST_PAUSE", "1.5")
    files = [_file(SHARED, f"Texte propre au fichier {n}.") for n in range(2)]
    results: dict[int, Any] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(2)
    runs = {"n": 0}
    real = import_uploads._import_once

    def counted(*args: Any) -> Any:
        runs["n"] += 1
        return real(*args)

    monkeypatch.setattr(import_uploads, "_import_once", counted)

    def run(n: int) -> None:
        try:
            start.wait(timeout=30)
            results[n] = import_in_request(
                project=world.project,
                actor=world.supervisor,
                fileobj=io.BytesIO(files[n]),
                filename=f"f{n}.jsonl",
            )
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    done = [results[n] for n in range(2)]
    assert [job.status for job in done] == ["done", "done"]
    assert sorted(job.result["created"] for job in done) == [1, 2]
    second = next(job for job in done if job.result["created"] == 1)
    assert [d["title"] for d in second.result["duplicates"]] == ["T0"]
    assert runs["n"] == 3  # the second one ran again from the start
    assert Article.objects.filter(project=world.project, text=SHARED).count() == 1
    assert ImportJob.objects.filter(status="done").count() == 2  # its first job rolled back
