"""Reads for the "same event?" candidate finder: the live reports of an article or of a
chunk of a project, the blocking-compatible reports of a project around them (index-backed,
see migration 0016), the dataset-event pairs a supervisor marked "not the same", and the
conversion of rows into the pure package's `Report`s (coding.dedup.candidates).

A report is a validated gold event that reports a live dataset event. Reports without a date
are never candidates (the date is the blocking key; every codebook we ship requires it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Q

from coding.codebook_runtime import version_spec
from coding.dedup.candidates import FinderSettings, Place, Report
from coding.models import CodedEvent, EventType, EvidenceSpan, Location, Project
from coding.models.dataset_events import DatasetEventReport, DuplicateCandidate

# Settings a project may override under settings["dedup"].
SETTING_KEYS = ("window_days", "near_km", "threshold")


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One report as read from the database, before it becomes a pure `Report`."""

    gold_id: int
    dataset_event_id: int
    article_id: int
    event_type_id: int
    event_subtype_id: int | None
    date_start: dt.date
    date_end: dt.date
    date_precision: int | None
    location_id: int | None
    values: dict[str, Any]


_FIELDS = (
    "id",
    "dataset_report__dataset_event_id",
    "article_id",
    "event_type_id",
    "event_subtype_id",
    "date_start",
    "date_end",
    "date_precision",
    "location_id",
    "values",
)


def finder_settings(project: Project) -> FinderSettings:
    """The finder's settings for this project: the defaults, with any of `SETTING_KEYS` the
    project sets under settings["dedup"]."""
    overrides = (project.settings or {}).get("dedup") or {}
    defaults = FinderSettings()
    return FinderSettings(
        window_days=int(overrides.get("window_days", defaults.window_days)),
        near_km=float(overrides.get("near_km", defaults.near_km)),
        threshold=float(overrides.get("threshold", defaults.threshold)),
    )


def _live_reports() -> Any:
    return CodedEvent.objects.filter(
        layer=CodedEvent.Layer.GOLD,
        date_start__isnull=False,
        date_end__isnull=False,
        # Both in one filter(): an inner join (isnull=True alone would also match gold
        # events without a report, as a left join).
        dataset_report__isnull=False,
        dataset_report__dataset_event__retired_at__isnull=True,
    )


def _rows(queryset: Any) -> list[ReportRow]:
    return [ReportRow(*values) for values in queryset.values_list(*_FIELDS)]


def article_reports(article_id: int) -> list[ReportRow]:
    """The live, dated reports of one article (its validated gold events)."""
    return _rows(_live_reports().filter(article_id=article_id).order_by("id"))


def project_reports_chunk(
    project_id: int, after: tuple[dt.date, int] | None, size: int
) -> list[ReportRow]:
    """The next `size` live, dated reports of the project in (date_start, id) order, after
    the cursor `after` (keyset pagination: each chunk is one index range, memory bounded)."""
    reports = _live_reports().filter(dataset_report__dataset_event__project_id=project_id)
    if after is not None:
        day, gold_id = after
        reports = reports.filter(Q(date_start__gt=day) | Q(date_start=day, id__gt=gold_id))
    return _rows(reports.order_by("date_start", "id")[:size])


