"""Agreement within one article: aligned event clusters, reliability matrices, disagreements.

Units of analysis are the event clusters produced by `align_events`. For each
field the reliability matrix is coders × clusters: the coder's value for the
field, or None when the coder has no event in the cluster or left the field
empty. The *event presence* matrix has 1 where the coder has an event in the
cluster and 0 where a coder who coded the article has none, so "found by one
coder, absent for the others" counts as a disagreement about detection.

Field keys "event_type" and "event_subtype" read the event's own attributes;
every other key reads `AlignableEvent.values`.

Disagreements, most severe first (severity 1..5):

1. unmatched_event   a cluster that not every coder has (event found by some only)
2. event_type        the coders in a cluster chose different types or sub-types
3. participants      a field of group "participants" differs (actors, location)
4. attribute         any other field differs (date, fatalities, ...)
5. span_boundaries   the coders marked different evidence spans for a role

A field differs when the values of the coders present in the cluster are not all
equal, where an empty value (None) counts as a value: it is a difference an
adjudicator must see, although α treats it as missing.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from coding.agreement.alignment import (
    AlignableEvent,
    AlignmentConfig,
    EventCluster,
    Span,
    align_events,
)
from coding.agreement.alpha import AlphaResult, alpha_result
from coding.agreement.distance_alpha import distance_alpha_result, identity_only
from coding.agreement.distances import IDENTICAL_ONLY, distance_by_name
from coding.agreement.levels import Level, check_level

FieldGroup = Literal["participants", "attribute"]
DisagreementKind = Literal[
    "unmatched_event", "event_type", "participants", "attribute", "span_boundaries"
]
SEVERITY: Final[dict[str, int]] = {
    "unmatched_event": 1,
    "event_type": 2,
    "participants": 3,
    "attribute": 4,
    "span_boundaries": 5,
}
TYPE_KEYS: Final = ("event_type", "event_subtype")


@dataclass(frozen=True)
class FieldSpec:
    """A coded field: its key, level of measurement and disagreement group.

    group "participants" is for actors and locations, "attribute" for the rest.
    `value_domain` orders non-numeric ordinal values. Evidence spans whose role
    equals `key` are attached to the field's disagreements. `distance` names the
    field's own δ² (distances.DISTANCE_NAMES; "identical": no α, percent identical
    only); None uses the level's δ².
    """

    key: str
    level: Level = "nominal"
    group: FieldGroup = "attribute"
    value_domain: tuple[Hashable, ...] | None = None
    distance: str | None = None

    def __post_init__(self) -> None:
        check_level(self.level)
        if self.distance is not None and self.distance != IDENTICAL_ONLY:
            distance_by_name(self.distance)


def field_alpha(spec: FieldSpec, matrix: Sequence[Sequence[object]]) -> AlphaResult:
    """α of one field's coders × units matrix with the field's level or distance."""
    if spec.distance == IDENTICAL_ONLY:
        return identity_only(alpha_result(matrix, "nominal"))
    if spec.distance is not None:
        return distance_alpha_result(matrix, distance_by_name(spec.distance), spec.level)
    return alpha_result(matrix, spec.level, value_domain=spec.value_domain)


@dataclass(frozen=True)
class Disagreement:
    """One difference between coders inside one cluster (see module doc for kinds)."""

    kind: DisagreementKind
    severity: int
    cluster_index: int
    coder_ids: tuple[int, ...]
    event_ids: tuple[int, ...]
    field_key: str | None
    values: Mapping[int, object]
    spans: Mapping[int, tuple[Span, ...]]


@dataclass(frozen=True)
class FieldAgreement:
    """A field's coders × clusters matrix (None = missing) and its α on this article."""

    spec: FieldSpec
    matrix: tuple[tuple[object, ...], ...]
    alpha: AlphaResult


@dataclass(frozen=True)
class ArticleAgreement:
    """Everything computed for one article; matrices have one row per coder in `coders`."""

    coders: tuple[int, ...]
    clusters: tuple[EventCluster, ...]
    presence: tuple[tuple[int, ...], ...]
    detection: AlphaResult
    fields: Mapping[str, FieldAgreement]
    disagreements: tuple[Disagreement, ...]


