"""``parse_codebook``: turn loaded YAML/JSON data into a validated ``CodebookSpec``.

Sections are read in file-key order; each section may refer to those before it (fields refer
to event types and evidence roles; rules and export refer to fields), so references are checked
as they are read. Every problem is collected and raised together in one ``CodebookFileError``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ._entries import Context, opt, read_event_types, read_field, read_roles
from ._read import LANGUAGE_PATTERN, SLUG_PATTERN, Reader, quoted
from ._rules import FieldIndex, read_export, read_rules
from .errors import CodebookFileError
from .model import FORMAT_ID, CodebookSpec, EventTypeSpec, FieldSpec, walk_event_types

TOP_LEVEL_KEYS = (
    "format",
    "slug",
    "name",
    "version",
    "preset",
    "description",
    "languages",
    "evidence_roles",
    "event_types",
    "fields",
    "rules",
    "subtype_required",
    "export",
)
REQUIRED_TOP_LEVEL_KEYS = ("format", "slug", "name", "languages", "event_types")


def parse_codebook(data: Mapping[str, object]) -> CodebookSpec:
    """Validate ``data`` (a codebook as loaded from YAML/JSON) and build its spec.

    Raises ``CodebookFileError`` listing every problem found.
    """
    reader = Reader()
    raw = reader.mapping(data, "", "a mapping at the top level")
    if raw is None:
        raise CodebookFileError(reader.problems)
    reader.keys(raw, "", TOP_LEVEL_KEYS, REQUIRED_TOP_LEVEL_KEYS)
    if "format" in raw and raw["format"] != FORMAT_ID:
        reader.add("format", f"expected {quoted(FORMAT_ID)}, got {_show(raw['format'])}")
    slug = reader.identifier(raw.get("slug"), "slug", SLUG_PATTERN) if "slug" in raw else None
    name = reader.string(raw.get("name"), "name") if "name" in raw else None
    version = reader.optional_integer(raw.get("version"), "version", minimum=1)
    preset = reader.optional_identifier(raw.get("preset"), "preset", SLUG_PATTERN)
    languages = _languages(reader, raw.get("languages")) if "languages" in raw else None
    ctx = Context(languages, languages[0] if languages else None)
    description = reader.localized(opt(raw, "description", {}), "description", ctx.languages)

    roles = read_roles(reader, opt(raw, "evidence_roles", []), "evidence_roles", ctx)
    codes: dict[str, str] = {}
    event_types: tuple[EventTypeSpec, ...] = ()
    if "event_types" in raw:
        event_types = read_event_types(reader, raw["event_types"], "event_types", ctx, codes)
        if isinstance(raw["event_types"], list | tuple) and not raw["event_types"]:
            reader.add("event_types", "needs at least one event type")
    events_readable = isinstance(raw.get("event_types"), list | tuple)
    ctx = Context(
        ctx.languages,
        ctx.primary_language,
        event_type_codes=codes if events_readable else None,
        role_keys=(
            {role.key for role in roles}
            if isinstance(opt(raw, "evidence_roles", []), list | tuple)
            else None
        ),
    )
    fields = _fields(reader, opt(raw, "fields", []), ctx)
    parents = {node.code: parent for node, parent in walk_event_types(event_types)}
    index = FieldIndex({spec.key: spec for spec in fields}, parents)
    rules = read_rules(reader, opt(raw, "rules", []), "rules", ctx, index)
    subtype_required = reader.boolean(opt(raw, "subtype_required", False), "subtype_required")
    export = read_export(reader, raw.get("export"), "export", index)

    if reader.problems:
        raise CodebookFileError(reader.problems)
    assert slug is not None
    assert name is not None
    assert languages is not None
    return CodebookSpec(
        slug=slug,
        name=name,
        version=version,
        preset=preset,
        description=description,
        languages=languages,
        evidence_roles=tuple(roles),
        event_types=event_types,
        fields=fields,
        rules=rules,
        subtype_required=bool(subtype_required),
        export=export,
    )


def _show(value: object) -> str:
    return quoted(value) if isinstance(value, str) else repr(value)


def _languages(reader: Reader, value: object) -> tuple[str, ...] | None:
    entries = reader.items(value, "languages")
    if entries is None:
        return None
    if not entries:
        reader.add("languages", "needs at least one language")
        return None
    languages: list[str] = []
    for index, entry in enumerate(entries):
        path = f"languages[{index}]"
        lang = reader.identifier(entry, path, LANGUAGE_PATTERN)
        if lang is not None and lang in languages:
            reader.add(path, f"duplicate {quoted(lang)}")
        elif lang is not None:
            languages.append(lang)
    # Keep what could be read, so that labels can still be checked against it.
    return tuple(languages) if languages else None


def _fields(reader: Reader, value: object, ctx: Context) -> tuple[FieldSpec, ...]:
    """Reads ``fields`` and checks what must be unique across them."""
    fields: list[FieldSpec] = []
    key_owner: dict[str, str] = {}
    column_owner: dict[str, str] = {}
    typed_owner: dict[str, str] = {}
    for position, entry in enumerate(reader.items(value, "fields") or ()):
        path = f"fields[{position}]"
        spec = read_field(reader, entry, path, ctx)
        if spec is None:
            continue
        owner = f"{path} ({spec.key})"
        if spec.key in key_owner:
            reader.add(f"{path}.key", f"duplicate {quoted(spec.key)}")
            continue
        key_owner[spec.key] = owner
        if spec.export_column in column_owner:
            reader.add(
                f"{path}.export_column",
                f"{quoted(spec.export_column)} is already used by "
                f"{column_owner[spec.export_column]}",
            )
        else:
            column_owner[spec.export_column] = owner
        if spec.typed_column is not None and spec.typed_column in typed_owner:
            reader.add(
                f"{path}.typed_column",
                f"{quoted(spec.typed_column)} is already used by {typed_owner[spec.typed_column]}",
            )
        elif spec.typed_column is not None:
            typed_owner[spec.typed_column] = owner
        fields.append(spec)
    return tuple(fields)
