"""JSON Lines: one JSON object per line, blank lines ignored; read one line at a time.

A line that is not valid UTF-8, not valid JSON or not an object gives one RowError for that
line, and reading goes on with the next line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO

from coding.importing.fields import build_article
from coding.importing.json_decoding import InvalidJSONError, decode_json
from coding.importing.limits import ImportLimits
from coding.importing.lines import iter_text_lines
from coding.importing.records import Origin, ParsedRow, RowError
from coding.importing.values import json_type_name


def iter_jsonl_rows(stream: IO[bytes], origin: Origin, limits: ImportLimits) -> Iterator[ParsedRow]:
    """Yield one ArticleInput or the RowErrors of each non-blank line of `stream`."""
    for line in iter_text_lines(stream, limits.line_max_bytes):
        location = origin.at(f"line {line.number}")
        if line.problem is not None or line.text is None:
            yield RowError(location, line.number, None, line.problem or "", fatal=line.fatal)
            continue
        content = line.text.rstrip()
        if not content:
            continue
        try:
            value = decode_json(content)
        except json.JSONDecodeError as exc:
            where = "the end of the line" if exc.pos >= len(content) else f"column {exc.colno}"
            yield RowError(location, line.number, None, f"malformed JSON: {exc.msg} at {where}")
            continue
        except InvalidJSONError as exc:
            yield RowError(location, line.number, None, f"malformed JSON: {exc}")
            continue
        if not isinstance(value, dict):
            reason = f"expected a JSON object, found {json_type_name(value)}"
            yield RowError(location, line.number, None, reason)
            continue
        result = build_article(value, location=location, line=line.number, limits=limits)
        if isinstance(result, list):
            yield from result
        else:
            yield result
