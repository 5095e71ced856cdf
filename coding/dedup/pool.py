"""Finding the candidates of many reports among many others without trying every pair.

A whole-project pass takes its reports in chunks of consecutive dates and scores each one
against the reports read around that chunk. Trying every pair of a chunk and its
surroundings would cost chunk × surroundings scorings; instead the surroundings are kept in
buckets by (type code, precision pad), each sorted by start date, and a report looks only at
the buckets of compatible types and, in each, at the starts its widened range can reach.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from .candidates import Candidate, FinderSettings, Report, pair_score, widened_range

__all__ = ["ReportPool", "find_pairs"]


class _Bucket:
    __slots__ = ("longest", "pad", "reports", "starts")

    def __init__(self, pad: int, reports: list[Report]) -> None:
        reports.sort(key=lambda r: (r.date_start, r.id))
        self.pad = pad
        self.reports = reports
        self.starts = [r.date_start for r in reports]
        self.longest = max((r.date_end - r.date_start).days for r in reports)


class ReportPool:
    """Reports to be searched, bucketed by type code and precision pad."""

    def __init__(self, reports: Iterable[Report], settings: FinderSettings) -> None:
        grouped: dict[tuple[str, int], list[Report]] = defaultdict(list)
        children: dict[str, set[str]] = defaultdict(set)
        for report in reports:
            grouped[(report.type_code, settings.pad_days(report.date_precision))].append(report)
            if report.type_parent is not None:
                children[report.type_parent].add(report.type_code)
        self._buckets: dict[str, list[_Bucket]] = defaultdict(list)
        for (code, pad), members in grouped.items():
            self._buckets[code].append(_Bucket(pad, members))
        self._children = children
        self._settings = settings

    def _compatible_codes(self, report: Report) -> set[str]:
        codes = {report.type_code} | self._children.get(report.type_code, set())
        if report.type_parent is not None:
            codes.add(report.type_parent)
            codes |= self._children.get(report.type_parent, set())
        return codes

    def near(self, report: Report) -> Iterator[Report]:
        """Reports of compatible types whose start lies where the blocking rule on dates
        may let them pair with `report` (a superset; `pair_score` decides)."""
        low, high = widened_range(report, self._settings)
        for code in self._compatible_codes(report):
            for bucket in self._buckets.get(code, ()):
                reach = dt.timedelta(days=bucket.pad)
                first = bisect.bisect_left(
                    bucket.starts, low - reach - dt.timedelta(days=bucket.longest)
                )
                last = bisect.bisect_right(bucket.starts, high + reach)
                yield from bucket.reports[first:last]


def find_pairs(
    queries: Iterable[Report],
    pool: ReportPool,
    settings: FinderSettings,
    *,
    skip: Callable[[Report, Report], bool],
) -> list[Candidate]:
    """Every candidate (score at least the threshold) of each query among the pool, except
    the pairs `skip(query, other)` rules out (same article, same dataset event, decided)."""
    found = []
    for query in queries:
        for other in pool.near(query):
            if other.id == query.id or skip(query, other):
                continue
            candidate = pair_score(query, other, settings)
            if candidate is not None and candidate.score >= settings.threshold:
                found.append(candidate)
    return found