def field_value(event: AlignableEvent, key: str) -> object:
    """The value of field `key` for an event (type keys read the event's attributes)."""
    if key == "event_type":
        return event.event_type
    if key == "event_subtype":
        return event.event_subtype
    return event.values.get(key)


def compute_article_agreement(
    events: Sequence[AlignableEvent],
    fields: Sequence[FieldSpec],
    coders: Sequence[int],
    *,
    config: AlignmentConfig | None = None,
) -> ArticleAgreement:
    """Align `events`, build presence and field matrices, α per field, and disagreements.

    `coders` are all coders who coded the article, including those who found no event.
    """
    coder_ids = tuple(coders)
    if len(set(coder_ids)) != len(coder_ids):
        raise ValueError("coders must be distinct")
    unknown = {e.coder for e in events} - set(coder_ids)
    if unknown:
        raise ValueError(f"events by coders not listed in coders: {sorted(unknown)}")
    clusters = tuple(align_events(events, config))
    presence = tuple(tuple(int(c in cl.events) for cl in clusters) for c in coder_ids)
    field_results: dict[str, FieldAgreement] = {}
    for spec in fields:
        matrix = tuple(
            tuple(
                field_value(cl.events[c], spec.key) if c in cl.events else None for cl in clusters
            )
            for c in coder_ids
        )
        field_results[spec.key] = FieldAgreement(spec, matrix, field_alpha(spec, matrix))
    disagreements = [d for cl in clusters for d in _cluster_disagreements(cl, coder_ids, fields)]
    disagreements.sort(key=lambda d: (d.severity, d.cluster_index, d.field_key or ""))
    return ArticleAgreement(
        coders=coder_ids,
        clusters=clusters,
        presence=presence,
        detection=alpha_result(presence, "nominal"),
        fields=field_results,
        disagreements=tuple(disagreements),
    )


def _cluster_disagreements(
    cluster: EventCluster, coders: tuple[int, ...], fields: Sequence[FieldSpec]
) -> list[Disagreement]:
    present = tuple(c for c in coders if c in cluster.events)
    event_ids = tuple(cluster.events[c].id for c in present)
    found: list[Disagreement] = []

    def add(
        kind: DisagreementKind,
        coder_ids: tuple[int, ...],
        key: str | None,
        values: Mapping[int, object],
        spans: Mapping[int, tuple[Span, ...]],
    ) -> None:
        found.append(
            Disagreement(
                kind, SEVERITY[kind], cluster.index, coder_ids, event_ids, key, values, spans
            )
        )

    by_role: dict[int, dict[str, tuple[Span, ...]]] = {}  # grouped once, read per role
    for c in present:
        grouped: dict[str, list[Span]] = {}
        for span in cluster.events[c].spans:
            grouped.setdefault(span.role, []).append(span)
        by_role[c] = {role: tuple(spans) for role, spans in grouped.items()}

    def role_spans(role: str | None) -> dict[int, tuple[Span, ...]]:
        if role is None:
            return {c: tuple(cluster.events[c].spans) for c in present}
        return {c: by_role[c].get(role, ()) for c in present}

    if len(present) < len(coders):
        add(
            "unmatched_event",
            coders,
            None,
            {c: c in cluster.events for c in coders},
            role_spans(None),
        )
    if len(present) < 2:
        return found
    types = {c: (cluster.events[c].event_type, cluster.events[c].event_subtype) for c in present}
    if len(set(types.values())) > 1:
        add("event_type", present, None, types, role_spans("trigger"))
    for spec in fields:
        if spec.key in TYPE_KEYS:
            continue
        values = {c: field_value(cluster.events[c], spec.key) for c in present}
        if not _all_equal(list(values.values())):
            add(spec.group, present, spec.key, values, role_spans(spec.key))
    roles = sorted({role for c in present for role in by_role[c]})
    for role in roles:
        spans = role_spans(role)
        bounds = {c: tuple(sorted((s.start, s.end) for s in spans[c])) for c in present}
        if len(set(bounds.values())) > 1:
            add("span_boundaries", present, role, bounds, spans)
    return found


def _all_equal(values: list[object]) -> bool:
    return all(v == values[0] for v in values[1:])
