"""A JSON file holding a list of article objects.

The file is decoded in one piece (bounded by `ImportLimits.json_max_bytes`, 64 MiB by
default; peak memory is about three times the file size). So a malformed file yields exactly
one fatal RowError, at the line and column the JSON decoder reports, and no articles. Larger
uploads should use JSON Lines, which is read line by line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO

from coding.importing.fields import build_article
from coding.importing.json_decoding import InvalidJSONError, decode_json
from coding.importing.limits import ImportLimits
from coding.importing.lines import UTF8_BOM, describe_utf8_error, line_number_at
from coding.importing.records import Origin, ParsedRow, RowError
from coding.importing.values import json_type_name


def iter_json_rows(stream: IO[bytes], origin: Origin, limits: ImportLimits) -> Iterator[ParsedRow]:
    """Yield one ArticleInput or the RowErrors of each item of the list, in order.

    `line` of an item is its 1-based position in the list, and its location is "item N".
    """
    data = stream.read(limits.json_max_bytes + 1)
    if len(data) > limits.json_max_bytes:
        yield _fatal(
            origin.label,
            0,
            f"the JSON file is larger than the limit of {limits.json_max_bytes:,} bytes; "
            "upload it as JSON Lines (.jsonl) instead",
        )
        return
    start = len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
    try:
        document = str(memoryview(data)[start:], "utf-8")  # decoded without copying the bytes
    except UnicodeDecodeError as exc:
        line = line_number_at(data, start + exc.start)
        reason = describe_utf8_error(data[start:], exc, start, line)
        yield _fatal(origin.at(f"line {line}"), line, reason)
        return
    del data  # the decoded copy is all we need from here on
    try:
        items = decode_json(document)
    except json.JSONDecodeError as exc:
        yield _fatal(origin.at(f"line {exc.lineno}"), exc.lineno, _describe(exc, document))
        return
    except InvalidJSONError as exc:
        yield _fatal(origin.label, 0, f"malformed JSON: {exc}")
        return
    if not isinstance(items, list):
        yield _fatal(
            origin.at("line 1"),
            1,
            f"expected a JSON list of article objects, found {json_type_name(items)}",
        )
        return
    for index, item in enumerate(items, start=1):
        location = origin.at(f"item {index}")
        if not isinstance(item, dict):
            reason = f"expected a JSON object, found {json_type_name(item)}"
            yield RowError(location, index, None, reason)
            continue
        result = build_article(item, location=location, line=index, limits=limits)
        if isinstance(result, list):
            yield from result
        else:
            yield result


def _fatal(location: str, line: int, reason: str) -> RowError:
    return RowError(location, line, None, reason, fatal=True)


def _describe(error: json.JSONDecodeError, document: str) -> str:
    reason = f"malformed JSON: {error.msg} at line {error.lineno} column {error.colno}"
    if error.msg == "Extra data" and document.lstrip().startswith("{"):
        reason += " (a file with one object per line must be named .jsonl)"
    return reason
