"""Measuring the candidate finder on a labelled set of reports (tests/data/dedup_pairs.yaml).

The set is a closed world: two reports are the same event only when a `same` pair says so.
Each report is taken in turn as the newly validated one and ranked against all the others,
as the finder does after a validation. Precision and recall count the distinct pairs
proposed (score at least the threshold); top-3 recall asks, for each `same` pair, whether
the older report is among the three best candidates of the newer one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .candidates import FinderSettings, Place, Report, rank_candidates

__all__ = ["Quality", "labelled_reports", "measure"]


@dataclass(frozen=True, slots=True)
class Quality:
    precision: float
    recall: float
    top3_recall: float
    proposed: int
    wrong: list[tuple[int, int]]
    missed: list[tuple[int, int]]


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(str(value))


def labelled_reports(document: Mapping[str, Any]) -> tuple[list[Report], set[tuple[int, int]]]:
    """The reports and the `same` pairs (low id first) of a parsed labelled set."""
    places = {key: Place(**entry) for key, entry in document["places"].items()}
    actors = document["actors"]
    parents = document["types"]
    reports = []
    for row in document["reports"]:
        date = row["date"]
        start, end = (date, date) if isinstance(date, str) else (date[0], date[1])
        reports.append(
            Report(
                id=row["id"],
                type_code=row["type"],
                type_parent=parents[row["type"]],
                date_start=_day(start),
                date_end=_day(end),
                date_precision=row.get("prec"),
                place=places[row["place"]] if row.get("place") else None,
                actors=frozenset(actors[key] for key in row.get("actors", [])),
                text=row.get("text", ""),
            )
        )
    same = {(min(a, b), max(a, b)) for a, b in document["pairs"]["same"]}
    return reports, same


def measure(
    reports: Sequence[Report], same: set[tuple[int, int]], settings: FinderSettings
) -> Quality:
    """Precision, recall and top-3 recall of the finder over the labelled reports."""
    proposed: set[tuple[int, int]] = set()
    ranked: dict[int, list[int]] = {}
    for report in reports:
        others = [other for other in reports if other.id != report.id]
        found = rank_candidates(report, others, settings)
        proposed.update((c.a, c.b) for c in found)
        ranked[report.id] = [c.a if c.b == report.id else c.b for c in found]
    hits = proposed & same
    top3 = sum(1 for a, b in same if a in ranked[b][:3])
    return Quality(
        precision=len(hits) / len(proposed) if proposed else 1.0,
        recall=len(hits) / len(same) if same else 1.0,
        top3_recall=top3 / len(same) if same else 1.0,
        proposed=len(proposed),
        wrong=sorted(proposed - same),
        missed=sorted(same - proposed),
    )
