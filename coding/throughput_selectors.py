"""Reads for the throughput dashboard and the time-on-task views (no writes).

Per coder and week (Monday weeks in settings.TIME_ZONE):
- ``articles``: assignments submitted that week; ``events``: coder events in them;
- ``active_minutes`` / ``review_minutes``: active coding / review time counted on days of
  that week (for payroll);
- ``median_minutes_per_article``: median over that week's submitted assignments that have
  time recorded of their whole active time; ``median_minutes_per_event``: the same divided
  by each assignment's number of events (assignments with events only);
- ``share_submitted`` / ``share_adjudicated``: cumulative at the end of the week
  (coding.throughput.weekly.ShareCurve).
The project's progress is one row per week with the articles in each state at its end
(coding.throughput.weekly.progress_series). On PostgreSQL each figure is one grouped query
(medians by ``percentile_cont``) over the stored facts, one narrow row per assignment and per
article kept by triggers (coding/models/throughput_facts.py), so no read joins assignments to
their events, time ledgers or adjudications; other databases (the SQLite demo) compute the
same from the sources in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from coding.models import (
    Activity,
    Adjudication,
    Article,
    Assignment,
    CodedEvent,
    Project,
    TimeLedger,
    User,
)
from coding.throughput import weekly
from coding.throughput.filters import ThroughputFilter
from coding.throughput.weekly import ArticleWeeks
from coding.throughput_minutes import minutes_by_week

__all__ = ["ThroughputFilter", "throughput"]


def _local_day(moment: datetime | None) -> date | None:
    return None if moment is None else timezone.localtime(moment).date()


def _bounds(f: ThroughputFilter) -> tuple[datetime | None, datetime | None]:
    zone = timezone.get_default_timezone()
    start = datetime.combine(f.date_from, time.min, zone) if f.date_from else None
    end = datetime.combine(f.date_to + timedelta(days=1), time.min, zone) if f.date_to else None
    return start, end


def _coder_sql(f: ThroughputFilter, column: str) -> tuple[str, list[Any]]:
    if not f.coder_ids:
        return "", []
    return f" AND {column} = ANY(%s)", [list(f.coder_ids)]


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# -- per coder and week: submissions, events, medians -------------------------------------


_SUBMITTED_SQL = """
SELECT f.coder_id, f.submitted_week, count(*),
       sum(f.n_events),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY f.seconds)
           FILTER (WHERE f.seconds IS NOT NULL),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY f.seconds / f.n_events)
           FILTER (WHERE f.seconds IS NOT NULL AND f.n_events > 0)
