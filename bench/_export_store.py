"""Storing a project's export renderings the way the application does after a dictionary
change or a recompute: a whole-project refresh recorded as an outbox row, drained by real
Celery worker processes (``--concurrency N``, prefork) that take its chunks
(coding/services/export_rows_chunks.py). Timed from the request to the last chunk stored;
CPU of the Celery processes (parent and pool children) and of the bench database's
PostgreSQL backends that connected after the request, sampled every 0.5 s from /proc."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(child) for child in path.read_text().split()]
    except OSError:
        return []


def _backends(db: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_text()
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {db} " in title:
            pids.append(int(entry.name))
    return pids


class _Meter:
    """CPU of processes as they come and go: the last value seen less the first."""

    def __init__(self) -> None:
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}

    def sample(self, pids: list[int], *, new_from_zero: bool) -> None:
        for pid in pids:
            value = _cpu(pid)
            if value is None:
                continue
            self.first.setdefault(pid, 0.0 if new_from_zero else value)
            self.last[pid] = value

    def total(self) -> float:
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def start_worker(database_url: str, broker: str, processes: int, log: Path) -> subprocess.Popen:  # type: ignore[type-arg]
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "ATHAR_ENV": "test",
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
        }
    )
    handle = log.open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            f"--concurrency={processes}",
            "--pool=prefork",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"bench-export-{os.getpid()}@%h",
            # Beat, as in production: the periodic drain does chunks whose message was lost.
            "-B",
            "--schedule",
            str(log.with_suffix(".beat")),
        ],
        cwd=REPO,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while "ready." not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("worker did not start: " + log.read_text(errors="replace"))
        time.sleep(0.3)
    return proc


def store_with_workers(
    *, db: str, database_url: str, project_id: int, processes: int, broker: str
) -> tuple[float, int, float]:
    """Seconds from the request to every chunk stored, events stored, CPU seconds (Celery +
    PostgreSQL). Django must be set up in this process against ``database_url``."""
    from django.db import transaction

    from coding.models import ExportCsvRow, OutboxItem
    from coding.services.export_rows import csv_rows_schedule
    from config.celery import app

    app.conf.broker_url = app.conf.broker_write_url = broker
    app.conf.task_always_eager = False
    app.control.purge()
    log = Path(f"/tmp/bench-export-store-{os.getpid()}.log")
    worker = start_worker(database_url, broker, processes, log)
    celery, postgres = _Meter(), _Meter()
    before_rows = ExportCsvRow.objects.count()
    try:
        celery.sample([worker.pid, *_children(worker.pid)], new_from_zero=False)
        existing = set(_backends(db))
        started = time.perf_counter()
        with transaction.atomic():
            csv_rows_schedule(project_id=project_id)  # as a dictionary change records it
        while True:
            time.sleep(0.5)
            celery.sample([worker.pid, *_children(worker.pid)], new_from_zero=True)
            postgres.sample([p for p in _backends(db) if p not in existing], new_from_zero=True)
            if not OutboxItem.objects.filter(kind="csv_rows").exists():
                break
            if worker.poll() is not None:
                raise RuntimeError("the worker died: " + log.read_text(errors="replace"))
        seconds = time.perf_counter() - started
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=120)
        app.conf.task_always_eager = True
    written = ExportCsvRow.objects.count() - before_rows
    print(
        f"  stored with {processes} worker process(es): {seconds:.1f} s, "
        f"Celery CPU {celery.total():.1f} s, PostgreSQL CPU {postgres.total():.1f} s, "
        f"load {' '.join(Path('/proc/loadavg').read_text().split()[:3])}",
        flush=True,
    )
    return seconds, written, celery.total() + postgres.total()
