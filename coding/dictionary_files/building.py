"""Building typed records from raw entries, shared by the YAML and CSV readers.

A raw entry is a mapping from field name to a YAML scalar or a CSV string; aliases
are parsed by the format module beforehand because their syntax differs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from coding.dictionary_files.checks import actor_problems, place_problems
from coding.dictionary_files.coerce import Locate, RowReader
from coding.dictionary_files.problems import Problem
from coding.dictionary_files.records import ActorRecord, Alias, PlaceRecord

Record = TypeVar("Record", PlaceRecord, ActorRecord)


@dataclass
class ParsedFile(Generic[Record]):
    """What a format reader found: records, their per-record problems, and where each
    record sits in the file (`bases[i]` is "row 4" or "places[3]")."""

    separator: str  # between a record's base location and a field: ", " (CSV) or "." (YAML)
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    bases: list[str] = field(default_factory=list)

    def locate(self, index: int, field_name: str | None) -> str:
        base = self.bases[index]
        return base if field_name is None else f"{base}{self.separator}{field_name}"

    def add(self, record: Record, base: str, problems: list[Problem]) -> None:
        self.records.append(record)
        self.bases.append(base)
        self.problems += problems


def merge_problems(reading: list[Problem], checking: list[Problem]) -> list[Problem]:
    """Reading problems first, then check problems, except those at or under a location
    that already failed to read: they only restate the same mistake (a missing partner
    coordinate after "abc", an empty alias text after a malformed alias item)."""
    failed = {problem.location for problem in reading}

    def restates(location: str) -> bool:
        return any(location == bad or location.startswith((bad + ".", bad + "[")) for bad in failed)

    return reading + [problem for problem in checking if not restates(problem.location)]


def build_place(
    raw: Mapping[str, object], aliases: tuple[Alias, ...], locate: Locate
) -> tuple[PlaceRecord, list[Problem]]:
    """Build one place record and return it with every problem found in it."""
    reader = RowReader(raw, locate)
    record = PlaceRecord(
        key=reader.text("key", required=True),
        name=reader.text("name", required=True),
        aliases=aliases,
        country=reader.text("country", required=True),
        admin1=reader.text("admin1"),
        admin2=reader.text("admin2"),
        latitude=reader.number("latitude"),
        longitude=reader.number("longitude"),
        feature_kind=reader.text("feature_kind", required=True),
        external_id=reader.text("external_id"),
        coord_source=reader.text("coord_source"),
        parent=reader.optional_text("parent"),
    )
    return record, merge_problems(reader.problems, place_problems(record, locate))


def build_actor(
    raw: Mapping[str, object], aliases: tuple[Alias, ...], locate: Locate
) -> tuple[ActorRecord, list[Problem]]:
    """Build one actor record and return it with every problem found in it."""
    reader = RowReader(raw, locate)
    record = ActorRecord(
        key=reader.text("key", required=True),
        name=reader.text("name", required=True),
        aliases=aliases,
        actor_type=reader.whole_number("actor_type"),
        country=reader.text("country"),
        parent=reader.optional_text("parent"),
        valid_from=reader.day("valid_from"),
        valid_to=reader.day("valid_to"),
        external_id=reader.text("external_id"),
        description=reader.text("description"),
    )
    return record, merge_problems(reader.problems, actor_problems(record, locate))
