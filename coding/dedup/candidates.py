"""Scoring a pair of reports (validated gold events of different articles) as maybe the same
real-world event, with the reasons shown to the supervisor.

Two rules block a pair outright (it is never a candidate): event types that are not
compatible (neither the same type nor two sub-types of one parent), and dates that do not
overlap even once each report's range is widened by its precision and the pair by a window
of days. Every other pair gets a score in [0, 1], a weighted sum of five parts:

* place — same place; one within the other (an admin2, admin1 or country area containing
  the other place by its admin code or name); within `near_km` when both have coordinates
  (haversine); else, without coordinates, the same admin2 / admin1;
* date — same day; overlapping ranges; n days apart;
* actors — n shared of the m named by either report;
* text — trigram cosine of the folded evidence text (see coding.dedup.textsim);
* type — same (sub-)type, or only the same parent type.

A part nobody can judge (no place, no actors) counts a little under half, so that a report
with a missing field is neither hidden nor pushed up. Pairs scoring at least `threshold`
are candidates. Pure: no Django, plain values in and out.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from coding.text.matching import alias_key

from .textsim import TextVector, text_cosine, text_vector

__all__ = [
    "Candidate",
    "FinderSettings",
    "Place",
    "Report",
    "haversine_km",
    "link_required",
    "pair_score",
    "places_related",
    "rank_candidates",
    "type_relation",
    "widened_range",
]

# ACLED time_precision codes: 1 the exact day, 2 within the week, 3 within the month.
DEFAULT_PRECISION_DAYS: Mapping[int, int] = {1: 0, 2: 7, 3: 31}
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "place": 0.30,
    "date": 0.20,
    "actors": 0.20,
    "text": 0.20,
    "type": 0.10,
}
UNKNOWN_PART = 0.4
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class FinderSettings:
    """`window_days` widens every pair's dates; `precision_days` widens a report's own range
    by its precision code (unknown codes widen by the largest); `near_km` is how close two
    places with coordinates must be to count as near; `threshold` is the least candidate
    score."""

    window_days: int = 2
    precision_days: Mapping[int, int] = field(default_factory=lambda: dict(DEFAULT_PRECISION_DAYS))
    near_km: float = 25.0
    threshold: float = 0.6
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    _unknown_pad: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        # Read on every pair: worked out once.
        object.__setattr__(self, "_unknown_pad", max(self.precision_days.values(), default=0))

    def pad_days(self, precision: int | None) -> int:
        if precision is None:
            return 0
        return self.precision_days.get(precision, self._unknown_pad)


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry as the finder sees it. `admin1`/`admin2` are codes or names (any
    script); `kind` is the gazetteer's feature kind ("country", "admin1", "admin2" contain
    other places; "town", "village", ... do not)."""

    id: int
    name: str = ""
    kind: str = ""
    country: str = ""
    admin1: str = ""
    admin2: str = ""
    lat: float | None = None
    lon: float | None = None


@dataclass(slots=True)
class Report:
    """One report: its most specific type code and that code's parent (None at the top),
    its date range with the precision code, place, actor ids and evidence text."""

    id: int
    type_code: str
    type_parent: str | None
    date_start: dt.date
    date_end: dt.date
    date_precision: int | None = None
    place: Place | None = None
    actors: frozenset[int] = frozenset()
    text: str = ""
    # The text's trigrams, made on first use: most pairs are settled without the text.
    _vector: TextVector | None = field(default=None, init=False, repr=False, compare=False)
    # Day numbers of the range (every pair compares them).
    _first: int = field(default=0, init=False, repr=False, compare=False)
    _last: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._first = self.date_start.toordinal()
        self._last = self.date_end.toordinal()

    def vector(self) -> TextVector:
        if self._vector is None:
            self._vector = text_vector(self.text)
        return self._vector


@dataclass(frozen=True, slots=True)
class Candidate:
    """A scored pair, `a` < `b` (report ids). `reasons` is machine-readable, with a
    `summary` line for people."""

    a: int
    b: int
    score: float
    reasons: dict[str, Any]


