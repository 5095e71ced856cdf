"""JSON Lines export: one nested, lossless JSON object per event (UTF-8, ``\\n`` endings)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from json.encoder import encode_basestring
from typing import Any

from coding.codebook_spec import CodebookSpec

from .cells import compact_encoder, finite_or_none, iso_date, iso_utc, plain
from .chunks import sink_chunks
from .countries import country_for
from .records import (
    ExportActor,
    ExportArticle,
    ExportCodebook,
    ExportEvent,
    ExportEventType,
    ExportLocation,
    ExportReport,
)

Shared = Callable[[Any, Callable[[Any], Any]], Any]
"""``shared(obj, build)`` gives ``build(obj)`` (a hook to share the parts of records)."""

MEMO_LIMIT = 4096
"""Distinct shared parts (entries, types, articles) a sink remembers; then it starts over."""


def _as_dict(value: Any) -> Any:
    # Mappings other than dict (MappingProxyType...) are written as JSON objects, as
    # ``plain`` would; tuples are written as arrays by json itself.
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# compact_json, plus mappings: the stored values are written without a plain() copy.
_line_json = compact_encoder(default=_as_dict)


def jsonl_chunks(events: Iterable[ExportEvent], spec: CodebookSpec) -> Iterator[str]:
    """The JSONL export of ``events`` as text chunks (encode them as UTF-8).

    A live event is written by ``event_record``; a retracted one as the tombstone
    ``{"event_id": n, "retracted": true, "retracted_at": t, "article": {"id": m}}`` (``t``
    from ``validated_at``, the time of the retraction) so that an incremental sync can
    delete it. ``spec`` names the actor fields whose proposed names join ``actors``.
    """
    return sink_chunks(JsonlSink(spec), events)


class JsonlSink:
    """The JSONL export as an incremental writer (``chunks.TextSink``).

    Lines are the ``event_record`` of each event, serialized compactly. The parts of a
    record that many events share (dictionary entries, event types, the article, the
    agreement figures) are serialized once per object and the line is assembled around
    them, in ``event_record``'s key order; the text is exactly ``compact_json`` of the record.
    """

    def __init__(self, spec: CodebookSpec) -> None:
        self._actor_keys = actor_field_keys(spec)
        self._location_keys = location_field_keys(spec)
        self._lines: list[str] = []
        self._pending = 0
        self._texts: dict[int, tuple[object, str]] = {}

    @property
    def pending(self) -> int:
        return self._pending

    def opening(self) -> str:
        return ""

    def add(self, event: ExportEvent) -> None:
        if event.retracted:
            record: dict[str, Any] = {
                "event_id": event.event_id,
                "retracted": True,
                "retracted_at": iso_utc(event.validated_at),
                # a split's fresh id was never a gold event's: its tombstone names no article
                "article": {"id": event.article.id} if event.article.id else None,
            }
            if event.merged_into is not None:
                record["merged_into"] = event.merged_into
            line = _line_json(record) + "\n"
        else:
            line = self._live_line(event)
        self._lines.append(line)
        self._pending += len(line)

    def take(self) -> str:
        text = "".join(self._lines)
        self._lines.clear()
        self._pending = 0
        return text

    def closing(self) -> str:
        return ""

    def _live_line(self, event: ExportEvent) -> str:
        actors = with_proposed_names(event, self._actor_keys)
        places = with_proposed_places(event, self._location_keys)
        if not all(type(key) is str for key in (*actors, *places)):  # json's own key rules
            return _line_json(_record(event, self._actor_keys, self._location_keys, _fresh)) + "\n"
        text = self._text
        provenance = event.provenance
        subtype = event.event_subtype
        location = event.location
        return "".join(
            [
                '{"event_id":',
                _scalar(event.event_id),
                ',"retracted":false,"codebook":',
                text(event.codebook, _codebook),
                ',"article":',
                text(event.article, _article),
                ',"event_type":',
                text(event.event_type, _type),
                ',"event_subtype":',
                text(subtype, _type) if subtype else "null",
                ',"values":',
                _line_json(event.values),
                ',"date":',
                _line_json(
                    {
                        "start": iso_date(event.date_start),
                        "end": iso_date(event.date_end),
                        "precision": event.date_precision,
                    }
                ),
                ',"location":',
                text(location, location_record) if location else "null",
                ',"geo_precision":',
                _scalar(event.geo_precision),
                ',"fatalities":',
                _scalar(event.fatalities),
                ',"actors":',
                self._entries(actors, actor_entry_record),
                ',"places":',
                self._entries(places, place_entry_record),
                ',"evidence":',
                _line_json([span.as_dict() for span in event.evidence]),
                ',"provenance":',
                _line_json(
                    {
                        "decision": provenance.decision_kind,
                        "source_events": list(provenance.source_event_ids),
                        "decided_by": provenance.decided_by,
                        "decided_at": iso_utc(provenance.decided_at),
                        "reason_code": provenance.reason_code,
                        "revision": provenance.revision,
                    }
                ),
                ',"validated_at":',
                text(event.validated_at, _utc_text),
                ',"agreement":',
                text(event.agreement, _agreement),
                # the report members, spliced in before the closing brace
                ("," + _line_json(_reports(event))[1:-1] + "}") if event.reports else "}",
                "\n",
            ]
        )

    def _entries(self, entries: Mapping[str, tuple[Any, ...]], build: Callable[[Any], Any]) -> str:
        """``{"key":[entry,...],...}`` with each entry's JSON built once."""
        text = self._text
        return (
            "{"
            + ",".join(
                [
                    encode_basestring(key) + ":[" + ",".join([text(e, build) for e in items]) + "]"
                    for key, items in entries.items()
                ]
            )
            + "}"
        )

    def _text(self, obj: Any, build: Callable[[Any], Any]) -> str:
        """The JSON of ``build(obj)``, made once per object (by identity; the memo keeps
        ``obj`` alive so that its id is not reused)."""
        hit = self._texts.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1]
        value = _line_json(build(obj))
        if len(self._texts) >= MEMO_LIMIT:
            self._texts.clear()
        self._texts[id(obj)] = (obj, value)
        return value


