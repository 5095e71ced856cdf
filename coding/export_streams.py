"""The export as text chunks in each format, streamed from stored renderings where it can.

On PostgreSQL each gold event's text in every format is rendered once
(``coding.services.export_rows``) and stored, keyed to everything that can change it; an
export then streams the stored texts and renders, with the writers' own functions
(``coding.exporting.renderings``), only the events whose text is missing or stale, and the
dataset events with several reports (combined as they are exported). So the output is byte
for byte what rendering every event gives, however stale the store — only the speed differs
(tests/exports/test_export_renderings.py compares them for every format).

What each format streams:

* CSV: the guarded line (``formula_guard=True``, the default), or the exact one (the guard
  off); with or without BOM (only the opening differs).
* JSONL, incremental sync included: the stored line while the article's latest agreement run
  is still the one it shows; tombstones are rendered (they are few and stored nowhere).
* GeoJSON: the stored feature, joined with commas; "" stored for an event without one.
* PLOVER JSONL: the stored line (stored for projects on the PLOVER preset only).

Other databases render every event (``iter_export_events`` and the writers).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db import connection
from django.db.models import Case, F, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from coding.codebook_runtime import version_spec
from coding.codebook_spec import CodebookSpec
from coding.export_dataset_events import DatasetCombiner, grouping, plan_chunk, tombstones
from coding.export_selectors import (
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
    JsonlSink,
    csv_chunks,
    geojson_chunks,
    jsonl_chunks,
    plover_jsonl_chunks,
)
from coding.exporting.chunks import CHUNK_CHARS, batched_text
from coding.exporting.renderings import Piece, piece_writer
from coding.models import AgreementRun, CodedEvent, ExportCsvRow, ExportEpoch, Project

FORMATS = ("csv", "jsonl", "geojson", "plover")
STORED_CHUNK = 1000
"""Stored rows per fetch: a JSONL line is ~2,300 characters, and text with an emoji takes
4 bytes a character in Python, so 1,000 rows hold ~10 MB; the texts go out in ~64K-character
chunks (``CHUNK_CHARS``)."""
_WRITERS = {"jsonl": jsonl_chunks, "geojson": geojson_chunks, "plover": plover_jsonl_chunks}
_GEOJSON_OPENING = '{"type":"FeatureCollection","features":['
_GEOJSON_CLOSING = "]}\n"


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
    if stores_csv_lines():
        return stored_chunks(project, fmt, filters, as_of, bom=bom, formula_guard=formula_guard)
    spec = version_spec(project.codebook_version)
    events = iter_export_events(project, filters, as_of)
    if fmt == "csv":
        return csv_chunks(events, spec, bom=bom, formula_guard=formula_guard)
    return _WRITERS[fmt](events, spec)


def stores_csv_lines() -> bool:
    """Only PostgreSQL keeps stored renderings honest (the export epoch is raised by
    triggers)."""
    return connection.vendor == "postgresql"


def current_epoch() -> int:
    """The export epoch. Read it before the data a line is rendered from: a line rendered
    from data at least as new as its epoch can only be needlessly stale, never wrongly valid."""
    value = ExportEpoch.objects.values_list("value", flat=True).filter(id=1).first()
    return 0 if value is None else int(value)  # no row until the first raise


def latest_agreement_run(project_id: int, article: Any) -> Coalesce:
    """The id of the latest done agreement run of ``article`` (an expression, e.g. an
    ``OuterRef``) in the project, 0 when none: the run whose figures JSONL shows."""
    runs = AgreementRun.objects.filter(
        article_id=article, project_id=project_id, scope="article", status="done"
    ).order_by("-id")
    return Coalesce(Subquery(runs.values("id")[:1]), Value(0))


def valid_csv_rows(epoch: int, codebook_version_id: int) -> QuerySet[ExportCsvRow]:
    """The stored row of the outer gold event (``OuterRef``) whose CSV and GeoJSON texts are
    still valid: same epoch, same column layout, same event version, same validation (time
    and revision) of its article. ``valid_rows`` adds what JSONL needs."""
    return ExportCsvRow.objects.filter(
        event_id=OuterRef("pk"),
        epoch=epoch,
        codebook_version_id=codebook_version_id,
        event_version=OuterRef("version"),
        validated_at=OuterRef("adjudication__validated_at"),
        revision=OuterRef("adjudication__revision"),
    )


def valid_rows(epoch: int, project: Project) -> QuerySet[ExportCsvRow]:
    """The stored row of the outer gold event whose every text is valid: ``valid_csv_rows``,
    holding every format, and showing the article's latest agreement run."""
    return valid_csv_rows(epoch, project.codebook_version_id).filter(
        jsonl__isnull=False,
        agreement_run=latest_agreement_run(project.pk, OuterRef(OuterRef("article_id"))),
    )


@dataclass(frozen=True)
class _Format:
    """How one format streams: its stored text (an expression over ``ExportCsvRow``), which
    stored rows are valid for it, how to render a piece, and how pieces are joined."""

    stored: Any
    rows: Callable[[int, Project], QuerySet[ExportCsvRow]]
    piece: Piece
    opening: str
    closing: str
    features: bool  # GeoJSON: skip "" pieces, commas between the others
    tombstones: bool  # JSONL: incremental sync ends with the retractions


