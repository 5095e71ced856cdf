"""Validation of one coded event against a codebook (pure; no database access).

Value shapes by field kind:

* ``choice``: a choice code (str); ``multi_choice``: a list of distinct codes;
* ``actor``/``location``: ``{"id": int}`` (an existing dictionary entry, checked through
  ``known_refs``) or ``{"name": str}`` (a coder's proposed new entry); with ``multiple`` a list;
* ``date``: ``{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}`` (``end`` optional, >= start);
* ``integer``: an int (not a bool) within min/max; ``text``: a str within max_length characters;
  ``boolean``: a bool.

None, blank text and empty lists mean "no value". A draft (``complete=False``) is checked for
everything present; a submission (``complete=True``) must also be complete. Evidence spans never
make a field complete and are never required by a field: completeness is about values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Protocol

from ._read import quoted
from ._values import CheckedValue, check_value, is_empty
from .model import REFERENCE_KINDS, CodebookSpec, FieldSpec, RuleSpec

KnownRefs = Callable[[str, set[int]], set[int]]
"""``known_refs(kind, ids)`` returns which of ``ids`` exist in the ``kind`` dictionary
(``"actor"`` or ``"location"``)."""

COMPLETENESS_CODES = frozenset({"required", "subtype_required"})


@dataclass(frozen=True)
class FieldError:
    """One problem with an event. ``field`` is a field key, ``event_type``,
    ``event_subtype`` or ``spans[i]``; ``code`` is machine-readable; ``message`` is English."""

    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


class SpanLike(Protocol):
    """Anything with the evidence role of a highlighted span."""

    @property
    def role(self) -> str: ...


def validate_event(
    spec: CodebookSpec,
    *,
    event_type: str,
    event_subtype: str | None,
    values: Mapping[str, object],
    spans: Sequence[SpanLike],
    complete: bool,
    known_refs: KnownRefs | None = None,
) -> list[FieldError]:
    """Every problem with an event's type, values and evidence spans (empty list = valid).

    Errors come in this order: event type, sub-type, fields in codebook order, unknown fields,
    unknown references, rules, spans.
    """
    errors: list[FieldError] = []
    code = _effective_type(spec, event_type, event_subtype, complete, errors)
    checked: dict[str, CheckedValue] = {}
    missing: set[str] = set()
    for field in spec.fields:
        value = values.get(field.key)
        applies = code is None or spec.field_applies(field, code)
        if is_empty(value):
            if complete and applies and code is not None and field.required:
                errors.append(FieldError(field.key, "required", "required"))
                missing.add(field.key)
            continue
        if not applies:
            message = f"does not apply to {quoted(code or event_type)} events"
            errors.append(FieldError(field.key, "not_applicable", message))
            continue
        result = check_value(field, value)
        errors.extend(FieldError(field.key, issue.code, issue.message) for issue in result.issues)
        checked[field.key] = result
    for key in values:
        if not isinstance(key, str) or spec.field_by_key(key) is None:
            name = str(key)
            errors.append(FieldError(name, "unknown_field", f"{quoted(name)} is not a field"))
    if known_refs is not None:
        errors.extend(_unknown_references(spec, checked, known_refs))
    for rule in spec.rules:
        errors.extend(_check_rule(spec, rule, code, values, checked, complete, missing))
    errors.extend(_check_spans(spec, spans, code))
    return errors


def missing_for_submit(
    spec: CodebookSpec,
    *,
    event_type: str,
    event_subtype: str | None,
    values: Mapping[str, object],
) -> list[FieldError]:
    """Only the completeness problems (``required``, ``subtype_required``) of an event."""
    errors = validate_event(
        spec,
        event_type=event_type,
        event_subtype=event_subtype,
        values=values,
        spans=(),
        complete=True,
    )
    return [error for error in errors if error.code in COMPLETENESS_CODES]


def applicable_fields(
    spec: CodebookSpec, event_type: str, event_subtype: str | None = None
) -> tuple[FieldSpec, ...]:
    """Fields that apply to events of this type (and sub-type), in codebook order."""
    code = event_subtype if event_subtype is not None else event_type
    return tuple(field for field in spec.fields if spec.field_applies(field, code))


def _effective_type(
    spec: CodebookSpec,
    event_type: str,
    event_subtype: str | None,
    complete: bool,
    errors: list[FieldError],
) -> str | None:
    """The most specific valid type code (sub-type, else type), or None if the type is bad."""
    node = spec.event_type_by_code(event_type)
    parent = spec.parent_code(event_type)
    if node is None:
        message = f"{quoted(event_type)} is not an event type of this codebook"
        errors.append(FieldError("event_type", "unknown_event_type", message))
        return None
    if parent is not None:
        message = f"{quoted(event_type)} is a sub-type of {quoted(parent)}, not a top-level type"
        errors.append(FieldError("event_type", "unknown_event_type", message))
        return None
    if event_subtype is None:
        if complete and spec.subtype_required and node.children:
            message = f"a sub-type of {quoted(event_type)} is required"
            errors.append(FieldError("event_subtype", "subtype_required", message))
        return event_type
    if spec.event_type_by_code(event_subtype) is None:
        message = f"{quoted(event_subtype)} is not an event type of this codebook"
        errors.append(FieldError("event_subtype", "unknown_event_type", message))
        return event_type
    if event_type not in spec.lineage(event_subtype)[1:]:
        message = f"{quoted(event_subtype)} is not a sub-type of {quoted(event_type)}"
        errors.append(FieldError("event_subtype", "subtype_mismatch", message))
        return event_type
    return event_subtype


def _unknown_references(
    spec: CodebookSpec, checked: Mapping[str, CheckedValue], known_refs: KnownRefs
) -> list[FieldError]:
    errors: list[FieldError] = []
    for kind in REFERENCE_KINDS:
        keys = [key for key, result in checked.items() if _kind(spec, key) == kind]
        wanted = {ref_id for key in keys for _, ref_id in checked[key].ref_ids}
        if not wanted:
            continue
        existing = known_refs(kind, set(wanted))
        for key in keys:
            for index, ref_id in checked[key].ref_ids:
                if ref_id not in existing:
                    prefix = "" if index is None else f"item {index}: "
                    message = f"{prefix}{kind} {ref_id} does not exist"
                    errors.append(FieldError(key, "unknown_reference", message))
    return errors


def _kind(spec: CodebookSpec, key: str) -> str | None:
    field = spec.field_by_key(key)
    return field.kind if field else None


def _check_rule(
    spec: CodebookSpec,
    rule: RuleSpec,
    code: str | None,
    values: Mapping[str, object],
    checked: Mapping[str, CheckedValue],
    complete: bool,
    missing: set[str],
) -> list[FieldError]:
    if rule.kind == "ordered":
        return _check_ordered(rule, checked)
    if not complete or code is None or rule.field is None:
        return []
    field = spec.field_by_key(rule.field)
    if rule.kind == "required_with":
        target = spec.field_by_key(rule.requires or "")
        if field is None or target is None or target.key in missing:
            return []
        # ``checked`` holds exactly the applicable fields that have a value.
        given = field.key in checked
        if given and spec.field_applies(target, code) and is_empty(values.get(target.key)):
            missing.add(target.key)
            message = f"required when {field.key} is given"
            return [FieldError(target.key, "required", message)]
        return []
    if field is None or field.key in missing or not spec.field_applies(field, code):
        return []
    matched = [ancestor for ancestor in spec.lineage(code) if ancestor in rule.event_types]
    if matched and is_empty(values.get(field.key)):
        missing.add(field.key)
        return [FieldError(field.key, "required", f"required for {quoted(matched[0])} events")]
    return []


def _check_ordered(rule: RuleSpec, checked: Mapping[str, CheckedValue]) -> list[FieldError]:
    """Adjacent present, valid values must not decrease."""
    present = [
        (key, checked[key].comparable)
        for key in rule.fields
        if key in checked and checked[key].comparable is not None
    ]
    errors: list[FieldError] = []
    for (before_key, before), (key, value) in pairwise(present):
        if value < before:  # type: ignore[operator]  # same kind: checked when parsing
            message = f"{key} ({_show(value)}) must not be less than {before_key} ({_show(before)})"
            errors.append(FieldError(key, "not_ordered", message))
    return errors


def _show(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _check_spans(
    spec: CodebookSpec, spans: Sequence[SpanLike], code: str | None
) -> list[FieldError]:
    errors: list[FieldError] = []
    for index, span in enumerate(spans):
        where = f"spans[{index}]"
        role = getattr(span, "role", None)
        if not isinstance(role, str) or spec.role_by_key(role) is None:
            shown = quoted(role) if isinstance(role, str) else repr(role)
            errors.append(FieldError(where, "unknown_role", f"{shown} is not an evidence role"))
            continue
        bound = spec.fields_for_role(role)
        if code is not None and bound and not any(spec.field_applies(f, code) for f in bound):
            message = f"role {quoted(role)} is for fields that do not apply to {quoted(code)}"
            errors.append(FieldError(where, "role_not_applicable", message))
    return errors
