"""Plain text: one article per file.

By default the whole file is the text and the title is the file name without its folder and
extension ("2023-05-01 Gao.txt" → "2023-05-01 Gao"). If the first non-blank line is
`Title: …`, the file starts with a header instead: consecutive `Key: value` lines whose keys
are article fields (title, language, source, url, published_at, external_id; any letter
case). The header ends at the first blank line, or at the first line that is not such a
field; the text is everything after it, without the blank lines that follow the header.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import IO

from coding.importing.fields import build_article
from coding.importing.limits import ImportLimits
from coding.importing.lines import UTF8_BOM, describe_utf8_error, line_number_at
from coding.importing.records import Origin, ParsedRow, RowError

HEADER_FIELDS = ("title", "language", "source", "url", "published_at", "external_id")
_HEADER_LINE = re.compile(r"[ \t]*([A-Za-z_]+)[ \t]*:[ \t]*(.*?)\s*", re.DOTALL)


def iter_txt_rows(stream: IO[bytes], origin: Origin, limits: ImportLimits) -> Iterator[ParsedRow]:
    """Yield the one ArticleInput of the file, or its RowErrors (location: the file name)."""
    data = stream.read(limits.txt_max_bytes + 1)
    if len(data) > limits.txt_max_bytes:
        reason = f"the text file is larger than the limit of {limits.txt_max_bytes:,} bytes"
        yield RowError(origin.label, 1, None, reason)
        return
    start = len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
    try:
        content = data[start:].decode("utf-8")
    except UnicodeDecodeError as exc:
        line = line_number_at(data, start + exc.start)
        reason = describe_utf8_error(data[start:], exc, start, line)
        yield RowError(origin.at(f"line {line}"), line, None, reason)
        return
    values = split_header(content)
    if "title" not in values:
        values["title"] = PurePosixPath(origin.name.replace("\\", "/")).stem
    result = build_article(values, location=origin.label, line=1, limits=limits)
    if isinstance(result, list):
        yield from result
    else:
        yield result


def split_header(content: str) -> dict[str, str]:
    """The header fields of `content` and its "text" (the whole content when no header).

    Line endings are kept as they are; canonicalization happens later, on the fields.
    """
    lines = content.splitlines(keepends=True)
    position = 0
    while position < len(lines) and not lines[position].strip():
        position += 1
    first = _HEADER_LINE.fullmatch(lines[position]) if position < len(lines) else None
    if first is None or first.group(1).lower() != "title":
        return {"text": content}
    values: dict[str, str] = {}
    while position < len(lines):
        match = _HEADER_LINE.fullmatch(lines[position])
        if match is None or match.group(1).lower() not in HEADER_FIELDS:
            break
        values[match.group(1).lower()] = match.group(2)
        position += 1
    while position < len(lines) and not lines[position].strip():
        position += 1
    values["text"] = "".join(lines[position:])
    return values
