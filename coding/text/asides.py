"""Parenthesised asides inside a name: a founding year or a short remark that an outlet puts
between the words of a name (جماعة أنصار (2012) الدين, الحركة الوطنية (تأسست 2011) لتحرير
أزواد). :func:`without_asides` gives the folded text with each short aside taken out, so that
the matcher can find the name across it; offsets still map to the original text."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from coding.text.arabic import Folded

__all__ = ["Aside", "part", "windows", "without_asides"]

# Short: a year, a date, an abbreviation or a few words. A longer parenthesis is a sentence
# of its own, and joining the words around it would invent names.
_ASIDE = regex.compile(r"\((?:[^()\n]{1,30})\)")
_MAX_WORDS = 3


@dataclass(frozen=True, slots=True)
class Aside:
    """An aside's ``[start, end)`` in the original text (parentheses included), and ``at``,
    the index of its opening parenthesis in the text without asides."""

    start: int
    end: int
    at: int


def without_asides(folded: Folded) -> tuple[Folded, list[Aside]]:
    """``folded`` without its short asides, and where they were in the original text.

    The opening parenthesis stays as the one separator between the words around the aside
    (its spaces go), so أنصار (2012) الدين reads أنصار(الدين: the two words stay two words
    and a key can run across them. Without asides, ``folded`` itself and ``[]``."""
    text = folded.text
    if "(" not in text:
        return folded, []
    dropped = bytearray(len(text))
    openers: list[tuple[int, int, int]] = []  # (folded index of "(", original start, end)
    for found in _ASIDE.finditer(text):
        start, end = found.span()
        if len(found.group()[1:-1].split()) > _MAX_WORDS:
            continue
        openers.append((start, *folded.original_span(start, end)))
        dropped[start + 1 : end] = b"\x01" * (end - start - 1)
        if start > 0 and text[start - 1] == " ":
            dropped[start - 1] = 1
        if end < len(text) and text[end] == " ":
            dropped[end] = 1
    if not openers:
        return folded, []
    kept = [i for i in range(len(text)) if not dropped[i]]
    new_index = {old: new for new, old in enumerate(kept)}
    to_original = [folded.to_original[i] for i in kept] + [folded.to_original[-1]]
    stripped = Folded("".join(text[i] for i in kept), to_original, folded.source)
    return stripped, [Aside(start, end, new_index[at]) for at, start, end in openers]


def windows(asides: list[Aside], reach: int, length: int) -> list[tuple[int, int]]:
    """The parts ``[lo, hi)`` of the text without asides (``length`` long) within ``reach``
    of an aside's opening parenthesis, overlapping parts joined: a name of at most ``reach``
    characters on each side that runs across an aside lies in one of them."""
    parts: list[tuple[int, int]] = []
    for aside in asides:
        lo, hi = max(0, aside.at - reach), min(length, aside.at + reach + 1)
        if parts and lo <= parts[-1][1]:
            parts[-1] = (parts[-1][0], hi)
        else:
            parts.append((lo, hi))
    return parts


def part(folded: Folded, lo: int, hi: int) -> Folded:
    """``folded.text[lo:hi]`` as a Folded over the same original text."""
    return Folded(
        folded.text[lo:hi], [*folded.to_original[lo:hi], folded.to_original[hi]], folded.source
    )
