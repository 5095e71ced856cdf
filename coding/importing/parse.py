"""Entry points: stream the rows of an upload, or collect them into an ImportReport."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import BinaryIO

from coding.importing.formats import (
    PLAIN_READERS,
    SUPPORTED_FORMATS,
    describe_unsupported,
    format_from_name,
)
from coding.importing.limits import DEFAULT_LIMITS, ImportLimits
from coding.importing.records import ArticleInput, Origin, ParsedRow, RowError
from coding.importing.report import ImportReport
from coding.importing.zip_format import iter_zip_rows


def iter_article_rows(
    fileobj: BinaryIO,
    filename: str,
    fmt: str | None = None,
    *,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> Iterator[ParsedRow]:
    """Yield, in file order, an ArticleInput for each valid row and RowErrors for the others.

    `fmt` ("json", "jsonl", "csv", "txt" or "zip") overrides the format given by the
    extension of `filename`; an unknown extension without `fmt` yields one fatal RowError.
    `fileobj` is read from its current position in binary mode; a zip must be seekable.
    JSONL and CSV are read one line at a time; a JSON list is decoded whole (bounded by
    `limits.json_max_bytes`). Problems with the data never raise.

    Raises ValueError if `fmt` is given and is not a supported format name.
    """
    # Checked here, not in the generator, so that a bad argument fails at the call.
    if fmt is not None and fmt not in SUPPORTED_FORMATS:
        raise ValueError(f"unknown import format {fmt!r}; expected one of {SUPPORTED_FORMATS}")
    return _rows(fileobj, filename, fmt or format_from_name(filename), limits)


def _rows(
    fileobj: BinaryIO, filename: str, fmt: str | None, limits: ImportLimits
) -> Iterator[ParsedRow]:
    # Locations name the file without the folders of the uploader's machine.
    origin = Origin(PurePosixPath(filename.replace("\\", "/")).name or filename)
    if fmt is None:
        reason = describe_unsupported(filename, inside_zip=False)
        yield RowError(origin.label, 0, None, reason, fatal=True)
    elif fmt == "zip":
        yield from iter_zip_rows(fileobj, origin, limits)
    else:
        yield from PLAIN_READERS[fmt](fileobj, origin, limits)


def parse_upload(
    fileobj: BinaryIO,
    filename: str,
    fmt: str | None = None,
    *,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> ImportReport:
    """Read the whole upload into an ImportReport (see `iter_article_rows` for the arguments).

    An article whose text_sha256 equals an earlier article's is not added to `articles`; it is
    listed in `duplicates_in_file` as (its location, the first one's location).
    """
    report = ImportReport(filename=filename, fmt=fmt or format_from_name(filename))
    first_location_by_hash: dict[str, str] = {}
    invalid_locations: set[str] = set()
    for row in iter_article_rows(fileobj, filename, fmt, limits=limits):
        if isinstance(row, ArticleInput):
            report.n_rows += 1
            first = first_location_by_hash.get(row.text_sha256)
            if first is None:
                first_location_by_hash[row.text_sha256] = row.location
                report.articles.append(row)
            else:
                report.duplicates_in_file.append((row.location, first))
            continue
        report.errors.append(row)
        if not row.fatal and row.location not in invalid_locations:
            invalid_locations.add(row.location)
            report.n_rows += 1
            report.n_invalid_rows += 1
    return report
