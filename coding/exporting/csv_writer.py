"""CSV export: RFC 4180 (comma, double quotes, CRLF), UTF-8, formula cells guarded."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from coding.codebook_spec import CodebookSpec

from .cells import GUARDED_TYPES, guard_formula, guard_row
from .chunks import sink_chunks
from .layout import export_columns
from .records import ExportEvent
from .rows import RowPlan

BOM = "\ufeff"


def csv_chunks(
    events: Iterable[ExportEvent],
    spec: CodebookSpec,
    *,
    bom: bool = False,
    formula_guard: bool = True,
) -> Iterator[str]:
    """The CSV export of ``events`` as text chunks (encode them as UTF-8).

    The first chunk is the header row alone, so nothing of ``events`` is read before the
    second chunk. Retracted events (tombstones) are skipped: a CSV is a snapshot.

    ``formula_guard`` (the default) prefixes ``'`` to every text cell a spreadsheet might
    evaluate as a formula (``cells.is_formula``: starting with ``= + - @`` or their fullwidth
    forms, possibly after whitespace or control characters, or with tab or CR; plain numbers
    excepted); cells of number, date, boolean and list columns are never touched. Turn it
    off for an exact round trip of the stored values. ``bom=True`` starts the text with a
    byte-order mark, so that Excel reads UTF-8 Arabic correctly.

    Raises ``ExportLayoutError`` at call time when the codebook's layout cannot be built.
    """
    return sink_chunks(CsvSink(spec, bom=bom, formula_guard=formula_guard), events)


class CsvSink:
    """The CSV export as an incremental writer (``chunks.TextSink``); ``rows`` counts the
    rows written. ``plan`` lets a GeoJSON sink of the same pass share the computed cells
    (without it the sink makes a plan for CSV alone, ``RowPlan(texts=True)``).
    ``bom`` and ``formula_guard`` are those of ``csv_chunks``."""

    def __init__(
        self,
        spec: CodebookSpec,
        *,
        bom: bool = False,
        formula_guard: bool = True,
        plan: RowPlan | None = None,
    ) -> None:
        self.plan = plan if plan is not None else RowPlan(export_columns(spec), texts=True)
        self.bom = bom
        self.formula_guard = formula_guard
        self.rows = 0
        self._guarded = (
            tuple(i for i, column in enumerate(self.plan.columns) if column.type in GUARDED_TYPES)
            if formula_guard
            else ()
        )
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    @property
    def pending(self) -> int:
        return self._buffer.tell()

    def opening(self) -> str:
        names = self.plan.names
        guard = self.formula_guard
        self._writer.writerow([guard_formula(name) for name in names] if guard else names)
        return (BOM if self.bom else "") + self.take()

    def add(self, event: ExportEvent) -> None:
        if event.retracted:
            return
        values = self.plan.csv_values(self.plan.cells(event))
        if self._guarded:
            values = guard_row(values, self._guarded)
        self._writer.writerow(values)
        self.rows += 1

    def guarded_and_exact(self, event: ExportEvent) -> tuple[str, str | None]:
        """The guarded line of ``event`` and its exact line (None: the same), from one
        computation of its cells — what the refresh stores (``renderings.EventRenderer``).
        A sink made with ``formula_guard``; ("", None) for a retracted event."""
        if event.retracted:
            return "", None
        values = self.plan.csv_values(self.plan.cells(event))
        guarded = guard_row(values, self._guarded) if self._guarded else values
        self._writer.writerow(guarded)
        line = self.take()
        if guarded is values:  # nothing needed a guard (the usual case)
            return line, None
        self._writer.writerow(values)
        return line, self.take()

    def take(self) -> str:
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text

    def closing(self) -> str:
        return ""
