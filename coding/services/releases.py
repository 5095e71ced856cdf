"""Dataset releases: immutable snapshots of a project's validated events, built by a task.

A release holds every format (CSV, JSONL, GeoJSON, a Frictionless Data Package, and PLOVER
JSONL for PLOVER codebooks), each file's SHA-256, the row count, the codebook version, the
agreement summary and release notes, under a stable tag. Its files are written once and never
rewritten: data that changes later goes into a later release.
"""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from coding.codebook_runtime import version_spec
from coding.codebook_spec import dump_codebook
from coding.errors import Conflict, ValidationFailed
from coding.export_selectors import ExportFilters, iter_export_events
from coding.exporting import (
    ExportEvent,
    csv_chunks,
    geojson_chunks,
    jsonl_chunks,
    plover_jsonl_chunks,
    write_datapackage,
)
from coding.models import AgreementResult, DatasetRelease, Project, ReleaseFile, User
from coding.services.agreement import latest_project_run
from coding.services.audit import audit_record

TAG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")
TEXT_FORMATS: dict[str, tuple[str, Callable[..., Iterator[str]]]] = {
    "csv": ("events.csv", csv_chunks),
    "jsonl": ("events.jsonl", jsonl_chunks),
    "geojson": ("events.geojson", geojson_chunks),
}


def agreement_report(project: Project) -> dict[str, Any]:
    """The project's latest agreement figures (per field, with CI), for releases."""
    run = latest_project_run(project)
    if run is None:
        return {"computed": False}
    rows = AgreementResult.objects.filter(run=run, event_type_code="", coder_a__isnull=True)
    return {
        "computed": True,
        "run": run.pk,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "params": run.params,
        "alpha": {
            r.field_key or "event_presence": {
                "value": r.value,
                "status": r.status,
                "level": r.level,
                "ci_low": r.ci_low,
                "ci_high": r.ci_high,
                "p_below_667": r.p_below_667,
                "p_below_800": r.p_below_800,
                "n_units": r.n_units,
                "n_coders": r.n_coders,
                "percent_agreement": r.percent_agreement,
            }
            for r in rows
        },
    }


@transaction.atomic
def release_request(*, project: Project, actor: User, tag: str, notes: str = "") -> DatasetRelease:
    """A release in status "building"; the caller enqueues `coding.build_release` on commit."""
    if not TAG.match(tag):
        raise ValidationFailed(
            "the tag must be 1–60 letters, digits, dots, dashes or "
            "underscores, starting with a letter or digit",
            errors=[{"field": "tag", "code": "invalid", "message": tag}],
        )
    try:
        with transaction.atomic():
            release = DatasetRelease.objects.create(
                project=project,
                tag=tag,
                notes=notes,
                created_by=actor,
                codebook_version=project.codebook_version,
                data_as_of=timezone.now(),
            )
    except IntegrityError:
        raise Conflict(
            f"release {tag!r} exists already; releases never change", code="tag_taken"
        ) from None
    audit_record(
        action="release.request", actor=actor, project=project, target=release, data={"tag": tag}
    )
    return release


class _HashingWriter(io.RawIOBase):
    """A binary file wrapper that hashes and counts what goes through it."""

    def __init__(self, target: Any) -> None:
        self.target, self.sha, self.size = target, hashlib.sha256(), 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = bytes(data)
        self.sha.update(view)
        self.size += len(view)
        self.target.write(view)
        return len(view)


def _counting(events: Iterable[ExportEvent], counter: list[int]) -> Iterator[ExportEvent]:
    for event in events:
        counter[0] += 1
        yield event


def _store(
    release: DatasetRelease, fmt: str, filename: str, write: Callable[[Any], object]
) -> None:
    with tempfile.TemporaryFile() as tmp:
        hashing = _HashingWriter(tmp)
        write(hashing)
        tmp.seek(0)
        ReleaseFile.objects.create(
            release=release,
            format=fmt,
            filename=filename,
            size=hashing.size,
            sha256=hashing.sha.hexdigest(),
            file=File(tmp, name=f"{release.project.slug}-{release.tag}-{filename}"),
        )


def release_build(*, release_id: int) -> DatasetRelease:
    """Write every file of a release. Idempotent: a ready release is returned unchanged; a
    half-built one (its worker died) is started over from its `data_as_of` snapshot time."""
    release = DatasetRelease.objects.select_related("project__codebook_version__codebook").get(
        pk=release_id
    )
    if release.status == DatasetRelease.Status.READY:
        return release
    for old in release.files.all():
        old.file.delete(save=False)
        old.delete()
    project = release.project
    spec = version_spec(release.codebook_version)
    as_of = release.data_as_of or timezone.now()

    def events() -> Iterator[ExportEvent]:
        return iter_export_events(project, ExportFilters(), as_of)

    rows = [0]
    for fmt, (filename, chunks) in TEXT_FORMATS.items():
        counter = rows if fmt == "csv" else [0]

        def write_text(
            out: Any, chunks: Callable[..., Iterator[str]] = chunks, counter: list[int] = counter
        ) -> None:
            for chunk in chunks(_counting(events(), counter), spec):
                out.write(chunk.encode("utf-8"))

        _store(release, fmt, filename, write_text)
    if spec.preset == "plover":
        _store(
            release,
            "plover",
            "events.plover.jsonl",
            lambda out: [
                out.write(chunk.encode("utf-8")) for chunk in plover_jsonl_chunks(events(), spec)
            ],
        )
    report = agreement_report(project)
    codebook_yaml = dump_codebook(spec)
    _store(
        release,
        "datapackage",
        "datapackage.zip",
        lambda out: write_datapackage(
            out,
            events(),
            spec,
            codebook_yaml=codebook_yaml,
            agreement_report=report,
            name=f"{project.slug}",
            version=release.tag,
        ),
    )
    DatasetRelease.objects.filter(pk=release.pk).update(
        status=DatasetRelease.Status.READY,
        row_count=rows[0],
        agreement_summary=report,
        finished_at=timezone.now(),
        error="",
    )
    release.refresh_from_db()
    audit_record(
        action="release.build",
        actor=None,
        project=project,
        target=release,
        data={"rows": rows[0], "files": {f.format: f.sha256 for f in release.files.all()}},
    )
    return release


def release_failed(*, release_id: int, error: str) -> None:
    DatasetRelease.objects.filter(pk=release_id).exclude(status="ready").update(
        status=DatasetRelease.Status.FAILED, error=error[:2000]
    )
