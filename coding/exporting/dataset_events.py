"""One export record per dataset event: its reports' records combined by its resolution.

The values are those of ``coding.dedup.resolution.resolve`` (the same the dataset-event API
shows): each field the **primary report's** (smallest gold event id) unless the resolution
takes it from another report, a date or fatalities rule, or a typed value; with several
reports and no fatalities entry, the project's fatalities policy. This module turns that
into an ``ExportEvent``: event types, dictionary entries and places of the report each value
came from (a typed value's entries through ``lookup``), typed columns projected from the
values, and the evidence that follows the values, each span naming its report and article.

Two additions for the export: every report's ``trigger`` spans are kept (the words in which
each article reports the act, so every report is traceable from the CSV row alone), and the
UCDP preset's ``low``/``high`` fields take the low/best/high estimate when the fatalities
rule gives one (and no entry of their own says otherwise). Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from coding.codebook_spec import CodebookSpec
from coding.dedup.resolution import EVENT_TYPE, FieldInfo, Report, Span, resolution_key, resolve

from .records import (
    ExportActor,
    ExportEvent,
    ExportLocation,
    ExportProvenance,
    ExportReport,
    ExportSpan,
)

TRIGGER_ROLE = "trigger"


@dataclass(frozen=True)
class DatasetLayout:
    """The codebook as resolution needs it, built once per export: the fields, which field
    keys hold the typed columns, the UCDP preset's low/high estimate fields, and which fields
    refer to actors or places."""

    fields: tuple[FieldInfo, ...]
    typed: Mapping[str, str]  # typed column -> field key
    low_key: str | None
    high_key: str | None
    actor_keys: frozenset[str]
    location_keys: frozenset[str]

    @classmethod
    def of(cls, spec: CodebookSpec) -> DatasetLayout:
        by_column = {f.export_column: f.key for f in spec.fields}
        ucdp = spec.preset == "ucdp"
        return cls(
            fields=tuple(
                FieldInfo(f.key, f.kind, f.evidence_role or None, f.typed_column or None)
                for f in spec.fields
            ),
            typed={f.typed_column: f.key for f in spec.fields if f.typed_column},
            low_key=by_column.get("low") if ucdp else None,
            high_key=by_column.get("high") if ucdp else None,
            actor_keys=frozenset(f.key for f in spec.fields if f.kind == "actor"),
            location_keys=frozenset(f.key for f in spec.fields if f.kind == "location"),
        )


Lookup = Callable[[str, Any], tuple[tuple[ExportActor, ...], tuple[ExportLocation, ...]]]
"""``lookup(field_key, value)``: the dictionary entries a typed value refers to, as
``(actors, places)``."""


def _report(record: ExportEvent) -> Report:
    subtype = record.event_subtype
    return Report(
        gold_event_id=record.event_id,
        event_type=record.event_type.code,
        event_subtype=subtype.code if subtype is not None else None,
        values=record.values,
        date_start=record.date_start,
        date_end=record.date_end,
        date_precision=record.date_precision,
        fatalities=record.fatalities,
        spans=tuple(Span(s.role, s.start, s.end, s.quote) for s in record.evidence),
    )


def combine_reports(
    reports: Sequence[ExportEvent],
    *,
    event_id: int,
    resolution: Mapping[str, Any],
    layout: DatasetLayout,
    fatalities_policy: str = "conservative",
    lookup: Lookup | None = None,
) -> ExportEvent:
    """The record of dataset event ``event_id`` from its reports' records (each a gold
    event's record: ``event_id`` = the gold event id), resolved by ``resolution``. Its
    ``reports`` list every report, oldest first."""
    ordered = sorted(reports, key=lambda record: record.event_id)
    by_id = {record.event_id: record for record in ordered}
    primary = ordered[0]
    resolved = resolve(
        [_report(record) for record in ordered],
        layout.fields,
        resolution,
        fatalities_policy=fatalities_policy,
    )
    values = dict(resolved.values)
    _estimate_fields(values, resolved.fields["fatalities"].value, resolution, layout)
    actors: dict[str, tuple[ExportActor, ...]] = {}
    places: dict[str, tuple[ExportLocation, ...]] = {}
    location = None
    used = set()
    for fdef in layout.fields:
        source = resolved.fields[resolution_key(fdef)].source
        origin = by_id.get(source.get("report", -1))
        if origin is not None:
            used.add(origin.event_id)
        if fdef.key not in layout.actor_keys | layout.location_keys:
            continue
        if origin is not None:
            found_actors = origin.actors.get(fdef.key, ())
            found_places = origin.places.get(fdef.key, ())
            if fdef.key == layout.typed.get("location"):
                location = origin.location
        elif fdef.key in values and lookup is not None:
            found_actors, found_places = lookup(fdef.key, values[fdef.key])
            if fdef.key == layout.typed.get("location"):
                location = found_places[0] if found_places else None
        else:
            continue
        if found_actors:
            actors[fdef.key] = found_actors
        if found_places:
            places[fdef.key] = found_places
    kind = resolved.fields[EVENT_TYPE].source.get("report", primary.event_id)
    typed_from = by_id.get(kind, primary)
    evidence = _evidence(resolved.spans, ordered)
    used.update(span.report for span in evidence if span.report is not None)
    date_start, date_end, date_precision, geo_precision, fatalities = _typed_columns(values, layout)
    validated = [r.validated_at for r in ordered if r.validated_at is not None]
    provenance = primary.provenance
    return replace(
        primary,
        event_id=event_id,
        event_type=typed_from.event_type,
        event_subtype=typed_from.event_subtype,
        values=values,
        date_start=date_start,
        date_end=date_end,
        date_precision=date_precision,
        geo_precision=geo_precision,
        fatalities=fatalities,
        location=location,
        actors=actors,
        places=places,
        evidence=evidence,
        provenance=ExportProvenance(
            provenance.decision_kind,
            tuple(
                sorted(
                    {
                        i
                        for r in ordered
                        if r.event_id in used
                        for i in r.provenance.source_event_ids
                    }
                )
            ),
            provenance.decided_by,
            provenance.decided_at,
            provenance.reason_code,
            provenance.revision,
        ),
        validated_at=max(validated) if validated else None,
        reports=tuple(
            ExportReport(r.event_id, r.article, r.evidence, r.validated_at) for r in ordered
        ),
    )


def _estimate_fields(
    values: dict[str, Any], fatalities: Any, resolution: Mapping[str, Any], layout: DatasetLayout
) -> None:
    """UCDP: a low/best/high estimate also fills the ``low`` and ``high`` fields."""
    if not isinstance(fatalities, Mapping):
        return
    for key, part in ((layout.low_key, "low"), (layout.high_key, "high")):
        if key and key not in resolution and part in fatalities:
            values[key] = fatalities[part]


def _evidence(spans: Sequence[Any], ordered: Sequence[ExportEvent]) -> tuple[ExportSpan, ...]:
    """The resolved spans, plus every report's trigger spans, each naming its report and
    article, by report and position."""
    article_of = {record.event_id: record.article.id for record in ordered}
    found = {
        ExportSpan(s.role, s.start, s.end, s.quote, s.report, article_of[s.report]) for s in spans
    }
    for record in ordered:
        found.update(
            ExportSpan(s.role, s.start, s.end, s.quote, record.event_id, record.article.id)
            for s in record.evidence
            if s.role == TRIGGER_ROLE
        )
    return tuple(sorted(found, key=lambda s: (s.report or 0, s.start, s.end, s.role)))


def _typed_columns(
    values: Mapping[str, Any], layout: DatasetLayout
) -> tuple[date | None, date | None, int | None, int | None, int | None]:
    """The typed columns projected from the resolved values, as validation projects them
    (coding.services.events.typed_columns): date range, precisions, fatalities."""

    def given(column: str) -> Any:
        key = layout.typed.get(column)
        value = values.get(key) if key else None
        return None if value in (None, "", []) else value

    day = given("date")
    start = date.fromisoformat(day["start"]) if isinstance(day, Mapping) else None
    end = date.fromisoformat(day.get("end") or day["start"]) if isinstance(day, Mapping) else None
    numbers = [given(column) for column in ("date_precision", "geo_precision", "fatalities")]
    date_precision, geo_precision, fatalities = (int(n) if n is not None else None for n in numbers)
    return start, end, date_precision, geo_precision, fatalities


def source_names(event: ExportEvent) -> str:
    """ACLED's ``source``: every report's source, in report order, once each, "; "-joined."""
    if not event.reports:
        return event.article.source
    names = dict.fromkeys(r.article.source for r in event.reports if r.article.source)
    return "; ".join(names)


SCALE_ORDER = (
    "Local partner",
    "Subnational",
    "National",
    "Regional",
    "International",
    "New media",
    "Other",
)


def source_scale(event: ExportEvent) -> str:
    """ACLED's ``source_scale`` of the event's sources: the one scale, or the distinct scales
    joined with "-" from the most local to the widest (ACLED writes e.g. ``National-
    International`` for an event reported at both scales)."""
    if not event.reports:
        return event.article.source_scale
    scales = {r.article.source_scale for r in event.reports if r.article.source_scale}
    known = [scale for scale in SCALE_ORDER if scale in scales]
    return "-".join(known + sorted(scales.difference(known)))
