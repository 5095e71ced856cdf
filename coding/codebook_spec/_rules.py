"""Readers for ``rules`` and ``export``, which refer to fields and event types read before them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ._entries import Context, opt, read_codes, read_enum
from ._read import DERIVED_PATTERN, KEY_PATTERN, MAX_CODE_LENGTH, Reader, join, quoted, with_article
from .model import RULE_KINDS, ExportColumnSpec, ExportSpec, FieldSpec, RuleSpec

RULE_KEYS_BY_KIND: Mapping[str, tuple[str, ...]] = {
    "ordered": ("kind", "fields"),
    "required_with": ("kind", "field", "requires"),
    "required_for": ("kind", "field", "event_types"),
}
ORDERABLE_KINDS = ("integer", "date")
EXPORT_KEYS = ("columns",)
EXPORT_COLUMN_KEYS = ("name", "field", "derived")


@dataclass(frozen=True)
class FieldIndex:
    """Fields read so far, plus the event-type tree's parent links, for reference checks."""

    fields: Mapping[str, FieldSpec]
    parents: Mapping[str, str | None]

    def applies(self, field: FieldSpec, code: str) -> bool:
        if not field.applies_to:
            return True
        current: str | None = code
        while current is not None:
            if current in field.applies_to:
                return True
            current = self.parents.get(current)
        return False


def read_rules(
    reader: Reader, value: object, path: str, ctx: Context, index: FieldIndex
) -> tuple[RuleSpec, ...]:
    rules: list[RuleSpec] = []
    for position, entry in enumerate(reader.items(value, path) or ()):
        rule = _read_rule(reader, entry, f"{path}[{position}]", ctx, index)
        if rule is not None:
            rules.append(rule)
    return tuple(rules)


def _read_rule(
    reader: Reader, value: object, path: str, ctx: Context, index: FieldIndex
) -> RuleSpec | None:
    raw = reader.mapping(value, path)
    if raw is None:
        return None
    if "kind" not in raw:
        reader.add(join(path, "kind"), "required")
        return None
    kind = read_enum(reader, raw["kind"], join(path, "kind"), RULE_KINDS)
    if kind is None:
        return None
    allowed = RULE_KEYS_BY_KIND[kind]
    reader.keys(raw, path, allowed, allowed)
    if kind == "ordered":
        fields = _ordered_fields(reader, opt(raw, "fields", []), join(path, "fields"), index)
        return RuleSpec(kind, fields=fields)
    field = _field_ref(reader, raw.get("field"), join(path, "field"), index)
    if kind == "required_with":
        requires = _field_ref(reader, raw.get("requires"), join(path, "requires"), index)
        if field is not None and field == requires:
            reader.add(join(path, "requires"), "same as field")
        return RuleSpec(kind, field=field, requires=requires)
    codes_path = join(path, "event_types")
    codes = read_codes(reader, opt(raw, "event_types", []), codes_path, ctx)
    if raw.get("event_types") == []:
        reader.add(codes_path, "needs at least one event type")
    spec = index.fields.get(field) if field is not None else None
    # Applicability needs the event-type tree; skip it when that could not be read.
    if ctx.event_type_codes is None:
        spec = None
    for position, code in enumerate(codes):
        if spec is not None and not index.applies(spec, code):
            reader.add(
                f"{codes_path}[{position}]",
                f"field {quoted(spec.key)} does not apply to {quoted(code)}",
            )
    return RuleSpec(kind, field=field, event_types=codes)


def _field_ref(reader: Reader, value: object, path: str, index: FieldIndex) -> str | None:
    if value is None:
        return None  # a missing key was reported by Reader.keys
    key = reader.identifier(value, path, KEY_PATTERN)
    if key is not None and key not in index.fields:
        reader.add(path, f"unknown field {quoted(key)}")
        return None
    return key


def _ordered_fields(reader: Reader, value: object, path: str, index: FieldIndex) -> tuple[str, ...]:
    entries = reader.items(value, path)
    if entries is None:
        return ()
    if len(entries) < 2:
        reader.add(path, "needs at least 2 fields")
    keys: list[str] = []
    first: FieldSpec | None = None
    for position, entry in enumerate(entries):
        entry_path = f"{path}[{position}]"
        key = _field_ref(reader, entry, entry_path, index)
        if key is None:
            continue
        if key in keys:
            reader.add(entry_path, f"duplicate {quoted(key)}")
            continue
        keys.append(key)
        spec = index.fields[key]
        if spec.kind not in ORDERABLE_KINDS:
            reader.add(
                entry_path,
                f"{quoted(key)} is {with_article(spec.kind)} field; "
                "ordered rules compare integer or date fields",
            )
        elif first is None:
            first = spec
        elif spec.kind != first.kind:
            reader.add(
                entry_path,
                f"{quoted(key)} is {with_article(spec.kind)} field but {quoted(first.key)} is "
                f"{with_article(first.kind)} field",
            )
    return tuple(keys)


def read_export(reader: Reader, value: object, path: str, index: FieldIndex) -> ExportSpec | None:
    if value is None:
        return None
    raw = reader.mapping(value, path)
    if raw is None:
        return None
    reader.keys(raw, path, EXPORT_KEYS, EXPORT_KEYS)
    columns_path = join(path, "columns")
    entries = reader.items(opt(raw, "columns", []), columns_path)
    if "columns" in raw and entries == []:
        reader.add(columns_path, "needs at least one column")
    columns: list[ExportColumnSpec] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries or ()):
        column = _read_column(reader, entry, f"{columns_path}[{position}]", index, seen)
        if column is not None:
            columns.append(column)
    return ExportSpec(tuple(columns))


def _read_column(
    reader: Reader, value: object, path: str, index: FieldIndex, seen: set[str]
) -> ExportColumnSpec | None:
    raw = reader.mapping(value, path)
    if raw is None:
        return None
    reader.keys(raw, path, EXPORT_COLUMN_KEYS, ("name",))
    name = None
    if "name" in raw:
        name = reader.string(raw["name"], join(path, "name"), max_length=MAX_CODE_LENGTH)
    if name is not None and name in seen:
        reader.add(join(path, "name"), f"duplicate {quoted(name)}")
        name = None
    field = derived = None
    if raw.get("field") is not None and raw.get("derived") is not None:
        reader.add(path, "give either field or derived, not both")
    elif raw.get("field") is not None:
        field = _field_ref(reader, raw["field"], join(path, "field"), index)
        spec = index.fields.get(field) if field is not None else None
        if spec is not None and name is not None and spec.export_column != name:
            reader.add(
                join(path, "field"),
                f"field {quoted(spec.key)} has export_column {quoted(spec.export_column)}, "
                f"not {quoted(name)}",
            )
    elif raw.get("derived") is not None:
        derived = reader.identifier(raw["derived"], join(path, "derived"), DERIVED_PATTERN)
    else:
        reader.add(path, "needs field or derived")
    if name is None:
        return None
    seen.add(name)
    return ExportColumnSpec(name=name, field=field, derived=derived)
