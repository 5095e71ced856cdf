"""Reading, writing and validating place and actor dictionary files.

    records = read_places(Path("fixtures/gazetteer/mali.yaml"))
    text = write_places(records, "csv")

Readers and writers are all-or-nothing: any problem raises `DictionaryFileError`
listing every problem found, each with a location.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal, TypeVar

from coding.dictionary_files.building import ParsedFile
from coding.dictionary_files.checks import (
    actor_problems,
    collection_problems,
    field_locator,
    place_problems,
)
from coding.dictionary_files.csv_format import dump_csv, read_actors_csv, read_places_csv
from coding.dictionary_files.problems import DictionaryFileError, Problem
from coding.dictionary_files.records import ACTOR_FIELDS, PLACE_FIELDS, ActorRecord, PlaceRecord
from coding.dictionary_files.yaml_format import dump_yaml, read_actors_yaml, read_places_yaml

Format = Literal["yaml", "csv"]
Record = TypeVar("Record", PlaceRecord, ActorRecord)
_SUFFIX_FORMATS: dict[str, Format] = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv"}


def _source_text(source: Path | str, fmt: Format | None) -> tuple[str, Format]:
    """A `Path` is read from disk (UTF-8, BOM allowed); a `str` is the file's content."""
    if isinstance(source, Path):
        if fmt is None:
            guessed = _SUFFIX_FORMATS.get(source.suffix.lower())
            if guessed is None:
                raise ValueError(f"cannot tell the format of {source}; pass fmt='yaml' or 'csv'")
            fmt = guessed
        try:
            text = source.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            problem = Problem("file", f"is not UTF-8 (byte {error.start} cannot be decoded)")
            raise DictionaryFileError([problem]) from error
        return text, fmt
    if fmt is None:
        raise ValueError("fmt is required when the source is text")
    return source, fmt


def _finish(parsed: ParsedFile[Record]) -> list[Record]:
    problems = parsed.problems + collection_problems(parsed.records, parsed.locate)
    if problems:
        raise DictionaryFileError(problems)
    return parsed.records


def read_places(source: Path | str, fmt: Format | None = None) -> list[PlaceRecord]:
    """Read a places file. `source` is a `Path` (format from its suffix unless `fmt` is
    given) or the file's text (then `fmt` is required). Raises `DictionaryFileError`."""
    text, fmt = _source_text(source, fmt)
    reader = read_places_yaml if fmt == "yaml" else read_places_csv
    return _finish(reader(text))


def read_actors(source: Path | str, fmt: Format | None = None) -> list[ActorRecord]:
    """Read an actors file; same conventions as `read_places`."""
    text, fmt = _source_text(source, fmt)
    reader = read_actors_yaml if fmt == "yaml" else read_actors_csv
    return _finish(reader(text))


def _validate(
    records: Sequence[Record], check: Callable[[Record, Callable[[str], str]], list[Problem]]
) -> list[Problem]:
    problems: list[Problem] = []
    for index, record in enumerate(records):
        problems += check(record, field_locator(f"records[{index}]", "."))

    def locate(index: int, field: str | None) -> str:
        return f"records[{index}]" if field is None else f"records[{index}].{field}"

    return problems + collection_problems(records, locate)


def validate_places(records: Sequence[PlaceRecord]) -> list[Problem]:
    """Every problem in a list of place records, located as "records[3].country"."""
    return _validate(records, place_problems)


def validate_actors(records: Sequence[ActorRecord]) -> list[Problem]:
    """Every problem in a list of actor records, located as "records[3].actor_type"."""
    return _validate(records, actor_problems)


def write_places(records: Sequence[PlaceRecord], fmt: Format, *, comment: str = "") -> str:
    """Serialise place records; `comment` becomes a "# " header (YAML only).

    Raises `DictionaryFileError` if the records are invalid, so that everything written
    can be read back (write → read gives equal records).
    """
    problems = validate_places(records)
    if problems:
        raise DictionaryFileError(problems)
    if fmt == "yaml":
        return dump_yaml("places", records, PLACE_FIELDS, comment)
    if comment:
        raise ValueError("CSV has no comments; put attribution in a separate file")
    return dump_csv(records, PLACE_FIELDS)


def write_actors(records: Sequence[ActorRecord], fmt: Format, *, comment: str = "") -> str:
    """Serialise actor records; same conventions as `write_places`."""
    problems = validate_actors(records)
    if problems:
        raise DictionaryFileError(problems)
    if fmt == "yaml":
        return dump_yaml("actors", records, ACTOR_FIELDS, comment)
    if comment:
        raise ValueError("CSV has no comments; put attribution in a separate file")
    return dump_csv(records, ACTOR_FIELDS)
