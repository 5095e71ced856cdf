"""Validated (gold) events as `coding.exporting.ExportEvent` records, streamed in chunks.

Only gold events of articles whose adjudication is validated are exported. Each chunk of
events costs a fixed number of queries (events, articles, adjudications, agreement, actors,
places, spans, decisions, sources), so memory and query count stay bounded however large the
project; ``coding.export_reader.EventReader`` builds the records.

Incremental sync (`validated_since=T`): the events of articles validated after T (their
current gold events, as upserts), plus tombstones (`retracted=True`) for gold events that were
retracted after T because their article was reopened — unless the event is gold again in the
same answer. Everything is cut at `as_of` (the time the export started), which the client
keeps as its next T.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice

from django.db import connection, transaction
from django.db.models import Q, QuerySet

from coding.codebook_runtime import version_spec
from coding.codebook_spec import CodebookSpec
from coding.export_dataset_events import (
    DatasetCombiner,
    changed_since,
    grouping,
    plan_chunk,
    tombstones,
)
from coding.export_queries import EVENT_COLUMNS, AnyOf
from coding.export_reader import EventReader, deleted_actor, deleted_location
from coding.exporting import ExportEvent
from coding.exporting.admin_units import admin1_codes
from coding.models import CodedEvent, Project

__all__ = [
    "CHUNK",
    "EVENT_COLUMNS",
    "AnyOf",
    "EventReader",
    "ExportFilters",
    "deleted_actor",
    "deleted_location",
    "fewer_collections",
    "gold_events",
    "iter_export_events",
    "read_snapshot",
]

CHUNK = 5000
"""Gold events per chunk: per-chunk queries stay few, a chunk's records a few MB."""


@dataclass(frozen=True)
class ExportFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    event_type: str | None = None  # a type or sub-type code
    actor: int | None = None
    location: int | None = None
    admin1: str | None = None
    country: str | None = None
    source: str | None = None
    validated_since: dt.datetime | None = None


def gold_events(
    project: Project, filters: ExportFilters, as_of: dt.datetime
) -> QuerySet[CodedEvent]:
    spec = version_spec(project.codebook_version)
    queryset = CodedEvent.objects.filter(
        article__project=project,
        layer=CodedEvent.Layer.GOLD,
        adjudication__status="validated",
        adjudication__validated_at__lte=as_of,
    )
    if filters.validated_since:
        queryset = queryset.filter(changed_since(filters.validated_since))
    if filters.date_from:
        queryset = queryset.filter(
            Q(date_end__gte=filters.date_from)
            | Q(date_end__isnull=True, date_start__gte=filters.date_from)
        )
    if filters.date_to:
        queryset = queryset.filter(date_start__lte=filters.date_to)
    if filters.event_type:
        queryset = queryset.filter(
            Q(event_type__code=filters.event_type) | Q(event_subtype__code=filters.event_type)
        )
    if filters.actor:
        condition = Q()
        for fdef in spec.fields:
            if fdef.kind != "actor":
                continue
            if fdef.multiple:
                condition |= Q(**{f"values__{fdef.key}__contains": [{"id": filters.actor}]})
            else:
                condition |= Q(**{f"values__{fdef.key}__id": filters.actor})
        queryset = queryset.filter(condition) if condition else queryset.none()
    if filters.location:
        queryset = queryset.filter(location_id=filters.location)
    if filters.admin1:  # a region's name ("Tombouctou") or its ISO 3166-2 code ("ML-6")
        queryset = queryset.filter(location__admin1__in=admin1_codes(filters.admin1))
    if filters.country:
        queryset = queryset.filter(location__country=filters.country.upper())
    if filters.source:
        queryset = queryset.filter(article__source=filters.source)
    return queryset.order_by("id")


def iter_export_events(
    project: Project, filters: ExportFilters, as_of: dt.datetime
) -> Iterator[ExportEvent]:
    """Every exportable event (then tombstones, for incremental sync), chunk by chunk.

    Everything is read in one read-only transaction (on PostgreSQL a REPEATABLE READ
    snapshot, so the events, their spans and decisions agree with each other even while
    supervisors work), unless the caller is already in a transaction, which is then used.
    The events come from a server-side cursor, ``CHUNK`` rows at a time.
    """
    spec = version_spec(project.codebook_version)
    with fewer_collections(), read_snapshot():
        chunks = _event_chunks(project, spec, filters, as_of)
        try:
            for chunk in chunks:
                yield from chunk
        finally:
            chunks.close()  # the cursor goes before the transaction, even when stopped early


def _event_chunks(
    project: Project, spec: CodebookSpec, filters: ExportFilters, as_of: dt.datetime
) -> Generator[list[ExportEvent]]:
    reader = EventReader(project, spec)
    group = grouping(project)
    combiner = DatasetCombiner(project, spec, reader)
    rows = gold_events(project, filters, as_of).values_list(*EVENT_COLUMNS).iterator(CHUNK)
    exported: set[int] = set()
    emitted: set[int] = set()
    while chunk := list(islice(rows, CHUNK)):
        plan, fresh = plan_chunk([row[0] for row in chunk], group, emitted)
        if not fresh and len(plan) == len(chunk):  # no report of a grouped event here
            events = reader.events(chunk)
        else:
            plain = iter(reader.events([row for row in chunk if not group.grouped(row[0])]))
            combined = combiner.combined(fresh, group, as_of)
            events = [next(plain) if isinstance(step, int) else combined[step[0]] for step in plan]
        if filters.validated_since:
            exported.update(event.event_id for event in events)
        yield events
    if filters.validated_since:
        stones = tombstones(project, filters.validated_since, as_of, exported, reader.codebook)
        while batch := list(islice(stones, CHUNK)):
            yield batch


@contextmanager
def read_snapshot() -> Iterator[None]:
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                # The export's query passes PostgreSQL's JIT cost threshold from ~100,000
                # rows and then spends ~1 s compiling expressions as trivial as a key
                # comparison: 10 µs a row at 100,000 rows, for nothing (bench_export.py).
                cursor.execute("SET LOCAL jit = off")
        yield


EXPORT_GC_THRESHOLD = 100_000
"""Allocations between young-generation collections while an export runs (Python's default
is 700). An export allocates millions of short-lived objects (rows, records) that form no
reference cycles; with the default the cyclic collector re-scans every live object of the
process again and again, which cost a third of an export's time."""

_gc_lock = threading.Lock()
_gc_exports = 0
_gc_saved: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the collector's young threshold while at least one export runs in the process
    (a count, so that concurrent exports in threads restore the settings only at the end)."""
    global _gc_exports, _gc_saved
    with _gc_lock:
        if _gc_exports == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(max(EXPORT_GC_THRESHOLD, _gc_saved[0]), *_gc_saved[1:])
        _gc_exports += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_exports -= 1
            if _gc_exports == 0:
                gc.set_threshold(*_gc_saved)
