"""Grouping small text pieces (rows, lines, features) into chunks of bounded size.

Writers yield chunks of roughly ``CHUNK_CHARS`` characters: large enough that a streaming
response is not dominated by per-chunk overhead, small enough that memory stays bounded
whatever the number of events.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

CHUNK_CHARS = 64 * 1024
"""A chunk is flushed once it holds at least this many characters."""


def batched_text(pieces: Iterable[str], limit: int = CHUNK_CHARS) -> Iterator[str]:
    """Concatenations of consecutive ``pieces``, each flushed once it reaches ``limit``
    characters (the last one may be shorter). Pieces are consumed lazily, one at a time."""
    parts: list[str] = []
    size = 0
    for piece in pieces:
        parts.append(piece)
        size += len(piece)
        if size >= limit:
            yield "".join(parts)
            parts, size = [], 0
    if parts:
        yield "".join(parts)
