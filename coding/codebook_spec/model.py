"""The in-memory form of a codebook file (format ``athar-codebook/1``).

Every class is a frozen dataclass; sequences are tuples and mappings are read-only
(``types.MappingProxyType``), so a parsed spec can be shared and cached safely. Specs are
built by ``parse_codebook`` (which validates them); constructing them by hand skips validation.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TypeAlias

FORMAT_ID = "athar-codebook/1"

FIELD_KINDS: tuple[str, ...] = (
    "choice",
    "multi_choice",
    "actor",
    "location",
    "date",
    "integer",
    "text",
    "boolean",
)
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")
TYPED_COLUMNS: tuple[str, ...] = (
    "date",
    "location",
    "fatalities",
    "date_precision",
    "geo_precision",
)
RULE_KINDS: tuple[str, ...] = ("ordered", "required_with", "required_for")

# Kinds whose values refer to dictionary entries ({"id": int} or {"name": str}).
REFERENCE_KINDS: tuple[str, ...] = ("actor", "location")

LocalizedText: TypeAlias = Mapping[str, str]
"""Language code (e.g. ``en``, ``ar``) -> text in that language."""

AttributeValue: TypeAlias = (
    str | int | float | bool | tuple["AttributeValue", ...] | Mapping[str, "AttributeValue"] | None
)
"""A free fact attached to an event type or choice: a JSON-like scalar, tuple or mapping."""


@dataclass(frozen=True)
class RoleSpec:
    """A role an evidence span may play (``trigger``, ``actor1``, ...)."""

    key: str
    labels: LocalizedText
    definition: LocalizedText


@dataclass(frozen=True)
class ChoiceSpec:
    """One allowed value of a ``choice``/``multi_choice`` field. ``code`` is always a string."""

    code: str
    labels: LocalizedText
    definition: LocalizedText
    attributes: Mapping[str, AttributeValue]


@dataclass(frozen=True)
class EventTypeSpec:
    """A node of the event-type tree; ``children`` are its sub-types (any depth)."""

    code: str
    labels: LocalizedText
    definition: LocalizedText
    attributes: Mapping[str, AttributeValue]
    children: tuple[EventTypeSpec, ...]


@dataclass(frozen=True)
class FieldSpec:
    """One codable field of an event.

    ``applies_to`` empty means the field applies to every event type; otherwise it applies to
    the listed codes and all their descendants. ``min``/``max`` only for ``integer``,
    ``max_length`` (in characters) only for ``text``, ``multiple`` only for actor/location.
    """

    key: str
    kind: str
    labels: LocalizedText
    definition: LocalizedText
    required: bool
    applies_to: tuple[str, ...]
    choices: tuple[ChoiceSpec, ...]
    level: str
    evidence_role: str | None
    export_column: str
    typed_column: str | None
    multiple: bool
    min: int | None
    max: int | None
    max_length: int | None
    # The agreement distance (coding.agreement.distances) when not the level's own δ².
    distance: str | None = None

    @cached_property
    def choice_codes(self) -> frozenset[str]:
        """Codes of ``choices`` (empty for kinds without choices)."""
        return frozenset(choice.code for choice in self.choices)


@dataclass(frozen=True)
class RuleSpec:
    """A cross-field rule. Which attributes are meaningful depends on ``kind``:

    * ``ordered``: ``fields`` (2+ integer or date fields) must be non-decreasing where present;
    * ``required_with``: when ``field`` has a value, ``requires`` must have one too;
    * ``required_for``: ``field`` is required when the event is one of ``event_types``
      (or a sub-type of one).
    """

    kind: str
    fields: tuple[str, ...] = ()
    field: str | None = None
    requires: str | None = None
    event_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportColumnSpec:
    """One output column: filled from a codebook ``field`` or by a named ``derived`` rule."""

    name: str
    field: str | None
    derived: str | None


@dataclass(frozen=True)
class ExportSpec:
    """The ordered column layout of the codebook's native export (e.g. ACLED's 31 columns)."""

    columns: tuple[ExportColumnSpec, ...]


@dataclass(frozen=True)
class CodebookSpec:
    """A whole codebook. ``version`` is None when the database is to assign one."""

    slug: str
    name: str
    version: int | None
    preset: str | None
    description: LocalizedText
    languages: tuple[str, ...]
    evidence_roles: tuple[RoleSpec, ...]
    event_types: tuple[EventTypeSpec, ...]
    fields: tuple[FieldSpec, ...]
    rules: tuple[RuleSpec, ...]
    subtype_required: bool
    export: ExportSpec | None

    @cached_property
    def _types_by_code(self) -> Mapping[str, tuple[EventTypeSpec, str | None]]:
        return {node.code: (node, parent) for node, parent in walk_event_types(self.event_types)}

    @cached_property
    def _fields_by_key(self) -> Mapping[str, FieldSpec]:
        return {spec.key: spec for spec in self.fields}

    @cached_property
    def _roles_by_key(self) -> Mapping[str, RoleSpec]:
        return {role.key: role for role in self.evidence_roles}

    def event_type_by_code(self, code: str) -> EventTypeSpec | None:
        """The event type (at any depth) with this code, or None."""
        found = self._types_by_code.get(code)
        return found[0] if found else None

    def parent_code(self, code: str) -> str | None:
        """Code of the parent type; None for top-level or unknown codes."""
        found = self._types_by_code.get(code)
        return found[1] if found else None

    def lineage(self, code: str) -> tuple[str, ...]:
        """``code`` followed by its ancestors up to the top level; empty if unknown."""
        if code not in self._types_by_code:
            return ()
        chain = [code]
        parent = self.parent_code(code)
        while parent is not None:
            chain.append(parent)
            parent = self.parent_code(parent)
        return tuple(chain)

    def field_by_key(self, key: str) -> FieldSpec | None:
        return self._fields_by_key.get(key)

    def role_by_key(self, key: str) -> RoleSpec | None:
        return self._roles_by_key.get(key)

    def field_applies(self, field: FieldSpec, code: str) -> bool:
        """Whether ``field`` applies to events coded ``code`` (the most specific type known)."""
        if not field.applies_to:
            return True
        return any(ancestor in field.applies_to for ancestor in self.lineage(code))

    def fields_for_role(self, role: str) -> tuple[FieldSpec, ...]:
        """Fields whose evidence is collected in ``role``."""
        return tuple(spec for spec in self.fields if spec.evidence_role == role)


def iter_event_types(spec: CodebookSpec) -> Iterator[tuple[EventTypeSpec, str | None]]:
    """Every event type depth-first in file order, with its parent's code (None at top level)."""
    return walk_event_types(spec.event_types)


def walk_event_types(
    nodes: tuple[EventTypeSpec, ...], parent: str | None = None
) -> Iterator[tuple[EventTypeSpec, str | None]]:
    """Like ``iter_event_types`` for any list of sibling types under ``parent``."""
    for node in nodes:
        yield node, parent
        yield from walk_event_types(node.children, node.code)
