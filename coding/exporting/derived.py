"""The ``derived`` rules of an ``export.columns`` layout (docs/codebook-format.md, "export").

``derived_column(spec, name, rule, acled=...)`` turns a rule name into an ``ExportColumn``;
an unknown rule raises ``ExportLayoutError`` before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from types import MappingProxyType
from typing import Any

from coding.codebook_spec import CodebookSpec, iter_event_types

from .acled import (
    INTERACTION_CODES,
    event_id_prefix,
    interaction_code,
    midpoint,
    round_coordinate,
)
from .admin_units import admin1_name
from .cells import Cell, compact_json, label_in, plain, unix_seconds
from .column import ExportColumn
from .countries import country_for
from .dataset_events import source_names, source_scale
from .errors import ExportLayoutError
from .records import ExportEvent, ExportLocation
from .scopes import article_scope, location_scope, types_scope
from .values import is_empty

RuleBuilder = Callable[[CodebookSpec, str, bool], ExportColumn]
FactBuilder = Callable[[str, bool], ExportColumn]


def derived_column(spec: CodebookSpec, name: str, rule: str, *, acled: bool) -> ExportColumn:
    if rule.startswith("attribute."):
        return _attribute_column(spec, name, rule.removeprefix("attribute."))
    if rule.startswith("location."):
        fact = rule.removeprefix("location.")
        if fact not in _LOCATION_FACTS:
            raise ExportLayoutError(
                f"column {name!r}: unknown location fact {fact!r}; known: "
                + ", ".join(_LOCATION_FACTS)
            )
        return _LOCATION_FACTS[fact](name, acled)
    builder = _RULES.get(rule)
    if builder is None:
        raise ExportLayoutError(f"column {name!r}: unknown derived rule {rule!r}")
    return builder(spec, name, acled)


def event_day(event: ExportEvent, *, acled: bool) -> date | None:
    """The one day of the event: ACLED's midpoint of the span, otherwise its start."""
    if event.date_start is None:
        return None
    if acled:
        return midpoint(event.date_start, event.date_end or event.date_start)
    return event.date_start


def _event_id(spec: CodebookSpec, name: str, acled: bool) -> ExportColumn:
    if acled:
        return ExportColumn(
            name,
            name,
            "Athar's ACLED-style id: ISO 3166 alpha-3 of the event's country (XXX when "
            "unknown), '-ATH', and the Athar event id.",
            "string",
            _event_id_cnty_cell(),
            MappingProxyType({"pattern": r"[A-Z]{3}-ATH\d+"}),
        )
    return ExportColumn(
        name, name, "Athar event id.", "integer", lambda event: event.event_id, _unique()
    )


def _event_id_cnty_cell() -> Callable[[ExportEvent], Cell]:
    """``event_id_cnty`` of the event, with the prefix remembered per country code."""
    prefixes: dict[str | None, str] = {}

    def cell(event: ExportEvent) -> Cell:
        country = event.location.country if event.location else None
        prefix = prefixes.get(country)
        if prefix is None:
            prefix = prefixes[country] = event_id_prefix(country)
        return f"{prefix}{event.event_id}"

    return cell


def _unique() -> MappingProxyType[str, Any]:
    return MappingProxyType({"required": True, "unique": True})


def _year(spec: CodebookSpec, name: str, acled: bool) -> ExportColumn:
    def cell(event: ExportEvent) -> Cell:
        start, end = event.date_start, event.date_end
        if start is not None and (end is None or end.year == start.year):
            return start.year  # the day (midpoint or start) is in that year
        day = event_day(event, acled=acled)
        return day.year if day is not None else None

    return ExportColumn(name, name, "Year of the event date.", "integer", cell)


def _type_label(spec: CodebookSpec, name: str, acled: bool) -> ExportColumn:
    labels = [label_in(node.labels, spec.languages, node.code) for node in spec.event_types]
    return ExportColumn(
        name,
        name,
        "Event type, by its label in the codebook's primary language.",
        "string",
        lambda event: label_in(event.event_type.labels, spec.languages, event.event_type.code),
        MappingProxyType({"enum": _distinct(labels)}),
        types_scope,
    )


def _subtype_label(spec: CodebookSpec, name: str, acled: bool) -> ExportColumn:
    labels = [
        label_in(node.labels, spec.languages, node.code)
        for node, parent in iter_event_types(spec)
        if parent is not None
    ]

    def cell(event: ExportEvent) -> Cell:
        subtype = event.event_subtype
        return label_in(subtype.labels, spec.languages, subtype.code) if subtype else None

    return ExportColumn(
        name,
        name,
        "Event sub-type, by its label in the codebook's primary language.",
        "string",
        cell,
        MappingProxyType({"enum": _distinct(labels)} if labels else {}),
        types_scope,
    )


