"""One live event's text in each export format, exactly as the writers put it in an export.

``coding.services.export_rows`` stores these texts per gold event and
``coding.export_streams`` streams them, rendering only what is missing or stale with the same
functions, so a stored export is byte for byte the rendered one. A piece is what one event
adds to the export without any separator: a CSV or JSONL line with its line ending, a
GeoJSON feature ("" when the event has no feature; the stream puts the commas in).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from coding.codebook_spec import CodebookSpec

from .csv_writer import CsvSink
from .geojson_writer import GeoJsonSink
from .jsonl_writer import JsonlSink
from .plover import PloverSink
from .records import ExportEvent
from .values import PLOVER_PRESET

Piece = Callable[[ExportEvent], str]


def piece_writer(fmt: str, spec: CodebookSpec, *, formula_guard: bool = True) -> Piece:
    """The function giving the piece of one live event in ``fmt`` (csv, jsonl, geojson,
    plover; ``formula_guard`` is CSV's). Raises ``ExportLayoutError`` at call time when the
    codebook's layout cannot be built, or for plover on a codebook of another preset."""
    if fmt == "geojson":
        return GeoJsonSink(spec).feature_text
    sink: CsvSink | JsonlSink | PloverSink
    if fmt == "csv":
        sink = CsvSink(spec, formula_guard=formula_guard)
    elif fmt == "jsonl":
        sink = JsonlSink(spec)
    elif fmt == "plover":
        sink = PloverSink(spec)
    else:
        raise ValueError(f"no pieces for format {fmt!r}")

    def piece(event: ExportEvent) -> str:
        sink.add(event)
        return sink.take()

    return piece


class Rendering(NamedTuple):
    """The stored texts of one event (see ``coding.models.ExportCsvRow``)."""

    line: str
    csv_exact: str | None  # None: the same as ``line``
    jsonl: str
    geojson: str
    plover: str | None  # None: the codebook is not on the PLOVER preset


class EventRenderer:
    """Every format's piece of one live event at once (the refresh's one pass)."""

    def __init__(self, spec: CodebookSpec) -> None:
        # Both CSV lines from one computation of the cells (the exact one written only
        # where a guard changed a cell): a third of the refresh's rendering was CSV twice.
        self._csv = CsvSink(spec, formula_guard=True)
        self._jsonl = piece_writer("jsonl", spec)
        self._geojson = piece_writer("geojson", spec)
        self._plover = piece_writer("plover", spec) if spec.preset == PLOVER_PRESET else None

    def render(self, event: ExportEvent) -> Rendering:
        line, exact = self._csv.guarded_and_exact(event)
        return Rendering(
            line,
            exact if exact != line else None,
            self._jsonl(event),
            self._geojson(event),
            self._plover(event) if self._plover else None,
        )
