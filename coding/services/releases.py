"""Dataset releases: immutable snapshots of a project's validated events, built by a task.

A release holds every format (CSV, JSONL, GeoJSON, a Frictionless Data Package, and PLOVER
JSONL for PLOVER codebooks), each file's SHA-256, the row count, the codebook version, the
agreement summary and release notes, under a stable tag. Its files are written once and never
rewritten: data that changes later goes into a later release.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import islice
from typing import IO, Any, cast

from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.db.models import DateTimeField, Func, Value
from django.utils import timezone

from coding.codebook_runtime import version_spec
from coding.codebook_spec import CodebookSpec, dump_codebook
from coding.errors import Conflict, ValidationFailed
from coding.export_selectors import ExportFilters, gold_events, iter_export_events
from coding.exporting import (
    CsvSink,
    DataPackageWriter,
    GeoJsonSink,
    JsonlSink,
    PloverSink,
    RowPlan,
    TextSink,
    csv_chunks,
    export_columns,
    geojson_chunks,
    jsonl_chunks,
)
from coding.models import AgreementResult, DatasetRelease, Project, ReleaseFile, User
from coding.services.agreement import ALPHA_U, DETECTION_F1, latest_project_run
from coding.services.agreement_gamma import GAMMA, gamma_row
from coding.services.agreement_leases import lease_end
from coding.services.audit import audit_record
from coding.services.outbox import outbox_record
from coding.services.projects import csv_formula_guard
from coding.services.release_reliability import reliability_figures, reliability_files

TAG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")
TEXT_FORMATS: dict[str, tuple[str, Callable[..., Iterator[str]]]] = {
    "csv": ("events.csv", csv_chunks),
    "jsonl": ("events.jsonl", jsonl_chunks),
    "geojson": ("events.geojson", geojson_chunks),
}

REPORT_FILES = (("reliability_json", "reliability.json"), ("reliability_html", "reliability.html"))
"""The reliability report, as figures and as the page a reviewer reads (same numbers)."""


def agreement_report(project: Project) -> dict[str, Any]:
    """The project's latest agreement figures (per field, with CI), for releases."""
    run = latest_project_run(project)
    if run is None:
        return {"computed": False}
    overall = AgreementResult.objects.filter(run=run, event_type_code="", coder_a__isnull=True)
    rows = overall.filter(metric="alpha")
    detection = overall.filter(metric=DETECTION_F1).first()
    unitizing = overall.filter(metric=ALPHA_U).first()
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
                "n_pairable": r.n_pairable,
                "ac1": r.details.get("ac1"),
                "distance": r.details.get("distance"),
                "note": r.details.get("note"),
            }
            for r in rows
        },
        "detection_f1": None
        if detection is None
        else {"value": detection.value, **detection.details},
        # α_U on evidence spans over the project (None in runs made before it existed).
        "alpha_u": None
        if unitizing is None
        else {
            "value": unitizing.value,
            "status": unitizing.status,
            "n_articles": unitizing.n_units,
            "n_informative": unitizing.n_pairable,
            **unitizing.details,
        },
        # γ per article, only where the run was asked for it (a supervisor's recompute).
        "gamma": sorted((gamma_row(r) for r in overall.filter(metric=GAMMA)), key=_by_article)
        if run.params.get("gamma")
        else None,
    }


def _by_article(row: dict[str, Any]) -> int:
    return int(row["article"])