def _attribute_column(spec: CodebookSpec, name: str, attribute: str) -> ExportColumn:
    values = [
        node.attributes[attribute]
        for node, _parent in iter_event_types(spec)
        if attribute in node.attributes
    ]
    all_text = all(isinstance(value, str) for value in values)

    def cell(event: ExportEvent) -> Cell:
        for code in spec.lineage(event.most_specific_type.code):
            node = spec.event_type_by_code(code)
            if node is not None and attribute in node.attributes:
                value = node.attributes[attribute]
                if value is None or isinstance(value, str | int | float | bool):
                    return value
                return compact_json(plain(value))
        return None

    return ExportColumn(
        name,
        name,
        f"Attribute {attribute!r} of the most specific event type that has it.",
        "string" if all_text else "any",
        cell,
        MappingProxyType({"enum": _distinct(values)} if all_text and values else {}),
        types_scope,
    )


def _interaction(spec: CodebookSpec, name: str, acled: bool) -> ExportColumn:
    if spec.field_by_key("inter1") is None and spec.field_by_key("inter2") is None:
        raise ExportLayoutError(f"column {name!r}: 'interaction' needs an inter1 or inter2 field")

    def cell(event: ExportEvent) -> Cell:
        return interaction_code(_inter(event, "inter1"), _inter(event, "inter2"))

    return ExportColumn(
        name,
        name,
        "ACLED interaction code: smaller actor type * 10 + larger actor type; a single "
        "actor type t gives t * 10.",
        "integer",
        cell,
        MappingProxyType({"enum": list(INTERACTION_CODES)}),
    )


def _inter(event: ExportEvent, key: str) -> int | None:
    value: Any = event.values.get(key)
    if type(value) is str and value.strip():  # the usual shape: a code
        try:
            return int(value)
        except ValueError:
            return None
    if is_empty(value):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _text_rule(description: str, value: Callable[[ExportEvent], str]) -> RuleBuilder:
    def build(spec: CodebookSpec, name: str, acled: bool) -> ExportColumn:
        return ExportColumn(
            name, name, description, "string", lambda e: value(e) or None, scope=article_scope
        )

    return build


def _timestamp(spec: CodebookSpec, name: str, acled: bool) -> ExportColumn:
    return ExportColumn(
        name,
        name,
        "Unix time (seconds, UTC) of the validation of the exported record.",
        "integer",
        lambda event: unix_seconds(event.validated_at),
        scope=article_scope,
    )


_RULES: dict[str, RuleBuilder] = {
    "event_id": _event_id,
    "year": _year,
    "event_type": _type_label,
    "event_subtype": _subtype_label,
    "interaction": _interaction,
    "sources": _text_rule(
        "Names of the sources (publications) of the articles the event was coded from, "
        "joined with '; '.",
        source_names,
    ),
    "source_scales": _text_rule(
        "Scale of those sources (Local partner, Subnational, National, Regional, "
        "International, Other) when recorded at import; several scales joined with '-'.",
        source_scale,
    ),
    "timestamp": _timestamp,
}


def _location_text(description: str, fact: Callable[[ExportLocation], str]) -> FactBuilder:
    def build(name: str, acled: bool) -> ExportColumn:
        def cell(event: ExportEvent) -> Cell:
            return (fact(event.location) or None) if event.location else None

        return ExportColumn(name, name, description, "string", cell, scope=location_scope)

    return build


def _country_fact(description: str, column_type: str, fact: str) -> FactBuilder:
    def build(name: str, acled: bool) -> ExportColumn:
        def cell(event: ExportEvent) -> Cell:
            country = country_for(event.location.country) if event.location else None
            return getattr(country, fact) if country is not None else None

        return ExportColumn(name, name, description, column_type, cell, scope=location_scope)

    return build


def _coordinate(description: str, attribute: str, limit: int) -> FactBuilder:
    def build(name: str, acled: bool) -> ExportColumn:
        def cell(event: ExportEvent) -> Cell:
            value = getattr(event.location, attribute) if event.location else None
            return round_coordinate(value) if acled else value

        bounds = MappingProxyType({"minimum": -limit, "maximum": limit})
        return ExportColumn(name, name, description, "number", cell, bounds, location_scope)

    return build


_LOCATION_FACTS: dict[str, FactBuilder] = {
    "iso": _country_fact(
        "ISO 3166-1 numeric code of the country (empty outside Athar's country table).",
        "integer",
        "numeric",
    ),
    "region": _country_fact("ACLED region of the country.", "string", "region"),
    "country": _country_fact("Country name.", "string", "name"),
    "admin1": _location_text(
        "First-level administrative unit, by name (the ISO 3166-2 code is athar_admin1_iso).",
        lambda loc: admin1_name(loc.admin1) or loc.admin1,
    ),
    "admin2": _location_text("Second-level administrative unit.", lambda loc: loc.admin2),
    "admin3": _location_text(
        "Third-level administrative unit (not kept by Athar's gazetteer: always empty).",
        lambda loc: "",
    ),
    "latitude": _coordinate("Latitude (WGS 84 degrees).", "latitude", 90),
    "longitude": _coordinate("Longitude (WGS 84 degrees).", "longitude", 180),
}


def _distinct(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(values))
