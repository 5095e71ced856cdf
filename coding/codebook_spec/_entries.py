"""Structural readers for evidence roles, event types, choices and fields.

Checks here concern one entry at a time (types, patterns, duplicates within a list), plus
references to sections read earlier, which ``Context`` carries (event-type codes, role keys).
Options that depend on a field's kind are checked in ``_field_kinds``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from ._field_kinds import DEFAULT_LEVEL_BY_KIND, DISTANCES, check_kind_options
from ._read import (
    CODE_HINT,
    CODE_PATTERN,
    KEY_PATTERN,
    MAX_CODE_LENGTH,
    MAX_DEPTH,
    Reader,
    join,
    quoted,
)
from .model import (
    FIELD_KINDS,
    LEVELS,
    TYPED_COLUMNS,
    ChoiceSpec,
    EventTypeSpec,
    FieldSpec,
    RoleSpec,
)

ROLE_KEYS = ("key", "labels", "definition")
EVENT_TYPE_KEYS = ("code", "labels", "definition", "attributes", "children")
CHOICE_KEYS = ("code", "labels", "definition", "attributes")
FIELD_KEYS = (
    "key",
    "kind",
    "labels",
    "definition",
    "required",
    "applies_to",
    "choices",
    "level",
    "evidence_role",
    "export_column",
    "typed_column",
    "multiple",
    "min",
    "max",
    "max_length",
    "distance",
)


@dataclass(frozen=True)
class Context:
    """What is known of the rest of the file while reading an entry (None = unreadable)."""

    languages: tuple[str, ...] | None
    primary_language: str | None
    event_type_codes: Collection[str] | None = None
    role_keys: Collection[str] | None = None


def read_enum(reader: Reader, value: object, path: str, options: Sequence[str]) -> str | None:
    text = reader.string(value, path)
    if text is not None and text not in options:
        reader.add(path, f"{quoted(text)} is not one of {', '.join(options)}")
        return None
    return text


def read_roles(reader: Reader, value: object, path: str, ctx: Context) -> list[RoleSpec]:
    entries = reader.items(value, path)
    roles: list[RoleSpec] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries or ()):
        entry_path = f"{path}[{index}]"
        raw = reader.mapping(entry, entry_path)
        if raw is None:
            continue
        reader.keys(raw, entry_path, ROLE_KEYS, ("key", "labels"))
        key = None
        if "key" in raw:
            key = reader.identifier(raw["key"], join(entry_path, "key"), KEY_PATTERN)
        if key is not None and key in seen:
            reader.add(join(entry_path, "key"), f"duplicate {quoted(key)}")
            key = None
        labels, definition = _texts(reader, raw, entry_path, ctx)
        if key is not None:
            seen.add(key)
            roles.append(RoleSpec(key=key, labels=labels, definition=definition))
    return roles


def read_event_types(
    reader: Reader,
    value: object,
    path: str,
    ctx: Context,
    seen: dict[str, str],
    depth: int = 1,
) -> tuple[EventTypeSpec, ...]:
    """Reads a list of event types and their sub-types; ``seen`` maps code -> first path."""
    entries = reader.items(value, path)
    if depth > MAX_DEPTH:
        reader.add(path, f"nested deeper than {MAX_DEPTH} levels")
        return ()
    nodes: list[EventTypeSpec] = []
    for index, entry in enumerate(entries or ()):
        entry_path = f"{path}[{index}]"
        raw = reader.mapping(entry, entry_path)
        if raw is None:
            continue
        reader.keys(raw, entry_path, EVENT_TYPE_KEYS, ("code", "labels"))
        code = None
        if "code" in raw:
            code_path = join(entry_path, "code")
            code = reader.identifier(raw["code"], code_path, CODE_PATTERN, CODE_HINT)
            if code is not None and code in seen:
                reader.add(code_path, f"duplicate {quoted(code)}")
                code = None
            elif code is not None:
                seen[code] = code_path
        labels, definition = _texts(reader, raw, entry_path, ctx)
        attributes = reader.attributes(opt(raw, "attributes", {}), join(entry_path, "attributes"))
        children = read_event_types(
            reader, opt(raw, "children", []), join(entry_path, "children"), ctx, seen, depth + 1
        )
        if code is not None:
            nodes.append(EventTypeSpec(code, labels, definition, attributes, children))
    return tuple(nodes)


def read_choices(reader: Reader, value: object, path: str, ctx: Context) -> tuple[ChoiceSpec, ...]:
    entries = reader.items(value, path)
    choices: list[ChoiceSpec] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries or ()):
        entry_path = f"{path}[{index}]"
        raw = reader.mapping(entry, entry_path)
        if raw is None:
            continue
        reader.keys(raw, entry_path, CHOICE_KEYS, ("code", "labels"))
        code = None
        if "code" in raw:
            code_path = join(entry_path, "code")
            code = reader.identifier(raw["code"], code_path, CODE_PATTERN, CODE_HINT)
            if code is not None and code in seen:
                reader.add(code_path, f"duplicate {quoted(code)}")
                code = None
        labels, definition = _texts(reader, raw, entry_path, ctx)
        attributes = reader.attributes(opt(raw, "attributes", {}), join(entry_path, "attributes"))
        if code is not None:
            seen.add(code)
            choices.append(ChoiceSpec(code, labels, definition, attributes))
    return tuple(choices)


def read_field(reader: Reader, value: object, path: str, ctx: Context) -> FieldSpec | None:
    """One field; None when its key or kind is unusable (problems are recorded)."""
    raw = reader.mapping(value, path)
    if raw is None:
        return None
    reader.keys(raw, path, FIELD_KEYS, ("key", "kind", "labels"))
    key = kind = None
    if "key" in raw:
        key = reader.identifier(raw["key"], join(path, "key"), KEY_PATTERN)
    if "kind" in raw:
        kind = read_enum(reader, raw["kind"], join(path, "kind"), FIELD_KINDS)
    labels, definition = _texts(reader, raw, path, ctx)
    required = reader.boolean(opt(raw, "required", False), join(path, "required"))
    applies_to = read_codes(reader, opt(raw, "applies_to", []), join(path, "applies_to"), ctx)
    choices = read_choices(reader, opt(raw, "choices", []), join(path, "choices"), ctx)
    evidence_role = reader.optional_identifier(
        raw.get("evidence_role"), join(path, "evidence_role"), KEY_PATTERN
    )
    known_roles = ctx.role_keys
    if evidence_role is not None and known_roles is not None and evidence_role not in known_roles:
        message = f"{quoted(evidence_role)} is not declared in evidence_roles"
        reader.add(join(path, "evidence_role"), message)
    export_column = None
    if raw.get("export_column") is not None:
        export_column = reader.string(
            raw["export_column"], join(path, "export_column"), max_length=MAX_CODE_LENGTH
        )
    typed_column = None
    if raw.get("typed_column") is not None:
        typed_column = read_enum(
            reader, raw["typed_column"], join(path, "typed_column"), TYPED_COLUMNS
        )
    multiple = reader.boolean(opt(raw, "multiple", False), join(path, "multiple"))
    minimum = reader.optional_integer(raw.get("min"), join(path, "min"))
    maximum = reader.optional_integer(raw.get("max"), join(path, "max"))
    max_length = reader.optional_integer(raw.get("max_length"), join(path, "max_length"), minimum=1)
    level = None
    if raw.get("level") is not None:
        level = read_enum(reader, raw["level"], join(path, "level"), LEVELS)
    distance = None
    if raw.get("distance") is not None:
        distance = read_enum(reader, raw["distance"], join(path, "distance"), DISTANCES)
    if key is None or kind is None:
        return None
    field = FieldSpec(
        key=key,
        kind=kind,
        labels=labels,
        definition=definition,
        required=bool(required),
        applies_to=applies_to,
        choices=choices,
        level=level or DEFAULT_LEVEL_BY_KIND.get(kind, "nominal"),
        evidence_role=evidence_role,
        export_column=export_column or key,
        typed_column=typed_column,
        multiple=bool(multiple),
        min=minimum,
        max=maximum,
        max_length=max_length,
        distance=distance,
    )
    check_kind_options(reader, raw, field, path)
    return field


def _texts(
    reader: Reader, raw: Mapping[str, object], path: str, ctx: Context
) -> tuple[Mapping[str, str], Mapping[str, str]]:
    labels: Mapping[str, str] = MappingProxyType({})
    if "labels" in raw:
        labels = reader.localized(
            raw["labels"],
            join(path, "labels"),
            ctx.languages,
            required_language=ctx.primary_language,
        )
    definition = reader.localized(
        opt(raw, "definition", {}), join(path, "definition"), ctx.languages
    )
    return labels, definition


def read_codes(reader: Reader, value: object, path: str, ctx: Context) -> tuple[str, ...]:
    """A list of distinct, known event-type codes."""
    codes: list[str] = []
    for index, item in enumerate(reader.items(value, path) or ()):
        item_path = f"{path}[{index}]"
        code = reader.identifier(item, item_path, CODE_PATTERN, CODE_HINT)
        if code is None:
            continue
        if code in codes:
            reader.add(item_path, f"duplicate {quoted(code)}")
        elif ctx.event_type_codes is not None and code not in ctx.event_type_codes:
            reader.add(item_path, f"unknown event type {quoted(code)}")
        else:
            codes.append(code)
    return tuple(codes)


def opt(raw: Mapping[str, object], key: str, default: object) -> object:
    """The value of an optional key; an absent key or null means the default."""
    value = raw.get(key)
    return default if value is None else value
