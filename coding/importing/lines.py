"""Read a binary stream line by line, with UTF-8 decoding errors located for the user.

Lines are split on b"\\n" only (a "\\r" before it stays in the line; JSON and CSV both treat
it as white space or a line ending). A UTF-8 byte-order mark at the very start is skipped, and
byte offsets count from the first byte of the file, BOM included.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SKIP_CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class TextLine:
    """One physical line: `number` is 1-based, `offset` is the byte offset of its first byte.

    `text` is the decoded line including its line ending. `problem` is None for a good line;
    otherwise it says why the line is unusable, and `text` is then the line decoded with
    U+FFFD replacements (invalid UTF-8) or None (longer than the limit: not kept). `fatal` is
    True when no later line will follow because the whole file is unreadable (UTF-16).
    """

    number: int
    offset: int
    text: str | None
    problem: str | None = None
    fatal: bool = False


def describe_utf8_error(data: bytes, error: UnicodeDecodeError, base_offset: int, line: int) -> str:
    """A sentence naming the first bad byte of `data` (which starts at byte `base_offset` of
    the file), its offset in the file and its 1-based `line`."""
    if is_utf16(data, base_offset):
        return "the file is UTF-16 encoded; save it as UTF-8 and upload it again"
    bad = data[error.start : error.start + 1].hex().upper()
    where = base_offset + error.start
    return (
        f"invalid UTF-8 in line {line} (byte 0x{bad} at byte offset {where:,}); "
        "the file must be UTF-8"
    )


def is_utf16(data: bytes, base_offset: int) -> bool:
    """Whether `data`, read from `base_offset` of a file, starts the file with a UTF-16 BOM."""
    return base_offset == 0 and data[:2] in _UTF16_BOMS


def line_number_at(data: bytes, offset: int) -> int:
    """1-based number of the line holding byte `offset` of `data`."""
    return data.count(b"\n", 0, offset) + 1


def iter_text_lines(stream: IO[bytes], max_line_bytes: int) -> Iterator[TextLine]:
    """Yield every line of `stream`, decoded as UTF-8, without holding more than one line.

    A line longer than `max_line_bytes` is skipped (read through in chunks) and reported with
    a problem and `text=None`; a line that is not valid UTF-8 is reported with a problem.
    """
    number = 0
    offset = 0
    while True:
        raw = stream.readline(max_line_bytes + 1)
        if not raw:
            return
        number += 1
        start = offset
        if number == 1 and raw.startswith(UTF8_BOM):
            raw = raw[len(UTF8_BOM) :]
            start += len(UTF8_BOM)
        offset = start + len(raw)
        if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
            offset += _skip_rest_of_line(stream)
            yield TextLine(
                number,
                start,
                None,
                f"the line is longer than the limit of {max_line_bytes:,} bytes",
            )
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            fatal = is_utf16(raw, start)
            lossy = raw.decode("utf-8", errors="replace")
            problem = describe_utf8_error(raw, exc, start, number)
            yield TextLine(number, start, lossy, problem, fatal)
            if fatal:
                return
            continue
        yield TextLine(number, start, text)


def _skip_rest_of_line(stream: IO[bytes]) -> int:
    """Read up to and including the next b"\\n"; return how many bytes were read."""
    skipped = 0
    while True:
        chunk = stream.readline(_SKIP_CHUNK_BYTES)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped
