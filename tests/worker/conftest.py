"""A real Celery worker process on the real Redis broker, against the test database.

Tests that use it must be `transaction=True` django_db tests so the worker sees committed rows.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


class WorkerProcess:
    def __init__(
        self, log_path: Path, *, beat: bool = False, node: str = "test", **extra_env: str
    ) -> None:
        self.log_path = log_path
        self.beat = beat
        self.node = node  # distinct names for several workers at once
        self.extra_env = extra_env
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def env(self) -> dict[str, str]:
        db = settings.DATABASES["default"]
        env = dict(os.environ)
        # The worker must use the test database pytest-django created, not the main one.
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}"
        )
        env["ATHAR_ENV"] = "test"
        env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
        env["CELERY_TASK_ALWAYS_EAGER"] = "false"
        env.update(self.extra_env)
        return env

    def start(self) -> None:
        self._log = log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                "--pool=prefork",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{self.node}-{os.getpid()}@%h",
                # Celery beat inside the worker (the periodic outbox drain and lease sweep).
                *(
                    ["-B", "--schedule", str(self.log_path.with_suffix(".beat"))]
                    if self.beat
                    else []
                ),
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if "ready." in self.log_path.read_text(errors="replace"):
                return
            if self.proc.poll() is not None:
                raise RuntimeError("worker exited: " + self.log_path.read_text(errors="replace"))
            time.sleep(0.2)
        raise RuntimeError("worker did not become ready: " + self.log_path.read_text())

    def kill_hard(self) -> None:
        """SIGKILL the whole process group, as a crashed machine would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
        self._close_log()

    def _close_log(self) -> None:
        if self._log:
            self._log.close()
            self._log = None

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill_hard()
        self._close_log()


@pytest.fixture
def celery_worker_process(tmp_path: Path, settings) -> Iterator[WorkerProcess]:  # type: ignore[no-untyped-def]
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        raise pytest.UsageError("worker tests need CELERY_BROKER_URL=redis://… (make test sets it)")
    from config.celery import app

    # The test process publishes to the real broker instead of running tasks inline.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.control.purge()
    worker = WorkerProcess(tmp_path / "worker.log")
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Publish from this process to the broker at `url` (e.g. a port where no Redis listens:
    an outage), then back to the real one. Forgets the cached connection pools both ways."""
    from config.celery import app

    def reset() -> None:  # the next publish connects anew, to the configured URL
        app._pool = None
        app.amqp._producer_pool = None

    real = (app.conf.broker_url, app.conf.broker_write_url)
    reset()
    # Both: Celery resolved the write URL from the broker URL when it was configured.
    app.conf.broker_url = app.conf.broker_write_url = url
    try:
        yield
    finally:
        reset()
        app.conf.broker_url, app.conf.broker_write_url = real
