"""The API's JSON parser: DRF's JSONParser with two bounds checked before decoding.

- Size: a JSON body over `ATHAR["MAX_JSON_BODY_BYTES"]` is refused (413). DRF reads a JSON
  body straight from the request stream, so Django's DATA_UPLOAD_MAX_MEMORY_SIZE never
  applies to it.
- Nesting: Python's decoder recurses once per `[`/`{`, so `"[" * 100000` raises
  RecursionError (a 500), not ValueError. A body nested deeper than
  `ATHAR["MAX_JSON_DEPTH"]`, or whose brackets do not pair, is refused as a parse error (400)
  before the decoder sees it.

The nesting check runs at C speed (bytes.count, replace and translate, then one numpy running
sum over the brackets): most bodies have fewer brackets than the limit and are let through on
the count alone; for an event with 200 spans (15 KB) it costs a fraction of decoding the body,
and it stays linear in the body's size whatever the shape of the nesting.
"""

from __future__ import annotations

import codecs
from typing import IO, Any

import numpy as np
from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.settings import api_settings
from rest_framework.utils import json

# What matters for nesting: brackets and the quotes that delimit strings. "{}" are read as
# "[]", so a "[}" pair counts as a pair (the decoder refuses it, without recursing deeper).
_ALL_BUT_BRACKETS_AND_QUOTES = bytes(b for b in range(256) if b not in b'[]{}"')
_AS_SQUARE = bytes.maketrans(b"{}", b"[]")
_OPEN = ord("[")


def _brackets_outside_strings(body: bytes) -> bytes:
    """The brackets of `body` that are not inside a JSON string, "{}" written as "[]".

    Escaped backslashes and quotes go first (left to right, as the decoder reads them), so each
    quote left delimits a string. In the skeleton of brackets and quotes, two adjacent quotes
    enclose no bracket and can go; usually no quote is then left, and no list is built."""
    if b'\\"' in body:  # only a backslash before a quote can make a quote not a delimiter
        body = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    skeleton = body.translate(None, _ALL_BUT_BRACKETS_AND_QUOTES).replace(b'""', b"")
    if b'"' in skeleton:
        skeleton = b"".join(skeleton.split(b'"')[::2])
    return skeleton.translate(_AS_SQUARE)


def nesting_within(body: bytes, limit: int) -> bool:
    """Whether the JSON text `body` nests at most `limit` levels with paired brackets.

    False for a deeper body and for one whose brackets (outside strings) do not pair: the
    decoder would recurse on it before finding the error. The depth after each bracket is a
    running sum (+1 for "[", -1 for "]"), taken by numpy in one pass over the brackets."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return True
    brackets = np.frombuffer(_brackets_outside_strings(body), dtype=np.uint8)
    if brackets.size == 0:
        return True
    depth = np.cumsum(np.where(brackets == _OPEN, 1, -1), dtype=np.int64)
    return bool(depth.max() <= limit and depth.min() >= 0 and depth[-1] == 0)


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
