"""Upload formats: detection from the file name, and the reader of each plain format."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import IO

from coding.importing.csv_format import iter_csv_rows
from coding.importing.json_format import iter_json_rows
from coding.importing.jsonl_format import iter_jsonl_rows
from coding.importing.limits import ImportLimits
from coding.importing.records import Origin, ParsedRow
from coding.importing.txt_format import iter_txt_rows

RowReader = Callable[[IO[bytes], Origin, ImportLimits], Iterator[ParsedRow]]

#: Formats that hold articles directly (a zip holds files of these formats).
PLAIN_READERS: dict[str, RowReader] = {
    "json": iter_json_rows,
    "jsonl": iter_jsonl_rows,
    "csv": iter_csv_rows,
    "txt": iter_txt_rows,
}
SUPPORTED_FORMATS = (*PLAIN_READERS, "zip")
_EXTENSIONS = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "txt",
    ".zip": "zip",
}


def format_from_name(filename: str) -> str | None:
    """The format named by the file's extension (any letter case), or None if unknown."""
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    return _EXTENSIONS.get(suffix)


def describe_unsupported(filename: str, *, inside_zip: bool) -> str:
    """Why a file of unknown type is refused, as a sentence for the user."""
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix or "(none)"
    if inside_zip:
        return f'unsupported file type "{suffix}": a zip may hold .json, .jsonl, .csv, .txt files'
    return f'unsupported file type "{suffix}": expected .json, .jsonl, .csv, .txt or .zip'