def widened_range(report: Report, settings: FinderSettings) -> tuple[dt.date, dt.date]:
    """The report's range widened by its precision and the window: any report whose own
    widened range does not overlap this one is blocked."""
    pad = dt.timedelta(days=settings.pad_days(report.date_precision) + settings.window_days)
    return report.date_start - pad, report.date_end + pad


def type_relation(a: Report, b: Report) -> str | None:
    """The types' relation: "same_type", "same_parent", or None (blocked)."""
    if a.type_code == b.type_code:
        return "same_type"
    if a.type_parent is not None and a.type_parent in (b.type_code, b.type_parent):
        return "same_parent"
    if b.type_parent is not None and b.type_parent == a.type_code:
        return "same_parent"
    return None


def _day_gap(a: Report, b: Report, settings: FinderSettings) -> int:
    """Days between the two ranges once each is widened by its own precision (0 when they
    meet): a report dated "that week" is not days apart from one dated on a day of it."""
    pad_a = settings.pad_days(a.date_precision)
    pad_b = settings.pad_days(b.date_precision)
    return max(b._first - pad_b - (a._last + pad_a), a._first - pad_a - (b._last + pad_b), 0)


def _date_score(a: Report, b: Report, gap: int) -> float:
    if a._first == a._last == b._first == b._last:
        return 1.0
    if gap == 0:
        return 0.8
    # Outlets often date a night attack a day apart; three days apart is rarely one event.
    return max(0.0, 0.8 - 0.3 * gap)


def _date_reason(score: float, gap: int) -> tuple[dict[str, Any], str]:
    if score == 1.0:
        return {"kind": "same_day", "gap_days": 0}, "same day"
    if gap == 0:
        return {"kind": "overlap", "gap_days": 0}, "overlapping dates"
    day_word = "day" if gap == 1 else "days"
    return {"kind": "apart", "gap_days": gap}, f"{gap} {day_word} apart"


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _same_name(x: str, y: str) -> bool:
    return bool(x) and alias_key(x) == alias_key(y)


def _within(inner: Place, outer: Place) -> str | None:
    """The level ("admin2", "admin1", "country") at which `outer` contains `inner`, if it
    is an administrative area that does: matched on the inner place's admin code or name,
    or on the area's own name."""
    if inner.country and outer.country and inner.country != outer.country:
        return None
    if outer.kind == "admin2" and (
        _same_name(inner.admin2, outer.admin2) or _same_name(inner.admin2, outer.name)
    ):
        return "admin2"
    if outer.kind == "admin1" and (
        _same_name(inner.admin1, outer.admin1) or _same_name(inner.admin1, outer.name)
    ):
        return "admin1"
    if outer.kind == "country" and inner.country and inner.country == outer.country:
        return "country"
    return None


_WITHIN_SCORE = {"admin2": 0.75, "admin1": 0.5, "country": 0.2}


@lru_cache(maxsize=65_536)
def _place_part(
    a: Place | None, b: Place | None, near_km: float
) -> tuple[float, dict[str, Any], str]:
    """Cached: a project has a few hundred places, met again and again in pairs. The reason
    dict is shared between calls; `pair_score` copies it."""
    if a is None or b is None:
        return UNKNOWN_PART, {"kind": "unknown"}, "place unknown"
    if a.id == b.id:
        return 1.0, {"kind": "same_place"}, "same place"
    for inner, outer in ((a, b), (b, a)):
        level = _within(inner, outer)
        if level is not None:
            within = {"kind": "within", "level": level}
            return _WITHIN_SCORE[level], within, f"within {outer.name}"
    if a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None:
        # Two points: only the distance counts (two towns of one district can be 80 km
        # apart, and the same day there is common).
        km = haversine_km(a.lat, a.lon, b.lat, b.lon)
        reason = {"kind": "near" if km <= near_km else "far", "km": round(km, 1)}
        if km <= near_km:
            return 0.9 - 0.4 * km / near_km, reason, f"{km:.0f} km apart"
        return 0.0, reason, f"{km:.0f} km apart"
    same_country = not (a.country and b.country and a.country != b.country)
    if same_country and _same_name(a.admin2, b.admin2):
        return 0.45, {"kind": "same_admin2"}, "same district"
    if same_country and _same_name(a.admin1, b.admin1):
        return 0.25, {"kind": "same_admin1"}, "same region"
    return 0.0, {"kind": "different"}, "different places"