FROM coding_assignmentfact f
WHERE f.project_id = %s AND f.submitted_week IS NOT NULL{period}{coders}
GROUP BY 1, 2
"""


def _submitted_pg(project: Project, f: ThroughputFilter) -> dict[tuple[int, date], dict[str, Any]]:
    start, end = _bounds(f)
    period, params = "", []
    if start:
        period += " AND f.submitted_at >= %s"
        params.append(start)
    if end:
        period += " AND f.submitted_at < %s"
        params.append(end)
    coders, coder_params = _coder_sql(f, "f.coder_id")
    sql = _SUBMITTED_SQL.format(period=period, coders=coders)
    rows = _fetch(sql, [project.pk, *params, *coder_params])
    return {
        (coder, week): {
            "articles": n,
            "events": int(events),
            "median_seconds_per_article": per_article,
            "median_seconds_per_event": per_event,
        }
        for coder, week, n, events, per_article, per_event in rows
    }


def _submitted_py(project: Project, f: ThroughputFilter) -> dict[tuple[int, date], dict[str, Any]]:
    start, end = _bounds(f)
    query = Assignment.objects.filter(project=project, status=Assignment.Status.SUBMITTED)
    if start:
        query = query.filter(submitted_at__gte=start)
    if end:
        query = query.filter(submitted_at__lt=end)
    if f.coder_ids:
        query = query.filter(coder_id__in=f.coder_ids)
    rows = query.annotate(
        n_events=Count("events", filter=Q(events__layer=CodedEvent.Layer.CODER))
    ).values_list("id", "coder_id", "submitted_at", "n_events")
    seconds = dict(
        TimeLedger.objects.filter(project=project, activity=Activity.CODING).values_list(
            "assignment_id", "seconds"
        )
    )
    groups: dict[tuple[int, date], list[tuple[int, float | None]]] = defaultdict(list)
    for pk, coder, submitted_at, n_events in rows:
        week = weekly.week_of(_local_day(submitted_at))  # type: ignore[arg-type]
        groups[(coder, week)].append((n_events, seconds.get(pk)))
    return {
        key: {
            "articles": len(items),
            "events": sum(n for n, _ in items),
            "median_seconds_per_article": weekly.median([s for _, s in items if s is not None]),
            "median_seconds_per_event": weekly.median(
                [s / n for n, s in items if s is not None and n > 0]
            ),
        }
        for key, items in groups.items()
    }


# -- per coder: cumulative shares ---------------------------------------------------------


_SHARES_SQL = """
SELECT c.user_id, c.kind, c.week, sum(c.amount)
FROM coding_throughputcount c
WHERE c.project_id = %(project)s AND c.kind IN ('created', 'submitted', 'validated'){coders}
GROUP BY 1, 2, 3
HAVING sum(c.amount) <> 0
"""
_SHARE_KINDS = {"created": 0, "submitted": 1, "validated": 2}


def _share_counts(project: Project, f: ThroughputFilter) -> dict[int, weekly.ShareCounts]:
    """Per coder, their assignments counted by week (coding.throughput.weekly.ShareCounts)."""
    counts: dict[int, weekly.ShareCounts] = defaultdict(weekly.ShareCounts)
    if connection.vendor == "postgresql":
        coders = " AND c.user_id = ANY(%(coders)s)" if f.coder_ids else ""
        params = {"project": project.pk, "coders": list(f.coder_ids)}
        for coder, kind, week, n in _fetch_named(_SHARES_SQL.format(coders=coders), params):
            target = counts[coder]
            (target.created, target.submitted, target.validated)[_SHARE_KINDS[kind]][week] += round(
                n
            )
        return counts
    query = Assignment.objects.filter(project=project)
    if f.coder_ids:
        query = query.filter(coder_id__in=f.coder_ids)
    rows = query.values_list(
        "coder_id",
        "created_at",
        "status",
        "submitted_at",
        "article__adjudication__status",
        "article__adjudication__validated_at",
    )
    for coder, created, status, submitted, adj_status, validated in rows:
        counts[coder].add(
            weekly.week_of(timezone.localtime(created).date()),
            _week(submitted) if status == Assignment.Status.SUBMITTED else None,
            _week(validated) if adj_status == Adjudication.Status.VALIDATED else None,
        )
    return counts


# -- the project's progress ----------------------------------------------------------------

_PROGRESS_SQL = """
SELECT imported_week, complete_week, opened_week, validated_week, sum(n)
FROM coding_progresscount
WHERE project_id = %(project)s
GROUP BY 1, 2, 3, 4
HAVING sum(n) <> 0
"""


def _article_groups(project: Project) -> list[ArticleWeeks]:
    if connection.vendor == "postgresql":
        rows = _fetch_named(_PROGRESS_SQL, {"project": project.pk})
        return [ArticleWeeks(i, c, o, v, n) for i, c, o, v, n in rows]
    groups: dict[tuple[date, date | None, date | None, date | None], int] = defaultdict(int)
    articles = Article.objects.filter(project=project).annotate(
        n=Count("assignments"),
        n_sub=Count("assignments", filter=Q(assignments__status=Assignment.Status.SUBMITTED)),
        last=Max("assignments__submitted_at"),
    )
    for art in articles.values_list(
        "imported_at",
        "n",
        "n_sub",
        "last",
        "adjudication__created_at",
        "adjudication__status",
        "adjudication__validated_at",
    ):
        imported, n, n_sub, last, opened, status, validated = art
        key = (
            weekly.week_of(timezone.localtime(imported).date()),
            _week(last) if n and n == n_sub else None,
            _week(opened),
            _week(validated) if status == Adjudication.Status.VALIDATED else None,
        )
        groups[key] += 1
    return [ArticleWeeks(i, c, o, v, n) for (i, c, o, v), n in groups.items()]


def _week(moment: datetime | None) -> date | None:
    day = _local_day(moment)
    return None if day is None else weekly.week_of(day)


def _fetch_named(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# -- the dashboard -------------------------------------------------------------------------


@contextmanager
def _without_jit() -> Iterator[None]:
    """PostgreSQL's JIT compiler off for these reads. The planner misjudges the joins of the
    grouped queries (millions of rows where there are thousands), which crosses
    ``jit_above_cost``; compiling then took 2.8 s of a 4.4 s query at 30,000 assignments,
    for a query that runs in tens of milliseconds without it."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        # The medians sort each coder's week in memory rather than spilling to disk.
        cursor.execute("SET LOCAL work_mem = '16MB'")
        yield


def throughput(project: Project, f: ThroughputFilter) -> dict[str, Any]:
    """The dashboard's figures: ``rows`` per user and week, ``progress`` per week."""
    with _without_jit():
        return _throughput(project, f)


def _throughput(project: Project, f: ThroughputFilter) -> dict[str, Any]:
    submitted = (
        _submitted_pg(project, f)
        if connection.vendor == "postgresql"
        else _submitted_py(project, f)
    )
    minutes = minutes_by_week(project, f)
    counts = _share_counts(project, f)
    curves = {coder: weekly.ShareCurve(c) for coder, c in counts.items()}
    keys = sorted(set(submitted) | set(minutes), key=lambda k: (k[1], k[0]))
    names = dict(User.objects.filter(pk__in={k[0] for k in keys}).values_list("id", "username"))
    rows = []
    for user_id, week in keys:
        figures = submitted.get((user_id, week), {})
        spent = minutes.get((user_id, week), {})
        curve = curves.get(user_id)
        share_submitted, share_adjudicated = curve.at(week) if curve else (None, None)
        rows.append(
            {
                "week": week,
                "user": user_id,
                "username": names.get(user_id, ""),
                "articles": figures.get("articles", 0),
                "events": figures.get("events", 0),
                "active_minutes": spent.get(Activity.CODING, 0.0) / 60,
                "review_minutes": spent.get(Activity.REVIEW, 0.0) / 60,
                "median_minutes_per_article": _per_minute(
                    figures.get("median_seconds_per_article")
                ),
                "median_minutes_per_event": _per_minute(figures.get("median_seconds_per_event")),
                "share_submitted": share_submitted,
                "share_adjudicated": share_adjudicated,
            }
        )
    return {"rows": rows, "progress": _progress(project, f)}


def _per_minute(seconds: float | None) -> float | None:
    return None if seconds is None else float(seconds) / 60


def _progress(project: Project, f: ThroughputFilter) -> list[dict[str, Any]]:
    groups = _article_groups(project)
    if not groups:
        return []
    first = f.date_from or min(g.imported for g in groups)
    last = f.date_to or timezone.localdate()
    weeks = weekly.weeks_between(first, last)
    series = weekly.progress_series(groups, weeks)
    return [{"week": week, **counts} for week, counts in zip(weeks, series, strict=True)]
