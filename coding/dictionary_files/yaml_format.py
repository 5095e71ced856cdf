"""The YAML form of the dictionaries.

    places:                      # or "actors:"
      - key: gao
        name: Gao
        aliases:
          - {text: غاو, lang: ar}
          - {text: Gao, lang: fr}
        country: ML
        ...

Locations in problems are "places[3].country" (list index from 0) or
"line 5, column 3" for syntax errors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import yaml

from coding.dictionary_files.building import (
    ParsedFile,
    build_actor,
    build_place,
    merge_problems,
)
from coding.dictionary_files.checks import field_locator
from coding.dictionary_files.coerce import Locate, RowReader, quote
from coding.dictionary_files.problems import Problem
from coding.dictionary_files.records import (
    ACTOR_FIELDS,
    PLACE_FIELDS,
    ActorRecord,
    Alias,
    PlaceRecord,
)
from coding.yaml_nesting import MAX_NESTING, too_deep

Record = TypeVar("Record", PlaceRecord, ActorRecord)
Builder = Callable[[Mapping[str, object], tuple[Alias, ...], Locate], tuple[Record, list[Problem]]]

_ALIAS_FIELDS = ("text", "lang", "script")


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a field given twice in one mapping (PyYAML keeps the last)
    and leaves dates as strings, so that an impossible date such as 2017-02-30 becomes a
    located problem instead of an exception inside the parser."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping_once(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            continue  # construct_mapping reports unhashable keys itself
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate field {quote(key)}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping_once,
)


def _parse(text: str, top_key: str) -> tuple[list[object], list[Problem]]:
    """Parse the document and return the raw entries under `top_key`."""
    try:
        where = too_deep(
            text, loader=_StrictLoader
        )  # before loading: libyaml crashes on a deep enough "[[[…"
        if where is not None:
            return [], [Problem(where, f"nested deeper than {MAX_NESTING} levels")]
        document = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        location = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        return [], [Problem(location, error.problem or str(error))]
    except yaml.YAMLError as error:
        return [], [Problem("file", str(error))]
    expected = f'expected a mapping with a "{top_key}" list'
    if document is None:
        return [], [Problem("file", f"is empty ({expected})")]
    if not isinstance(document, dict):
        return [], [Problem("file", f"is not a mapping ({expected})")]
    problems = [Problem(str(key), "unknown top-level field") for key in document if key != top_key]
    if top_key not in document:
        problems.append(Problem(top_key, "is required"))
        return [], problems
    entries = document[top_key]
    if entries is None:
        return [], problems
    if not isinstance(entries, list):
        return [], [*problems, Problem(top_key, "must be a list")]
    return entries, problems


def _read_aliases(raw: object, locate: Locate) -> tuple[tuple[Alias, ...], list[Problem]]:
    if raw is None:
        return (), []
    if not isinstance(raw, list):
        return (), [Problem(locate("aliases"), "must be a list")]
    aliases: list[Alias] = []
    problems: list[Problem] = []
    for index, item in enumerate(raw):
        at = f"aliases[{index}]"
        if not isinstance(item, dict):
            message = f"{quote(item)} must be a mapping like {{text: Gao, lang: fr}}"
            problems.append(Problem(locate(at), message))
            aliases.append(Alias(""))  # placeholder keeps later indices aligned with the file
            continue
        problems += [
            Problem(locate(f"{at}.{key}"), "unknown field")
            for key in item
            if key not in _ALIAS_FIELDS
        ]
        reader = RowReader(item, field_locator(locate(at), "."))
        alias = Alias(
            reader.text("text", required=True),
            reader.optional_text("lang"),
            reader.optional_text("script"),
        )
        problems += reader.problems
        aliases.append(alias)
    return tuple(aliases), problems


def _read(
    text: str, top_key: str, fields: Sequence[str], build: Builder[Record]
) -> ParsedFile[Record]:
    entries, file_problems = _parse(text, top_key)
    parsed: ParsedFile[Record] = ParsedFile(".", problems=file_problems)
    for index, entry in enumerate(entries):
        base = f"{top_key}[{index}]"
        locate = field_locator(base, ".")
        if not isinstance(entry, dict):
            parsed.problems.append(Problem(base, "is not a mapping"))
            continue
        problems = [
            Problem(locate(str(key)), "unknown field") for key in entry if key not in fields
        ]
        aliases, alias_problems = _read_aliases(entry.get("aliases"), locate)
        record, record_problems = build(entry, aliases, locate)
        problems += merge_problems(alias_problems, record_problems)
        parsed.add(record, base, problems)
    return parsed


def read_places_yaml(text: str) -> ParsedFile[PlaceRecord]:
    """Parse places YAML; returns records and per-record problems (no cross-record checks)."""
    return _read(text, "places", PLACE_FIELDS, build_place)


def read_actors_yaml(text: str) -> ParsedFile[ActorRecord]:
    """Parse actors YAML; returns records and per-record problems (no cross-record checks)."""
    return _read(text, "actors", ACTOR_FIELDS, build_actor)


class _Dumper(yaml.SafeDumper):
    """SafeDumper that writes each alias on one line in flow style."""


class _FlowMapping(dict[str, str]):
    pass


def _represent_flow(dumper: _Dumper, data: _FlowMapping) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", list(data.items()), flow_style=True)


_Dumper.add_representer(_FlowMapping, _represent_flow)


def _alias_entry(alias: Alias) -> _FlowMapping:
    entry = _FlowMapping(text=alias.text)
    if alias.lang is not None:
        entry["lang"] = alias.lang
    if not alias.script_is_derived and alias.script is not None:
        entry["script"] = alias.script
    return entry


def _entry(record: PlaceRecord | ActorRecord, fields: Sequence[str]) -> dict[str, object]:
    entry: dict[str, object] = {}
    for field in fields:
        value = getattr(record, field)
        if field == "aliases":
            entry[field] = [_alias_entry(alias) for alias in value]
        else:
            entry[field] = value
    return entry


def dump_yaml(
    top_key: str,
    records: Sequence[PlaceRecord] | Sequence[ActorRecord],
    fields: Sequence[str],
    comment: str,
) -> str:
    """Serialise records under `top_key`; `comment` lines become a leading "# " block."""
    body = yaml.dump(
        {top_key: [_entry(record, fields) for record in records]},
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=4096,
    )
    header = "".join(f"# {line}".rstrip() + "\n" for line in comment.splitlines())
    return header + body


__all__ = ["dump_yaml", "read_actors_yaml", "read_places_yaml"]
