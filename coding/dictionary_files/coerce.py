"""Turning raw field values (YAML scalars or CSV strings) into typed values.

Every failure is recorded as a `Problem` at the field's location and a neutral default
is returned, so one bad cell never hides the problems in the others.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime

from coding.dictionary_files.problems import Problem

Locate = Callable[[str], str]
"""Maps a field path ("latitude", "aliases[2].lang") to a full location string."""

_WHOLE_NUMBER = re.compile(r"[+-]?\d+")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def quote(value: object) -> str:
    """Render a value for a problem message: strings in double quotes, others as YAML would."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


class RowReader:
    """Reads the fields of one raw entry, collecting problems in `problems`.

    A field counts as missing when it is absent, None, or an empty / blank string.
    """

    def __init__(self, raw: Mapping[str, object], locate: Locate) -> None:
        self.raw = raw
        self.locate = locate
        self.problems: list[Problem] = []

    def report(self, field: str, message: str) -> None:
        self.problems.append(Problem(self.locate(field), message))

    def _value(self, field: str) -> object:
        value = self.raw.get(field)
        if isinstance(value, str) and not value.strip():
            return None
        return value

    def text(self, field: str, *, required: bool = False) -> str:
        """A text field; "" when missing (a problem if `required`)."""
        value = self._value(field)
        if value is None:
            if required:
                self.report(field, "is required")
            return ""
        if not isinstance(value, str):
            self.report(field, f"{quote(value)} is not text (put it in quotes)")
            return ""
        return value

    def optional_text(self, field: str) -> str | None:
        """A text field that is None when missing (used for parent keys)."""
        value = self.text(field)
        return value or None

    def number(self, field: str) -> float | None:
        """A decimal number (int, float or numeric string); None when missing."""
        value = self._value(field)
        if value is None:
            return None
        if isinstance(value, bool):
            self.report(field, f"{quote(value)} is not a number")
            return None
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value.strip())
            except ValueError:
                pass
        self.report(field, f"{quote(value)} is not a number")
        return None

    def whole_number(self, field: str) -> int | None:
        """An integer (int or string of digits); None when missing."""
        value = self._value(field)
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value.strip()):
            return int(value.strip())
        self.report(field, f"{quote(value)} is not a whole number")
        return None

    def day(self, field: str) -> date | None:
        """A calendar date (YAML date or "YYYY-MM-DD" string); None when missing."""
        value = self._value(field)
        if value is None:
            return None
        # datetime is a subclass of date: a timestamp is not a day.
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str) and _ISO_DAY.fullmatch(value.strip()):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.report(field, f"{quote(value)} is not a date (YYYY-MM-DD)")
        return None
