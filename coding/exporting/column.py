"""One export column: its name, its Table Schema description, and how to compute its cell.

Columns are built once per export from the codebook (``layout.export_columns``) and then
applied to every event, so per-row work is a list of function calls; a column with a
``scope`` is computed once per distinct scope (see ``scopes.py`` and ``rows.RowPlan``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from types import MappingProxyType
from typing import Any

from coding.codebook_spec import CodebookSpec, FieldSpec, iter_event_types

from .acled import CIVILIAN_TARGETING_VALUE
from .admin_units import admin1_name
from .cells import LIST_SEPARATOR, compact_json, iso_utc, label_in
from .records import ExportEvent
from .scopes import Scope, article_scope, location_scope, types_scope
from .values import CellFunction, field_cell_function, has_integer_codes

_NO_CONSTRAINTS: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class ExportColumn:
    """``type`` is a Table Schema type (string, integer, number, date, datetime, boolean,
    array, any); ``constraints`` are Table Schema constraints (``enum``, ``minimum``...).
    ``scope``, when set, says what ``cell`` is computed from (``scopes.py``): events with the
    same scope objects get the same cell, which writers may then compute once. ``text``, when
    set, gives ``cells.cell_text(cell(event))`` directly, more cheaply (the CSV writer uses it
    when it needs no typed cells)."""

    name: str
    title: str
    description: str
    type: str
    cell: CellFunction
    constraints: Mapping[str, Any] = field(default_factory=lambda: _NO_CONSTRAINTS)
    scope: Scope | None = None
    text: Callable[[ExportEvent], str] | None = None

    def schema_field(self) -> dict[str, Any]:
        """This column as a Table Schema field descriptor."""
        descriptor: dict[str, Any] = {"name": self.name, "type": self.type}
        if self.title:
            descriptor["title"] = self.title
        if self.description:
            descriptor["description"] = self.description
        if self.constraints:
            descriptor["constraints"] = dict(self.constraints)
        return descriptor


def text_in(spec: CodebookSpec, texts: Mapping[str, str]) -> str:
    """Localized text in the codebook's primary language (else any language, else "")."""
    return label_in(texts, spec.languages, "")


DATE_INTERVAL_PATTERN = r"\d{4}-\d{2}-\d{2}(/\d{4}-\d{2}-\d{2})?"


def field_column(
    spec: CodebookSpec, spec_field: FieldSpec, *, name: str, acled: bool
) -> ExportColumn:
    """The column of a codebook field (see ``values.field_cell_function`` for the cells)."""
    column_type, constraints = _field_type(spec_field, acled=acled)
    integer_codes = has_integer_codes(spec_field)
    return ExportColumn(
        name=name,
        title=text_in(spec, spec_field.labels),
        description=text_in(spec, spec_field.definition),
        type=column_type,
        constraints=MappingProxyType(constraints),
        cell=field_cell_function(spec_field, acled=acled, integer_codes=integer_codes),
    )


def _field_type(spec_field: FieldSpec, *, acled: bool) -> tuple[str, dict[str, Any]]:
    kind = spec_field.kind
    if kind == "choice":
        if has_integer_codes(spec_field):
            return "integer", {"enum": [int(choice.code) for choice in spec_field.choices]}
        return "string", {"enum": [choice.code for choice in spec_field.choices]}
    if kind == "date":
        return ("date", {}) if acled else ("string", {"pattern": DATE_INTERVAL_PATTERN})
    if kind == "integer":
        bounds = {"minimum": spec_field.min, "maximum": spec_field.max}
        return "integer", {key: value for key, value in bounds.items() if value is not None}
    if kind == "text":
        limit = spec_field.max_length
        return "string", ({"maxLength": limit} if limit is not None else {})
    if kind == "boolean":
        if acled and spec_field.key == "civilian_targeting":
            return "string", {"enum": [CIVILIAN_TARGETING_VALUE]}
        return "boolean", {}
    return "string", {}  # multi_choice, actor, location: names or codes joined with "; "