@transaction.atomic
def release_request(
    *,
    project: Project,
    actor: User,
    tag: str,
    notes: str = "",
    formula_guard: bool | None = None,
    confirm_empty: bool = False,
) -> DatasetRelease:
    """A release in status "building", recorded with its outbox row: once this commits, a
    worker builds it (coding.services.outbox_drain), even if the broker is down right now.
    `data_as_of` stays empty until the build takes its snapshot.

    ``formula_guard`` says whether its CSV files (and the Data Package's ``events.csv``)
    guard formula-like text cells; None takes the project's ``csv_formula_guard`` setting
    (default on). It is recorded on the release, so a rebuild writes the same bytes.

    A project with no validated event yet would get a release of empty files, which is
    almost always a mistake (adjudication not finished, wrong project): it is refused unless
    ``confirm_empty`` says the caller means it, and the audit row records the confirmation."""
    if formula_guard is None:
        formula_guard = csv_formula_guard(project)
    if not TAG.match(tag):
        raise ValidationFailed(
            "the tag must be 1–60 letters, digits, dots, dashes or "
            "underscores, starting with a letter or digit",
            errors=[{"field": "tag", "code": "invalid", "message": tag}],
        )
    empty = not gold_events(project, ExportFilters(), timezone.now()).exists()
    if empty and not confirm_empty:
        raise ValidationFailed(
            "the project has no validated event yet: the release would hold empty files; "
            "send confirm_empty=true to create it anyway",
            code="empty_release",
            errors=[{"field": "confirm_empty", "code": "empty_release", "message": tag}],
        )
    try:
        with transaction.atomic():
            release = DatasetRelease.objects.create(
                project=project,
                tag=tag,
                notes=notes,
                created_by=actor,
                codebook_version=project.codebook_version,
                lease_until=lease_end(),
                formula_guard=formula_guard,
            )
    except IntegrityError:
        raise Conflict(
            f"release {tag!r} exists already; releases never change", code="tag_taken"
        ) from None
    audit_record(
        action="release.request",
        actor=actor,
        project=project,
        target=release,
        data={"tag": tag, "formula_guard": formula_guard, "empty": empty},
    )
    outbox_record(
        kind="release_build", key=f"release:{release.pk}", payload={"release_id": release.pk}
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


@dataclass
class _Output:
    """One release file being written: its format, file name and (hashed) temporary file."""

    format: str
    filename: str
    file: IO[bytes]
    hashing: _HashingWriter


BATCH = 1000
"""Events rendered into every format before the texts are written out (a few MB)."""


def _write_files(
    project: Project,
    release: DatasetRelease,
    spec: CodebookSpec,
    report: dict[str, Any],
    outputs: list[_Output],
    package: _Output,
) -> int:
    """Write every file in one pass over the events; the number of CSV rows."""
    plan = RowPlan(export_columns(spec))
    csv_sink = CsvSink(spec, plan=plan, formula_guard=release.formula_guard)
    sinks = list(zip(_sinks(spec, plan, csv_sink), outputs, strict=True))
    writer = DataPackageWriter(
        cast(IO[bytes], package.hashing),
        spec,
        codebook_yaml=dump_codebook(spec),
        agreement_report=report,
        name=f"{project.slug}",
        version=release.tag,
    )

    def write(sink: TextSink, output: _Output, text: str) -> None:
        data = text.encode("utf-8")
        output.hashing.write(data)
        if sink is csv_sink:  # the package's events.csv is the same CSV
            writer.write_events(data)

    for sink, output in sinks:
        write(sink, output, sink.opening())
    assert release.data_as_of is not None  # set from the snapshot by release_build
    events = iter_export_events(project, ExportFilters(), release.data_as_of)
    while batch := list(islice(events, BATCH)):
        for event in batch:
            for sink, _output in sinks:
                sink.add(event)
        for sink, output in sinks:
            write(sink, output, sink.take())
    for sink, output in sinks:
        write(sink, output, sink.closing())
    writer.close(rows=csv_sink.rows)
    return csv_sink.rows


def _sinks(spec: CodebookSpec, plan: RowPlan, csv_sink: CsvSink) -> list[TextSink]:
    sinks: list[TextSink] = [csv_sink, JsonlSink(spec), GeoJsonSink(spec, plan=plan)]
    if spec.preset == "plover":
        sinks.append(PloverSink(spec))
    return sinks


def _take_building(release_id: int) -> DatasetRelease | None:
    """Lock a building release for this build (the first statement of the snapshot), with
    the instant the snapshot was taken; None if it is ready, failed, or being built by a
    live worker right now (which holds the lock)."""
    if connection.vendor == "postgresql":
        now: Any = Func(function="statement_timestamp", output_field=DateTimeField())
    else:
        now = Value(timezone.now(), output_field=DateTimeField())
    return (
        DatasetRelease.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("project__codebook_version__codebook")
        .annotate(snapshot_at=now)
        .filter(pk=release_id, status=DatasetRelease.Status.BUILDING)
        .first()
    )


def release_build(*, release_id: int) -> DatasetRelease:
    """Write every file of a release, from one snapshot of the database. Idempotent: a
    ready release is returned unchanged, and so is one that a live worker is building (a
    second delivery of the task does nothing); a half-built one (its worker died) is started
    over.

    The whole build is one REPEATABLE READ transaction that holds the release's row lock:
    `data_as_of` is the instant its snapshot was taken, and the release holds exactly the
    events of the articles validated at that instant, whatever is reopened or validated
    while it is written. Files and "ready" commit together.

    The events are read once and rendered into every format as they come (CSV, JSONL,
    GeoJSON, PLOVER JSONL for PLOVER codebooks, and the Data Package, whose ``events.csv``
    is the CSV file's bytes); ``row_count`` is the number of CSV rows written.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        release = _take_building(release_id)
        if release is None:
            return DatasetRelease.objects.get(pk=release_id)
        release.data_as_of = release.snapshot_at  # type: ignore[attr-defined]
        return _build(release)


def _build(release: DatasetRelease) -> DatasetRelease:
    """The build itself; the caller holds the release's row lock in a snapshot transaction."""
    for old in release.files.all():
        old.file.delete(save=False)
        old.delete()
    project = release.project
    spec = version_spec(release.codebook_version)
    report = agreement_report(project)
    names = [(fmt, filename) for fmt, (filename, _chunks) in TEXT_FORMATS.items()]
    if spec.preset == "plover":
        names.append(("plover", "events.plover.jsonl"))
    with ExitStack() as stack:

        def output(fmt: str, filename: str) -> _Output:
            file = stack.enter_context(tempfile.TemporaryFile())
            return _Output(fmt, filename, file, _HashingWriter(file))

        outputs = [output(fmt, filename) for fmt, filename in names]
        package = output("datapackage", "datapackage.zip")
        rows = _write_files(project, release, spec, report, outputs, package)
        figures = reliability_figures(release=release, spec=spec, report=report)
        reports = []
        for (fmt, filename), data in zip(REPORT_FILES, reliability_files(figures), strict=True):
            reports.append(output(fmt, filename))
            reports[-1].hashing.write(data)
        _test_pause()
        for written in [*outputs, package, *reports]:
            written.file.seek(0)
            ReleaseFile.objects.create(
                release=release,
                format=written.format,
                filename=written.filename,
                size=written.hashing.size,
                sha256=written.hashing.sha.hexdigest(),
                file=File(
                    written.file, name=f"{release.project.slug}-{release.tag}-{written.filename}"
                ),
            )
    DatasetRelease.objects.filter(pk=release.pk).update(
        status=DatasetRelease.Status.READY,
        row_count=rows,
        agreement_summary=report,
        data_as_of=release.data_as_of,
        finished_at=timezone.now(),
        lease_until=None,
        error="",
    )
    release.refresh_from_db()
    audit_record(
        action="release.build",
        actor=None,
        project=project,
        target=release,
        data={"rows": rows, "files": {f.format: f.sha256 for f in release.files.all()}},
    )
    return release


def _test_pause() -> None:
    """Fault-injection knob for the worker-crash test: pause before the files are stored."""
    pause = float(os.environ.get("ATHAR_RELEASE_TEST_PAUSE", "0") or 0)
    if pause:
        time.sleep(pause)


def release_failed(*, release_id: int, error: str) -> None:
    DatasetRelease.objects.filter(pk=release_id).exclude(status="ready").update(
        status=DatasetRelease.Status.FAILED, error=error[:2000]
    )
