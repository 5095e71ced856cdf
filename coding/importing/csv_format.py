"""CSV: UTF-8 (with or without BOM), a header row, then one article per record.

Columns are matched to fields by header name, ignoring case and surrounding spaces, in any
order; `title` and `text` are required. Every other column goes into `metadata` under its
header text (empty cells are left out). The delimiter is taken from the header line: comma,
semicolon (French spreadsheets) or tab, whichever occurs most. A record's `line` is the
physical line where it starts (the header is line 1), so a quoted cell spanning lines does
not shift later numbers. Records that are empty in every cell are skipped. Parsing is
strict: a quote that is never closed is an error for the record where it opens.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator
from typing import IO, Any

from coding.importing.fields import KNOWN_FIELDS, REQUIRED_FIELDS, build_article
from coding.importing.limits import ImportLimits
from coding.importing.lines import TextLine, iter_text_lines
from coding.importing.records import Origin, ParsedRow, RowError, quote_value

# In CSV, `metadata` is not a field: the extra columns make it.
CSV_FIELDS = KNOWN_FIELDS - {"metadata"}
_DELIMITERS = (",", ";", "\t")
# The csv module's messages, by their start, in words a spreadsheet user can act on.
_CSV_MESSAGES = {
    "new-line character seen in unquoted field": "a line break (CR) inside an unquoted cell",
    "field larger than field limit": "a cell is longer than the line limit",
    "unexpected end of data": "a quoted cell is not closed before the end of the file",
}
_TEXT_AFTER_CLOSING_QUOTE = (
    'text follows the closing quote of a cell (a quote inside a quoted cell is written "")'
)


class _LineFeed:
    """Feeds decoded lines to csv.reader and keeps the lines it could not decode.

    A line that is not valid UTF-8 is passed on with U+FFFD replacements (so the CSV
    structure stays in step), a line over the length limit as an empty line; both are
    remembered in `problems`, to fail the record that holds them. (A fatal problem, UTF-16,
    can only be found on the first line, which is the header and never comes through here.)
    """

    def __init__(self, lines: Iterator[TextLine]) -> None:
        self._lines = lines
        self.problems: deque[TextLine] = deque()

    def __iter__(self) -> Iterator[str]:
        for line in self._lines:
            if line.problem is None and line.text is not None:
                yield line.text
                continue
            self.problems.append(line)
            yield "\n" if line.text is None else line.text


def iter_csv_rows(stream: IO[bytes], origin: Origin, limits: ImportLimits) -> Iterator[ParsedRow]:
    """Yield one ArticleInput or the RowErrors of each data record of `stream`."""
    # The csv module refuses cells over 128 KiB by default; a text may be longer. The limit is
    # process-wide, so it is only ever raised.
    csv.field_size_limit(max(csv.field_size_limit(), limits.line_max_bytes))
    lines = iter_text_lines(stream, limits.line_max_bytes)
    header_line = next(
        (line for line in lines if line.problem is not None or (line.text or "").strip()), None
    )
    if header_line is None:
        yield RowError(origin.label, 0, None, "the CSV file is empty", fatal=True)
        return
    if header_line.problem is not None or header_line.text is None:
        location = origin.at(f"line {header_line.number}")
        yield RowError(location, header_line.number, None, header_line.problem or "", fatal=True)
        return
    feed = _LineFeed(lines)
    # strict: an unclosed quote must be an error, not a cell that swallows the rest of the file.
    reader = csv.reader(
        _chain_first(header_line.text, feed),
        delimiter=_delimiter_of(header_line.text),
        strict=True,
    )
    header_number = header_line.number
    # reader.line_num counts from the header line; physical numbers are offset by the blank
    # lines skipped before it.
    first_line_of_record = header_number
    columns: list[str] | None = None
    while True:
        try:
            cells = next(reader)
            error = None
        except StopIteration:
            break
        except csv.Error as exc:
            cells, error = [], str(exc)
        start = first_line_of_record
        end = header_number - 1 + reader.line_num
        first_line_of_record = end + 1
        location = origin.at(f"line {start}")
        if columns is None:
            columns_or_error = _columns(cells, error)
            if isinstance(columns_or_error, str):
                yield RowError(location, start, None, columns_or_error, fatal=True)
                return
            columns = columns_or_error
            continue
        encoding_errors = _pop_problems(feed, end, location, start)
        if encoding_errors:
            yield from encoding_errors
        elif error is not None:
            reason = f"malformed CSV: {_plain_csv_message(error)}"
            yield RowError(location, start, None, reason)
        elif any(cell.strip() for cell in cells):
            yield from _record(cells, columns, location, start, limits)


def _plain_csv_message(message: str) -> str:
    for start, plain in _CSV_MESSAGES.items():
        if message.startswith(start):
            return plain
    if message.endswith("expected after '\"'"):
        return _TEXT_AFTER_CLOSING_QUOTE
    return message


def _chain_first(first: str, rest: _LineFeed) -> Iterator[str]:
    yield first
    yield from rest


def _delimiter_of(header: str) -> str:
    counts = {delimiter: header.count(delimiter) for delimiter in _DELIMITERS}
    return max(_DELIMITERS, key=lambda delimiter: counts[delimiter])


def _columns(cells: list[str], error: str | None) -> list[str] | str:
    """The key of each header cell (a field name, or the header text for metadata), or the
    reason the header is unusable."""
    if error is not None:
        return f"malformed CSV header: {_plain_csv_message(error)}"
    columns: list[str] = []
    for position, cell in enumerate(cells, start=1):
        name = cell.strip()
        key = name.lower() if name.lower() in CSV_FIELDS else name or f"column_{position}"
        if key in columns:
            return f"the header has two columns named {quote_value(name)}"
        columns.append(key)
    missing = [name for name in REQUIRED_FIELDS if name not in columns]
    if missing:
        wanted = " and no ".join(quote_value(name) for name in missing)
        found = ", ".join(quote_value(cell.strip()) for cell in cells)
        return f"the header has no {wanted} column (columns found: {found})"
    return columns


def _pop_problems(feed: _LineFeed, end: int, location: str, start: int) -> list[RowError]:
    """Errors for the undecodable lines among the record's lines (up to line `end`)."""
    errors = []
    while feed.problems and feed.problems[0].number <= end:
        line = feed.problems.popleft()
        errors.append(RowError(location, start, None, line.problem or ""))
    return errors


def _record(
    cells: list[str], columns: list[str], location: str, line: int, limits: ImportLimits
) -> Iterator[ParsedRow]:
    if len(cells) > len(columns):
        reason = f"the row has {len(cells)} cells but the header has {len(columns)} columns"
        yield RowError(location, line, None, reason)
        return
    values: dict[str, Any] = {}
    metadata: dict[str, str] = {}
    for key, cell in zip(columns, cells, strict=False):
        if not cell.strip():
            continue
        if key in CSV_FIELDS:
            values[key] = cell
        else:
            metadata[key] = cell
    values["metadata"] = metadata
    result = build_article(values, location=location, line=line, limits=limits)
    if isinstance(result, list):
        yield from result
    else:
        yield result
