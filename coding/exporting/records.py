"""What the exporters read: one `ExportEvent` per validated (gold) event.

The database layer resolves everything a row needs (article, codebook version, event types,
dictionary entries, evidence, adjudication provenance) into these frozen dataclasses, so the
writers in this package never touch the database and can be tested with plain values.

Conventions shared by every class:

* strings that are absent are ``""``; numbers and datetimes that are absent are ``None``;
* datetimes should be timezone-aware; a naive datetime is taken to be UTC;
* country codes are ISO 3166-1 alpha-2 (``"ML"``), as stored in the dictionaries;
* evidence offsets are Unicode **code-point** offsets into the article's canonical text,
  half-open ``[start, end)``, and ``quote == text[start:end]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class ExportArticle:
    """The article an event was coded from. ``source_scale`` is ACLED's scale of the source
    (``National``, ``Subnational``...) when the importer recorded one, else ``""``."""

    id: int
    title: str
    source: str
    url: str
    published_at: datetime | None
    external_id: str
    language: str
    source_scale: str = ""


@dataclass(frozen=True, slots=True)
class ExportCodebook:
    """The pinned codebook version of the event (``slug@version`` in exports)."""

    slug: str
    version: int
    preset: str | None


@dataclass(frozen=True, slots=True)
class ExportEventType:
    """An event type or sub-type: its code and its labels by language code."""

    code: str
    labels: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class ExportActor:
    """An actor dictionary entry. ``actor_type`` is ACLED's inter code 1–8 (or None);
    ``external_id`` is e.g. ``"wikidata:Q123"`` or ``""``."""

    id: int
    name: str
    actor_type: int | None
    country: str
    aliases: tuple[str, ...] = ()
    external_id: str = ""


@dataclass(frozen=True, slots=True)
class ExportLocation:
    """A gazetteer entry. Coordinates are WGS 84 degrees, both set or both None;
    ``external_id`` is e.g. ``"geonames:2460596"`` or ``""``."""

    id: int
    name: str
    country: str
    admin1: str
    admin2: str
    latitude: float | None
    longitude: float | None
    aliases: tuple[str, ...] = ()
    external_id: str = ""

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass(frozen=True, slots=True)
class ExportSpan:
    """Evidence: ``quote`` is the article text at code-point offsets ``[start, end)``.

    In a dataset event with several reports (or with an id other than its gold event's) a
    span also names the report it belongs to: ``report`` (the gold event id) and ``article``
    (whose text the offsets are into); both are None for a plain one-report event."""

    role: str
    start: int
    end: int
    quote: str
    report: int | None = None
    article: int | None = None

    def as_dict(self) -> dict[str, Any]:
        if self.report is None:
            return {"role": self.role, "start": self.start, "end": self.end, "quote": self.quote}
        return {
            "role": self.role,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "report": self.report,
            "article": self.article,
        }


@dataclass(frozen=True, slots=True)
class ExportProvenance:
    """How the gold event came to be: the adjudication decision that produced it.

    ``decision_kind`` is one of the decision kinds (``accept``, ``merge``, ``edit``, ``add``,
    ``unanimous``...); ``source_event_ids`` are the coder events it was built from (empty for
    ``add``); ``revision`` is the adjudication revision the decision belongs to.
    """

    decision_kind: str
    source_event_ids: tuple[int, ...]
    decided_by: str
    decided_at: datetime | None
    reason_code: str
    revision: int


@dataclass(frozen=True, slots=True)
class ExportReport:
    """One report of a dataset event: a validated gold event, the article it was coded from,
    and all of its evidence (spans not tagged with ``report``)."""

    gold_event_id: int
    article: ExportArticle
    evidence: tuple[ExportSpan, ...]
    validated_at: datetime | None


@dataclass(frozen=True, slots=True)
class ExportEvent:
    """Everything one export row needs, already resolved by the database layer.

    ``values`` is the raw stored values dict (shapes in docs/codebook-format.md: choice codes,
    lists, ``{"id": n}`` / ``{"name": s}`` references, ``{"start", "end"}`` dates, ints, text,
    bools). Every ``{"id": n}`` reference of an actor field must be resolved in
    ``actors[field_key]``; every one of a location field either is ``location`` (the typed
    location column) or is resolved in ``places[field_key]``. The typed columns
    (``date_start`` ... ``fatalities``) are the database's projections of the values.

    ``agreement`` maps field keys to the article's Krippendorff's alpha (None when it could
    not be computed). ``event_id`` is the dataset event's id. ``reports`` is empty for a
    plain dataset event (one report, the gold event ``event_id`` itself, nothing resolved),
    which is then exactly the gold event; otherwise it lists every report, oldest first, and
    the other attributes are the resolved values (``article`` is the primary report's, see
    ``dataset_events.combine_reports``). ``merged_into`` is set on a tombstone of a dataset
    event that was linked into another. ``retracted`` marks a tombstone for incremental sync:
    the event was exported before and is no longer gold; only ``event_id``, ``article.id`` and
    ``validated_at`` (then the time of the retraction) need be real.
    """

    event_id: int
    article: ExportArticle
    codebook: ExportCodebook
    event_type: ExportEventType
    event_subtype: ExportEventType | None
    values: Mapping[str, Any]
    date_start: date | None
    date_end: date | None
    date_precision: int | None
    geo_precision: int | None
    fatalities: int | None
    location: ExportLocation | None
    actors: Mapping[str, tuple[ExportActor, ...]]
    evidence: tuple[ExportSpan, ...]
    provenance: ExportProvenance
    validated_at: datetime | None
    agreement: Mapping[str, float | None] = field(default_factory=dict)
    retracted: bool = False
    places: Mapping[str, tuple[ExportLocation, ...]] = field(default_factory=dict)
    reports: tuple[ExportReport, ...] = ()
    merged_into: int | None = None

    @property
    def number_of_sources(self) -> int:
        """How many reports (articles) the event was coded from (UCDP's number_of_sources)."""
        return len(self.reports) or 1

    @property
    def most_specific_type(self) -> ExportEventType:
        """The sub-type when there is one, else the type."""
        return self.event_subtype if self.event_subtype is not None else self.event_type
