"""Cell values: their Python types, how they are written as text, and small formatters.

A cell is typed (``int``, ``float``, ``bool``, ``str``, ``None`` or a JSON list) until a
writer needs text: GeoJSON keeps the types, CSV calls ``cell_text``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any, TypeAlias

import regex

Cell: TypeAlias = str | int | float | bool | list[Any] | None
"""One exported value; ``None`` is an empty cell, lists are written as JSON."""

LIST_SEPARATOR = "; "
"""Joins list values (several actors, choice codes, sources) in one cell, as ACLED does."""

# A cell a spreadsheet may read as a formula (OWASP "CSV injection"): one that starts with a
# tab or CR, or whose first character after any whitespace, control or format characters
# (spaces, CR/LF, NBSP, ideographic space, zero-width and bidi marks...: programs strip or
# skip them) is = + - @, their fullwidth or small forms, or the minus sign.
_FORMULA = regex.compile(
    r"[\t\r]|[\p{White_Space}\p{Cc}\p{Cf}]*"
    r"[=+\-@\N{FULLWIDTH EQUALS SIGN}\N{FULLWIDTH PLUS SIGN}\N{FULLWIDTH HYPHEN-MINUS}"
    r"\N{FULLWIDTH COMMERCIAL AT}\N{SMALL EQUALS SIGN}\N{SMALL PLUS SIGN}"
    r"\N{SMALL HYPHEN-MINUS}\N{SMALL COMMERCIAL AT}\N{MINUS SIGN}]"
)
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", flags=re.ASCII)
# The characters a formula-like cell can start with, in the Basic Multilingual Plane, for a
# set lookup before the regular expression (cells start with letters or digits almost
# always). Every whitespace, control and format character of the BMP lies below U+3001 or
# from U+FE00 on (tests/exporting/test_csv.py checks it against the whole BMP), so only
# those ranges are scanned at import; a cell starting outside the BMP takes the slow path.
_SUSPECT_FIRST = frozenset(
    char
    for char in map(chr, [*range(0x3001), *range(0xFE00, 0x10000)])
    if _FORMULA.match(char) or regex.match(r"[\p{White_Space}\p{Cc}\p{Cf}]", char)
)
GUARDED_TYPES = frozenset({"string", "any"})
"""Column types whose CSV cells the formula guard looks at: text. Numbers, dates, booleans
and JSON lists can never be formulas, and are written exactly."""


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


def is_formula(text: str) -> bool:
    """Whether a spreadsheet might evaluate ``text`` as a formula (see ``_FORMULA``).

    Plain numbers (``-3.9961``, ``+5``) are not: they cannot be formulas, and quoting them
    would turn negative longitudes in text columns into text. Cells starting with a letter or
    digit (almost all of them) are answered by a set lookup, without the regular expression.
    """
    return (
        bool(text)
        and (text[0] in _SUSPECT_FIRST or text[0] > "\uffff")
        and _FORMULA.match(text) is not None
        and _PLAIN_NUMBER.fullmatch(text) is None
    )


def guard_formula(text: str) -> str:
    """``text`` with ``'`` in front if a spreadsheet might evaluate it as a formula: the
    apostrophe makes spreadsheets show the cell as text, as typed."""
    return "'" + text if is_formula(text) else text


def guard_row(values: Sequence[Any], indexes: tuple[int, ...]) -> Sequence[Any]:
    """``values`` (a CSV row) with ``guard_formula`` applied to the text cells at ``indexes``;
    the same object when nothing needs a guard (the usual case). A set lookup of each
    text's first character: measured cheaper than one regular-expression search over the
    row's joined texts."""
    guarded: list[Any] | None = None
    suspect = _SUSPECT_FIRST
    for i in indexes:
        value = values[i]
        # The common case answered inline: not text, empty, or a safe first character.
        if value.__class__ is not str or not value:
            continue
        first = value[0]
        if (first in suspect or first > "\uffff") and is_formula(value):
            if guarded is None:
                guarded = list(values)
            guarded[i] = "'" + value
    return values if guarded is None else guarded


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
