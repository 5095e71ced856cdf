"""Canonical serialisation of a ``CodebookSpec``.

``spec_to_dict`` writes every key explicitly, in a fixed order (the order of the format
documentation), with localized texts in the codebook's language order and attribute keys as
given. ``dump_codebook`` renders that dict as block-style YAML with non-ASCII text kept readable,
so ``dump_codebook(parse_codebook(yaml.safe_load(dump_codebook(s)))) == dump_codebook(s)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from .model import (
    FORMAT_ID,
    AttributeValue,
    ChoiceSpec,
    CodebookSpec,
    EventTypeSpec,
    ExportSpec,
    FieldSpec,
    RoleSpec,
    RuleSpec,
)

DUMP_WIDTH = 100


def spec_to_dict(spec: CodebookSpec) -> dict[str, Any]:
    """JSON-compatible dict of ``spec`` with keys in canonical order (``parse_codebook`` input)."""
    return {
        "format": FORMAT_ID,
        "slug": spec.slug,
        "name": spec.name,
        "version": spec.version,
        "preset": spec.preset,
        "description": dict(spec.description),
        "languages": list(spec.languages),
        "evidence_roles": [_role(role) for role in spec.evidence_roles],
        "event_types": [_event_type(node) for node in spec.event_types],
        "fields": [_field(field) for field in spec.fields],
        "rules": [_rule(rule) for rule in spec.rules],
        "subtype_required": spec.subtype_required,
        "export": _export(spec.export),
    }


def dump_codebook(spec: CodebookSpec) -> str:
    """Canonical YAML text of ``spec`` (UTF-8 safe, ends with a newline)."""
    return yaml.dump(
        spec_to_dict(spec),
        Dumper=_CanonicalDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=DUMP_WIDTH,
    )


class _CanonicalDumper(yaml.SafeDumper):
    """Safe dumper that indents list items under their key and never emits anchors."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _role(role: RoleSpec) -> dict[str, Any]:
    return {"key": role.key, "labels": dict(role.labels), "definition": dict(role.definition)}


def _event_type(node: EventTypeSpec) -> dict[str, Any]:
    return {
        "code": node.code,
        "labels": dict(node.labels),
        "definition": dict(node.definition),
        "attributes": _attributes(node.attributes),
        "children": [_event_type(child) for child in node.children],
    }


def _choice(choice: ChoiceSpec) -> dict[str, Any]:
    return {
        "code": choice.code,
        "labels": dict(choice.labels),
        "definition": dict(choice.definition),
        "attributes": _attributes(choice.attributes),
    }


def _field(field: FieldSpec) -> dict[str, Any]:
    return {
        "key": field.key,
        "kind": field.kind,
        "labels": dict(field.labels),
        "definition": dict(field.definition),
        "required": field.required,
        "applies_to": list(field.applies_to),
        "choices": [_choice(choice) for choice in field.choices],
        "level": field.level,
        "evidence_role": field.evidence_role,
        "export_column": field.export_column,
        "typed_column": field.typed_column,
        "multiple": field.multiple,
        "min": field.min,
        "max": field.max,
        "max_length": field.max_length,
        "distance": field.distance,
    }


def _rule(rule: RuleSpec) -> dict[str, Any]:
    # Only the keys of the rule's kind: other keys are not allowed in the file.
    if rule.kind == "ordered":
        return {"kind": rule.kind, "fields": list(rule.fields)}
    if rule.kind == "required_with":
        return {"kind": rule.kind, "field": rule.field, "requires": rule.requires}
    return {"kind": rule.kind, "field": rule.field, "event_types": list(rule.event_types)}


def _export(export: ExportSpec | None) -> dict[str, Any] | None:
    if export is None:
        return None
    return {
        "columns": [
            {"name": column.name, "field": column.field, "derived": column.derived}
            for column in export.columns
        ]
    }


def _attributes(attributes: Mapping[str, AttributeValue]) -> dict[str, Any]:
    return {key: _plain(value) for key, value in attributes.items()}


def _plain(value: AttributeValue) -> Any:
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return _attributes(value)
    return value
