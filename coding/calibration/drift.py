"""Coder drift: agreement with gold by time window, and when to flag it.

Each item is one article a coder coded that has a gold layer (a calibration item, or an
adjudicated article of their real work), dated by the coder's submission, with its event
detection counts against the gold. A window (ISO week "2026-W07" or month "2026-02") pools
the counts of its items: F1 = 2·tp / (2·tp + fp + fn).

The rule (`DriftRule`): only windows with at least `min_items` items count. The coder is
flagged when their latest counting window
- has F1 below `threshold` ("below_threshold"), or
- has F1 lower than the median F1 of their earlier counting windows by more than `drop`,
  when there is at least one earlier counting window ("dropped").
A window with no detection counts at all (no gold events and no coder events) has F1 None
and never counts.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from coding.calibration.scoring import f1_of


@dataclass(frozen=True)
class DriftRule:
    threshold: float = 0.6
    drop: float = 0.15
    min_items: int = 3
    window: str = "month"  # "week" | "month"


@dataclass(frozen=True)
class DriftItem:
    when: dt.datetime
    source: str  # "calibration" | "adjudicated"
    tp: int
    fp: int
    fn: int


def window_of(when: dt.datetime | dt.date, window: str) -> str:
    """The window label of a moment: ISO week ("2026-W07") or month ("2026-02")."""
    if window == "week":
        year, week, _ = when.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{when.year:04d}-{when.month:02d}"


def drift_report(items: Iterable[DriftItem], rule: DriftRule) -> dict[str, Any]:
    """Windows in time order, each {window, items, calibration, adjudicated, tp, fp, fn, f1,
    counts}, and the flag: {"flagged", "reasons", "latest", "baseline"}."""
    pooled: dict[str, dict[str, int]] = defaultdict(
        lambda: {"items": 0, "calibration": 0, "adjudicated": 0, "tp": 0, "fp": 0, "fn": 0}
    )
    for item in items:
        row = pooled[window_of(item.when, rule.window)]
        row["items"] += 1
        row[item.source] += 1
        row["tp"] += item.tp
        row["fp"] += item.fp
        row["fn"] += item.fn
    windows: list[dict[str, Any]] = []
    counting: list[float] = []  # the F1 of the windows that count, in time order
    for label in sorted(pooled):
        row = pooled[label]
        f1 = f1_of(row["tp"], row["fp"], row["fn"])
        counts = row["items"] >= rule.min_items and f1 is not None
        windows.append({"window": label, **row, "f1": f1, "counts": counts})
        if counts and f1 is not None:
            counting.append(f1)
    reasons: list[str] = []
    latest = counting[-1] if counting else None
    baseline = statistics.median(counting[:-1]) if len(counting) > 1 else None
    if latest is not None and latest < rule.threshold:
        reasons.append("below_threshold")
    if latest is not None and baseline is not None and baseline - latest > rule.drop:
        reasons.append("dropped")
    return {
        "windows": windows,
        "flag": {
            "flagged": bool(reasons),
            "reasons": reasons,
            "latest": latest,
            "baseline": baseline,
        },
    }
