"""Tolerant readers for loosely typed codebook data (from YAML/JSON).

Each reader checks one value, records a ``Problem`` for everything wrong with it and returns the
cleaned value or None, so that parsing carries on and reports every problem in the file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from .errors import Problem
from .model import AttributeValue

MAX_CODE_LENGTH = 64
"""Longest event-type/choice code, field/role key, slug or language code accepted."""

SLUG_PATTERN = "[a-z0-9-]+"
KEY_PATTERN = "[a-z][a-z0-9_]*"
CODE_PATTERN = "[A-Za-z0-9][A-Za-z0-9_.-]*"
LANGUAGE_PATTERN = "[a-z]{2,3}(-[A-Za-z0-9]{2,8})*"
DERIVED_PATTERN = "[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*"
MAX_DEPTH = 12
"""Deepest nesting of event types or attribute values (guards against recursive YAML anchors)."""

CODE_HINT = ' (codes are strings: quote them in YAML, e.g. "01")'


def describe(value: object) -> str:
    """A short English name of a value's type, with an article: ``an integer``, ``null``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def with_article(word: str) -> str:
    """``an integer``, ``a date``: the word with its indefinite article."""
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def quoted(text: str) -> str:
    """Text in double quotes with embedded quotes and backslashes escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Reader:
    """Collects problems while reading; methods return None for unusable values."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def mapping(
        self, value: object, path: str, what: str = "a mapping"
    ) -> Mapping[str, object] | None:
        if not isinstance(value, Mapping):
            self.add(path, f"expected {what}, got {describe(value)}")
            return None
        clean: dict[str, object] = {}
        for key, item in value.items():
            if isinstance(key, str):
                clean[key] = item
            else:
                self.add(path, f"key {key!r} is not a string")
        return clean

    def keys(
        self,
        mapping: Mapping[str, object],
        path: str,
        allowed: Sequence[str],
        required: Sequence[str] = (),
    ) -> None:
        for key in mapping:
            if key not in allowed:
                self.add(join(path, key), f"unknown key; allowed: {', '.join(allowed)}")
        for key in required:
            if key not in mapping:
                self.add(join(path, key), "required")

    def items(self, value: object, path: str) -> list[object] | None:
        if not isinstance(value, list | tuple):
            self.add(path, f"expected a list, got {describe(value)}")
            return None
        return list(value)

    def string(
        self,
        value: object,
        path: str,
        *,
        pattern: str | None = None,
        max_length: int | None = None,
        hint: str = "",
    ) -> str | None:
        if not isinstance(value, str):
            self.add(path, f"expected a string, got {describe(value)}{hint}")
            return None
        if not value.strip():
            self.add(path, "must not be empty")
            return None
        if pattern is not None and not re.fullmatch(pattern, value, flags=re.ASCII):
            self.add(path, f"{quoted(value)} does not match {pattern}")
            return None
        if max_length is not None and len(value) > max_length:
            self.add(path, f"longer than {max_length} characters")
            return None
        return value

    def identifier(self, value: object, path: str, pattern: str, hint: str = "") -> str | None:
        return self.string(value, path, pattern=pattern, max_length=MAX_CODE_LENGTH, hint=hint)

    def optional_identifier(self, value: object, path: str, pattern: str) -> str | None:
        return None if value is None else self.identifier(value, path, pattern)

    def boolean(self, value: object, path: str) -> bool | None:
        if not isinstance(value, bool):
            self.add(path, f"expected true or false, got {describe(value)}")
            return None
        return value

    def integer(self, value: object, path: str, *, minimum: int | None = None) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(path, f"expected an integer, got {describe(value)}")
            return None
        if minimum is not None and value < minimum:
            self.add(path, f"must be at least {minimum}, got {value}")
            return None
        return value

    def optional_integer(
        self, value: object, path: str, *, minimum: int | None = None
    ) -> int | None:
        return None if value is None else self.integer(value, path, minimum=minimum)

    def localized(
        self,
        value: object,
        path: str,
        languages: Sequence[str] | None,
        *,
        required_language: str | None = None,
    ) -> Mapping[str, str]:
        """A language -> text mapping; keys must be in ``languages`` when those are known."""
        raw = self.mapping(value, path, "a mapping of language code to text")
        if raw is None:
            return MappingProxyType({})
        texts: dict[str, str] = {}
        for lang, text in raw.items():
            lang_path = join(path, lang)
            if languages is not None and lang not in languages:
                listed = ", ".join(languages)
                self.add(lang_path, f"language {quoted(lang)} is not in languages ({listed})")
                continue
            clean = self.string(text, lang_path)
            if clean is not None:
                texts[lang] = clean
        if required_language is not None and required_language not in raw:
            self.add(path, f"missing {quoted(required_language)} (the first of languages)")
        if languages is not None:
            # Canonical order: the codebook's language order.
            texts = {lang: texts[lang] for lang in languages if lang in texts}
        return MappingProxyType(texts)

    def attributes(self, value: object, path: str) -> Mapping[str, AttributeValue]:
        raw = self.mapping(value, path)
        if raw is None:
            return MappingProxyType({})
        return MappingProxyType(
            {key: self.attribute_value(item, join(path, key), 1) for key, item in raw.items()}
        )

    def attribute_value(self, value: object, path: str, depth: int) -> AttributeValue:
        if depth > MAX_DEPTH:
            self.add(path, f"nested deeper than {MAX_DEPTH} levels")
            return None
        if value is None or isinstance(value, str | bool | int):
            return value
        if isinstance(value, float):
            if not math.isfinite(value):
                self.add(path, "must be a finite number")
                return None
            return value
        if isinstance(value, list | tuple):
            return tuple(
                self.attribute_value(item, f"{path}[{index}]", depth + 1)
                for index, item in enumerate(value)
            )
        if isinstance(value, Mapping):
            raw = self.mapping(value, path)
            assert raw is not None  # a Mapping always yields a mapping
            return MappingProxyType(
                {k: self.attribute_value(v, join(path, k), depth + 1) for k, v in raw.items()}
            )
        self.add(
            path,
            f"expected a string, number, boolean, null, list or mapping, got {describe(value)}",
        )
        return None
