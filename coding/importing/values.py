"""Checks on single values, free of row bookkeeping: JSON type names, language tags, URLs,
and characters that no stored string may hold."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

# A primary language subtag of 2-3 letters, then script/region/variant subtags, separated by
# "-" (an "_" is accepted and rewritten, since locale names like ar_ML are common in exports).
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
_LANGUAGE_TAG_MAX_CHARS = 35
# NUL is dropped by browsers (so offsets would shift) and refused by PostgreSQL in text and
# jsonb; lone surrogates (reachable through JSON \ud800 escapes) cannot be encoded as UTF-8.
_FORBIDDEN_CHAR = re.compile("[\x00\ud800-\udfff]")
# Spaces and control characters are not allowed in a URL (they must be percent-encoded).
_URL_FORBIDDEN_CHAR = re.compile(r"[\s\x00-\x1f\x7f]")


def json_type_name(value: object) -> str:
    """How a JSON value's type is named in messages ("a number", "a list", ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def normalize_language_tag(tag: str) -> str | None:
    """The tag in BCP 47 letter case ("AR" → "ar", "ar_ml" → "ar-ML", "sr-latn" → "sr-Latn"),
    or None if it does not look like a language tag."""
    if len(tag) > _LANGUAGE_TAG_MAX_CHARS or not _LANGUAGE_TAG.fullmatch(tag):
        return None
    primary, *subtags = re.split("[-_]", tag)
    parts = [primary.lower()]
    for subtag in subtags:
        if len(subtag) == 2 and subtag.isalpha():
            parts.append(subtag.upper())
        elif len(subtag) == 4 and subtag.isalpha():
            parts.append(subtag.title())
        else:
            parts.append(subtag.lower())
    return "-".join(parts)


def is_http_url(url: str) -> bool:
    """Whether `url` is an absolute http(s) URL with a host, a numeric port if any, and no
    spaces or control characters. Non-ASCII hosts and paths (IRIs) are accepted."""
    if _URL_FORBIDDEN_CHAR.search(url):
        return False
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def forbidden_char_index(value: str) -> int | None:
    """Code-point index of the first NUL or lone surrogate in `value`, or None."""
    match = _FORBIDDEN_CHAR.search(value)
    return None if match is None else match.start()


def describe_forbidden_char(char: str) -> str:
    """ "a NUL character (U+0000)" or "an unpaired surrogate (U+D800)"."""
    what = "a NUL character" if char == "\x00" else "an unpaired surrogate"
    return f"{what} (U+{ord(char):04X})"


def forbidden_char_in_json(value: Any) -> tuple[str, str] | None:
    """(path, character) of the first NUL or lone surrogate in any key or string of a decoded
    JSON value, in document order; the path is like `desk`, `tags[2]` or `a.b` ("" for the
    value itself, and a key's own path when the key holds it). Iterative, so that the deepest
    value the JSON decoder accepts cannot exhaust the stack here."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            index = forbidden_char_index(item)
            if index is not None:
                return path, item[index]
        elif isinstance(item, dict):
            for key, child in reversed(item.items()):
                child_path = f"{path}.{key}" if path else key
                index = forbidden_char_index(key)
                if index is not None:
                    return child_path, key[index]
                stack.append((child_path, child))
        elif isinstance(item, list):
            for position in range(len(item) - 1, -1, -1):
                stack.append((f"{path}[{position}]", item[position]))
    return None
