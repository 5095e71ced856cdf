"""JSON Lines export: one nested, lossless JSON object per event (UTF-8, ``\\n`` endings)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from coding.codebook_spec import CodebookSpec

from .cells import compact_json, finite_or_none, iso_date, iso_utc, plain
from .chunks import batched_text
from .countries import country_for
from .records import ExportActor, ExportEvent, ExportEventType, ExportLocation


def jsonl_chunks(events: Iterable[ExportEvent], spec: CodebookSpec) -> Iterator[str]:
    """The JSONL export of ``events`` as text chunks (encode them as UTF-8).

    A live event is written by ``event_record``; a retracted one as the tombstone
    ``{"event_id": n, "retracted": true, "retracted_at": t, "article": {"id": m}}`` (``t``
    from ``validated_at``, the time of the retraction) so that an incremental sync can
    delete it. ``spec`` is accepted for symmetry with the other writers; the record is
    the same for every codebook.
    """
    return batched_text(_line(event) for event in events)


def _line(event: ExportEvent) -> str:
    if event.retracted:
        record: dict[str, Any] = {
            "event_id": event.event_id,
            "retracted": True,
            "retracted_at": iso_utc(event.validated_at),
            "article": {"id": event.article.id},
        }
    else:
        record = event_record(event)
    return compact_json(record) + "\n"


def event_record(event: ExportEvent) -> dict[str, Any]:
    """The nested JSON object of a live event (keys documented in docs/export-formats.md)."""
    article = event.article
    provenance = event.provenance
    return {
        "event_id": event.event_id,
        "retracted": False,
        "codebook": {
            "slug": event.codebook.slug,
            "version": event.codebook.version,
            "preset": event.codebook.preset,
        },
        "article": {
            "id": article.id,
            "title": article.title,
            "source": article.source,
            "source_scale": article.source_scale,
            "url": article.url,
            "published_at": iso_utc(article.published_at),
            "external_id": article.external_id,
            "language": article.language,
        },
        "event_type": _type(event.event_type),
        "event_subtype": _type(event.event_subtype) if event.event_subtype else None,
        "values": plain(event.values),
        "date": {
            "start": iso_date(event.date_start),
            "end": iso_date(event.date_end),
            "precision": event.date_precision,
        },
        "location": location_record(event.location) if event.location else None,
        "geo_precision": event.geo_precision,
        "fatalities": event.fatalities,
        "actors": {
            key: [actor_record(actor) for actor in actors] for key, actors in event.actors.items()
        },
        "places": {
            key: [location_record(place) for place in places]
            for key, places in event.places.items()
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
        "agreement": {key: finite_or_none(alpha) for key, alpha in event.agreement.items()},
    }


def _type(node: ExportEventType) -> dict[str, Any]:
    return {"code": node.code, "labels": dict(node.labels)}


def actor_record(actor: ExportActor) -> dict[str, Any]:
    return {
        "id": actor.id,
        "name": actor.name,
        "actor_type": actor.actor_type,
        "country": actor.country,
        "aliases": list(actor.aliases),
        "external_id": actor.external_id,
    }


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
