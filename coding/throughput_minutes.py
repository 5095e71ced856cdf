"""Active minutes per user and week for the throughput dashboard (coding/throughput_selectors.py).

On PostgreSQL the weeks wholly inside the period come from the stored weekly sums
(coding.models.ThroughputCount, kept by triggers on the day rows), and the at most two weeks
the period cuts from the day rows themselves; other databases sum the day rows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Sum
from django.db.models.functions import TruncWeek

from coding.models import Activity, Project, ThroughputCount, TimeDay
from coding.throughput import weekly
from coding.throughput.filters import ThroughputFilter


def minutes_by_week(
    project: Project, f: ThroughputFilter
) -> dict[tuple[int, date], dict[str, float]]:
    """Active seconds per user, week and activity: on PostgreSQL the weeks wholly inside the
    period from the stored weekly sums, the (at most two) weeks it cuts from the day rows."""
    out: dict[tuple[int, date], dict[str, float]] = defaultdict(
        lambda: {Activity.CODING: 0.0, Activity.REVIEW: 0.0}
    )
    if connection.vendor != "postgresql":
        _add_days(out, project, f, f.date_from, f.date_to)
        return out
    week = timedelta(days=7)
    edges: list[tuple[date, date]] = []  # day ranges read from the day rows
    whole_from = whole_to = None
    if f.date_from:
        start = weekly.week_of(f.date_from)
        if f.date_from == start:
            whole_from = start
        else:
            end = start + timedelta(days=6)
            edges.append((f.date_from, min(end, f.date_to) if f.date_to else end))
            whole_from = start + week
    if f.date_to:
        start = weekly.week_of(f.date_to)
        if f.date_to == start + timedelta(days=6):
            whole_to = start
        else:
            first = max(start, f.date_from) if f.date_from else start
            if not edges or first > edges[0][1]:
                edges.append((first, f.date_to))
            whole_to = start - week
    if whole_from is None or whole_to is None or whole_from <= whole_to:
        query = ThroughputCount.objects.filter(project=project, kind__in=Activity.values)
        if whole_from:
            query = query.filter(week__gte=whole_from)
        if whole_to:
            query = query.filter(week__lte=whole_to)
        if f.coder_ids:
            query = query.filter(user_id__in=f.coder_ids)
        sums = query.values("user_id", "week", "kind").annotate(total=Sum("amount")).order_by()
        for user_id, week_start, activity, seconds in sums.values_list(
            "user_id", "week", "kind", "total"
        ):
            out[(user_id, week_start)][activity] += seconds or 0.0
    for first, last in edges:
        _add_days(out, project, f, first, last)
    return out


def _add_days(
    out: dict[tuple[int, date], dict[str, float]],
    project: Project,
    f: ThroughputFilter,
    first: date | None,
    last: date | None,
) -> None:
    """Add the day rows from ``first`` to ``last`` (inclusive; None: unbounded), by week."""
    query = TimeDay.objects.filter(project=project)
    if first:
        query = query.filter(day__gte=first)
    if last:
        query = query.filter(day__lte=last)
    if f.coder_ids:
        query = query.filter(user_id__in=f.coder_ids)
    rows = (
        query.annotate(week=TruncWeek("day"))
        .values("user_id", "week", "activity")
        .annotate(total=Sum("seconds"))
        .values_list("user_id", "week", "activity", "total")
    )
    for user_id, week, activity, seconds in rows:
        out[(user_id, _as_date(week))][activity] += seconds or 0.0


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value
