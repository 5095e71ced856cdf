"""Grouping small text pieces (rows, lines, features) into chunks of bounded size.

Writers yield chunks of roughly ``CHUNK_CHARS`` characters: large enough that a streaming
response is not dominated by per-chunk overhead, small enough that memory stays bounded
whatever the number of events.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from .records import ExportEvent

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


class TextSink(Protocol):
    """An incremental writer: events in, text out, in the order given.

    ``opening()`` and ``closing()`` are the text before the first and after the last event
    ("" when none); ``add(event)`` renders one event into a buffer; ``pending`` is the number
    of characters buffered since the last ``take()``, which returns them. One pass over the
    events can feed several sinks (a release writes every format at once).
    """

    @property
    def pending(self) -> int: ...

    def opening(self) -> str: ...

    def add(self, event: ExportEvent) -> None: ...

    def take(self) -> str: ...

    def closing(self) -> str: ...


def sink_chunks(sink: TextSink, events: Iterable[ExportEvent]) -> Iterator[str]:
    """The text of ``sink`` over ``events`` as chunks: the opening alone (if any), then a
    chunk whenever ``CHUNK_CHARS`` characters are buffered, the rest, and the closing alone
    (if any). Events are read lazily, one chunk's worth at a time."""
    opening = sink.opening()
    if opening:
        yield opening
    for event in events:
        sink.add(event)
        if sink.pending >= CHUNK_CHARS:
            yield sink.take()
    rest = sink.take()
    if rest:
        yield rest
    closing = sink.closing()
    if closing:
        yield closing
