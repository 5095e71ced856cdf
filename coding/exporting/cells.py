"""Cell values: their Python types, how they are written as text, and small formatters.

A cell is typed (``int``, ``float``, ``bool``, ``str``, ``None`` or a JSON list) until a
writer needs text: GeoJSON keeps the types, CSV calls ``cell_text``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any, TypeAlias

Cell: TypeAlias = str | int | float | bool | list[Any] | None
"""One exported value; ``None`` is an empty cell, lists are written as JSON."""

LIST_SEPARATOR = "; "
"""Joins list values (several actors, choice codes, sources) in one cell, as ACLED does."""

# Characters that make spreadsheet software read a cell as a formula (OWASP "CSV injection"):
# =, +, -, @ and the tab / carriage return that some programs strip before them.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", flags=re.ASCII)


def compact_encoder(default: Callable[[Any], Any] | None = None) -> Callable[[Any], str]:
    """A function writing JSON without spaces, non-ASCII text (Arabic, emoji) as is, and
    NaN or infinities refused (``ValueError``), exactly as ``json.dumps(value,
    ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=default)``.

    Exports write millions of small objects: ``json.dumps`` builds a new encoder for each
    call, which costs more than encoding a small object, so this one is built once. It does
    not look for circular references (records never have them; Python's recursion limit
    still stops one, with ``RecursionError``).
    """
    if c_make_encoder is None:  # no C accelerator in this Python: the standard encoder
        return json.JSONEncoder(
            ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=default
        ).encode
    encode = c_make_encoder(
        None,  # no circular-reference markers (a shared markers dict could go stale)
        default if default is not None else json.JSONEncoder().default,
        encode_basestring,
        None,  # no indent
        ":",
        ",",
        False,  # sort_keys
        False,  # skipkeys
        False,  # allow_nan
    )
    return lambda value: "".join(encode(value, 0))


compact_json = compact_encoder()
"""JSON without spaces; non-ASCII text (Arabic, emoji) is kept as is, not escaped."""


def cell_text(value: Cell) -> str:
    """The CSV text of a cell: "" for None, ``true``/``false`` for booleans (Table Schema's
    default true/false values), the shortest round-trip repr for floats, JSON for lists."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return compact_json(value)
    return value


def guard_formula(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet would evaluate as a formula.

    Plain numbers (``-3.9961``, ``+5``) are left alone: they cannot be formulas, and quoting
    them would turn negative longitudes into text.
    """
    if text.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def iso_utc(value: datetime | None) -> str | None:
    """``YYYY-MM-DDThh:mm:ssZ`` in UTC (seconds; a naive datetime is taken as UTC)."""
    if value is None:
        return None
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def unix_seconds(value: datetime | None) -> int | None:
    return int(as_utc(value).timestamp()) if value is not None else None


def as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def finite_or_none(value: float | None) -> float | None:
    """NaN and infinities (not representable in strict JSON) become None."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def plain(value: Any) -> Any:
    """A JSON-ready copy: mappings become dicts, tuples become lists."""
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def label_in(labels: Mapping[str, str], languages: tuple[str, ...], fallback: str) -> str:
    """The label in the first of ``languages`` that has one, else any label, else fallback."""
    for language in languages:
        text = labels.get(language)
        if text:
            return text
    return next((text for text in labels.values() if text), fallback)
