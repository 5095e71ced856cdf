"""Reads for the "same event?" candidate finder: the live reports of an article or of a
chunk of a project, the blocking-compatible reports of a project around them (index-backed,
see migration 0016), the dataset-event pairs a supervisor marked "not the same", and the
conversion of rows into the pure package's `Report`s (coding.dedup.candidates).

A report is a validated gold event that reports a live dataset event. Reports without a date
are never candidates (the date is the blocking key; every codebook we ship requires it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from coding.codebook_runtime import version_spec
from coding.dedup.candidates import (
    FinderSettings,
    Place,
    Report,
    link_required,
    places_related,
)
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


def longest_gold_spans(codes: Iterable[int]) -> dict[int | None, int] | None:
    """The longest date range (end - start, days) of the gold layer for each precision code
    in `codes`, and under None for every other (or no) code: one entry of the span index per
    code on PostgreSQL. None elsewhere (the demo then reads without the bound)."""
    if connection.vendor != "postgresql":
        return None
    known = sorted(set(codes))
    spans: dict[int | None, int] = {}
    with connection.cursor() as cursor:
        for code in known:
            cursor.execute(
                "SELECT max(date_end - date_start) FROM coding_codedevent "
                "WHERE layer = 'gold' AND date_precision = %s",
                [code],
            )
            spans[code] = int(cursor.fetchone()[0] or 0)
        # Every other code, as index ranges (an OR of them would scan the whole index).
        others = ["date_precision IS NULL"]
        params: list[Any] = []
        if known:
            others += ["date_precision < %s", "date_precision > %s"]
            params += [known[0], known[-1]]
            gaps = sorted(set(range(known[0], known[-1] + 1)) - set(known))
            if gaps:
                others.append("date_precision = ANY(%s)")
                params.append(gaps)
        cursor.execute(
            " UNION ALL ".join(
                "SELECT max(date_end - date_start) AS span FROM coding_codedevent "  # noqa: S608
                f"WHERE layer = 'gold' AND {condition}"
                for condition in others
            ).join(["SELECT max(span) FROM (", ") AS spans"]),
            params,
        )
        spans[None] = int(cursor.fetchone()[0] or 0)
    return spans


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


@dataclass(frozen=True, slots=True)
class Link:
    """What another report must share with the query for the pair to be able to reach the
    threshold (see coding.dedup.candidates.link_required): an actor, or a related place."""

    actor_keys: tuple[str, ...]
    actor_ids: frozenset[int]
    place_ids: frozenset[int]


_FIELD_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def query_link(project: Project, row: ReportRow, settings: FinderSettings) -> Link | None:
    """The link other reports need with `row`, or None when any report may pair with it
    (the settings allow unlinked pairs, the report names no actor or has no place, or the
    database cannot filter JSON by path)."""
    if connection.vendor != "postgresql" or not link_required(settings):
        return None
    if row.location_id is None:
        return None
    version = project.codebook_version
    keys = tuple(f.key for f in version_spec(version).fields if f.kind == "actor")
    actors = _actor_ids(row.values, keys)
    if not actors or not all(_FIELD_KEY.match(key) for key in keys):
        return None
    place = _places([row.location_id]).get(row.location_id)
    if place is None:
        return None
    nearby = Location.objects.all()
    if place.country:
        nearby = nearby.filter(country__in=[place.country, ""])
    related = {
        other.id
        for other in _places_of(nearby)
        if other.id == place.id or places_related(place, other, settings)
    }
    return Link(keys, actors, frozenset(related))


def _link_filter(link: Link) -> Q:
    """Rows linked to the query: no place, a related place, no actor, or a shared actor.
    The actor tests are jsonpath over the codebook's actor fields (a list value is unwrapped
    by jsonpath's lax mode); the path text is built from checked field keys and integers and
    passed as a parameter."""
    shares = " || ".join(
        f'@."{key}".id == {actor}' for key in link.actor_keys for actor in sorted(link.actor_ids)
    )
    names_any = " || ".join(f'exists(@."{key}".id)' for key in link.actor_keys)
    shared_actor = RawSQL(
        "jsonb_path_exists(coding_codedevent.values, %s::jsonpath)",
        (f"$ ? ({shares})",),
        output_field=BooleanField(),
    )
    no_actor = RawSQL(
        "NOT jsonb_path_exists(coding_codedevent.values, %s::jsonpath)",
        (f"$ ? ({names_any})",),
        output_field=BooleanField(),
    )
    return (
        Q(location_id__isnull=True)
        | Q(location_id__in=sorted(link.place_ids))
        | Q(shared_actor)
        | Q(no_actor)
    )


def blocking_pool(
    *,
    project_id: int,
    type_ids: set[int],
    low: dt.date,
    high: dt.date,
    settings: FinderSettings,
    longest_spans: dict[int | None, int] | None,
    exclude_articles: Sequence[int] = (),
    link: Link | None = None,
) -> list[ReportRow]:
    """Live reports of the project with a type in `type_ids` whose own range, widened by
    its precision, overlaps [low, high] (a query range already widened by its own precision
    and the window). One index range per event type and precision on (event_type_id,
    date_precision, date_start), bounded below by `longest_spans` (see
    `longest_gold_spans`); the precision test is exact here and checked again by the pure
    blocking rule."""
    pads = dict(settings.precision_days)
    widest = dt.timedelta(days=max(pads.values(), default=0))

    def starts(pad: dt.timedelta, code: int | None) -> Q:
        # One index range per precision: a start before low - pad - (the longest range of
        # that precision) cannot reach the window.
        if longest_spans is None:
            return Q(date_start__lte=high + pad)
        earliest = low - pad - dt.timedelta(days=longest_spans.get(code, 0))
        return Q(date_start__lte=high + pad, date_start__gte=earliest)

    by_precision = Q()
    for code, days in pads.items():
        pad = dt.timedelta(days=days)
        by_precision |= Q(starts(pad, code), date_precision=code, date_end__gte=low - pad)
    none = dt.timedelta(0)
    by_precision |= Q(starts(none, None), date_precision__isnull=True, date_end__gte=low)
    # Codes the settings do not know widen by the widest pad. Written as ranges of codes
    # (below, between and above the known ones) so that each is an index range too.
    if pads:
        unknown = Q(date_precision__lt=min(pads)) | Q(date_precision__gt=max(pads))
        gaps = sorted(set(range(min(pads), max(pads) + 1)) - set(pads))
        if gaps:
            unknown |= Q(date_precision__in=gaps)
    else:
        unknown = Q(date_precision__isnull=False)
    by_precision |= Q(unknown, starts(widest, None), date_end__gte=low - widest)
    reports = _live_reports().filter(
        by_precision,
        event_type_id__in=sorted(type_ids),
        dataset_report__dataset_event__project_id=project_id,
    )
    if exclude_articles:
        reports = reports.exclude(article_id__in=list(exclude_articles))
    if link is not None:
        reports = reports.filter(_link_filter(link))
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


def _places_of(locations: Any) -> list[Place]:
    return [
        Place(id=pk, name=name, kind=kind, country=country, admin1=a1, admin2=a2, lat=lat, lon=lon)
        for pk, name, kind, country, a1, a2, lat, lon in locations.values_list(
            "id", "name", "feature_kind", "country", "admin1", "admin2", "latitude", "longitude"
        )
    ]


def _places(ids: Iterable[int]) -> dict[int, Place]:
    return {place.id: place for place in _places_of(Location.objects.filter(pk__in=list(ids)))}


def pure_reports(project: Project, rows: Sequence[ReportRow]) -> dict[int, Report]:
    """The pure `Report` of each row (by gold event id): type code and parent code, places
    from the gazetteer, actor ids from the codebook's actor fields, evidence text from the
    spans' quotes (in text order)."""
    version = project.codebook_version
    tree = _type_tree(version.pk)
    actor_keys = [f.key for f in version_spec(version).fields if f.kind == "actor"]
    places = _places({row.location_id for row in rows if row.location_id is not None})
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
