"""Strict JSON decoding shared by the JSON and JSON Lines readers.

Python's decoder accepts NaN and Infinity (which are not JSON, and which PostgreSQL's jsonb
refuses), and fails with RecursionError or a plain ValueError on deep nesting or huge
integers. Here every such case becomes a JSONDecodeError (with a position) or an
InvalidJSONError (without one), so readers report it as a bad row instead of crashing.
"""

from __future__ import annotations

import json
import math
from typing import Any


class InvalidJSONError(ValueError):
    """Syntactically plausible JSON that is refused; the message is for the user."""


def _refuse_constant(name: str) -> Any:
    raise InvalidJSONError(f"{name} is not a valid JSON value")


def _finite_float(text: str) -> float:
    # 1e400 parses as infinity, which PostgreSQL's jsonb refuses like NaN.
    value = float(text)
    if not math.isfinite(value):
        raise InvalidJSONError(f"{text} is too large to be a number")
    return value


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float)


def decode_json(document: str) -> Any:
    """Decode one JSON document. Raises json.JSONDecodeError or InvalidJSONError."""
    try:
        return _DECODER.decode(document)
    except (json.JSONDecodeError, InvalidJSONError):
        raise
    except RecursionError:
        raise InvalidJSONError("the JSON is nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with more than 4,300 digits
        raise InvalidJSONError(str(exc).split(";")[0]) from None
