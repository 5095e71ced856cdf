"""Coding suggestions for one article (or one region of it): actors, locations, dates.

Suggestions are proposals for the coder to accept or reject, never codes. Offsets are code
points in the full text passed in, also when a region ``[start, end)`` is given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from coding.text.arabic import fold
from coding.text.dates import DateSuggestion, find_dates
from coding.text.matching import AliasMatcher, Match

__all__ = ["Suggestions", "suggest"]

ACTOR_KIND = "actor"
LOCATION_KIND = "location"


@dataclass(frozen=True, slots=True)
class Suggestions:
    """Matches by kind; ``other`` holds dictionary kinds that are neither actor nor location."""

    actors: list[Match]
    locations: list[Match]
    dates: list[DateSuggestion]
    other: list[Match] = field(default_factory=list)


def _word_window(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to whitespace so words cut by the region edges are matched whole
    (and then dropped, because they are not inside the region)."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def suggest(
    text: str,
    matcher: AliasMatcher,
    *,
    anchor: dt.date | None = None,
    start: int | None = None,
    end: int | None = None,
) -> Suggestions:
    """Alias matches and date expressions in ``text``, restricted to ``[start, end)`` if given.

    Only suggestions lying entirely inside the region are returned. ``anchor`` (publication
    date) resolves relative dates; see :func:`coding.text.dates.find_dates`.
    """
    region_start = 0 if start is None else start
    region_end = len(text) if end is None else end
    if not 0 <= region_start <= region_end <= len(text):
        raise ValueError(f"region [{start}, {end}) out of range 0..{len(text)}")
    lo, hi = _word_window(text, region_start, region_end)
    window = text[lo:hi]
    folded = fold(window)  # shared by the alias matcher and the date finder

    actors: list[Match] = []
    locations: list[Match] = []
    other: list[Match] = []
    for m in matcher.find_folded(folded):
        if m.start + lo < region_start or m.end + lo > region_end:
            continue
        word_start = None if m.word_start is None else max(m.word_start + lo, region_start)
        shifted = replace(m, start=m.start + lo, end=m.end + lo, word_start=word_start)
        if m.kind == ACTOR_KIND:
            actors.append(shifted)
        elif m.kind == LOCATION_KIND:
            locations.append(shifted)
        else:
            other.append(shifted)

    dates = [
        DateSuggestion(
            d.start + lo, d.end + lo, d.text, d.date_start, d.date_end, d.precision, d.relative
        )
        for d in find_dates(window, anchor=anchor, folded=folded)
        if d.start + lo >= region_start and d.end + lo <= region_end
    ]
    return Suggestions(actors, locations, dates, other)
