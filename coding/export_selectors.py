"""Validated (gold) events as `coding.exporting.ExportEvent` records, streamed in chunks.

Only gold events of articles whose adjudication is validated are exported. Each chunk of
events costs a fixed number of queries (events, articles, adjudications, agreement, actors,
places, spans, decisions, sources), so memory and query count stay bounded however large the
project. A reference to a dictionary entry that no longer exists is exported as a placeholder
entry named "(deleted actor 12)" / "(deleted location 7)", without coordinates.

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
from collections import defaultdict
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import groupby, islice
from operator import itemgetter
from typing import Any

from django.db import connection, transaction
from django.db.models import BigIntegerField, F, Func, Max, Q, QuerySet, Subquery

from coding.codebook_runtime import version_spec
from coding.codebook_spec import CodebookSpec
from coding.export_dataset_events import (
    DatasetCombiner,
    changed_since,
    grouping,
    plan_chunk,
    tombstones,
)
from coding.export_links import RowRelinker
from coding.export_queries import EVENT_COLUMNS, AnyOf, reference_ids, resolved_entries
from coding.exporting import (
    ExportActor,
    ExportArticle,
    ExportCodebook,
    ExportEvent,
    ExportEventType,
    ExportLocation,
    ExportProvenance,
    ExportSpan,
)
from coding.exporting.admin_units import admin1_codes
from coding.models import (
    Actor,
    ActorAlias,
    Adjudication,
    AdjudicationDecision,
    AgreementResult,
    AgreementRun,
    Article,
    CodedEvent,
    EventType,
    EvidenceSpan,
    Location,
    LocationAlias,
    Project,
)

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


_ARTICLE_COLUMNS = (
    "id",
    "title",
    "source",
    "url",
    "published_at",
    "external_id",
    "language",
    "metadata",
)


def deleted_actor(actor_id: int) -> ExportActor:
    """Stands for an actor that a gold event refers to but the dictionary no longer has."""
    return ExportActor(actor_id, f"(deleted actor {actor_id})", None, "")


def deleted_location(location_id: int) -> ExportLocation:
    """Stands for a place that a gold event refers to but the gazetteer no longer has."""
    return ExportLocation(location_id, f"(deleted location {location_id})", "", "", "", None, None)


def _event_types(version_id: int) -> dict[int, ExportEventType]:
    return {
        pk: ExportEventType(code, labels)
        for pk, code, labels in EventType.objects.filter(version_id=version_id).values_list(
            "id", "code", "labels"
        )
    }


class EventReader:
    """Turns chunks of gold event rows into ``ExportEvent``s with a fixed number of queries
    per chunk (articles, adjudications, agreement, dictionary entries, spans, decisions,
    sources), all by id. What many events share is built once and shared: dictionary
    entries and event types for the whole export (their number is bounded by the
    dictionaries), articles with their agreement and adjudication facts per chunk."""

    def __init__(self, project: Project, spec: CodebookSpec) -> None:
        version = project.codebook_version
        self.project = project
        self.codebook = ExportCodebook(version.codebook.slug, version.number, spec.preset)
        self.types = _event_types(version.pk)
        self.actor_keys = tuple(f.key for f in spec.fields if f.kind == "actor")
        self.location_keys = tuple(f.key for f in spec.fields if f.kind == "location")
        self.actors: dict[int, ExportActor] = {}
        self.places: dict[int, ExportLocation] = {}
        self.articles: dict[int, tuple[ExportArticle, dict[str, float | None]]] = {}
        self.adjudications: dict[int, tuple[dt.datetime | None, int]] = {}
        self.relinker = RowRelinker(project, spec)

    def events(self, rows: list[tuple[Any, ...]]) -> list[ExportEvent]:
        if self.relinker:  # names frozen gold keeps, read as the entries they were resolved to
            rows = self.relinker.rows(rows)
        ids = [row[0] for row in rows]
        articles = self._articles({row[1] for row in rows})
        adjudications = self._adjudications({row[2] for row in rows})
        actors = self._actors(reference_ids(self.actor_keys, rows))
        places = self._places(
            reference_ids(self.location_keys, rows) | {row[11] for row in rows if row[11]}
        )
        spans = _spans(ids)
        provenances = _provenances(ids)
        types = self.types
        events = []
        for (
            event_id,
            article_id,
            adjudication_id,
            type_id,
            subtype_id,
            values,
            date_start,
            date_end,
            date_precision,
            geo_precision,
            fatalities,
            location_id,
        ) in rows:
            article, agreement = articles[article_id]
            validated_at, revision = adjudications[adjudication_id]
            provenance = provenances.get(event_id)
            if provenance is None:  # no live decision: the gold event was edited by hand
                provenance = ExportProvenance("edit", (), "", None, "", revision)
            events.append(
                ExportEvent(
                    event_id=event_id,
                    article=article,
                    codebook=self.codebook,
                    event_type=types[type_id],
                    event_subtype=types[subtype_id] if subtype_id else None,
                    values=values,
                    date_start=date_start,
                    date_end=date_end,
                    date_precision=date_precision,
                    geo_precision=geo_precision,
                    fatalities=fatalities,
                    location=places[location_id] if location_id else None,
                    actors=resolved_entries(values, self.actor_keys, actors),
                    places=resolved_entries(values, self.location_keys, places),
                    evidence=spans.get(event_id, ()),
                    provenance=provenance,
                    validated_at=validated_at,
                    agreement=agreement,
                )
            )
        return events

    def typed_entries(
        self, key: str, value: Any
    ) -> tuple[tuple[ExportActor, ...], tuple[ExportLocation, ...]]:
        """The dictionary entries that ``value`` (typed by a supervisor for field ``key`` of
        a dataset event) refers to, as ``(actors, places)``."""
        row = (None,) * 5 + ({key: value},)
        if key in self.actor_keys:
            actors = self._actors(reference_ids((key,), [row]))
            return resolved_entries({key: value}, (key,), actors).get(key, ()), ()
        if key in self.location_keys:
            places = self._places(reference_ids((key,), [row]))
            return (), resolved_entries({key: value}, (key,), places).get(key, ())
        return (), ()

    def _articles(
        self, needed: set[int]
    ) -> dict[int, tuple[ExportArticle, dict[str, float | None]]]:
        """The chunk's articles (kept for the next chunk, which may continue one of them),
        each with the alpha per field of its latest agreement run."""
        known = self.articles
        missing = needed.difference(known)
        fetched = {}
        if missing:
            agreement = _agreement(self.project, missing)
            for (
                pk,
                title,
                source,
                url,
                published_at,
                external_id,
                language,
                metadata,
            ) in Article.objects.filter(AnyOf(F("id"), missing)).values_list(*_ARTICLE_COLUMNS):
                article = ExportArticle(
                    pk,
                    title,
                    source,
                    url,
                    published_at,
                    external_id,
                    language,
                    str((metadata or {}).get("source_scale", "")),
                )
                fetched[pk] = (article, agreement.get(pk, {}))
        self.articles = {pk: known.get(pk) or fetched[pk] for pk in needed}
        return self.articles

    def _adjudications(self, needed: set[int]) -> dict[int, tuple[dt.datetime | None, int]]:
        known = self.adjudications
        missing = needed.difference(known)
        fetched = {}
        if missing:
            fetched = {
                pk: (validated_at, revision)
                for pk, validated_at, revision in Adjudication.objects.filter(
                    AnyOf(F("id"), missing)
                ).values_list("id", "validated_at", "revision")
            }
        self.adjudications = {pk: known.get(pk) or fetched[pk] for pk in needed}
        return self.adjudications

    def _actors(self, needed: set[int]) -> dict[int, ExportActor]:
        missing = needed.difference(self.actors)
        if missing:
            aliases = _aliases(ActorAlias, "actor_id", missing)
            for pk, name, actor_type, country, external_id in Actor.objects.filter(
                AnyOf(F("id"), missing)
            ).values_list("id", "name", "actor_type", "country", "external_id"):
                self.actors[pk] = ExportActor(
                    pk, name, actor_type, country, tuple(aliases.get(pk, ())), external_id
                )
            for pk in missing.difference(self.actors):
                self.actors[pk] = deleted_actor(pk)
        return self.actors

    def _places(self, needed: set[int]) -> dict[int, ExportLocation]:
        missing = needed.difference(self.places)
        if missing:
            aliases = _aliases(LocationAlias, "location_id", missing)
            for place in Location.objects.filter(AnyOf(F("id"), missing)).values_list(
                "id", "name", "country", "admin1", "admin2", "latitude", "longitude", "external_id"
            ):
                pk = place[0]
                self.places[pk] = ExportLocation(
                    *place[:7], aliases=tuple(aliases.get(pk, ())), external_id=place[7]
                )
            for pk in missing.difference(self.places):
                self.places[pk] = deleted_location(pk)
        return self.places


def _aliases(model: Any, owner: str, ids: set[int]) -> dict[int, list[str]]:
    aliases: dict[int, list[str]] = defaultdict(list)
    for owner_id, text in (
        model.objects.filter(AnyOf(F(owner), ids)).order_by("id").values_list(owner, "text")
    ):
        aliases[owner_id].append(text)
    return aliases


def _agreement(project: Project, article_ids: set[int]) -> dict[int, dict[str, float | None]]:
    """Alpha per field (``event_presence`` for detection) of each article's latest run."""
    latest = (
        AgreementRun.objects.filter(
            AnyOf(F("article_id"), article_ids), project=project, scope="article", status="done"
        )
        .values("article_id")
        .annotate(latest=Max("id"))
        .values("latest")
    )
    agreement: dict[int, dict[str, float | None]] = defaultdict(dict)
    for article_id, key, value in (
        AgreementResult.objects.filter(run_id__in=Subquery(latest))
        .order_by("id")
        .values_list("run__article_id", "field_key", "value")
    ):
        agreement[article_id][key or "event_presence"] = value
    return agreement


