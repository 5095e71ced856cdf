"""Article imports as jobs a Celery worker does, never against a web worker's timeout.

`import_job_create` (the upload request) stores the file in the database in chunks, creates
the job and records its outbox row, all in one transaction, and returns at once: once that
commits, a worker imports the file even if the broker is down right now (the outbox drain
hands the job over when it is back).

`import_job_run` (the task) imports the stored file with `articles_import` in one
transaction that also marks the job done (with the import's report) or failed (with the
same error body a refused import had), and deletes the stored file. Whatever happens to the
worker, the file is imported exactly once or not at all:

- the worker holds the row lock of the upload's chunk 0 for the whole import: a second
  delivery of the task finds it held (or the job finished) and does nothing;
- a worker killed mid-import commits nothing; PostgreSQL drops its lock, and once the job's
  lease passes the sweep (`import_jobs_sweep`) hands it to a worker again, at most
  ATHAR_WORK_MAX_ATTEMPTS times before marking it failed;
- the job's progress (rows and bytes read) and its lease are written from a second
  database connection while it works, so a supervisor sees them before the commit.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import os
import tempfile
import time
from typing import IO, Any, BinaryIO

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from coding.errors import ValidationFailed
from coding.models import ImportJob, ImportUploadChunk, OutboxItem, Project, User
from coding.services.agreement_leases import lease_end
from coding.services.imports import articles_import
from coding.services.outbox import outbox_record

log = logging.getLogger(__name__)

CHUNK_BYTES = 4 * 1024 * 1024
"""An upload is stored in pieces of this size (a 200 MiB file is 50 rows)."""
PROGRESS_SECONDS = 0.5
"""Progress (and the lease) is written at most this often while a file is read."""
TASK_RUN_IMPORT = "coding.run_import"
LIVE = (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
_ARTICLE_UNIQUE = "article_unique_text_per_project"
# Articles are written with COPY, whose errors psycopg raises as its own (Django wraps only
# the errors of execute and fetch): both kinds mean the same broken uniqueness.
INTEGRITY_ERRORS = (IntegrityError, psycopg.IntegrityError)


@transaction.atomic
def import_job_create(
    *,
    project: Project,
    actor: User,
    fileobj: BinaryIO | IO[bytes],
    filename: str,
    fmt: str | None = None,
    skip_invalid: bool = False,
) -> ImportJob:
    """Store the uploaded file and queue its import; the job is "queued".

    The caller has checked the upload's size (api/uploads.py refuses it before it is
    spooled) and that `actor` manages `project`. `fileobj` is read to its end. The job is
    the record of the request (the import's own audit row is written when it imports).
    """
    job = ImportJob.objects.create(
        project=project,
        created_by=actor,
        filename=filename[:255],
        format=fmt or "",
        skip_invalid=skip_invalid,
        size=0,
        sha256="0" * 64,
        lease_until=lease_end(),
    )
    digest, size, index = hashlib.sha256(), 0, 0
    while True:
        data = fileobj.read(CHUNK_BYTES)
        if data or index == 0:  # chunk 0 always exists: the worker locks it
            ImportUploadChunk.objects.create(job=job, index=index, data=data)
            digest.update(data)
            size += len(data)
            index += 1
        if len(data) < CHUNK_BYTES:
            break
    ImportJob.objects.filter(pk=job.pk).update(size=size, sha256=digest.hexdigest())
    job.refresh_from_db()
    outbox_record(
        kind=OutboxItem.Kind.IMPORT_RUN, key=f"import:{job.pk}", payload={"job_id": job.pk}
    )
    return job


def import_job_hand_over(*, job_id: int) -> None:
    """Give a queued (or abandoned) job to the broker with a pick-up lease. Called by the
    outbox drain and the sweep, inside their transaction; the task is sent after commit."""
    from coding.services.outbox_drain import _send_after_commit

    job = ImportJob.objects.filter(pk=job_id, status__in=LIVE).first()
    if job is None:  # finished meanwhile
        return
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.QUEUED, lease_until=lease_end(), attempts=job.attempts + 1
    )
    _send_after_commit(TASK_RUN_IMPORT, job.pk)


def import_jobs_sweep() -> int:
    """Hand over again every live job whose lease passed and whose upload no live worker
    holds; fail those out of attempts. Returns how many were handed over or failed."""
    now = timezone.now()
    swept = 0
    with transaction.atomic():
        jobs = (
            ImportJob.objects.select_for_update(skip_locked=True)
            .filter(status__in=LIVE, lease_until__lt=now)
            .order_by("id")
        )
        for job in jobs:
            held = not list(
                ImportUploadChunk.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(job_id=job.pk, index=0)
                .values_list("pk", flat=True)
            )
            if held:  # a live worker is importing it (a long assignment pass, say)
                continue
            swept += 1
            if job.attempts >= settings.ATHAR_WORK_MAX_ATTEMPTS:
                _finish(
                    job,
                    error={
                        "code": "worker_lost",
                        "detail": f"its worker was lost {job.attempts} times; nothing was "
                        "imported (upload the file again)",
                    },
                )
                continue
            log.warning("import job %s: lease passed, handing it to a worker again", job.pk)
            import_job_hand_over(job_id=job.pk)
    return swept


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Import a job's stored file (the task's body). Idempotent: a finished job, or one a
    live worker holds, is returned unchanged. None if the job no longer exists.

    Two imports into one project may meet on a text both files hold: the second one's write
    waits for the first's commit and then breaks the per-project uniqueness of texts; it is
    then run again from the start, and finds the text a duplicate, as it would have.
    """
    for attempt in range(3):
        try:
            return _run_once(job_id)
        except INTEGRITY_ERRORS as exc:
            if _ARTICLE_UNIQUE not in str(exc) or attempt == 2:
                raise
            log.info("import job %s met a concurrent import of the same text; again", job_id)
    return None  # not reached


def _run_once(job_id: int) -> ImportJob | None:
    with transaction.atomic():
        first = (
            ImportUploadChunk.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(job_id=job_id, index=0)
            .first()
        )
        job = ImportJob.objects.select_related("project", "created_by").filter(pk=job_id).first()
        if job is None or first is None or job.status not in LIVE:
            return job  # finished, or being imported by a live worker right now
        with _Progress(job) as progress, tempfile.TemporaryFile() as spool:
            _spool(job, spool)
            progress.reader = spool
            try:
                with transaction.atomic():
                    outcome = articles_import(
                        project=job.project,
                        fileobj=spool,
                        filename=job.filename,
                        actor=job.created_by,
                        skip_invalid=job.skip_invalid,
                        fmt=job.format or None,
                        progress=progress.tick,
                    )
            except ValidationFailed as exc:  # a bad file: nothing imported, the report kept
                _finish(job, error=exc.as_dict(), rows_read=progress.rows)
            else:
                progress.flush()  # every row read, shown before the commit
                _test_pause()
                _finish(job, result=outcome.as_dict(), rows_read=progress.rows)
        job.refresh_from_db()
        return job


def _test_pause() -> None:
    """Fault-injection knob for the worker-crash test: pause with the articles written and
    not yet committed."""
    pause = float(os.environ.get("ATHAR_IMPORT_TEST_PAUSE", "0") or 0)
    if pause:
        time.sleep(pause)


def _spool(job: ImportJob, spool: IO[bytes]) -> None:
    """Copy the stored upload into a local temporary file, one chunk at a time (a zip
    must be seekable, and the parsers read small pieces)."""
    pieces = (
        ImportUploadChunk.objects.filter(job_id=job.pk)
        .order_by("index")
        .values_list("data", flat=True)
    )
    for data in pieces.iterator(chunk_size=1):
        spool.write(bytes(data))
    spool.seek(0)


def _finish(
    job: ImportJob,
    *,
    result: dict[str, Any] | None = None,
    error: dict[str, Any] | None = None,
    rows_read: int | None = None,
) -> None:
    """Mark a job done (with `result`) or failed (with `error`) and delete its upload, in
    the caller's transaction."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED if error is not None else ImportJob.Status.DONE,
        result=result,
        error=error,
        rows_read=job.rows_read if rows_read is None else rows_read,
        bytes_read=job.size,
        finished_at=timezone.now(),
        lease_until=None,
    )
    ImportUploadChunk.objects.filter(job_id=job.pk).delete()


def import_job_failed(*, job_id: int, error: str) -> None:
    """Record an unexpected failure (a bug, not the file's fault): nothing was imported."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id, status__in=LIVE).first()
        if job is not None:
            _finish(
                job,
                error={
                    "code": "import_error",
                    "detail": f"the import failed and nothing was imported: {error}"[:2000],
                },
            )


class _Progress:
    """Rows and bytes read, and the lease, written from a connection of its own (outside
    the import's transaction, so others see them) at most every PROGRESS_SECONDS.

    Only on PostgreSQL: SQLite (the demo, tasks in-process) has one writer at a time and no
    one to watch."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.rows = 0
        self.reader: IO[bytes] | None = None
        self._last = 0.0
        self._conn: BaseDatabaseWrapper | None = None
        if connection.vendor == "postgresql":
            default = connections[DEFAULT_DB_ALIAS]
            self._conn = type(default)(copy.deepcopy(default.settings_dict), DEFAULT_DB_ALIAS)

    def __enter__(self) -> _Progress:
        self._write(status=ImportJob.Status.RUNNING)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._conn is not None:
            self._conn.close()

    def tick(self, rows: int) -> None:
        self.rows = rows
        now = time.monotonic()
        if now - self._last >= PROGRESS_SECONDS:
            self._write()

    def flush(self) -> None:
        self._write()

    def _write(self, *, status: str | None = None) -> None:
        self._last = time.monotonic()
        if self._conn is None:
            return
        position = self.reader.tell() if self.reader is not None else 0
        table = ImportJob._meta.db_table  # a model's name, and fixed clauses: no user input
        sets = "rows_read = %s, bytes_read = LEAST(%s, size), lease_until = %s"
        params: list[Any] = [self.rows, position, lease_end()]
        if status is not None:
            sets += ", status = %s, started_at = coalesce(started_at, now())"
            params.append(status)
        with self._conn.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {sets} WHERE id = %s AND status IN ('queued', 'running')",  # noqa: S608
                [*params, self.job.pk],
            )
