"""Validated (gold) events as `coding.exporting.ExportEvent` records, streamed in chunks.

Only gold events of articles whose adjudication is validated are exported. Each chunk of
events costs a fixed number of queries (events, spans, decisions, sources, actors, places,
agreement), so memory and query count stay bounded however large the project.

Incremental sync (`validated_since=T`): the events of articles validated after T (their
current gold events, as upserts), plus tombstones (`retracted=True`) for gold events that were
retracted after T because their article was reopened — unless the event is gold again in the
same answer. Everything is cut at `as_of` (the time the export started), which the client
keeps as its next T.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db.models import Q, QuerySet

from coding.codebook_runtime import version_spec
from coding.codebook_spec import CodebookSpec
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
from coding.models import (
    Actor,
    ActorAlias,
    AdjudicationDecision,
    AgreementResult,
    CodedEvent,
    EventType,
    EvidenceSpan,
    GoldRetraction,
    Location,
    LocationAlias,
    Project,
)
from coding.selectors import latest_article_run_ids

CHUNK = 2000


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
        queryset = queryset.filter(adjudication__validated_at__gt=filters.validated_since)
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
    if filters.admin1:
        queryset = queryset.filter(location__admin1=filters.admin1)
    if filters.country:
        queryset = queryset.filter(location__country=filters.country.upper())
    if filters.source:
        queryset = queryset.filter(article__source=filters.source)
    return queryset.order_by("id")


_EVENT_COLUMNS = (
    "id",
    "article_id",
    "event_type_id",
    "event_subtype_id",
    "values",
    "date_start",
    "date_end",
    "date_precision",
    "geo_precision",
    "fatalities",
    "location_id",
    "adjudication__validated_at",
    "adjudication__revision",
    "article__title",
    "article__source",
    "article__url",
    "article__published_at",
    "article__external_id",
    "article__language",
    "article__metadata",
)


def _event_types(version_id: int) -> dict[int, ExportEventType]:
    return {
        pk: ExportEventType(code, labels)
        for pk, code, labels in EventType.objects.filter(version_id=version_id).values_list(
            "id", "code", "labels"
        )
    }


def _reference_ids(spec: CodebookSpec, rows: list[tuple[Any, ...]], kind: str) -> set[int]:
    keys = [f.key for f in spec.fields if f.kind == kind]
    ids: set[int] = set()
    for row in rows:
        values = row[4]
        for key in keys:
            value = values.get(key)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict) and item.get("id") is not None:
                    ids.add(int(item["id"]))
    return ids


def _actors(ids: set[int]) -> dict[int, ExportActor]:
    aliases: dict[int, list[str]] = defaultdict(list)
    for actor_id, text in ActorAlias.objects.filter(actor_id__in=ids).values_list(
        "actor_id", "text"
    ):
        aliases[actor_id].append(text)
    return {
        a[0]: ExportActor(a[0], a[1], a[2], a[3], tuple(aliases[a[0]]), a[4])
        for a in Actor.objects.filter(pk__in=ids).values_list(
            "id", "name", "actor_type", "country", "external_id"
        )
    }


def _places(ids: set[int]) -> dict[int, ExportLocation]:
    aliases: dict[int, list[str]] = defaultdict(list)
    for place_id, text in LocationAlias.objects.filter(location_id__in=ids).values_list(
        "location_id", "text"
    ):
        aliases[place_id].append(text)
    return {
        p[0]: ExportLocation(p[0], p[1], p[2], p[3], p[4], p[5], p[6], tuple(aliases[p[0]]), p[7])
        for p in Location.objects.filter(pk__in=ids).values_list(
            "id", "name", "country", "admin1", "admin2", "latitude", "longitude", "external_id"
        )
    }


def _resolved(
    spec: CodebookSpec, values: dict[str, Any], kind: str, table: dict[int, Any]
) -> dict[str, tuple[Any, ...]]:
    out: dict[str, tuple[Any, ...]] = {}
    for fdef in spec.fields:
        if fdef.kind != kind:
            continue
        value = values.get(fdef.key)
        items = value if isinstance(value, list) else [value]
        resolved = tuple(
            table[int(i["id"])]
            for i in items
            if isinstance(i, dict) and i.get("id") is not None and int(i["id"]) in table
        )
        if resolved:
            out[fdef.key] = resolved
    return out


def _chunk_events(
    project: Project,
    spec: CodebookSpec,
    rows: list[tuple[Any, ...]],
    types: dict[int, ExportEventType],
    codebook: ExportCodebook,
) -> list[ExportEvent]:
    ids = [row[0] for row in rows]
    spans: dict[int, list[ExportSpan]] = defaultdict(list)
    for event_id, role, start, end, quote in (
        EvidenceSpan.objects.filter(event_id__in=ids)
        .order_by("start", "end", "id")
        .values_list("event_id", "role", "start", "end", "quote")
    ):
        spans[event_id].append(ExportSpan(role, start, end, quote))
    decisions = {}
    for pk, event_id, kind, username, decided_at, code, revision in (
        AdjudicationDecision.objects.filter(gold_event_id__in=ids, active=True)
        .exclude(kind="edit")
        .values_list(
            "id",
            "gold_event_id",
            "kind",
            "decided_by__username",
            "decided_at",
            "reason_code",
            "revision",
        )
    ):
        decisions[event_id] = (pk, kind, username, decided_at, code, revision)
    sources: dict[int, list[int]] = defaultdict(list)
    through = AdjudicationDecision.source_events.through
    for decision_id, source_id in through.objects.filter(
        adjudicationdecision_id__in=[d[0] for d in decisions.values()]
    ).values_list("adjudicationdecision_id", "codedevent_id"):
        sources[decision_id].append(source_id)
    actors = _actors(_reference_ids(spec, rows, "actor"))
    place_ids = _reference_ids(spec, rows, "location") | {r[10] for r in rows if r[10]}
    places = _places(place_ids)
    agreement: dict[int, dict[str, float | None]] = defaultdict(dict)
    for article_id, key, value in AgreementResult.objects.filter(
        run_id__in=latest_article_run_ids(project), run__article_id__in={r[1] for r in rows}
    ).values_list("run__article_id", "field_key", "value"):
        agreement[article_id][key or "event_presence"] = value
    events = []
    for row in rows:
        (
            event_id,
            article_id,
            type_id,
            subtype_id,
            values,
            date_start,
            date_end,
            date_precision,
            geo_precision,
            fatalities,
            location_id,
            validated_at,
            revision,
            title,
            source,
            url,
            published_at,
            external_id,
            language,
            metadata,
        ) = row
        decision = decisions.get(event_id)
        provenance = ExportProvenance(
            decision_kind=decision[1] if decision else "edit",
            source_event_ids=tuple(sorted(sources.get(decision[0], []))) if decision else (),
            decided_by=decision[2] if decision else "",
            decided_at=decision[3] if decision else None,
            reason_code=decision[4] if decision else "",
            revision=decision[5] if decision else revision,
        )
        events.append(
            ExportEvent(
                event_id=event_id,
                article=ExportArticle(
                    article_id,
                    title,
                    source,
                    url,
                    published_at,
                    external_id,
                    language,
                    str((metadata or {}).get("source_scale", "")),
                ),
                codebook=codebook,
                event_type=types[type_id],
                event_subtype=types[subtype_id] if subtype_id else None,
                values=values,
                date_start=date_start,
                date_end=date_end,
                date_precision=date_precision,
                geo_precision=geo_precision,
                fatalities=fatalities,
                location=places.get(location_id) if location_id else None,
                actors=_resolved(spec, values, "actor", actors),
                places=_resolved(spec, values, "location", places),
                evidence=tuple(spans[event_id]),
                provenance=provenance,
                validated_at=validated_at,
                agreement=agreement.get(article_id, {}),
            )
        )
    return events


def _tombstones(
    project: Project,
    since: dt.datetime,
    as_of: dt.datetime,
    exported: set[int],
    codebook: ExportCodebook,
) -> Iterator[ExportEvent]:
    retracted = (
        GoldRetraction.objects.filter(
            project=project, retracted_at__gt=since, retracted_at__lte=as_of
        )
        .order_by("event_id", "-retracted_at")
        .values_list("event_id", "article_id", "retracted_at", "revision")
    )
    seen: set[int] = set()
    placeholder = ExportEventType("", {})
    for event_id, article_id, retracted_at, revision in retracted.iterator(chunk_size=CHUNK):
        if event_id in exported or event_id in seen:
            continue
        seen.add(event_id)
        yield ExportEvent(
            event_id=event_id,
            article=ExportArticle(article_id, "", "", "", None, "", ""),
            codebook=codebook,
            event_type=placeholder,
            event_subtype=None,
            values={},
            date_start=None,
            date_end=None,
            date_precision=None,
            geo_precision=None,
            fatalities=None,
            location=None,
            actors={},
            evidence=(),
            provenance=ExportProvenance("retracted", (), "", retracted_at, "", revision),
            validated_at=retracted_at,
            retracted=True,
        )


def iter_export_events(
    project: Project, filters: ExportFilters, as_of: dt.datetime
) -> Iterator[ExportEvent]:
    """Every exportable event (then tombstones, for incremental sync), chunk by chunk."""
    version = project.codebook_version
    spec = version_spec(version)
    types = _event_types(version.pk)
    codebook = ExportCodebook(version.codebook.slug, version.number, spec.preset)
    rows = (
        gold_events(project, filters, as_of).values_list(*_EVENT_COLUMNS).iterator(chunk_size=CHUNK)
    )
    exported: set[int] = set()
    while chunk := list(islice(rows, CHUNK)):
        if filters.validated_since:
            exported.update(row[0] for row in chunk)
        yield from _chunk_events(project, spec, chunk, types, codebook)
    if filters.validated_since:
        yield from _tombstones(project, filters.validated_since, as_of, exported, codebook)
