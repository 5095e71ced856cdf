"""Weekly throughput arithmetic on plain values (no Django).

Weeks start on Monday. Shares are *cumulative at the end of the week*: of the coder's
assignments that existed by then, how many were submitted by then; of those submitted by
then, how many had their article validated by then.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta


def week_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass(frozen=True)
class AssignmentWeeks:
    """One group of a coder's assignments with the same weeks: created, submitted (None:
    not submitted) and article validated (None: not validated); ``n`` of them."""

    coder_id: int
    created: date
    submitted: date | None
    validated: date | None
    n: int


def shares_at(groups: Iterable[AssignmentWeeks], week: date) -> tuple[float | None, float | None]:
    """(share submitted, share adjudicated) of these groups at the end of ``week``."""
    existing = submitted = validated = 0
    for g in groups:
        if g.created > week:
            continue
        existing += g.n
        if g.submitted is not None and g.submitted <= week:
            submitted += g.n
            if g.validated is not None and g.validated <= week:
                validated += g.n
    return (
        submitted / existing if existing else None,
        validated / submitted if submitted else None,
    )


@dataclass(frozen=True)
class ArticleWeeks:
    """A group of articles with the same weeks: imported, all assignments submitted,
    adjudication opened, validated (None: not yet); ``n`` of them."""

    imported: date
    complete: date | None
    opened: date | None
    validated: date | None
    n: int


def progress_at(groups: Iterable[ArticleWeeks], week: date) -> dict[str, int]:
    """How many articles were in each state at the end of ``week`` (each article in one):
    validated; in adjudication (opened, not validated); submitted (every coder done, not yet
    opened); to code (the rest of those imported)."""
    counts = {"to_code": 0, "submitted": 0, "in_adjudication": 0, "validated": 0}
    for g in groups:
        if g.imported > week:
            continue
        if g.validated is not None and g.validated <= week:
            counts["validated"] += g.n
        elif g.opened is not None and g.opened <= week:
            counts["in_adjudication"] += g.n
        elif g.complete is not None and g.complete <= week:
            counts["submitted"] += g.n
        else:
            counts["to_code"] += g.n
    return counts


def weeks_between(first: date, last: date) -> list[date]:
    """Every Monday from ``first``'s week to ``last``'s week."""
    out, cursor = [], week_of(first)
    while cursor <= last:
        out.append(cursor)
        cursor += timedelta(days=7)
    return out