def longest_gold_span_days() -> int | None:
    """The longest date range (end - start, days) in the gold layer: the last entry of the
    span index on PostgreSQL. None elsewhere (the demo then scans without the bound)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT max(date_end - date_start) FROM coding_codedevent WHERE layer = 'gold'"
        )
        longest = cursor.fetchone()[0]
    return int(longest or 0)


@lru_cache(maxsize=64)
def _type_tree(version_id: int) -> dict[int, tuple[str, int | None]]:
    """EventType id → (code, parent id) for a codebook version (its types never change)."""
    return {
        pk: (code, parent)
        for pk, code, parent in EventType.objects.filter(version_id=version_id).values_list(
            "id", "code", "parent_id"
        )
    }


def compatible_type_ids(version_id: int, event_type_ids: Iterable[int]) -> set[int]:
    """Event types whose reports may pair with reports of `event_type_ids`: the same type,
    its parent, its children, and its siblings (sub-types of one parent)."""
    tree = _type_tree(version_id)
    children: dict[int | None, set[int]] = defaultdict(set)
    for pk, (_, parent) in tree.items():
        children[parent].add(pk)
    found: set[int] = set()
    for pk in event_type_ids:
        found.add(pk)
        found |= children.get(pk, set())
        parent = tree.get(pk, ("", None))[1]
        if parent is not None:
            found.add(parent)
            found |= children[parent]
    return found


def blocking_pool(
    *,
    project_id: int,
    type_ids: set[int],
    low: dt.date,
    high: dt.date,
    settings: FinderSettings,
    longest_span: int | None,
    exclude_articles: Sequence[int] = (),
) -> list[ReportRow]:
    """Live reports of the project with a type in `type_ids` whose own range, widened by
    its precision, overlaps [low, high] (a query range already widened by its own precision
    and the window). One index range on (event_type_id, date_start); the precision test is
    exact here and checked again by the pure blocking rule."""
    pads = dict(settings.precision_days)
    widest = max(pads.values(), default=0)
    by_precision = Q()
    for code, pad in pads.items():
        reach = dt.timedelta(days=pad)
        by_precision |= Q(
            date_precision=code, date_start__lte=high + reach, date_end__gte=low - reach
        )
    by_precision |= Q(date_precision__isnull=True, date_start__lte=high, date_end__gte=low)
    unknown = dt.timedelta(days=widest)
    by_precision |= Q(
        ~Q(date_precision__in=list(pads)),
        date_precision__isnull=False,
        date_start__lte=high + unknown,
        date_end__gte=low - unknown,
    )
    reports = _live_reports().filter(
        by_precision,
        event_type_id__in=sorted(type_ids),
        date_start__lte=high + unknown,
        dataset_report__dataset_event__project_id=project_id,
    )
    if longest_span is not None:
        reports = reports.filter(date_start__gte=low - unknown - dt.timedelta(days=longest_span))
    if exclude_articles:
        reports = reports.exclude(article_id__in=list(exclude_articles))
    return _rows(reports)


def not_same_dataset_events(dataset_event_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each given dataset event, the dataset events it must never be proposed with:
    those holding a report that a supervisor marked "not the same" as one of its reports."""
    wanted = set(dataset_event_ids)
    reports = dict(
        DatasetEventReport.objects.filter(dataset_event_id__in=wanted).values_list(
            "gold_event_id", "dataset_event_id"
        )
    )
    if not reports:
        return {}
    decided = list(
        DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.NOT_SAME)
        .filter(Q(event_a_id__in=list(reports)) | Q(event_b_id__in=list(reports)))
        .values_list("event_a_id", "event_b_id")
    )
    others = {b if a in reports else a for a, b in decided}
    holder = dict(
        DatasetEventReport.objects.filter(gold_event_id__in=others).values_list(
            "gold_event_id", "dataset_event_id"
        )
    )
    blocked: dict[int, set[int]] = defaultdict(set)
    for a, b in decided:
        for mine, theirs in ((a, b), (b, a)):
            if mine in reports and theirs in holder:
                blocked[reports[mine]].add(holder[theirs])
    return blocked


def _actor_ids(values: dict[str, Any], actor_keys: Sequence[str]) -> frozenset[int]:
    found: set[int] = set()
    for key in actor_keys:
        value = values.get(key)
        entries = value if isinstance(value, list) else [value]
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("id"), int):
                found.add(entry["id"])
    return frozenset(found)


def pure_reports(project: Project, rows: Sequence[ReportRow]) -> dict[int, Report]:
    """The pure `Report` of each row (by gold event id): type code and parent code, places
    from the gazetteer, actor ids from the codebook's actor fields, evidence text from the
    spans' quotes (in text order)."""
    version = project.codebook_version
    tree = _type_tree(version.pk)
    actor_keys = [f.key for f in version_spec(version).fields if f.kind == "actor"]
    location_ids = {row.location_id for row in rows if row.location_id is not None}
    places = {
        pk: Place(
            id=pk,
            name=name,
            kind=kind,
            country=country,
            admin1=admin1,
            admin2=admin2,
            lat=lat,
            lon=lon,
        )
        for pk, name, kind, country, admin1, admin2, lat, lon in Location.objects.filter(
            pk__in=location_ids
        ).values_list(
            "id", "name", "feature_kind", "country", "admin1", "admin2", "latitude", "longitude"
        )
    }
    quotes: dict[int, list[str]] = defaultdict(list)
    for event_id, quote in (
        EvidenceSpan.objects.filter(event_id__in=[row.gold_id for row in rows])
        .order_by("event_id", "start", "end")
        .values_list("event_id", "quote")
    ):
        quotes[event_id].append(quote)
    reports = {}
    for row in rows:
        parent: str | None
        if row.event_subtype_id is not None:
            code, parent = tree[row.event_subtype_id][0], tree[row.event_type_id][0]
        else:
            code, parent_id = tree[row.event_type_id]
            parent = tree[parent_id][0] if parent_id is not None else None
        reports[row.gold_id] = Report(
            id=row.gold_id,
            type_code=code,
            type_parent=parent,
            date_start=row.date_start,
            date_end=row.date_end,
            date_precision=row.date_precision,
            place=places.get(row.location_id) if row.location_id is not None else None,
            actors=_actor_ids(row.values, actor_keys),
            text=" ".join(quotes.get(row.gold_id, [])),
        )
    return reports
