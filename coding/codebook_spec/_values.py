"""Shape checks of one event value against its field's kind (see ``events.validate_event``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ._read import describe, quoted
from .model import FieldSpec

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", flags=re.ASCII)
#: Dictionary ids are PostgreSQL bigint primary keys, always positive.
MAX_REF_ID = 2**63 - 1
REF_SHAPE = '{"id": <integer>} or {"name": <text>}'
DATE_SHAPE = '{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}'


@dataclass(frozen=True)
class ValueIssue:
    """A problem with a value: machine ``code`` and English ``message``."""

    code: str
    message: str


@dataclass
class CheckedValue:
    """Result of checking one value.

    ``comparable`` is set for valid integer (the int) and date (the start date) values, for
    ``ordered`` rules; ``ref_ids`` lists ``(item index or None, id)`` of dictionary references.
    """

    issues: list[ValueIssue] = field(default_factory=list)
    comparable: int | dt.date | None = None
    ref_ids: list[tuple[int | None, int]] = field(default_factory=list)

    def add(self, code: str, message: str) -> None:
        self.issues.append(ValueIssue(code, message))


def is_empty(value: object) -> bool:
    """None, blank text and empty lists count as "no value"."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple) and not value


def check_value(spec: FieldSpec, value: object) -> CheckedValue:
    """Checks a non-empty ``value`` against ``spec``."""
    checked = CheckedValue()
    if spec.kind == "choice":
        _check_choice(spec, value, checked, "")
    elif spec.kind == "multi_choice":
        _check_multi_choice(spec, value, checked)
    elif spec.kind in ("actor", "location"):
        _check_references(spec, value, checked)
    elif spec.kind == "date":
        _check_date(value, checked)
    elif spec.kind == "integer":
        _check_integer(spec, value, checked)
    elif spec.kind == "text":
        _check_text(spec, value, checked)
    elif not isinstance(value, bool):
        checked.add("wrong_kind", f"expected true or false, got {describe(value)}")
    return checked


def _check_choice(spec: FieldSpec, value: object, checked: CheckedValue, prefix: str) -> None:
    if not isinstance(value, str):
        checked.add(
            "wrong_kind", f"{prefix}expected a choice code (a string), got {describe(value)}"
        )
    elif value not in spec.choice_codes:
        checked.add("invalid_choice", f"{prefix}{quoted(value)} is not a choice of {spec.key}")


def _check_multi_choice(spec: FieldSpec, value: object, checked: CheckedValue) -> None:
    if not isinstance(value, list | tuple):
        checked.add("wrong_kind", f"expected a list of choice codes, got {describe(value)}")
        return
    seen: set[str] = set()
    for index, item in enumerate(value):
        if isinstance(item, str) and item in seen:
            checked.add("duplicate_value", f"item {index}: {quoted(item)} is listed twice")
            continue
        _check_choice(spec, item, checked, f"item {index}: ")
        if isinstance(item, str):
            seen.add(item)


def _check_references(spec: FieldSpec, value: object, checked: CheckedValue) -> None:
    if not spec.multiple:
        ref = _check_reference(value, checked, None)
        if isinstance(ref, int):
            checked.ref_ids.append((None, ref))
        return
    if not isinstance(value, list | tuple):
        checked.add("wrong_kind", f"expected a list of {REF_SHAPE} entries, got {describe(value)}")
        return
    seen: set[int | str] = set()
    for index, item in enumerate(value):
        ref = _check_reference(item, checked, index)
        if ref is None:
            continue
        if ref in seen:
            what = f"id {ref}" if isinstance(ref, int) else "this name"
            checked.add("duplicate_value", f"item {index}: {what} is listed twice")
            continue
        seen.add(ref)
        if isinstance(ref, int):
            checked.ref_ids.append((index, ref))


def _check_reference(value: object, checked: CheckedValue, index: int | None) -> int | str | None:
    """Checks ``{"id": int}`` / ``{"name": str}``.

    Returns the id, or the name folded for duplicate detection, or None when malformed.
    """
    prefix = "" if index is None else f"item {index}: "
    if not isinstance(value, Mapping) or len(value) != 1 or not {"id", "name"} & set(value):
        checked.add("wrong_kind", f"{prefix}expected {REF_SHAPE}, got {_shape(value)}")
        return None
    if "id" in value:
        ref_id = value["id"]
        if isinstance(ref_id, bool) or not isinstance(ref_id, int):
            checked.add("wrong_kind", f'{prefix}"id" must be an integer, got {describe(ref_id)}')
            return None
        if not 1 <= ref_id <= MAX_REF_ID:
            # Ids are positive 64-bit integers; a larger one would fail in the database.
            checked.add("out_of_range", f'{prefix}"id" must lie within [1, {MAX_REF_ID}]')
            return None
        return ref_id
    name = value["name"]
    if not isinstance(name, str):
        checked.add("wrong_kind", f'{prefix}"name" must be text, got {describe(name)}')
        return None
    if not name.strip():
        checked.add("wrong_kind", f'{prefix}"name" must not be blank')
        return None
    return " ".join(name.split()).casefold()


def _shape(value: object) -> str:
    if isinstance(value, Mapping):
        keys = ", ".join(quoted(str(key)) for key in value) or "no keys"
        return f"a mapping with {keys}"
    return describe(value)


def _check_date(value: object, checked: CheckedValue) -> None:
    if not isinstance(value, Mapping) or "start" not in value:
        checked.add("wrong_kind", f"expected {DATE_SHAPE}, got {_shape(value)}")
        return
    extra = [str(key) for key in value if key not in ("start", "end")]
    if extra:
        checked.add("wrong_kind", f"unexpected key {quoted(extra[0])} in a date value")
        return
    start = _iso_date(value["start"], "start", checked)
    end_value = value.get("end")
    end = start if end_value is None else _iso_date(end_value, "end", checked)
    if start is not None and end is not None:
        if end < start:
            checked.add("date_range", f"end {end.isoformat()} is before start {start.isoformat()}")
        else:
            checked.comparable = start


def _iso_date(value: object, name: str, checked: CheckedValue) -> dt.date | None:
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    if isinstance(value, str):
        checked.add("invalid_date", f"{name} {quoted(value)} is not a YYYY-MM-DD date")
    else:
        checked.add("invalid_date", f"{name} must be a YYYY-MM-DD string, got {describe(value)}")
    return None


def _check_integer(spec: FieldSpec, value: object, checked: CheckedValue) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        checked.add("wrong_kind", f"expected an integer, got {describe(value)}")
    elif spec.min is not None and value < spec.min:
        checked.add("below_min", f"{value} is below the minimum {spec.min}")
    elif spec.max is not None and value > spec.max:
        checked.add("above_max", f"{value} is above the maximum {spec.max}")
    else:
        checked.comparable = value


def _check_text(spec: FieldSpec, value: object, checked: CheckedValue) -> None:
    if not isinstance(value, str):
        checked.add("wrong_kind", f"expected text, got {describe(value)}")
    elif spec.max_length is not None and len(value) > spec.max_length:
        checked.add("too_long", f"{len(value)} characters; the maximum is {spec.max_length}")
