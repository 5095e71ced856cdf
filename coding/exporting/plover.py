"""PLOVER JSONL export: one record per event in PLOVER's JSON fields (manual draft 2.0).

Only for codebooks built from the ``plover`` preset, whose field keys (``actor``,
``recipient``, ``context``, ``dead``...) and event-type attributes (``quad_class``, ``score``,
``mode``) it relies on. Mapping: docs/export-formats.md, "PLOVER JSONL".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from coding.codebook_spec import CodebookSpec

from .cells import compact_json, iso_date, iso_utc
from .chunks import sink_chunks
from .countries import country_for
from .errors import ExportLayoutError
from .records import ExportEvent, ExportLocation
from .values import PLOVER_PRESET, Entry, is_empty, resolve_references


def plover_jsonl_chunks(events: Iterable[ExportEvent], spec: CodebookSpec) -> Iterator[str]:
    """PLOVER JSONL of the live ``events`` as text chunks (retracted events are skipped).

    Raises ``ExportLayoutError`` at call time when ``spec.preset`` is not ``"plover"``.
    """
    return sink_chunks(PloverSink(spec), events)


class PloverSink:
    """PLOVER JSONL as an incremental writer (``chunks.TextSink``)."""

    def __init__(self, spec: CodebookSpec) -> None:
        if spec.preset != PLOVER_PRESET:
            raise ExportLayoutError(
                f"PLOVER JSONL needs a codebook built from the plover preset, not {spec.preset!r}"
            )
        self.spec = spec
        self._lines: list[str] = []
        self._pending = 0

    @property
    def pending(self) -> int:
        return self._pending

    def opening(self) -> str:
        return ""

    def add(self, event: ExportEvent) -> None:
        if event.retracted:
            return
        line = compact_json(plover_record(event, self.spec)) + "\n"
        self._lines.append(line)
        self._pending += len(line)

    def take(self) -> str:
        text = "".join(self._lines)
        self._lines.clear()
        self._pending = 0
        return text

    def closing(self) -> str:
        return ""


def plover_record(event: ExportEvent, spec: CodebookSpec) -> dict[str, Any]:
    """The PLOVER JSON object of one event; empty optional fields are left out."""
    values = event.values
    record: dict[str, Any] = {
        "id": str(event.event_id),
        "date": iso_date(event.date_start),
    }
    if event.date_end is not None and event.date_end != event.date_start:
        record["enddate"] = event.date_end.isoformat()
    record["actor"] = _entities(event, spec, "actor")
    record["recipient"] = _entities(event, spec, "recipient")
    record["event"] = [event.event_type.code]
    mode = _mode(event, spec)
    record["mode"] = [mode] if mode else []
    record["context"] = list(values.get("context") or [])
    if event.location is not None:
        record["event_loc"] = _location(event.location, event)
    triggers = [span for span in event.evidence if span.role == "trigger"]
    if triggers:
        record["event_text"] = [span.quote for span in triggers]
        record["text_info"] = {"start": triggers[0].start, "end": triggers[0].end}
    _put(record, "quad_code", _attribute(event, spec, "quad_class"))
    _put(record, "event_scale", _attribute(event, spec, "score"))
    for key in ("dead", "injured"):
        _put(record, key, values.get(key))
    record["cite_info"] = _citation(event)
    _put(record, "coder", event.provenance.decided_by or None)
    if event.validated_at is not None:
        stamp = iso_utc(event.validated_at) or ""
        record["coded_date"], record["coded_time"] = stamp[:10], stamp[11:]
    _put(record, "comment", values.get("comment"))
    record["athar"] = _athar(event)
    return record


def _put(record: dict[str, Any], key: str, value: Any) -> None:
    if not is_empty(value):
        record[key] = value


def _entities(event: ExportEvent, spec: CodebookSpec, key: str) -> list[dict[str, Any]]:
    spec_field = spec.field_by_key(key)
    if spec_field is None or spec_field.kind != "actor":
        return []
    return [_entity(entry) for entry in resolve_references(event, spec_field)]


def _entity(entry: Entry) -> dict[str, Any]:
    """PLOVER entity object: ``code`` is the actor's country (ISO alpha-3) when listed,
    ``identifier_id`` its Wikidata QID when known, else Athar's ``athar-actor-<id>``."""
    if isinstance(entry, str):
        return {"identifier_text": entry}
    entity: dict[str, Any] = {}
    country = country_for(entry.country)
    if country is not None:
        entity["code"] = country.iso3
    qid = _external(entry.external_id, "wikidata")
    entity["identifier_id"] = qid if qid else f"athar-actor-{entry.id}"
    entity["identifier_text"] = entry.name
    return entity


def _external(external_id: str, scheme: str) -> str | None:
    prefix, _sep, value = external_id.partition(":")
    return value if prefix == scheme and value else None


def _mode(event: ExportEvent, spec: CodebookSpec) -> str | None:
    subtype = event.event_subtype
    if subtype is None:
        return None
    node = spec.event_type_by_code(subtype.code)
    mode = node.attributes.get("mode") if node is not None else None
    return mode if isinstance(mode, str) else subtype.code.partition(".")[2] or None


def _attribute(event: ExportEvent, spec: CodebookSpec, name: str) -> Any:
    """The attribute of the most specific type that has a non-null value for it."""
    for code in spec.lineage(event.most_specific_type.code):
        node = spec.event_type_by_code(code)
        if node is not None and node.attributes.get(name) is not None:
            return node.attributes[name]
    return None


def _location(place: ExportLocation, event: ExportEvent) -> dict[str, Any]:
    country = country_for(place.country)
    geonames = _external(place.external_id, "geonames")
    mention = next((span.quote for span in event.evidence if span.role == "location"), None)
    location: dict[str, Any] = {
        "extracted_place": mention,
        "resolved_place": place.name,
        "geonameid": int(geonames) if geonames and geonames.isdigit() else None,
        "lat": place.latitude,
        "lon": place.longitude,
        "province": place.admin1 or None,
        "district": place.admin2 or None,
        "country": country.name if country else None,
        "country_code": country.iso3 if country else None,
    }
    return location


def _citation(event: ExportEvent) -> dict[str, Any]:
    article = event.article
    return {
        "title": article.title,
        "url": article.url or None,
        "language": article.language or None,
        "publication": article.source or None,
        "codebook": f"{event.codebook.slug}@{event.codebook.version}",
    }


def _athar(event: ExportEvent) -> dict[str, Any]:
    """Athar's extension: ids, evidence and adjudication provenance of the record."""
    return {
        "event_id": event.event_id,
        "article_id": event.article.id,
        "codebook": f"{event.codebook.slug}@{event.codebook.version}",
        "evidence": [span.as_dict() for span in event.evidence],
        "decision": event.provenance.decision_kind,
        "source_events": list(event.provenance.source_event_ids),
        "validated_at": iso_utc(event.validated_at),
        "auxiliary_mode": list(event.values.get("auxiliary_mode") or []),
    }