def _scalar(value: Any) -> str:
    if type(value) is int:
        return str(value)  # what json writes for an int
    return "null" if value is None else _line_json(value)


def _utc_text(value: datetime | None) -> str | None:
    return iso_utc(value)


def _fresh(obj: Any, build: Callable[[Any], Any]) -> Any:
    return build(obj)


def event_record(event: ExportEvent, spec: CodebookSpec) -> dict[str, Any]:
    """The nested JSON object of a live event (keys documented in docs/export-formats.md)."""
    record = _record(event, actor_field_keys(spec), location_field_keys(spec), _fresh)
    record["values"] = plain(event.values)
    return record


def _record(
    event: ExportEvent,
    actor_keys: tuple[str, ...],
    location_keys: tuple[str, ...],
    shared: Shared,
) -> dict[str, Any]:
    """``event_record``, with ``values`` as stored (not copied) and the parts that many
    events share built through ``shared(obj, build)``."""
    provenance = event.provenance
    return {
        "event_id": event.event_id,
        "retracted": False,
        "codebook": shared(event.codebook, _codebook),
        "article": shared(event.article, _article),
        "event_type": shared(event.event_type, _type),
        "event_subtype": shared(event.event_subtype, _type) if event.event_subtype else None,
        "values": event.values,
        "date": {
            "start": iso_date(event.date_start),
            "end": iso_date(event.date_end),
            "precision": event.date_precision,
        },
        "location": shared(event.location, location_record) if event.location else None,
        "geo_precision": event.geo_precision,
        "fatalities": event.fatalities,
        "actors": {
            key: [shared(actor, actor_entry_record) for actor in actors]
            for key, actors in with_proposed_names(event, actor_keys).items()
        },
        "places": {
            key: [shared(place, place_entry_record) for place in places]
            for key, places in with_proposed_places(event, location_keys).items()
        },
        "evidence": [span.as_dict() for span in event.evidence],
        "provenance": {
            "decision": provenance.decision_kind,
            "source_events": list(provenance.source_event_ids),
            "decided_by": provenance.decided_by,
            "decided_at": iso_utc(provenance.decided_at),
            "reason_code": provenance.reason_code,
            "revision": provenance.revision,
        },
        "validated_at": iso_utc(event.validated_at),
        "agreement": shared(event.agreement, _agreement),
        **(_reports(event) if event.reports else {}),
    }


