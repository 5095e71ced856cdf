"""One export record per dataset event: the reports' records combined by the resolution.

A dataset event's value for a field is its **primary report's** (the report with the smallest
gold event id) unless its ``resolution`` says otherwise (the format is defined on
``coding.models.dataset_events.DatasetEvent``):

* ``{"report": g}`` takes report ``g``'s value *and* ``g``'s evidence spans of the field's
  evidence role (for ``event_type``: type and sub-type);
* ``{"rule": "typed", "value": v}`` is the supervisor's value, with no span of that role;
* ``{"rule": "intersection" | "union", "value": {"start", "end", "precision"}}`` for ``date``,
  ``{"rule": "conservative", "value": n}`` and
  ``{"rule": "low_best_high", "value": {"low", "best", "high"}}`` for ``fatalities``: values
  computed from every report, so the spans of that role are every report's.

With several reports and no ``fatalities`` entry, the project's fatalities policy applies:
``conservative`` (ACLED) takes the lowest reported figure with its report's spans;
``low_best_high`` (UCDP) takes the lowest as low, the highest as high and the lower median as
best. The ``trigger`` spans of every report are kept (each is the words in which its article
reports the act), so every report can be traced from the row's evidence alone. Pure: no
Django; the database layer hands in the reports' records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from coding.codebook_spec import CodebookSpec

from .records import (
    ExportActor,
    ExportEvent,
    ExportEventType,
    ExportLocation,
    ExportProvenance,
    ExportReport,
)

CONSERVATIVE = "conservative"
LOW_BEST_HIGH = "low_best_high"
FATALITIES_POLICIES = (CONSERVATIVE, LOW_BEST_HIGH)
TRIGGER_ROLE = "trigger"


@dataclass(frozen=True)
class DatasetLayout:
    """Where the codebook keeps what the special resolution keys resolve: the field keys
    behind the typed columns, the fields of UCDP's low/high estimates, and each field's
    evidence role. Built once per export from the codebook."""

    date_key: str | None
    date_precision_key: str | None
    fatalities_key: str | None
    location_key: str | None
    low_key: str | None
    high_key: str | None
    roles: Mapping[str, str]

    @classmethod
    def of(cls, spec: CodebookSpec) -> DatasetLayout:
        typed = {f.typed_column: f.key for f in spec.fields if f.typed_column}
        by_column = {f.export_column: f.key for f in spec.fields}
        ucdp = spec.preset == "ucdp"
        return cls(
            date_key=typed.get("date"),
            date_precision_key=typed.get("date_precision"),
            fatalities_key=typed.get("fatalities"),
            location_key=typed.get("location"),
            low_key=by_column.get("low") if ucdp else None,
            high_key=by_column.get("high") if ucdp else None,
            roles={f.key: f.evidence_role for f in spec.fields if f.evidence_role},
        )


Lookup = Callable[[str, Any], tuple[tuple[ExportActor, ...], tuple[ExportLocation, ...]]]
"""``lookup(field_key, value)``: the dictionary entries a typed value refers to, as
``(actors, places)`` (see ``combine_reports``)."""


class _Draft:
    """The mutable state of the record being combined (records themselves are frozen)."""

    def __init__(self, primary: ExportEvent, reports: Sequence[ExportEvent]) -> None:
        self.reports = {report.event_id: report for report in reports}
        self.values: dict[str, Any] = dict(primary.values)
        self.actors = dict(primary.actors)
        self.places = dict(primary.places)
        self.event_type: ExportEventType = primary.event_type
        self.event_subtype = primary.event_subtype
        self.location = primary.location
        self.date_start: date | None = primary.date_start
        self.date_end: date | None = primary.date_end
        self.date_precision = primary.date_precision
        self.fatalities = primary.fatalities
        # evidence by role: which reports' spans the role shows (primary's by default)
        self.span_sources: dict[str, tuple[int, ...]] = {}
        self.used: set[int] = {primary.event_id}

    def take_field(self, key: str, source: ExportEvent) -> None:
        if key in source.values:
            self.values[key] = source.values[key]
        else:
            self.values.pop(key, None)
        if key in source.actors:
            self.actors[key] = source.actors[key]
        else:
            self.actors.pop(key, None)
        if key in source.places:
            self.places[key] = source.places[key]
        else:
            self.places.pop(key, None)


def combine_reports(
    reports: Sequence[ExportEvent],
    *,
    event_id: int,
    resolution: Mapping[str, Any],
    layout: DatasetLayout,
    fatalities_policy: str = CONSERVATIVE,
    types: Mapping[str, ExportEventType] | None = None,
    lookup: Lookup | None = None,
) -> ExportEvent:
    """The record of dataset event ``event_id`` from its reports' records (each a gold
    event's record, ``event_id`` = the gold event id), resolved by ``resolution``.

    ``types`` maps type codes to the export's event types (for a typed ``event_type``);
    ``lookup(key, value)`` resolves the references of a typed value into ``(actors,
    places)``. The record's ``reports`` lists every report; its evidence spans carry the
    report and article they come from.
    """
    ordered = sorted(reports, key=lambda report: report.event_id)
    primary = ordered[0]
    draft = _Draft(primary, ordered)
    for key, choice in resolution.items():
        if isinstance(choice, Mapping):
            _apply(draft, key, choice, layout, types or {}, lookup)
    if len(ordered) > 1 and "fatalities" not in resolution and layout.fatalities_key:
        _default_fatalities(draft, ordered, layout, fatalities_policy)
    return _record(draft, ordered, primary, event_id, layout)


def _apply(
    draft: _Draft,
    key: str,
    choice: Mapping[str, Any],
    layout: DatasetLayout,
    types: Mapping[str, ExportEventType],
    lookup: Lookup | None,
) -> None:
    everyone = tuple(draft.reports)
    if "report" in choice:
        source = draft.reports.get(choice["report"])
        if source is None:  # a report no longer in the event: the primary's value stands
            return
        draft.used.add(source.event_id)
        if key == "event_type":
            draft.event_type, draft.event_subtype = source.event_type, source.event_subtype
            return
        for field_key in _fields_of(key, layout):
            draft.take_field(field_key, source)
            role = layout.roles.get(field_key)
            if role:
                draft.span_sources[role] = (source.event_id,)
        if key in ("date", layout.date_key):
            draft.date_start, draft.date_end = source.date_start, source.date_end
            draft.date_precision = source.date_precision
        if key in ("fatalities", layout.fatalities_key):
            draft.fatalities = source.fatalities
        if key == layout.location_key:
            draft.location = source.location
        return
    rule, value = choice.get("rule"), choice.get("value")
    if key == "event_type":
        if rule == "typed" and isinstance(value, Mapping) and value.get("event_type") in types:
            draft.event_type = types[value["event_type"]]
            draft.event_subtype = types.get(value.get("event_subtype") or "")
        return
    if key in ("date", layout.date_key) and isinstance(value, Mapping):
        _set_date(draft, value, layout)
        draft.used.update(everyone)
        _spans_from(draft, layout.date_key, layout, everyone if rule != "typed" else ())
        return
    if key in ("fatalities", layout.fatalities_key):
        _set_fatalities(draft, rule, value, layout)
        sources = _reporting(draft, value) if rule == CONSERVATIVE else everyone
        draft.used.update(sources)
        _spans_from(draft, layout.fatalities_key, layout, () if rule == "typed" else sources)
        return
    if rule == "typed":  # any other field, typed by the supervisor
        draft.values[key] = value
        draft.actors.pop(key, None)
        draft.places.pop(key, None)
        if lookup is not None and value is not None:
            actors, places = lookup(key, value)
            if actors:
                draft.actors[key] = actors
            if places:
                draft.places[key] = places
                if key == layout.location_key:
                    draft.location = places[0]
        elif key == layout.location_key:
            draft.location = None
        _spans_from(draft, key, layout, ())


def _fields_of(key: str, layout: DatasetLayout) -> tuple[str, ...]:
    """The field keys a resolution key stands for (``date`` brings its precision along,
    ``fatalities`` UCDP's low and high)."""
    if key in ("date", layout.date_key):
        return tuple(k for k in (layout.date_key, layout.date_precision_key) if k)
    if key in ("fatalities", layout.fatalities_key):
        return tuple(k for k in (layout.fatalities_key, layout.low_key, layout.high_key) if k)
    return (key,)


def _spans_from(
    draft: _Draft, field_key: str | None, layout: DatasetLayout, sources: tuple[int, ...]
) -> None:
    role = layout.roles.get(field_key or "")
    if role:
        draft.span_sources[role] = sources


def _set_date(draft: _Draft, value: Mapping[str, Any], layout: DatasetLayout) -> None:
    start, end = _day(value.get("start")), _day(value.get("end"))
    draft.date_start, draft.date_end = start, end if end != start else None
    if layout.date_key and start is not None:
        stored = {"start": start.isoformat()}
        if draft.date_end is not None:
            stored["end"] = draft.date_end.isoformat()
        draft.values[layout.date_key] = stored
    precision = value.get("precision")
    if precision is not None:
        draft.date_precision = int(precision)
        if layout.date_precision_key:
            draft.values[layout.date_precision_key] = str(int(precision))


def _day(text: Any) -> date | None:
    return date.fromisoformat(text) if isinstance(text, str) and text else None


def _set_fatalities(draft: _Draft, rule: Any, value: Any, layout: DatasetLayout) -> None:
    if rule == LOW_BEST_HIGH and isinstance(value, Mapping):
        best = value.get("best")
        for field_key, figure in (
            (layout.low_key, value.get("low")),
            (layout.high_key, value.get("high")),
        ):
            if field_key:
                draft.values[field_key] = figure
    else:
        best = value
    draft.fatalities = best if isinstance(best, int) else None
    if layout.fatalities_key:
        draft.values[layout.fatalities_key] = draft.fatalities


def _reporting(draft: _Draft, figure: Any) -> tuple[int, ...]:
    """The first report (oldest) whose fatalities figure is ``figure``; none if no report
    gave it."""
    for report_id, report in draft.reports.items():
        if report.fatalities == figure:
            return (report_id,)
    return ()


def _default_fatalities(
    draft: _Draft, reports: Sequence[ExportEvent], layout: DatasetLayout, policy: str
) -> None:
    figures = sorted(r.fatalities for r in reports if r.fatalities is not None)
    if not figures:
        return
    if policy == LOW_BEST_HIGH:
        best = figures[(len(figures) - 1) // 2]
        estimate = {"low": figures[0], "best": best, "high": figures[-1]}
        _apply(draft, "fatalities", {"rule": LOW_BEST_HIGH, "value": estimate}, layout, {}, None)
    else:
        _apply(draft, "fatalities", {"rule": CONSERVATIVE, "value": figures[0]}, layout, {}, None)


def _record(
    draft: _Draft,
    ordered: Sequence[ExportEvent],
    primary: ExportEvent,
    event_id: int,
    layout: DatasetLayout,
) -> ExportEvent:
    tagged = {
        report.event_id: tuple(
            replace(span, report=report.event_id, article=report.article.id)
            for span in report.evidence
        )
        for report in ordered
    }
    # every report's trigger spans are kept: they are the words in which each article
    # reports the act, so every report of the row can be traced from its evidence
    draft.span_sources[TRIGGER_ROLE] = tuple(tagged)
    chosen = set(draft.span_sources)
    evidence = [span for span in tagged[primary.event_id] if span.role not in chosen]
    for role, sources in draft.span_sources.items():
        for source in sources:
            evidence.extend(span for span in tagged[source] if span.role == role)
    evidence.sort(key=lambda span: (span.report or 0, span.start, span.end))
    provenance = primary.provenance
    coder_events = sorted(
        {i for r in ordered if r.event_id in draft.used for i in r.provenance.source_event_ids}
    )
    validated = [r.validated_at for r in ordered if r.validated_at is not None]
    return replace(
        primary,
        event_id=event_id,
        event_type=draft.event_type,
        event_subtype=draft.event_subtype,
        values=draft.values,
        date_start=draft.date_start,
        date_end=draft.date_end,
        date_precision=draft.date_precision,
        fatalities=draft.fatalities,
        location=draft.location,
        actors=draft.actors,
        places=draft.places,
        evidence=tuple(evidence),
        provenance=ExportProvenance(
            provenance.decision_kind,
            tuple(coder_events),
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
