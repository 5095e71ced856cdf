"""An uploaded file of articles: imported in the request when it is small, else a job.

A small upload (at most ATHAR["IMPORT_IN_REQUEST_MAX_BYTES"], 8 MiB by default: about
2,000 articles of 3,000 characters, imported in ~2 s of CPU on a 2-core machine, far below
gunicorn's 300 s timeout) is imported by the request itself (`import_in_request`): storing
it in chunks, handing it to the broker, a worker picking it up and the client polling cost
more than the import. A larger one is stored and queued for a worker
(coding.services.import_jobs.import_job_create), as before.

Either way a job row records the upload, so the Import page and `GET …/imports/{job}/` show
it. In the request, the job row, the articles, their assignments and the job's report
commit in one transaction: a bad file is reported (the job "failed", nothing imported); an
exception midway (a bug) rolls it all back and the job is recorded "failed" with the reason,
as a worker records it; a process killed midway, or the database lost, leaves nothing at all
— the client gets no answer, or an error, and may upload the file again. Nothing is ever
half-imported.
"""

from __future__ import annotations

import hashlib
import logging
from typing import IO, Any, BinaryIO

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from coding.errors import ValidationFailed
from coding.models import ImportJob, Project, User
from coding.services.import_jobs import (
    _ARTICLE_UNIQUE,
    INTEGRITY_ERRORS,
    _finish,
    _test_pause,
    import_job_create,
    import_job_failed,
)
from coding.services.imports import articles_import

log = logging.getLogger(__name__)

IN_REQUEST_DEFAULT_BYTES = 8 * 1024 * 1024
_HASH_PIECE = 1024 * 1024


def in_request_limit() -> int:
    """Uploads of at most this many bytes are imported in the request (0: none are)."""
    return int(settings.ATHAR.get("IMPORT_IN_REQUEST_MAX_BYTES", IN_REQUEST_DEFAULT_BYTES))


def import_upload(
    *,
    project: Project,
    actor: User,
    fileobj: BinaryIO | IO[bytes],
    filename: str,
    size: int,
    fmt: str | None = None,
    skip_invalid: bool = False,
) -> ImportJob:
    """Import a small upload now (the job returned is "done" or "failed"), or store a large
    one and queue it for a worker (the job returned is "queued", or finished already where
    tasks run in-process). `size` is the upload's length in bytes.

    The caller has checked the upload's size against ATHAR_MAX_IMPORT_BYTES and that
    `actor` manages `project`."""
    if size <= in_request_limit() and fileobj.seekable():
        return import_in_request(
            project=project,
            actor=actor,
            fileobj=fileobj,
            filename=filename,
            fmt=fmt,
            skip_invalid=skip_invalid,
        )
    return import_job_create(
        project=project,
        actor=actor,
        fileobj=fileobj,
        filename=filename,
        fmt=fmt,
        skip_invalid=skip_invalid,
    )


def import_in_request(
    *,
    project: Project,
    actor: User,
    fileobj: BinaryIO | IO[bytes],
    filename: str,
    fmt: str | None = None,
    skip_invalid: bool = False,
) -> ImportJob:
    """Import a seekable file now, in one transaction with its job row; the job is "done"
    (with the import's report) or "failed" (a bad file: the same error body a worker
    records, nothing imported). Any other exception rolls everything back; the job is then
    recorded "failed" with the reason (`import_error`), as the task records it — unless the
    database itself is lost, which propagates (nothing stored, not even the job).

    Two imports into one project may meet on a text both files hold: the second one's write
    waits for the first's commit and then breaks the per-project uniqueness of texts; it is
    then run again from the start, and finds the text a duplicate, as a worker would."""
    digest, size = _hash(fileobj)
    job = {
        "project": project,
        "created_by": actor,
        "filename": filename[:255],
        "format": fmt or "",
        "skip_invalid": skip_invalid,
        "size": size,
        "sha256": digest,
    }
    try:
        for attempt in range(3):
            fileobj.seek(0)
            try:
                return _import_once(job, fileobj)
            except INTEGRITY_ERRORS as exc:
                if _ARTICLE_UNIQUE not in str(exc) or attempt == 2:
                    raise
                log.info("an import in the request met a concurrent import of a text; again")
    except (OperationalError, InterfaceError):
        raise  # the database is unreachable: nothing was stored, the client gets an error
    except Exception as exc:  # a bug, not the file's fault: rolled back; recorded as a worker would
        log.exception("an import in the request failed")
        failed = ImportJob.objects.create(**job, status=ImportJob.Status.RUNNING)
        import_job_failed(job_id=failed.pk, error=f"{type(exc).__name__}: {exc}")
        failed.refresh_from_db()
        return failed
    raise AssertionError("not reached")  # pragma: no cover


def _hash(fileobj: BinaryIO | IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    fileobj.seek(0)
    while data := fileobj.read(_HASH_PIECE):
        digest.update(data)
        size += len(data)
    return digest.hexdigest(), size


def _import_once(fields: dict[str, Any], fileobj: BinaryIO | IO[bytes]) -> ImportJob:
    rows = 0

    def progress(n: int) -> None:
        nonlocal rows
        rows = n

    with transaction.atomic():
        job = ImportJob.objects.create(
            **fields, status=ImportJob.Status.RUNNING, started_at=timezone.now()
        )
        try:
            with transaction.atomic():
                outcome = articles_import(
                    project=job.project,
                    fileobj=fileobj,  # type: ignore[arg-type]
                    filename=job.filename,
                    actor=job.created_by,
                    skip_invalid=job.skip_invalid,
                    fmt=job.format or None,
                    progress=progress,
                )
        except ValidationFailed as exc:  # a bad file: nothing imported, the report kept
            _finish(job, error=exc.as_dict(), rows_read=rows)
        else:
            _test_pause()  # the articles written, not committed (the crash test kills here)
            _finish(job, result=outcome.as_dict(), rows_read=rows)
    job.refresh_from_db()
    return job