def _format(fmt: str, spec: CodebookSpec, *, bom: bool, formula_guard: bool) -> _Format:
    def csv_rows(epoch: int, project: Project) -> QuerySet[ExportCsvRow]:
        return valid_csv_rows(epoch, project.codebook_version_id)

    if fmt == "csv":
        opening = CsvSink(spec, bom=bom, formula_guard=formula_guard).opening()
        stored: Any = (
            F("line")
            if formula_guard
            # rows stored before every format (jsonl NULL) hold no exact line: missing
            else Case(When(jsonl__isnull=False, then=Coalesce("csv_exact", "line")))
        )
        return _Format(stored, csv_rows, piece_writer("csv", spec, formula_guard=formula_guard),
                       opening, "", False, False)  # fmt: skip
    if fmt == "jsonl":
        return _Format(F("jsonl"), valid_rows, piece_writer("jsonl", spec), "", "", False, True)
    if fmt == "geojson":
        return _Format(F("geojson"), csv_rows, piece_writer("geojson", spec),
                       _GEOJSON_OPENING, _GEOJSON_CLOSING, True, False)  # fmt: skip
    if fmt == "plover":
        return _Format(F("plover"), csv_rows, piece_writer("plover", spec), "", "", False, False)
    raise ValueError(f"unknown export format {fmt!r}")


def render_pieces(reader: EventReader, piece: Piece, ids: list[int]) -> dict[int, str]:
    """The piece (see ``coding.exporting.renderings``) of each gold event in ``ids``."""
    rows = list(
        CodedEvent.objects.filter(AnyOf(F("id"), ids)).order_by("id").values_list(*EVENT_COLUMNS)
    )
    return {event.event_id: piece(event) for event in reader.events(rows)}


def _text(stored: str | None, rendered: dict[int, str], pk: int) -> str:
    return rendered[pk] if stored is None else stored  # "" is a stored GeoJSON "no feature"


def stored_chunks(
    project: Project,
    fmt: str,
    filters: ExportFilters,
    as_of: dt.datetime,
    *,
    bom: bool = False,
    formula_guard: bool = True,
) -> Iterator[str]:
    """The export of ``project`` in ``fmt`` as text chunks from stored renderings: the same
    text as rendering ``iter_export_events(project, filters, as_of)`` with the format's
    writer. Raises ``ExportLayoutError`` at call time when the layout cannot be built."""
    spec = version_spec(project.codebook_version)
    how = _format(fmt, spec, bom=bom, formula_guard=formula_guard)
    return _chunks(project, spec, how, filters, as_of)


def stored_csv_chunks(
    project: Project, filters: ExportFilters, as_of: dt.datetime, *, bom: bool = False
) -> Iterator[str]:
    """The guarded CSV export from stored lines (``stored_chunks`` for CSV)."""
    return stored_chunks(project, "csv", filters, as_of, bom=bom)


def _chunks(
    project: Project,
    spec: CodebookSpec,
    how: _Format,
    filters: ExportFilters,
    as_of: dt.datetime,
) -> Generator[str]:
    if how.opening:
        yield how.opening
    with fewer_collections(), read_snapshot():
        epoch = current_epoch()
        stored = Subquery(how.rows(epoch, project).values(text=how.stored)[:1])
        rows = (
            gold_events(project, filters, as_of)
            .annotate(stored=stored)
            .values_list("id", "stored")
            .iterator(STORED_CHUNK)
        )
        group = grouping(project)
        emitted: set[int] = set()
        exported: set[int] = set()
        sync = how.tombstones and filters.validated_since is not None
        reader: EventReader | None = None
        features = 0
        try:
            while chunk := list(islice(rows, STORED_CHUNK)):
                ids = [pk for pk, _ in chunk]
                plan: list[int | tuple[int]] = list(ids)
                fresh: list[int] = []
                if group.dataset_of:  # some dataset events are grouped (see the module)
                    plan, fresh = plan_chunk(ids, group, emitted)
                texts: dict[int, str | None] = dict(chunk)
                missing = [pk for pk in plan if isinstance(pk, int) and texts[pk] is None]
                if sync:
                    exported.update(pk for pk in plan if isinstance(pk, int))
                if not missing and not fresh and len(plan) == len(chunk):
                    pieces: list[str] = [text for _, text in chunk]
                else:
                    reader = reader or EventReader(project, spec)
                    rendered = render_pieces(reader, how.piece, missing) if missing else {}
                    combined = DatasetCombiner(project, spec, reader).combined(fresh, group, as_of)
                    if sync:
                        exported.update(event.event_id for event in combined.values())
                    pieces = [
                        _text(texts[step], rendered, step)
                        if isinstance(step, int)
                        else how.piece(combined[step[0]])
                        for step in plan
                    ]
                if how.features:
                    pieces = [piece for piece in pieces if piece]
                    if not pieces:
                        continue
                    pieces = [
                        ("," if features else "") + pieces[0],
                        *("," + piece for piece in pieces[1:]),
                    ]
                    features += len(pieces)
                yield from batched_text(pieces, CHUNK_CHARS)
        finally:
            rows.close()  # type: ignore[attr-defined]  # the cursor goes before the snapshot
        if sync:
            assert filters.validated_since is not None
            since = filters.validated_since
            codebook = (reader or EventReader(project, spec)).codebook
            sink = JsonlSink(spec)
            for event in tombstones(project, since, as_of, exported, codebook):
                sink.add(event)
                if sink.pending >= CHUNK_CHARS:
                    yield sink.take()
            rest = sink.take()
            if rest:
                yield rest
    if how.closing:
        yield how.closing
