"""Processes of the import benchmark (bench/bench_import.py): the Celery worker it starts,
and CPU samplers for the PostgreSQL backends of a database and for a process tree."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench._common import REPO, process_cpu_seconds, production_env


class BackendCpu:
    """CPU of the PostgreSQL backends of one database over a stretch of time, sampled every
    0.2 s in a thread: a backend that ends within the stretch (a web worker's connection
    outliving CONN_MAX_AGE is closed at the end of the request) keeps the CPU it was last
    seen with, which a snapshot at the end would miss."""

    def __init__(self, db_name: str) -> None:
        self.db_name = db_name
        self.first: dict[int, float] = self._read()
        self.last: dict[int, float] = dict(self.first)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _read(self) -> dict[int, float]:
        out = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                title = (entry / "cmdline").read_text()
            except OSError:
                continue
            if title.startswith("postgres:") and f" {self.db_name} " in title:
                out[int(entry.name)] = process_cpu_seconds(int(entry.name))
        return out

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            for pid, cpu in self._read().items():
                self.last[pid] = max(cpu, self.last.get(pid, 0.0))

    def stop(self) -> float:
        """Stop sampling; CPU seconds the backends used since the start."""
        self._stop.set()
        self._thread.join()
        for pid, cpu in self._read().items():
            self.last[pid] = max(cpu, self.last.get(pid, 0.0))
        return sum(cpu - self.first.get(pid, 0.0) for pid, cpu in self.last.items())


@contextmanager
def celery_worker(url: str, concurrency: int, broker: str) -> Iterator[subprocess.Popen[bytes]]:
    """A Celery worker process in the production shape (same settings as gunicorn), on the
    bench broker; stopped on exit."""
    env = production_env(url)
    env["CELERY_BROKER_URL"] = broker
    command = [
        str(REPO / ".venv" / "bin" / "celery"),
        "--quiet",
        "-A",
        "config",
        "worker",
        "--loglevel=WARNING",
        f"--concurrency={concurrency}",
        "--pool=prefork",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        f"bench-import-{os.getpid()}@%h",
    ]
    process = subprocess.Popen(command, cwd=REPO, env=env, start_new_session=True)
    try:
        time.sleep(3)
        if process.poll() is not None:
            raise SystemExit(f"the Celery worker exited with status {process.returncode}")
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


class TreeCpu:
    """CPU of a process tree over a stretch, sampled every 0.2 s (a pool child that is
    replaced keeps what it was last seen with)."""

    def __init__(self, root_pid: int) -> None:
        self.root = root_pid
        self.first = self._read()
        self.last = dict(self.first)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _read(self) -> dict[int, float]:
        out = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid = int(entry.name)
            if pid == self.root or int(fields[1]) == self.root:
                out[pid] = process_cpu_seconds(pid)
        return out

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            for pid, cpu in self._read().items():
                self.last[pid] = max(cpu, self.last.get(pid, 0.0))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        for pid, cpu in self._read().items():
            self.last[pid] = max(cpu, self.last.get(pid, 0.0))
        return sum(cpu - self.first.get(pid, 0.0) for pid, cpu in self.last.items())
