"""The CSV form of the dictionaries.

One record per row, a header row naming the columns (any order; `key` and `name`,
plus `country` and `feature_kind` for places, are required columns). Aliases share one
cell as `tag:text` items separated by "|", where the tag is an ISO 639 code, optionally
with an ISO 15924 script ("ar:غاو|fr:Gao|ar-Latn:Ghao"); "und" stands for an unknown
language. Locations in problems are "row 7, latitude", rows counted as in a
spreadsheet (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TypeVar

from coding.dictionary_files.building import (
    ParsedFile,
    build_actor,
    build_place,
    merge_problems,
)
from coding.dictionary_files.checks import field_locator
from coding.dictionary_files.coerce import Locate, quote
from coding.dictionary_files.problems import Problem
from coding.dictionary_files.records import (
    ACTOR_FIELDS,
    ACTOR_REQUIRED,
    PLACE_FIELDS,
    PLACE_REQUIRED,
    ActorRecord,
    Alias,
    PlaceRecord,
)

Record = TypeVar("Record", PlaceRecord, ActorRecord)
Builder = Callable[[Mapping[str, object], tuple[Alias, ...], Locate], tuple[Record, list[Problem]]]

UNKNOWN_LANGUAGE = "und"  # BCP 47 "undetermined"
_TAG = re.compile(r"([A-Za-z]+)(?:-([A-Za-z]+))?")


def parse_alias_cell(cell: str, locate: Locate) -> tuple[tuple[Alias, ...], list[Problem]]:
    """Parse "ar:غاو|fr:Gao" into aliases; problems are located at "aliases[i]"."""
    if not cell.strip():
        return (), []
    aliases: list[Alias] = []
    problems: list[Problem] = []
    for index, token in enumerate(cell.split("|")):
        item = token.strip()
        at = locate(f"aliases[{index}]")
        if not item:
            problems.append(Problem(at, "is empty"))
            aliases.append(Alias(""))  # placeholder keeps later indices aligned with the cell
            continue
        tag, colon, text = item.partition(":")
        if not colon:
            message = (
                f"{quote(item)} has no language tag "
                f'(write lang:text, like "fr:Tombouctou"; "und:" when unknown)'
            )
            problems.append(Problem(at, message))
            aliases.append(Alias(""))
            continue
        match = _TAG.fullmatch(tag.strip())
        if match is None:
            message = f'{quote(tag)} is not a language tag (like "ar" or "ar-Latn")'
            problems.append(Problem(at, message))
            aliases.append(Alias(""))
            continue
        lang, script = match.groups()
        aliases.append(Alias(text.strip(), None if lang == UNKNOWN_LANGUAGE else lang, script))
    return tuple(aliases), problems


def format_alias_cell(aliases: Sequence[Alias]) -> str:
    """Inverse of `parse_alias_cell` for valid aliases."""
    items = []
    for alias in aliases:
        tag = alias.lang or UNKNOWN_LANGUAGE
        if not alias.script_is_derived and alias.script is not None:
            tag = f"{tag}-{alias.script}"
        items.append(f"{tag}:{alias.text}")
    return "|".join(items)


def _header_problems(
    header: list[str], fields: Sequence[str], required: frozenset[str]
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem("row 1", f"column {quote(name)} appears twice"))
        elif name not in fields:
            problems.append(Problem("row 1", f"unknown column {quote(name)}"))
        seen.add(name)
    problems += [
        Problem("row 1", f"missing column {quote(name)}")
        for name in fields
        if name in required and name not in seen
    ]
    return problems


def _read(
    text: str, fields: Sequence[str], required: frozenset[str], build: Builder[Record]
) -> ParsedFile[Record]:
    parsed: ParsedFile[Record] = ParsedFile(", ")
    # strict: a stray or unclosed quote is an error rather than silently merged cells.
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    rows: list[list[str]] = []
    try:
        rows.extend(reader)
    except csv.Error as error:
        parsed.problems.append(Problem(f"line {reader.line_num}", f"is not valid CSV ({error})"))
        return parsed
    if not rows:
        parsed.problems.append(Problem("file", "is empty (no header row)"))
        return parsed
    header = [name.strip() for name in rows[0]]
    parsed.problems += _header_problems(header, fields, required)
    if parsed.problems:
        # Without a sound header every row would repeat the same complaint.
        return parsed
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        problems: list[Problem] = []
        if len(row) > len(header):
            message = f"has {len(row)} cells but the header has {len(header)}"
            problems.append(Problem(f"row {number}", message))
        raw = {name: (row[i] if i < len(row) else "") for i, name in enumerate(header)}
        locate = field_locator(f"row {number}", ", ")
        aliases, alias_problems = parse_alias_cell(raw.get("aliases", ""), locate)
        record, record_problems = build(raw, aliases, locate)
        problems += merge_problems(alias_problems, record_problems)
        parsed.add(record, f"row {number}", problems)
    return parsed


def read_places_csv(text: str) -> ParsedFile[PlaceRecord]:
    """Parse places CSV; returns records and per-record problems (no cross-record checks)."""
    return _read(text, PLACE_FIELDS, PLACE_REQUIRED, build_place)


def read_actors_csv(text: str) -> ParsedFile[ActorRecord]:
    """Parse actors CSV; returns records and per-record problems (no cross-record checks)."""
    return _read(text, ACTOR_FIELDS, ACTOR_REQUIRED, build_actor)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)  # shortest text that reads back to the same float
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def dump_csv(records: Sequence[PlaceRecord] | Sequence[ActorRecord], fields: Sequence[str]) -> str:
    """Serialise records as CSV text with "\\n" line ends and a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # With "\n" line ends the csv module no longer quotes a lone "\r", which a reader
    # would take for a line break; rows holding one are written fully quoted instead.
    quoting_writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(fields)
    for record in records:
        row = [
            format_alias_cell(record.aliases)
            if field == "aliases"
            else _cell(getattr(record, field))
            for field in fields
        ]
        (quoting_writer if any("\r" in cell for cell in row) else writer).writerow(row)
    return buffer.getvalue()
