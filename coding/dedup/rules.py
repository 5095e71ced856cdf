"""The computed resolution rules of a dataset event, on plain values: date ranges
(intersection / union, with the resulting precision) and fatalities (ACLED's conservative
figure, UCDP's low / best / high).

Date precision codes are ordinal with 1 the finest (a single day) in both ACLED
(`time_precision` 1–3) and UCDP (`date_prec` 1–5) codebooks; a larger code is coarser.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

DATE_RULES = ("intersection", "union")
FATALITIES_RULES = ("conservative", "low_best_high")
FATALITIES_POLICIES = FATALITIES_RULES


class RuleNotApplicable(ValueError):
    """A rule cannot give a value for these reports (say, disjoint date ranges)."""


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of days and its precision code (None: not coded)."""

    start: dt.date
    end: dt.date
    precision: int | None

    def as_json(self) -> dict[str, object]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "precision": self.precision,
        }


def date_rule(rule: str, ranges: Sequence[DateRange]) -> DateRange:
    """The intersection or union of `ranges`, with its precision.

    Precision: a range of a single day gets code 1 (exact day). Otherwise the intersection
    is as precise as the finest report (the smallest code: narrowing the range never makes
    it coarser), and the union as coarse as the coarsest report (the largest code). Reports
    without a precision are left out of that choice. The union of disjoint ranges is the
    whole span from the earliest start to the latest end (an event is one range of days).
    """
    if rule not in DATE_RULES:
        raise RuleNotApplicable(f"unknown date rule {rule!r}")
    if not ranges:
        raise RuleNotApplicable("no report has a date")
    codes = [r.precision for r in ranges if r.precision is not None]
    if rule == "intersection":
        start = max(r.start for r in ranges)
        end = min(r.end for r in ranges)
        if start > end:
            raise RuleNotApplicable("the reports' date ranges do not overlap")
        precision = min(codes) if codes else None
    else:
        start = min(r.start for r in ranges)
        end = max(r.end for r in ranges)
        precision = max(codes) if codes else None
    if start == end and precision is not None:
        precision = 1
    return DateRange(start, end, precision)


def fatalities_conservative(figures: Sequence[int]) -> int:
    """ACLED: the lowest figure any report gives (reports that give none are left out)."""
    if not figures:
        raise RuleNotApplicable("no report gives a fatalities figure")
    return min(figures)


def fatalities_low_best_high(figures: Sequence[int]) -> dict[str, int]:
    """UCDP: low = the lowest figure, high = the highest, best = the lower median.

    The lower median (not the mean, nor the middle of two) keeps `best` a figure that some
    report actually gave, and with two reports it is the lower one, as UCDP's coding rules
    prefer the more conservative of two credible figures.
    """
    if not figures:
        raise RuleNotApplicable("no report gives a fatalities figure")
    return {
        "low": min(figures),
        "best": statistics.median_low(figures),
        "high": max(figures),
    }
