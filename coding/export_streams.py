"""The export as text chunks in each format; CSV from stored lines where it can.

On PostgreSQL a gold event's CSV line is rendered once (``coding.services.export_rows``) and
stored, keyed to everything that can change it; an export then streams the stored lines and
renders, exactly as ``coding.exporting.csv_chunks`` does, only the events whose line is
missing or stale. So the output is byte for byte what rendering every row gives, however
stale the store — only the speed differs (tests/exports/test_export_csv_rows.py compares them).

Stored lines are the guarded rendering (``formula_guard=True``, the default for every
CSV): guarded exports, with or without BOM, stream them. An export with the guard turned
off (``formula_guard=False``, for an exact round trip), the other formats and other
databases render every event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator, Iterator
from itertools import islice

from django.db import connection
from django.db.models import F, OuterRef, QuerySet, Subquery

from coding.codebook_runtime import version_spec
from coding.codebook_spec import CodebookSpec
from coding.export_dataset_events import DatasetCombiner, grouping, plan_chunk
from coding.export_selectors import (
    CHUNK,
    EVENT_COLUMNS,
    AnyOf,
    EventReader,
    ExportFilters,
    fewer_collections,
    gold_events,
    iter_export_events,
    read_snapshot,
)
from coding.exporting import (
    CsvSink,
    csv_chunks,
    geojson_chunks,
    jsonl_chunks,
    plover_jsonl_chunks,
)
from coding.models import CodedEvent, ExportCsvRow, ExportEpoch, Project

FORMATS = ("csv", "jsonl", "geojson", "plover")
_WRITERS = {"jsonl": jsonl_chunks, "geojson": geojson_chunks, "plover": plover_jsonl_chunks}


def export_chunks(
    project: Project,
    fmt: str,
    filters: ExportFilters,
    as_of: dt.datetime,
    *,
    bom: bool = False,
    formula_guard: bool = True,
) -> Iterator[str]:
    """The export of ``project`` in ``fmt`` (one of ``FORMATS``; ``bom`` and
    ``formula_guard`` are CSV's, see ``csv_chunks``) as text chunks, cut at ``as_of``.
    Nothing is read before the first chunk is asked for, except what it takes to raise
    ``ExportLayoutError`` at call time."""
    if fmt == "csv" and formula_guard and stores_csv_lines():
        return stored_csv_chunks(project, filters, as_of, bom=bom)
    spec = version_spec(project.codebook_version)
    events = iter_export_events(project, filters, as_of)
    if fmt == "csv":
        return csv_chunks(events, spec, bom=bom, formula_guard=formula_guard)
    return _WRITERS[fmt](events, spec)


def stores_csv_lines() -> bool:
    """Only PostgreSQL keeps stored lines honest (the export epoch is raised by triggers)."""
    return connection.vendor == "postgresql"


def current_epoch() -> int:
    """The export epoch. Read it before the data a line is rendered from: a line rendered
    from data at least as new as its epoch can only be needlessly stale, never wrongly valid."""
    value = ExportEpoch.objects.values_list("value", flat=True).filter(id=1).first()
    return 0 if value is None else int(value)  # no row until the first raise


def valid_csv_rows(epoch: int, codebook_version_id: int) -> QuerySet[ExportCsvRow]:
    """The stored row of the outer gold event (``OuterRef``) that is still valid: same epoch,
    same column layout, same event version, same validation of its article."""
    return ExportCsvRow.objects.filter(
        event_id=OuterRef("pk"),
        epoch=epoch,
        codebook_version_id=codebook_version_id,
        event_version=OuterRef("version"),
        validated_at=OuterRef("adjudication__validated_at"),
    )


def render_csv_lines(reader: EventReader, sink: CsvSink, ids: list[int]) -> dict[int, str]:
    """The CSV line (with its CRLF) of each gold event in ``ids``, as the export writes it."""
    rows = list(
        CodedEvent.objects.filter(AnyOf(F("id"), ids)).order_by("id").values_list(*EVENT_COLUMNS)
    )
    lines = {}
    for event in reader.events(rows):
        sink.add(event)
        lines[event.event_id] = sink.take()
    return lines


def stored_csv_chunks(
    project: Project, filters: ExportFilters, as_of: dt.datetime, *, bom: bool = False
) -> Iterator[str]:
    """The guarded CSV export of ``project`` as text chunks, header first: the same text as
    ``csv_chunks(iter_export_events(project, filters, as_of), spec, bom=bom)``.

    Raises ``ExportLayoutError`` at call time when the codebook's layout cannot be built.
    """
    spec = version_spec(project.codebook_version)
    sink = CsvSink(spec, bom=bom)
    return _chunks(project, spec, sink, filters, as_of)


def _chunks(
    project: Project,
    spec: CodebookSpec,
    sink: CsvSink,
    filters: ExportFilters,
    as_of: dt.datetime,
) -> Generator[str]:
    yield sink.opening()
    with fewer_collections(), read_snapshot():
        epoch = current_epoch()
        stored = Subquery(valid_csv_rows(epoch, project.codebook_version_id).values("line")[:1])
        rows = (
            gold_events(project, filters, as_of)
            .annotate(stored=stored)
            .values_list("id", "stored")
            .iterator(CHUNK)
        )
        group = grouping(project)
        emitted: set[int] = set()
        reader: EventReader | None = None
        try:
            while chunk := list(islice(rows, CHUNK)):
                ids = [pk for pk, _ in chunk]
                plan: list[int | tuple[int]] = list(ids)
                fresh: list[int] = []
                if group.dataset_of:  # some dataset events are grouped (see the module)
                    plan, fresh = plan_chunk(ids, group, emitted)
                stored_lines = dict(chunk)
                missing = [pk for pk in plan if isinstance(pk, int) and stored_lines[pk] is None]
                if not missing and not fresh and len(plan) == len(chunk):
                    yield "".join([line for _, line in chunk])
                    continue
                reader = reader or EventReader(project, spec)
                rendered = render_csv_lines(reader, sink, missing) if missing else {}
                combined = {}
                for dataset_id, event in (
                    DatasetCombiner(project, spec, reader).combined(fresh, group, as_of).items()
                ):
                    sink.add(event)
                    combined[dataset_id] = sink.take()
                yield "".join(
                    [
                        stored_lines[step] or rendered[step]
                        if isinstance(step, int)
                        else combined[step[0]]
                        for step in plan
                    ]
                )
        finally:
            rows.close()  # type: ignore[attr-defined]  # the cursor goes before the snapshot