def _actor_score(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return UNKNOWN_PART
    return len(a & b) / len(a | b)


def _actor_reason(a: frozenset[int], b: frozenset[int]) -> tuple[dict[str, Any], str]:
    if not a or not b:
        return {"shared": 0, "of": len(a | b), "known": False}, "actors unknown"
    shared, named = len(a & b), len(a | b)
    word = "actor" if named == 1 else "actors"
    return {"shared": shared, "of": named, "known": True}, f"{shared} of {named} {word}"


def link_required(settings: FinderSettings) -> bool:
    """Whether only linked pairs can be candidates: true when a pair whose reports both name
    actors but share none, and both have places that are unrelated (place part 0), cannot
    reach the threshold even on the same day with the same type and identical text. The
    searches then read only reports that share an actor with the query, have a related
    place, or lack actors or a place."""
    weights = settings.weights
    return weights["date"] + weights["type"] + weights["text"] < settings.threshold


def places_related(a: Place, b: Place, settings: FinderSettings) -> bool:
    """Whether two known places give the place part anything (same, within, near, same
    admin area)."""
    return _place_part(a, b, settings.near_km)[0] > 0


def pair_score(a: Report, b: Report, settings: FinderSettings) -> Candidate | None:
    """The pair's score and reasons; None when a blocking rule rules it out, when it is one
    report twice, or when it cannot reach the threshold (the cheap parts are summed first,
    and the place and the text are looked at only if they could still lift it)."""
    if a.id == b.id:
        return None
    relation = type_relation(a, b)
    if relation is None:
        return None
    gap = _day_gap(a, b, settings)
    if gap > settings.window_days:
        return None
    weights = settings.weights
    date_score = _date_score(a, b, gap)
    actor_score = _actor_score(a.actors, b.actors)
    type_score = 1.0 if relation == "same_type" else 0.6
    partial = (
        weights["date"] * date_score
        + weights["actors"] * actor_score
        + weights["type"] * type_score
    )
    if partial + weights["place"] + weights["text"] < settings.threshold:
        return None
    place_score, place_reason, place_text = _place_part(a.place, b.place, settings.near_km)
    partial += weights["place"] * place_score
    if partial + weights["text"] < settings.threshold:
        return None
    similarity = text_cosine(a.vector(), b.vector())
    score = round(min(1.0, partial + weights["text"] * similarity), 4)
    date_reason, date_text = _date_reason(date_score, gap)
    actor_reason, actor_text = _actor_reason(a.actors, b.actors)
    type_text = "same sub-type" if relation == "same_type" else "same parent type"
    reasons = {
        "type": relation,
        "date": date_reason,
        "place": dict(place_reason),
        "actors": actor_reason,
        "text": round(similarity, 2),
        "summary": ", ".join(
            [date_text, place_text, actor_text, f"{similarity:.2f} text similarity", type_text]
        ),
    }
    low, high = (a.id, b.id) if a.id < b.id else (b.id, a.id)
    return Candidate(low, high, score, reasons)


def rank_candidates(
    report: Report, others: Iterable[Report], settings: FinderSettings
) -> list[Candidate]:
    """The candidates for `report` among `others`: scoring at least the threshold, best
    first (ties by the other report's id)."""
    found = []
    for other in others:
        candidate = pair_score(report, other, settings)
        if candidate is not None and candidate.score >= settings.threshold:
            found.append(candidate)
    found.sort(key=lambda c: (-c.score, c.a + c.b - report.id))
    return found
