"""CSV export: RFC 4180 (comma, double quotes, CRLF), UTF-8, optionally for spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from coding.codebook_spec import CodebookSpec

from .cells import cell_text, guard_formula
from .chunks import batched_text
from .column import ExportColumn
from .layout import export_columns, row_cells
from .records import ExportEvent

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
    columns = export_columns(spec)
    return _generate(events, columns, spreadsheet=bom)


def _generate(
    events: Iterable[ExportEvent], columns: tuple[ExportColumn, ...], *, spreadsheet: bool
) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(texts: list[str]) -> str:
        if spreadsheet:
            texts = [guard_formula(text) for text in texts]
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(texts)
        return buffer.getvalue()

    yield (BOM if spreadsheet else "") + line([column.name for column in columns])
    rows = (
        line([cell_text(cell) for cell in row_cells(event, columns)])
        for event in events
        if not event.retracted
    )
    yield from batched_text(rows)
