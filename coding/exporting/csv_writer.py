"""CSV export: RFC 4180 (comma, double quotes, CRLF), UTF-8, optionally for spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from coding.codebook_spec import CodebookSpec

from .cells import cell_text, guard_formula
from .chunks import sink_chunks
from .layout import export_columns
from .records import ExportEvent
from .rows import RowPlan

BOM = "\ufeff"


def csv_chunks(
    events: Iterable[ExportEvent], spec: CodebookSpec, *, bom: bool = False
) -> Iterator[str]:
    """The CSV export of ``events`` as text chunks (encode them as UTF-8).

    The first chunk is the header row alone, so nothing of ``events`` is read before the
    second chunk. Retracted events (tombstones) are skipped: a CSV is a snapshot.

    ``bom=True`` is spreadsheet mode: the text starts with a byte-order mark (so Excel reads
    UTF-8 Arabic correctly) and every cell a spreadsheet would take for a formula (starting
    with ``= + - @``, tab or CR, except plain numbers) is prefixed with ``'``. Without it the
    cells are written exactly as they are, for programs that read CSV as data.

    Raises ``ExportLayoutError`` at call time when the codebook's layout cannot be built.
    """
    return sink_chunks(CsvSink(spec, bom=bom), events)


class CsvSink:
    """The CSV export as an incremental writer (``chunks.TextSink``); ``rows`` counts the
    rows written. ``plan`` lets a GeoJSON sink of the same pass share the computed cells
    (without it the sink makes a plan for CSV alone, ``RowPlan(texts=True)``)."""

    def __init__(
        self, spec: CodebookSpec, *, bom: bool = False, plan: RowPlan | None = None
    ) -> None:
        self.plan = plan if plan is not None else RowPlan(export_columns(spec), texts=True)
        self.spreadsheet = bom
        self.rows = 0
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    @property
    def pending(self) -> int:
        return self._buffer.tell()

    def opening(self) -> str:
        self._write_texts(self.plan.names)
        return (BOM if self.spreadsheet else "") + self.take()

    def add(self, event: ExportEvent) -> None:
        if event.retracted:
            return
        cells = self.plan.cells(event)
        if self.spreadsheet:
            self._write_texts([cell_text(cell) for cell in cells])
        else:
            self._writer.writerow(self.plan.csv_values(cells))
        self.rows += 1

    def take(self) -> str:
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text

    def closing(self) -> str:
        return ""

    def _write_texts(self, texts: list[str]) -> None:
        if self.spreadsheet:
            texts = [guard_formula(text) for text in texts]
        self._writer.writerow(texts)
