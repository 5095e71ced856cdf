"""From stored coder events to the pure agreement package's inputs.

Value normalization (what counts as "the same value" for agreement), per field kind:
- choice → its code; multi_choice → the set of codes;
- actor / location → the dictionary id, or ("name", folded name) for a coder's proposal;
  with `multiple`, the set of those;
- date → the start day as a day number (interval level: a one-day difference is small);
- integer → the int; boolean → the bool; text → the folded text (nominal).

A field whose codebook names a distance (coding.agreement.distances) gets the value that
distance compares: `date_range` the (first day, last day) range as day numbers (a single
day is (d, d)); `place_hierarchy` the dictionary place as (country, admin1, admin2, id)
(a proposed place: (None, None, None, ("name", folded name))); `masi`/`jaccard` the set;
`identical` the folded text (compared by identity only, no α).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from coding.agreement import AlignableEvent, FieldSpec, Span
from coding.codebook_runtime import event_type_codes
from coding.codebook_spec import CodebookSpec
from coding.codebook_spec import FieldSpec as CodebookField
from coding.models import (
    REAL_ASSIGNMENT,
    REAL_EVENT,
    Assignment,
    CodedEvent,
    EvidenceSpan,
    Location,
)
from coding.text.matching import normalize_for_search

# Bump when normalization or alignment changes, so stored results are recomputed.
ALGORITHM_VERSION = "athar-agreement/2"

_PARTICIPANT_KINDS = {"actor", "location"}


def agreement_fields(spec: CodebookSpec) -> list[FieldSpec]:
    """Event type, sub-type and every codebook field, with its level and disagreement group."""
    fields = [FieldSpec("event_type", "nominal"), FieldSpec("event_subtype", "nominal")]
    for fdef in spec.fields:
        domain: tuple[Hashable, ...] | None = None
        if fdef.level == "ordinal" and fdef.kind == "choice":
            domain = tuple(choice.code for choice in fdef.choices)
        group = "participants" if fdef.kind in _PARTICIPANT_KINDS else "attribute"
        fields.append(
            FieldSpec(fdef.key, fdef.level, group, domain, fdef.distance)  # type: ignore[arg-type]
        )
    return fields


def _reference(value: Any) -> Hashable | None:
    if not isinstance(value, Mapping):
        return None
    if value.get("id") is not None:
        return int(value["id"])
    if value.get("name"):
        return ("name", normalize_for_search(str(value["name"])))
    return None


Place = tuple[Hashable, Hashable, Hashable, Hashable]


def normalize_value(
    fdef: CodebookField, value: Any, places: Mapping[int, Place] | None = None
) -> Hashable | None:
    """The comparable form of one stored field value (None = left empty).

    `places` maps location ids to (country, admin1, admin2, id), for fields compared with
    the `place_hierarchy` distance (see `location_hierarchies`).
    """
    if value is None or value == "" or value == []:
        return None
    kind = fdef.kind
    if fdef.distance == "date_range" and kind == "date":
        start = dt.date.fromisoformat(value["start"]).toordinal()
        end = value.get("end")
        return (start, dt.date.fromisoformat(end).toordinal() if end else start)
    if fdef.distance == "place_hierarchy" and kind == "location":
        ref = _reference(value)
        if ref is None:
            return None
        if isinstance(ref, int):
            return (places or {}).get(ref, (None, None, None, ref))
        return (None, None, None, ref)
    if kind == "multi_choice":
        return frozenset(str(v) for v in value)
    if kind in _PARTICIPANT_KINDS:
        if fdef.multiple:
            refs = frozenset(r for r in (_reference(v) for v in value) if r is not None)
            return refs or None
        return _reference(value)
    if kind == "date":
        return dt.date.fromisoformat(value["start"]).toordinal()
    if kind == "integer":
        return int(value)
    if kind == "boolean":
        return bool(value)
    if kind == "text":
        return normalize_for_search(str(value)) or None
    return str(value)


def location_hierarchies(values: Iterable[Any]) -> dict[int, Place]:
    """(country, admin1, admin2, id) of the dictionary places the stored values refer to
    (one query); an empty part is None, so it matches nothing."""
    ids = {ref for ref in (_reference(v) for v in values) if isinstance(ref, int)}
    if not ids:
        return {}
    return {
        pk: (country or None, admin1 or None, admin2 or None, pk)
        for pk, country, admin1, admin2 in Location.objects.filter(pk__in=ids).values_list(
            "pk", "country", "admin1", "admin2"
        )
    }


@dataclass(frozen=True)
class ArticleInputs:
    article_id: int
    coders: tuple[int, ...]
    events: tuple[AlignableEvent, ...]
    digest: str
    # When the article's coding ended (its last submission): the week agreement is charted by.
    coded_at: dt.datetime | None = None


def _digest(
    article_id: int,
    version_id: int,
    coders: Iterable[int],
    event_versions: Iterable[tuple[int, int]],
) -> str:
    parts = [
        ALGORITHM_VERSION,
        f"a{article_id}",
        f"v{version_id}",
        "c" + ",".join(map(str, sorted(coders))),
        "e" + ",".join(f"{e}:{v}" for e, v in sorted(event_versions)),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def load_article_inputs(
    article_ids: list[int], spec: CodebookSpec, version_id: int
) -> list[ArticleInputs]:
    """Inputs of the given articles whose assignments are all submitted (1+ coders).

    An article coded by one coder gets inputs too: its run aligns nothing, but its clusters
    (one per event) are what adjudication decides, so a single coder's events reach the gold
    layer as candidates. `project_agreement_compute` leaves such articles out of the
    project's figures (one coder says nothing about agreement).

    Three queries whatever the number of articles: assignments, events, spans.

    Only real work: calibration assignments and their events (coding.models.calibration)
    are never agreement inputs, so they reach no run, adjudication or queue.
    """
    coders_by_article: dict[int, list[int]] = defaultdict(list)
    incomplete: set[int] = set()
    coded_at: dict[int, dt.datetime] = {}
    for article_id, coder_id, status, submitted_at in Assignment.objects.filter(
        REAL_ASSIGNMENT, article_id__in=article_ids
    ).values_list("article_id", "coder_id", "status", "submitted_at"):
        coders_by_article[article_id].append(coder_id)
        if status != Assignment.Status.SUBMITTED:
            incomplete.add(article_id)
        elif submitted_at is not None and (
            article_id not in coded_at or submitted_at > coded_at[article_id]
        ):
            coded_at[article_id] = submitted_at
    ready = [a for a in article_ids if a not in incomplete and len(coders_by_article[a]) >= 1]
    codes = event_type_codes(version_id)
    rows = list(
        CodedEvent.objects.filter(
            REAL_EVENT, article_id__in=ready, layer=CodedEvent.Layer.CODER
        ).values_list(
            "id",
            "article_id",
            "assignment__coder_id",
            "event_type_id",
            "event_subtype_id",
            "values",
            "version",
        )
    )
    spans: dict[int, list[Span]] = defaultdict(list)
    for event_id, role, start, end in EvidenceSpan.objects.filter(
        event_id__in=[row[0] for row in rows]
    ).values_list("event_id", "role", "start", "end"):
        spans[event_id].append(Span(role, start, end))
    fields = spec.fields
    place_keys = [f.key for f in fields if f.distance == "place_hierarchy"]
    places = location_hierarchies(row[5].get(key) for row in rows for key in place_keys)
    events_by_article: dict[int, list[AlignableEvent]] = defaultdict(list)
    versions_by_article: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for event_id, article_id, coder_id, type_id, subtype_id, values, version in rows:
        events_by_article[article_id].append(
            AlignableEvent(
                id=event_id,
                coder=coder_id,
                event_type=codes[type_id],
                event_subtype=codes[subtype_id] if subtype_id else None,
                spans=tuple(sorted(spans[event_id], key=lambda s: (s.start, s.end, s.role))),
                values={f.key: normalize_value(f, values.get(f.key), places) for f in fields},
            )
        )
        versions_by_article[article_id].append((event_id, version))
    return [
        ArticleInputs(
            article_id=a,
            coders=tuple(sorted(coders_by_article[a])),
            events=tuple(events_by_article[a]),
            digest=_digest(a, version_id, coders_by_article[a], versions_by_article[a]),
            coded_at=coded_at.get(a),
        )
        for a in ready
    ]
