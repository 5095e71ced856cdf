"""Weekly throughput arithmetic on plain values (no Django).

Weeks start on Monday. Shares are *cumulative at the end of the week*: of the coder's
assignments that existed by then, how many were submitted by then; of those submitted by
then, how many had their article validated by then.
"""

from __future__ import annotations

import statistics
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta


def week_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass
class ShareCounts:
    """One coder's assignments counted by week: created, submitted (counted from the week it
    is submitted), and validated (from the week it is both submitted and its article
    validated)."""

    created: dict[date, int] = field(default_factory=lambda: defaultdict(int))
    submitted: dict[date, int] = field(default_factory=lambda: defaultdict(int))
    validated: dict[date, int] = field(default_factory=lambda: defaultdict(int))

    def add(
        self, created: date, submitted: date | None, validated: date | None, n: int = 1
    ) -> None:
        self.created[created] += n
        if submitted is not None:
            done = max(submitted, created)
            self.submitted[done] += n
            if validated is not None:
                self.validated[max(done, validated)] += n


class ShareCurve:
    """One coder's shares at the end of any week: of the assignments that existed by then,
    the share submitted by then; of those, the share whose article was validated by then.
    Cumulative counts by week, read with a binary search (the dashboard asks for every week
    of 50 coders)."""

    def __init__(self, counts: ShareCounts) -> None:
        self._curves = [
            _cumulative(c) for c in (counts.created, counts.submitted, counts.validated)
        ]

    def at(self, week: date) -> tuple[float | None, float | None]:
        """(share submitted, share adjudicated) at the end of ``week``."""
        existing, submitted, validated = (_value_at(c, week) for c in self._curves)
        return (
            submitted / existing if existing else None,
            validated / submitted if submitted else None,
        )


def _cumulative(counts: dict[date, int]) -> tuple[list[date], list[int]]:
    weeks = sorted(counts)
    totals, running = [], 0
    for week in weeks:
        running += counts[week]
        totals.append(running)
    return weeks, totals


def _value_at(curve: tuple[list[date], list[int]], week: date) -> int:
    weeks, totals = curve
    i = bisect_right(weeks, week)
    return totals[i - 1] if i else 0


@dataclass(frozen=True)
class ArticleWeeks:
    """A group of articles with the same weeks: imported, all assignments submitted,
    adjudication opened, validated (None: not yet); ``n`` of them."""

    imported: date
    complete: date | None
    opened: date | None
    validated: date | None
    n: int


STATES = ("to_code", "submitted", "in_adjudication", "validated")


def _state(g: ArticleWeeks, week: date) -> str | None:
    """The state of the articles of ``g`` at the end of ``week`` (None: not imported yet)."""
    if g.imported > week:
        return None
    if g.validated is not None and g.validated <= week:
        return "validated"
    if g.opened is not None and g.opened <= week:
        return "in_adjudication"
    if g.complete is not None and g.complete <= week:
        return "submitted"
    return "to_code"


def progress_series(groups: Iterable[ArticleWeeks], weeks: Sequence[date]) -> list[dict[str, int]]:
    """How many articles were in each state at the end of each of ``weeks`` (ascending; each
    article in one state): validated; in adjudication (opened, not validated); submitted
    (every coder done, not yet opened); to code (the rest of those imported). Each group
    changes state only at its own dated weeks, so the counts are running sums of changes."""
    changes: dict[date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATES, 0))
    for g in groups:
        before: str | None = None
        for point in sorted({d for d in (g.imported, g.complete, g.opened, g.validated) if d}):
            now = _state(g, point)
            if now != before:
                if before is not None:
                    changes[point][before] -= g.n
                if now is not None:
                    changes[point][now] += g.n
                before = now
    counts = dict.fromkeys(STATES, 0)
    points = sorted(changes)
    out, k = [], 0
    for week in weeks:
        while k < len(points) and points[k] <= week:
            for state, delta in changes[points[k]].items():
                counts[state] += delta
            k += 1
        out.append(dict(counts))
    return out


def weeks_between(first: date, last: date) -> list[date]:
    """Every Monday from ``first``'s week to ``last``'s week."""
    out, cursor = [], week_of(first)
    while cursor <= last:
        out.append(cursor)
        cursor += timedelta(days=7)
    return out
