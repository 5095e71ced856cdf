"""Sentence splitting with code-point offsets into the text it was given.

A sentence ends at . ! ? ؟ … or a line break (with any closing quotes or brackets that
follow the mark); leading and trailing whitespace is trimmed from every sentence, and empty
ones are dropped. A full stop between two digits (3.5) or after a single Latin capital
(initials like "J. Smith") does not end a sentence. Offsets are half-open [start, end).
"""

from __future__ import annotations

import regex

__all__ = ["split_sentences"]

_END = regex.compile(r"(?:[.!?؟…۔]+[\"'»”’)\]]*|\n)")


def _is_false_stop(text: str, at: int) -> bool:
    if text[at] != ".":
        return False
    before = text[at - 1] if at > 0 else ""
    after = text[at + 1] if at + 1 < len(text) else ""
    if before.isdigit() and after.isdigit():
        return True
    return (
        before.isupper()
        and before.isascii()
        and (at < 2 or not text[at - 2].isalpha())
        and after == " "
    )


def split_sentences(text: str) -> list[tuple[int, int]]:
    """[(start, end), …] of the sentences of ``text``, in order, never overlapping."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        if _is_false_stop(text, match.start()):
            continue
        _add(text, start, match.end(), spans)
        start = match.end()
    _add(text, start, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
