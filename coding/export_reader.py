"""Gold event rows to ``coding.exporting.ExportEvent`` records, a chunk at a time.

``EventReader`` builds the records of a chunk of gold event rows (``EVENT_COLUMNS``) with a
fixed number of queries by id (articles, adjudications, agreement, dictionary entries, spans,
decisions, sources). A reference to a dictionary entry that no longer exists is exported as a
placeholder entry named "(deleted actor 12)" / "(deleted location 7)", without coordinates.
Split from ``coding.export_selectors``, which chooses the rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.db import connection
from django.db.models import BigIntegerField, F, Func, Max, Subquery

from coding.codebook_spec import CodebookSpec
from coding.export_links import RowRelinker
from coding.export_queries import AnyOf, reference_ids, resolved_entries
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
    Adjudication,
    AdjudicationDecision,
    AgreementResult,
    AgreementRun,
    Article,
    EventType,
    EvidenceSpan,
    Location,
    LocationAlias,
    Project,
)

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
