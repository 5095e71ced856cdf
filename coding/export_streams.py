"""The export as chunks in each format, streamed from stored renderings where it can.

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

The stored texts are read with one query (``coding.export_stored_query``) as UTF-8 bytes and
sent as they come; only rendered pieces are Python text. Other databases render every event
(``iter_export_events`` and the writers).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, OuterRef, QuerySet, Subquery, Value
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
    iter_export_events,
    read_snapshot,
)
from coding.export_stored_query import fetch_bytes, stored_query
from coding.exporting import (
    CsvSink,
    JsonlSink,
    csv_chunks,
    geojson_chunks,
    jsonl_chunks,
    plover_jsonl_chunks,
)
from coding.exporting.chunks import CHUNK_CHARS
from coding.exporting.renderings import Piece, piece_writer
from coding.models import AgreementRun, CodedEvent, ExportCsvRow, ExportEpoch, Project

FORMATS = ("csv", "jsonl", "geojson", "plover")
STORED_CHUNK = 1000
"""Stored rows per fetch, sent as one chunk: a JSONL line is ~2,300 bytes, so ~2.3 MB (the
texts stay UTF-8 bytes from the database to the socket)."""
_WRITERS = {"jsonl": jsonl_chunks, "geojson": geojson_chunks, "plover": plover_jsonl_chunks}
_GEOJSON_OPENING = '{"type":"FeatureCollection","features":['
_GEOJSON_CLOSING = "]}\n"


def export_bytes(
    project: Project,
    fmt: str,
    filters: ExportFilters,
    as_of: dt.datetime,
    *,
    bom: bool = False,
    formula_guard: bool = True,
) -> Iterator[bytes]:
    """The export of ``project`` in ``fmt`` (one of ``FORMATS``; ``bom`` and
    ``formula_guard`` are CSV's, see ``csv_chunks``) as UTF-8 chunks, cut at ``as_of``, each
    ending at a row's end. Nothing is read before the first chunk is asked for, except what
    it takes to raise ``ExportLayoutError`` at call time."""
    if stores_csv_lines():
        return stored_chunks(project, fmt, filters, as_of, bom=bom, formula_guard=formula_guard)
    chunks = _rendered_chunks(project, fmt, filters, as_of, bom=bom, formula_guard=formula_guard)
    return _utf8(chunks)


def export_chunks(
    project: Project,
    fmt: str,
    filters: ExportFilters,
    as_of: dt.datetime,
    *,
    bom: bool = False,
    formula_guard: bool = True,
) -> Iterator[str]:
    """``export_bytes`` as text chunks (the same text)."""
    if stores_csv_lines():
        chunks = stored_chunks(project, fmt, filters, as_of, bom=bom, formula_guard=formula_guard)
        return _decoded(chunks)
    return _rendered_chunks(project, fmt, filters, as_of, bom=bom, formula_guard=formula_guard)


def _rendered_chunks(
    project: Project,
    fmt: str,
    filters: ExportFilters,
    as_of: dt.datetime,
    *,
    bom: bool,
    formula_guard: bool,
) -> Iterator[str]:
    spec = version_spec(project.codebook_version)
    events = iter_export_events(project, filters, as_of)
    if fmt == "csv":
        return csv_chunks(events, spec, bom=bom, formula_guard=formula_guard)
    return _WRITERS[fmt](events, spec)


def _utf8(chunks: Iterator[str]) -> Generator[bytes]:
    try:
        for chunk in chunks:
            yield chunk.encode()
    finally:
        _close(chunks)


def _decoded(chunks: Iterator[bytes]) -> Generator[str]:
    try:
        for chunk in chunks:
            yield chunk.decode()  # every chunk ends at a row's end: whole characters
    finally:
        _close(chunks)


def _close(chunks: Iterator[Any]) -> None:
    """Close a chunk generator now: that ends the export's server-side cursor and read-only
    transaction at once (not whenever the garbage collector gets to them)."""
    close = getattr(chunks, "close", None)
    if close is not None:
        close()


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
    """How one format streams: its stored text (a key of ``STORED_TEXT``), how to render a
    piece, and how pieces are joined."""

    stored: str
    piece: Piece
    opening: str
    closing: str
    features: bool  # GeoJSON: skip empty pieces, commas between the others
    tombstones: bool  # JSONL: incremental sync ends with the retractions


def _format(fmt: str, spec: CodebookSpec, *, bom: bool, formula_guard: bool) -> _Format:
    if fmt == "csv":
        opening = CsvSink(spec, bom=bom, formula_guard=formula_guard).opening()
        return _Format("csv" if formula_guard else "csv_exact",
                       piece_writer("csv", spec, formula_guard=formula_guard),
                       opening, "", False, False)  # fmt: skip
    if fmt == "jsonl":
        return _Format("jsonl", piece_writer("jsonl", spec), "", "", False, True)
    if fmt == "geojson":
        return _Format("geojson", piece_writer("geojson", spec),
                       _GEOJSON_OPENING, _GEOJSON_CLOSING, True, False)  # fmt: skip
    if fmt == "plover":
        return _Format("plover", piece_writer("plover", spec), "", "", False, False)
    raise ValueError(f"unknown export format {fmt!r}")


def render_pieces(reader: EventReader, piece: Piece, ids: list[int]) -> dict[int, str]:
    """The piece (see ``coding.exporting.renderings``) of each gold event in ``ids``."""
    rows = list(
        CodedEvent.objects.filter(AnyOf(F("id"), ids)).order_by("id").values_list(*EVENT_COLUMNS)
    )
    return {event.event_id: piece(event) for event in reader.events(rows)}


def _text(stored: bytes | None, rendered: dict[int, str], pk: int) -> bytes:
    # b"" is a stored GeoJSON "no feature"
    return rendered[pk].encode() if stored is None else stored


def stored_chunks(
    project: Project,
    fmt: str,
    filters: ExportFilters,
    as_of: dt.datetime,
    *,
    bom: bool = False,
    formula_guard: bool = True,
) -> Iterator[bytes]:
    """The export of ``project`` in ``fmt`` as UTF-8 chunks from stored renderings: the same
    text as rendering ``iter_export_events(project, filters, as_of)`` with the format's
    writer. Raises ``ExportLayoutError`` at call time when the layout cannot be built."""
    spec = version_spec(project.codebook_version)
    how = _format(fmt, spec, bom=bom, formula_guard=formula_guard)
    return _chunks(project, spec, how, filters, as_of)


def _chunks(
    project: Project,
    spec: CodebookSpec,
    how: _Format,
    filters: ExportFilters,
    as_of: dt.datetime,
) -> Generator[bytes]:
    """One chunk per fetch of ``STORED_CHUNK`` rows: the stored texts as the database sends
    them (UTF-8), the missing or stale ones and the grouped dataset events rendered."""
    if how.opening:
        yield how.opening.encode()
    with fewer_collections(), read_snapshot():
        epoch = current_epoch()
        sql, params = stored_query(project, filters, as_of, epoch=epoch, text=how.stored)
        group = grouping(project)
        emitted: set[int] = set()
        exported: set[int] = set()
        sync = how.tombstones and filters.validated_since is not None
        reader: EventReader | None = None
        features = 0
        with fetch_bytes(sql, params) as cursor:
            while chunk := cursor.fetchmany(STORED_CHUNK):
                texts = [text for _, text in chunk]
                pieces: list[bytes]
                if not group.dataset_of and None not in texts:  # every text stored, valid
                    pieces = texts
                    if sync:
                        exported.update(pk for pk, _ in chunk)
                else:
                    reader = reader or EventReader(project, spec)
                    pieces = _pieces(project, spec, how, chunk, group, emitted, reader, as_of,
                                     exported if sync else None)  # fmt: skip
                if how.features:
                    pieces = [piece for piece in pieces if piece]
                    if not pieces:
                        continue
                    text = b",".join(pieces)
                    yield b"," + text if features else text
                    features += len(pieces)
                else:
                    yield b"".join(pieces)
        if sync:
            assert filters.validated_since is not None
            since = filters.validated_since
            codebook = (reader or EventReader(project, spec)).codebook
            sink = JsonlSink(spec)
            for event in tombstones(project, since, as_of, exported, codebook):
                sink.add(event)
                if sink.pending >= CHUNK_CHARS:
                    yield sink.take().encode()
            rest = sink.take()
            if rest:
                yield rest.encode()
    if how.closing:
        yield how.closing.encode()


def _pieces(
    project: Project,
    spec: CodebookSpec,
    how: _Format,
    chunk: list[tuple[int, bytes | None]],
    group: Any,
    emitted: set[int],
    reader: EventReader,
    as_of: dt.datetime,
    exported: set[int] | None,
) -> list[bytes]:
    """The pieces of a fetch with texts to render: missing or stale ones, and dataset events
    of several reports (combined once, where their first report comes; ``emitted``: the
    groups already sent). ``exported`` (incremental sync) gets the ids sent live."""
    ids = [pk for pk, _ in chunk]
    plan: list[int | tuple[int]] = list(ids)
    fresh: list[int] = []
    if group.dataset_of:  # some dataset events are grouped (see the module)
        plan, fresh = plan_chunk(ids, group, emitted)
    texts = dict(chunk)
    missing = [pk for pk in plan if isinstance(pk, int) and texts[pk] is None]
    rendered = render_pieces(reader, how.piece, missing) if missing else {}
    combined = DatasetCombiner(project, spec, reader).combined(fresh, group, as_of)
    if exported is not None:
        exported.update(pk for pk in plan if isinstance(pk, int))
        exported.update(event.event_id for event in combined.values())
    return [
        _text(texts[step], rendered, step)
        if isinstance(step, int)
        else how.piece(combined[step[0]]).encode()
        for step in plan
    ]