def provenance_columns(spec: CodebookSpec) -> tuple[ExportColumn, ...]:
    """Athar's columns after every layout: where the row came from and why it is gold."""
    codebook_id = f"{spec.slug}@{spec.version}" if spec.version is not None else spec.slug
    return (
        ExportColumn(
            "athar_event_id",
            "Athar event id",
            "Id of the gold (adjudicated) event in Athar; stable across re-exports.",
            "integer",
            lambda event: event.event_id,
            MappingProxyType({"required": True, "unique": True}),
        ),
        ExportColumn(
            "athar_article_id",
            "Athar article id",
            "Id of the article the event was coded from.",
            "integer",
            lambda event: event.article.id,
            MappingProxyType({"required": True}),
            article_scope,
        ),
        ExportColumn(
            "athar_codebook",
            "Codebook version",
            f"Codebook slug@version the event was coded with (this package: {codebook_id}).",
            "string",
            lambda event: f"{event.codebook.slug}@{event.codebook.version}",
            scope=article_scope,
        ),
        ExportColumn(
            "athar_evidence",
            "Evidence spans",
            "JSON list of {role, start, end, quote}: start/end are Unicode code-point offsets "
            "(half-open) into the article text, quote is the text at those offsets.",
            "array",
            lambda event: [span.as_dict() for span in event.evidence],
            text=evidence_text,
        ),
        ExportColumn(
            "athar_decision",
            "Adjudication decision",
            "Kind of the adjudication decision that made this gold event (accept, merge, edit, "
            "add, unanimous).",
            "string",
            lambda event: event.provenance.decision_kind or None,
        ),
        ExportColumn(
            "athar_source_events",
            "Source coder events",
            "Ids of the coders' events the gold event was built from, joined with '; '.",
            "string",
            lambda event: LIST_SEPARATOR.join(map(str, event.provenance.source_event_ids)) or None,
            MappingProxyType({"pattern": r"\d+(; \d+)*"}),
        ),
        ExportColumn(
            "athar_validated_at",
            "Validated at",
            "When the article's adjudication was validated (UTC).",
            "datetime",
            lambda event: iso_utc(event.validated_at),
            scope=article_scope,
        ),
        ExportColumn(
            "athar_admin1_iso",
            "Region code",
            "ISO 3166-2 code of the location's first-level unit (admin1 holds its name).",
            "string",
            lambda event: _admin1_iso(event),
            scope=location_scope,
        ),
    )


def _admin1_iso(event: ExportEvent) -> str | None:
    code = event.location.admin1 if event.location else ""
    return code.upper() if code and admin1_name(code) is not None else None


def number_of_sources_column() -> ExportColumn:
    """UCDP GED's ``number_of_sources``: how many reports (articles) the event rests on."""
    return ExportColumn(
        "number_of_sources",
        "Number of sources",
        "Number of reports (articles) of the dataset event the row stands for.",
        "integer",
        lambda event: event.number_of_sources,
        MappingProxyType({"minimum": 1}),
    )


def evidence_text(event: ExportEvent) -> str:
    """The CSV text of ``athar_evidence``: ``compact_json`` of the spans' dicts, written
    directly (spans with the usual types; any other span goes through ``compact_json``)."""
    parts = []
    for span in event.evidence:
        role, start, end, quote = span.role, span.start, span.end, span.quote
        if (
            type(role) is str
            and type(quote) is str
            and type(start) is int
            and type(end) is int
            and span.report is None
        ):
            parts.append(
                f'{{"role":{encode_basestring(role)},"start":{start},"end":{end},'
                f'"quote":{encode_basestring(quote)}}}'
            )
        else:
            parts.append(compact_json(span.as_dict()))
    return "[" + ",".join(parts) + "]"


def event_type_columns(spec: CodebookSpec) -> tuple[ExportColumn, ...]:
    """Generic layout: event type and sub-type, as codes and primary-language labels."""
    top_codes = [node.code for node in spec.event_types]
    sub_codes = [code for code in _all_codes(spec) if code not in set(top_codes)]
    languages = spec.languages
    return (
        ExportColumn(
            "event_type",
            "Event type",
            "Code of the event type.",
            "string",
            lambda event: event.event_type.code,
            MappingProxyType({"enum": top_codes}),
            types_scope,
        ),
        ExportColumn(
            "event_type_label",
            "Event type label",
            "Label of the event type in the codebook's primary language.",
            "string",
            lambda event: label_in(event.event_type.labels, languages, event.event_type.code),
            scope=types_scope,
        ),
        ExportColumn(
            "event_subtype",
            "Event sub-type",
            "Code of the event sub-type (empty when none).",
            "string",
            lambda event: event.event_subtype.code if event.event_subtype else None,
            MappingProxyType({"enum": sub_codes} if sub_codes else {}),
            types_scope,
        ),
        ExportColumn(
            "event_subtype_label",
            "Event sub-type label",
            "Label of the event sub-type in the codebook's primary language.",
            "string",
            lambda event: (
                label_in(event.event_subtype.labels, languages, event.event_subtype.code)
                if event.event_subtype
                else None
            ),
            scope=types_scope,
        ),
    )


def _all_codes(spec: CodebookSpec) -> list[str]:
    return [node.code for node, _parent in iter_event_types(spec)]
