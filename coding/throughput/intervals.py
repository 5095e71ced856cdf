"""Active-time intervals: validating a report and counting only time not counted before.

A report says which stretches of time a browser tab was *active* on a task, as pairs
``[start, end]`` of seconds **relative to the moment it was sent** (so ``start < end <= 0``).
The server anchors them at its own receipt time, which makes the client's clock irrelevant.
Per task (one user, one article, one activity) the server keeps the union of everything it
accepted; a new report adds only the part of its intervals not already covered, so two tabs
open on one assignment are never counted twice.

Times here are plain floats (seconds since the epoch); nothing in this module knows Django.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

Interval = tuple[float, float]

# How far a report may reach into the future or overlap the tab's previous report, in
# seconds: network delay shifts the anchor a little from one request to the next.
SLACK_SECONDS = 5.0
# A single report never covers more than this (a tab left open for days reports on every
# autosave and when it is hidden or closed, so a longer report is a broken client).
MAX_REPORT_SECONDS = 24 * 3600.0
MAX_INTERVALS = 500


class TimeReportError(ValueError):
    """The report is not believable; ``field`` names the part that is wrong."""

    def __init__(self, message: str, field: str = "intervals") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Checked:
    """A report anchored at the receipt time: sorted, disjoint absolute intervals."""

    intervals: list[Interval]

    @property
    def seconds(self) -> float:
        return sum(end - start for start, end in self.intervals)


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TimeReportError(f"{where} is not a number")
    number = float(value)
    if not math.isfinite(number):
        raise TimeReportError(f"{where} is not a finite number")
    return number


def check_report(
    raw: object, *, received_at: float, previous_report_at: float | None, not_before: float
) -> Checked:
    """Validate the relative intervals of one report and anchor them at ``received_at``.

    Refused (TimeReportError): not a list of pairs; a pair whose end is not after its start
    (a negative or empty duration); pairs out of order or overlapping; an end in the future;
    a start before ``not_before`` (the task's creation, or ``MAX_REPORT_SECONDS`` ago); a
    start before ``previous_report_at`` (the same tab's last accepted report: time already
    reported, or more time than the wall clock allowed since then).
    """
    if not isinstance(raw, list):
        raise TimeReportError("intervals must be a list of [start, end] pairs")
    if len(raw) > MAX_INTERVALS:
        raise TimeReportError(f"at most {MAX_INTERVALS} intervals per report")
    anchored: list[Interval] = []
    for i, pair in enumerate(raw):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise TimeReportError(f"interval {i} is not a [start, end] pair")
        start = _number(pair[0], f"interval {i} start")
        end = _number(pair[1], f"interval {i} end")
        if end <= start:
            raise TimeReportError(f"interval {i} ends before it starts (negative duration)")
        if end > SLACK_SECONDS:
            raise TimeReportError(f"interval {i} ends in the future")
        if anchored and received_at + start < anchored[-1][1]:
            raise TimeReportError(f"interval {i} overlaps or precedes the one before it")
        anchored.append((received_at + start, received_at + min(end, 0.0)))
    if not anchored:
        return Checked([])
    first = anchored[0][0]
    if first < received_at - MAX_REPORT_SECONDS or first < not_before - SLACK_SECONDS:
        raise TimeReportError("the report starts before the task existed or too long ago")
    if previous_report_at is not None and first < previous_report_at - SLACK_SECONDS:
        raise TimeReportError(
            "the report claims time before this tab's previous report "
            "(more active time than wall time since then)"
        )
    return Checked([(s, e) for s, e in anchored if e > s])


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """The union of ``intervals`` as sorted, disjoint intervals (touching ones joined)."""
    out: list[Interval] = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def uncovered(new: Sequence[Interval], covered: Sequence[Interval]) -> list[Interval]:
    """The parts of ``new`` that no interval of ``covered`` covers (both sorted, disjoint)."""
    out: list[Interval] = []
    for start, end in new:
        cursor = start
        for c_start, c_end in covered:
            if c_end <= cursor:
                continue
            if c_start >= end:
                break
            if c_start > cursor:
                out.append((cursor, c_start))
            cursor = max(cursor, c_end)
            if cursor >= end:
                break
        if cursor < end:
            out.append((cursor, end))
    return out


def seconds_by_day(intervals: Iterable[Interval], zone: tzinfo = UTC) -> dict[date, float]:
    """Seconds of ``intervals`` per calendar day in ``zone`` (an interval across midnight
    is split)."""
    days: dict[date, float] = {}
    for start, end in intervals:
        cursor = datetime.fromtimestamp(start, zone)
        stop = datetime.fromtimestamp(end, zone)
        while cursor < stop:
            midnight = datetime.combine(
                cursor.date() + timedelta(days=1), datetime.min.time(), zone
            )
            piece_end = min(stop, midnight)
            day = cursor.date()
            days[day] = days.get(day, 0.0) + (piece_end.timestamp() - cursor.timestamp())
            cursor = piece_end
    return days
