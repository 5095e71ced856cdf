"""The API's JSON renderer: DRF's JSONRenderer, with the encoding done by orjson.

The heavy reads answer with hundreds of kilobytes of JSON (an assignment with its article and
500 events is ~300 KiB); the standard library's encoder spent ~9 ms on it, orjson under 1 ms.

The output parses to what DRF's renderer gives (its settings here: UNICODE_JSON, COMPACT_JSON,
STRICT_JSON left at their defaults), byte for byte in the common case:
- non-ASCII is written as UTF-8, U+2028/U+2029 escaped (DRF keeps the output a strict
  JavaScript subset);
- what orjson would encode its own way (datetimes, dataclasses, subclasses of str/int/dict/
  list) or not at all (Decimal, lazy translation strings, QuerySets, …) goes through DRF's
  JSONEncoder.default, so a datetime is "…Z" as DRF writes it;
- anything orjson refuses (non-string dict keys, integers beyond 64 bits, …) and any
  `indent` requested (`Accept: application/json; indent=4`) is rendered by DRF's renderer.
Floats may be spelled differently (orjson writes 1e-05 as 0.00001) but parse to the same
number. One difference is left: orjson writes NaN and infinities as null where DRF's strict
mode raises (the API has no such values).
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

# Types orjson would serialize differently from DRF's encoder go to `default` instead.
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class RawJSON:
    """A value that is already JSON text (UTF-8 bytes, e.g. built by PostgreSQL): written
    into the response as it is, not decoded and encoded again."""

    __slots__ = ("raw",)

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def parsed(self) -> Any:
        # The standard library keeps integers beyond 64 bits exact (orjson refuses them).
        return json.loads(self.raw)


class _Encoder(JSONEncoder):
    """DRF's encoder (the renderer's fallback: indent, ensure_ascii) reading RawJSON too."""

    def default(self, obj: Any) -> Any:
        if isinstance(obj, RawJSON):
            return obj.parsed()
        return super().default(obj)


_DRF_DEFAULT = _Encoder().default


def _default(obj: Any) -> Any:
    if isinstance(obj, RawJSON):
        return orjson.Fragment(obj.raw)
    return _DRF_DEFAULT(obj)


def dumps(data: Any) -> bytes:
    """`data` as the renderer writes it (RawJSON spliced in; U+2028/U+2029 not escaped)."""
    return orjson.dumps(data, default=_default, option=_OPTIONS)


class ORJSONRenderer(JSONRenderer):
    """Renders `application/json` with orjson; see the module docstring for the contract."""

    encoder_class = _Encoder

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        if (
            self.ensure_ascii
            or not self.compact
            or self.get_indent(accepted_media_type, renderer_context or {}) is not None
        ):
            return super().render(data, accepted_media_type, renderer_context)  # type: ignore[no-any-return]
        try:
            body = dumps(data)
        except orjson.JSONEncodeError:
            # Whatever orjson cannot do, DRF's renderer does (or fails on) as before.
            return super().render(data, accepted_media_type, renderer_context)  # type: ignore[no-any-return]
        return escape_line_separators(body)


_LEAD = b"\xe2"  # the first byte of U+2028 and U+2029 (and of U+2000-U+2FFF) in UTF-8


def escape_line_separators(body: bytes) -> bytes:
    """`body` with U+2028 and U+2029 written as JSON escapes.

    `bytes.replace` on a 3-byte needle skips by the needle's last byte (0xA8/0xA9), which
    Arabic letters in UTF-8 are full of: ~1 ms per 450 KB each. Their first byte (0xE2) is
    rare in Arabic and found by memchr, so the bytes are searched from each one only (a text
    dense in U+2000-U+2FFF, typographic quotes and dashes, takes the plain replace)."""
    found = body.find(_LEAD)
    if found < 0:
        return body
    if body.count(_LEAD) > 1000:
        return body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
    parts, start = [], 0
    while found >= 0:
        mark = body[found : found + 3]
        if mark == b"\xe2\x80\xa8" or mark == b"\xe2\x80\xa9":
            parts += [body[start:found], b"\\u2028" if mark[2] == 0xA8 else b"\\u2029"]
            start = found + 3
        found = body.find(_LEAD, found + 1)
    if not parts:
        return body
    parts.append(body[start:])
    return b"".join(parts)