def _reports(event: ExportEvent) -> dict[str, Any]:
    """The members a dataset event with several reports (or a fresh id) adds to its record:
    how many sources, and every report with its article and its own evidence."""
    return {
        "number_of_sources": event.number_of_sources,
        "reports": [report_record(report) for report in event.reports],
    }


def report_record(report: ExportReport) -> dict[str, Any]:
    return {
        "gold_event_id": report.gold_event_id,
        "article": _article(report.article),
        "validated_at": iso_utc(report.validated_at),
        "evidence": [span.as_dict() for span in report.evidence],
    }


def _codebook(codebook: ExportCodebook) -> dict[str, Any]:
    return {"slug": codebook.slug, "version": codebook.version, "preset": codebook.preset}


def _article(article: ExportArticle) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "source_scale": article.source_scale,
        "url": article.url,
        "published_at": iso_utc(article.published_at),
        "external_id": article.external_id,
        "language": article.language,
    }


def _type(node: ExportEventType) -> dict[str, Any]:
    return {"code": node.code, "labels": dict(node.labels)}


def _agreement(agreement: Mapping[str, float | None]) -> dict[str, float | None]:
    return {key: finite_or_none(alpha) for key, alpha in agreement.items()}


def actor_record(actor: ExportActor) -> dict[str, Any]:
    return {
        "id": actor.id,
        "name": actor.name,
        "actor_type": actor.actor_type,
        "country": actor.country,
        "aliases": list(actor.aliases),
        "external_id": actor.external_id,
    }


def actor_entry_record(entry: ExportActor | str) -> dict[str, Any]:
    """A dictionary entry's ``actor_record``, or a proposed name's
    ``{"id": null, "name": s, "proposed": true}`` (no dictionary entry to describe yet)."""
    if isinstance(entry, str):
        return {"id": None, "name": entry, "proposed": True}
    return actor_record(entry)


def place_entry_record(entry: ExportLocation | str) -> dict[str, Any]:
    """A gazetteer entry's ``location_record``, or a proposed place's
    ``{"id": null, "name": s, "proposed": true}``."""
    if isinstance(entry, str):
        return {"id": None, "name": entry, "proposed": True}
    return location_record(entry)


def actor_field_keys(spec: CodebookSpec) -> tuple[str, ...]:
    return tuple(field.key for field in spec.fields if field.kind == "actor")


def location_field_keys(spec: CodebookSpec) -> tuple[str, ...]:
    return tuple(field.key for field in spec.fields if field.kind == "location")


def with_proposed_names(
    event: ExportEvent, actor_keys: tuple[str, ...]
) -> Mapping[str, tuple[ExportActor | str, ...]]:
    """``event.actors`` with each actor field's proposed names (``{"name": s}`` in the stored
    values) after its dictionary entries, in stored order; a field holding only proposed
    names is added after the resolved ones. Without proposals it is ``event.actors`` itself."""
    return _with_proposed(event, actor_keys, event.actors)


def with_proposed_places(
    event: ExportEvent, location_keys: tuple[str, ...]
) -> Mapping[str, tuple[ExportLocation | str, ...]]:
    """``event.places`` with each place field's proposed names, as ``with_proposed_names``."""
    return _with_proposed(event, location_keys, event.places)


def _with_proposed(event: ExportEvent, keys: tuple[str, ...], entries: Mapping[str, Any]) -> Any:
    merged: dict[str, tuple[Any, ...]] | None = None
    for key in keys:
        names = _proposed_names(event.values.get(key))
        if names:
            if merged is None:
                merged = dict(entries)
            merged[key] = (*entries.get(key, ()), *names)
    return entries if merged is None else merged


def _proposed_names(raw: Any) -> tuple[str, ...]:
    items = raw if isinstance(raw, list | tuple) else [raw]
    return tuple(
        item["name"]
        for item in items
        if isinstance(item, Mapping)
        and item.get("id") is None
        and isinstance(item.get("name"), str)
    )


def location_record(place: ExportLocation) -> dict[str, Any]:
    """A gazetteer entry, with the ISO alpha-3 and numeric codes when the country is listed."""
    country = country_for(place.country)
    return {
        "id": place.id,
        "name": place.name,
        "country": place.country,
        "iso3": country.iso3 if country else None,
        "iso_numeric": country.numeric if country else None,
        "admin1": place.admin1,
        "admin2": place.admin2,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "aliases": list(place.aliases),
        "external_id": place.external_id,
    }
