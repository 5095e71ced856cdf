"""The API's JSON parser: DRF's JSONParser with two bounds checked before decoding.

- Size: a JSON body over `ATHAR["MAX_JSON_BODY_BYTES"]` is refused (413). DRF reads a JSON
  body straight from the request stream, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE never
  applies to it.
- Nesting: Python's decoder recurses once per `[`/`{`, so `"[" * 100000` raises
  RecursionError (a 500), not ValueError. A body nested deeper than
  `ATHAR["MAX_JSON_DEPTH"]`, or whose brackets do not pair, is refused as a parse error (400)
  before the decoder sees it.

The nesting check runs at C speed (bytes.count, one regular expression, bytes.translate):
most bodies have fewer brackets than the limit and are let through on the count alone; an
event with a few hundred spans costs a few microseconds more.
"""

from __future__ import annotations

import codecs
import re
from typing import IO, Any

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.settings import api_settings
from rest_framework.utils import json

# A JSON string literal (escapes included): brackets inside strings do not nest anything.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_ALL_BUT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
# Innermost pairs; one substitution removes exactly one level of nesting everywhere.
_INNERMOST = re.compile(rb"\[\]|\{\}")


def nesting_within(body: bytes, limit: int) -> bool:
    """Whether the JSON text `body` nests at most `limit` levels with paired brackets.

    False for a deeper body and for one whose brackets (outside strings) do not pair: the
    decoder would recurse on it before finding the error."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return True
    brackets = _STRING.sub(b"", body).translate(None, _ALL_BUT_BRACKETS)
    for _ in range(limit):
        if not brackets:
            return True
        reduced = _INNERMOST.sub(b"", brackets)
        if len(reduced) == len(brackets):
            return False  # brackets left that do not pair
        brackets = reduced
    return not brackets


class PayloadTooLarge(APIException):
    """A request body over one of the API's size limits (413). Defined here, not in
    api.exceptions, which imports DRF's views, which import the parser classes."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "the request body is too large"
    default_code = "too_large"


class BoundedJSONParser(JSONParser):
    """JSONParser that refuses bodies too large (413) or nested too deeply (400) first."""

    def parse(
        self,
        stream: IO[bytes] | None,
        media_type: str | None = None,
        parser_context: dict[str, Any] | None = None,
    ) -> Any:
        limits = settings.ATHAR
        max_bytes = limits["MAX_JSON_BODY_BYTES"]
        body = stream.read(max_bytes + 1) if stream is not None else b""
        if len(body) > max_bytes:
            raise PayloadTooLarge(f"a JSON body may not exceed {max_bytes:,} bytes")
        max_depth = limits["MAX_JSON_DEPTH"]
        if not nesting_within(body, max_depth):
            raise ParseError(
                f"JSON parse error - nested deeper than {max_depth} levels, "
                "or brackets that do not pair"
            )
        encoding = get_encoding(parser_context or {})  # text codecs only (no bz2_codec)
        try:
            text = codecs.decode(body, encoding)
            parse_constant = json.strict_constant if api_settings.STRICT_JSON else None
            return json.loads(text, parse_constant=parse_constant)
        except ValueError as exc:  # UnicodeDecodeError included
            raise ParseError(f"JSON parse error - {exc}") from None
        except RecursionError:  # cannot happen within the depth limit; never a 500
            raise ParseError("JSON parse error - nested too deeply") from None