def _spans(ids: list[int]) -> dict[int, tuple[ExportSpan, ...]]:
    """Evidence of each event, by start, end and id."""
    rows = (
        EvidenceSpan.objects.filter(AnyOf(F("event_id"), ids))
        .order_by("event_id", "start", "end", "id")
        .values_list("event_id", "role", "start", "end", "quote")
    )
    return {
        event_id: tuple(ExportSpan(role, start, end, quote) for _, role, start, end, quote in group)
        for event_id, group in groupby(rows, key=itemgetter(0))
    }


def _provenances(ids: list[int]) -> dict[int, ExportProvenance]:
    """The live decision (not an edit) that made each gold event, with its source events;
    the last one when there are several."""
    decisions = list(
        AdjudicationDecision.objects.filter(AnyOf(F("gold_event_id"), ids), active=True)
        .exclude(kind="edit")
        .order_by("id")
        .values_list(
            "id",
            "gold_event_id",
            "kind",
            "decided_by__username",
            _instant("decided_at"),
            "reason_code",
            "revision",
        )
    )
    sources: dict[int, list[int]] = defaultdict(list)
    through = AdjudicationDecision.source_events.through
    for decision_id, source_id in through.objects.filter(
        AnyOf(F("adjudicationdecision_id"), [d[0] for d in decisions])
    ).values_list("adjudicationdecision_id", "codedevent_id"):
        sources[decision_id].append(source_id)
    return {
        event_id: ExportProvenance(
            kind, tuple(sorted(sources.get(pk, ()))), username, _datetime(decided), code, revision
        )
        for pk, event_id, kind, username, decided, code, revision in decisions
    }


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _instant(field: str) -> Any:
    """A timestamp column to fetch for every event: on PostgreSQL as exact microseconds
    since the Unix epoch (decoding timestamp text costs several µs a row in Python; an
    integer nearly nothing), elsewhere as it is. ``_datetime`` turns it back."""
    if connection.vendor != "postgresql":
        return F(field)
    return Func(
        F(field),
        template="(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint",
        output_field=BigIntegerField(),
    )


def _datetime(value: int | dt.datetime | None) -> dt.datetime | None:
    """The aware UTC datetime of an ``_instant`` column, as Django would load it."""
    if isinstance(value, int):
        return _EPOCH + dt.timedelta(microseconds=value)
    return value


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
