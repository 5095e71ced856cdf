"""Aligning the events that several coders coded in one article.

Similarity of two events a, b from different coders, in [0, 1]:

    S = Σ_i w_i x_i / Σ_{i applicable} w_i, over the components
    trigger   x = character Dice of the spans with role "trigger"
    evidence  x = role-aware character Dice of all other spans
                  (2 Σ_r |A_r ∩ B_r| / Σ_r (|A_r| + |B_r|), A_r = characters in role r)
    type      x = 1 same type and sub-type, 0.5 same type only, 0 otherwise
    values    x = mean over value keys of: 1 equal, Jaccard for two sets, 0 otherwise
                  (including one coder leaving the value empty)

A component is *applicable* when at least one of the two events has something
for it (a trigger span, another span, a non-empty value); type always is. The
renormalisation makes identical events score 1 whatever they contain.

Two coders: maximum-weight one-to-one matching of their events on S with
`scipy.optimize.linear_sum_assignment`, keeping pairs with S ≥ threshold; the
rest stay unmatched ("coded by one, absent for the other"). Events are put in a
canonical order first (first span offset, then id) so ties resolve the same way.

More coders: deterministic greedy merging over the pairwise matchings.
(1) Run the two-coder matching for every pair of coders; its kept pairs are the
candidate edges. (2) Visit the edges by decreasing S (ties: canonical event
order). (3) Merge the two events' clusters when they share no coder and their
average linkage (mean S over all cross pairs of events) is ≥ threshold. Every
cluster therefore holds at most one event per coder; with two coders this is
exactly the Hungarian matching.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from coding.agreement.spans import (
    check_offsets,
    covered_length,
    intersect_sorted,
    merge_intervals,
)

TRIGGER_ROLE = "trigger"


@dataclass(frozen=True)
class Span:
    """Evidence span of an event: a role and half-open code-point offsets [start, end)."""

    role: str
    start: int
    end: int

    def __post_init__(self) -> None:
        check_offsets(self.start, self.end)


@dataclass(frozen=True)
class AlignableEvent:
    """One coder's event, with already-normalised values.

    `values` maps field keys to hashable values: day ordinal ints for dates,
    ids or frozensets of ids for actors and locations, ints, choice codes; None
    means "left empty".
    """

    id: int
    coder: int
    event_type: str
    event_subtype: str | None = None
    spans: tuple[Span, ...] = ()
    values: Mapping[str, object] = field(default_factory=dict)

    def order_key(self) -> tuple[int, int, int, int]:
        """Canonical order: events with spans first, by first span, then by id."""
        if not self.spans:
            return (1, 0, 0, self.id)
        start, end = min((s.start, s.end) for s in self.spans)
        return (0, start, end, self.id)


@dataclass(frozen=True)
class AlignmentConfig:
    """Weights of the similarity components and the matching threshold (see module doc)."""

    trigger_weight: float = 0.4
    evidence_weight: float = 0.2
    type_weight: float = 0.2
    values_weight: float = 0.2
    threshold: float = 0.35
    trigger_role: str = TRIGGER_ROLE
    value_keys: tuple[str, ...] | None = None


@dataclass(frozen=True)
class EventCluster:
    """Aligned events, at most one per coder (coder → event), and their mean pairwise S."""

    index: int
    events: Mapping[int, AlignableEvent]
    cohesion: float


def event_similarity(
    a: AlignableEvent, b: AlignableEvent, config: AlignmentConfig | None = None
) -> float:
    """S(a, b) in [0, 1] as defined in the module docstring."""
    cfg = config or AlignmentConfig()
    return _similarity(a, _profile(a, cfg), b, _profile(b, cfg), cfg)


@dataclass(frozen=True)
class _Profile:
    """What S needs of one event, computed once per event rather than once per pair:
    merged trigger intervals, merged intervals and covered length of every other role
    (roles whose spans are all empty included: they still count as present), value keys."""

    trigger: list[tuple[int, int]]
    trigger_length: int
    evidence: dict[str, tuple[list[tuple[int, int]], int]]
    evidence_roles: tuple[str, ...]  # sorted
    value_keys: tuple[str, ...]  # sorted


def _profile(event: AlignableEvent, cfg: AlignmentConfig) -> _Profile:
    trigger = _role_intervals(event, cfg.trigger_role)
    evidence = {}
    for role in {s.role for s in event.spans if s.role != cfg.trigger_role}:
        intervals = _role_intervals(event, role)
        evidence[role] = (intervals, covered_length(intervals))
    return _Profile(
        trigger,
        covered_length(trigger),
        evidence,
        tuple(sorted(evidence)),
        tuple(sorted(event.values)),
    )


def _similarity(
    a: AlignableEvent, pa: _Profile, b: AlignableEvent, pb: _Profile, cfg: AlignmentConfig
) -> float:
    parts: list[tuple[float, float]] = [(cfg.type_weight, _type_similarity(a, b))]
    if pa.trigger or pb.trigger:
        trigger = _sized_dice(pa.trigger, pa.trigger_length, pb.trigger, pb.trigger_length)
        parts.append((cfg.trigger_weight, trigger))
    evidence = _evidence_dice(pa, pb)
    if evidence is not None:
        parts.append((cfg.evidence_weight, evidence))
    keys = cfg.value_keys
    if keys is None:
        keys = pa.value_keys if pa.value_keys == pb.value_keys else None
    values = _values_similarity(a, b, keys)
    if values is not None:
        parts.append((cfg.values_weight, values))
    total_weight = sum(w for w, _ in parts)
    return sum(w * x for w, x in parts) / total_weight if total_weight else 0.0


def match_two_coders(
    events_a: Sequence[AlignableEvent],
    events_b: Sequence[AlignableEvent],
    config: AlignmentConfig | None = None,
) -> list[tuple[AlignableEvent, AlignableEvent, float]]:
    """Optimal one-to-one matching (a, b, S) with S ≥ threshold, in canonical order of a."""
    cfg = config or AlignmentConfig()
    return _hungarian(events_a, events_b, lambda x, y: event_similarity(x, y, cfg), cfg.threshold)


def _hungarian(
    events_a: Sequence[AlignableEvent],
    events_b: Sequence[AlignableEvent],
    similarity: Callable[[AlignableEvent, AlignableEvent], float],
    threshold: float,
    order_key: Callable[[AlignableEvent], tuple[int, int, int, int]] = AlignableEvent.order_key,
) -> list[tuple[AlignableEvent, AlignableEvent, float]]:
    left = sorted(events_a, key=order_key)
    right = sorted(events_b, key=order_key)
    if not left or not right:
        return []
    score = np.array([[similarity(x, y) for y in right] for x in left])
    allowed = np.where(score >= threshold, score, 0.0)
    # imported here: scipy.optimize is most of `import coding.agreement`'s cost
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(allowed, maximize=True)
    return [
        (left[i], right[j], float(score[i, j]))
        for i, j in zip(rows, cols, strict=True)
        if score[i, j] >= threshold
    ]


def align_events(
    events: Sequence[AlignableEvent], config: AlignmentConfig | None = None
) -> list[EventCluster]:
    """Cluster the events of one article, ≤ 1 event per coder per cluster (see module doc)."""
    cfg = config or AlignmentConfig()
    ids = [e.id for e in events]
    if len(set(ids)) != len(ids):
        raise ValueError("event ids must be unique within an article")
    order = {e.id: e.order_key() for e in events}  # computed once per event

    def order_key(event: AlignableEvent) -> tuple[int, int, int, int]:
        return order[event.id]

    ordered = sorted(events, key=order_key)
    by_coder: dict[int, list[AlignableEvent]] = {}
    for event in ordered:
        by_coder.setdefault(event.coder, []).append(event)
    profiles = {e.id: _profile(e, cfg) for e in ordered}
    similarity: dict[tuple[int, int], float] = {}
    edges: list[tuple[float, tuple[int, int, int, int], int, int]] = []
    for coder_a, coder_b in combinations(sorted(by_coder), 2):
        for x in by_coder[coder_a]:
            for y in by_coder[coder_b]:
                s = _similarity(x, profiles[x.id], y, profiles[y.id], cfg)
                similarity[x.id, y.id] = similarity[y.id, x.id] = s

        def cached(x: AlignableEvent, y: AlignableEvent) -> float:
            return similarity[x.id, y.id]

        matched = _hungarian(by_coder[coder_a], by_coder[coder_b], cached, cfg.threshold, order_key)
        for x, y, s in matched:
            edges.append((-s, min(order[x.id], order[y.id]), x.id, y.id))
    cluster_of = {e.id: i for i, e in enumerate(ordered)}
    members: dict[int, list[AlignableEvent]] = {i: [e] for i, e in enumerate(ordered)}
    for _, _, x_id, y_id in sorted(edges):
        cx, cy = cluster_of[x_id], cluster_of[y_id]
        if cx == cy:
            continue
        if {e.coder for e in members[cx]} & {e.coder for e in members[cy]}:
            continue
        linkage = [similarity[p.id, q.id] for p in members[cx] for q in members[cy]]
        if sum(linkage) / len(linkage) < cfg.threshold:
            continue
        keep, gone = min(cx, cy), max(cx, cy)
        members[keep].extend(members.pop(gone))
        for e in members[keep]:
            cluster_of[e.id] = keep
    groups = sorted(members.values(), key=lambda g: min(order[e.id] for e in g))
    return [
        EventCluster(
            index=i,
            events={e.coder: e for e in sorted(group, key=lambda e: e.coder)},
            cohesion=_cohesion(group, similarity),
        )
        for i, group in enumerate(groups)
    ]


def _cohesion(group: list[AlignableEvent], similarity: Mapping[tuple[int, int], float]) -> float:
    pairs = [similarity[p.id, q.id] for p, q in combinations(group, 2)]
    return sum(pairs) / len(pairs) if pairs else float("nan")


def _type_similarity(a: AlignableEvent, b: AlignableEvent) -> float:
    if a.event_type != b.event_type:
        return 0.0
    return 1.0 if a.event_subtype == b.event_subtype else 0.5


def _role_intervals(event: AlignableEvent, role: str) -> list[tuple[int, int]]:
    return merge_intervals((s.start, s.end) for s in event.spans if s.role == role)


def _evidence_dice(pa: _Profile, pb: _Profile) -> float | None:
    """Role-aware character Dice of all non-trigger spans (None when neither has any)."""
    if pa.evidence_roles == pb.evidence_roles:  # the usual case: the same roles marked
        roles = pa.evidence_roles
    else:
        roles = tuple(sorted(pa.evidence.keys() | pb.evidence.keys()))
    if not roles:
        return None
    overlap = total = 0.0
    evidence_a, evidence_b = pa.evidence, pb.evidence
    for role in roles:
        ia, la = evidence_a.get(role, _NO_INTERVALS)
        ib, lb = evidence_b.get(role, _NO_INTERVALS)
        size = la + lb
        if size:  # (roles with only empty spans add 0)
            overlap += _sized_dice(ia, la, ib, lb) * size / 2.0
        total += size
    return 2.0 * overlap / total if total else None


_NO_INTERVALS: tuple[list[tuple[int, int]], int] = ([], 0)


def _sized_dice(a: list[tuple[int, int]], la: int, b: list[tuple[int, int]], lb: int) -> float:
    """`dice(a, b)` given the covered lengths la, lb of a and b."""
    total = la + lb
    if total == 0:
        return 0.0
    if len(a) == 1 and len(b) == 1:  # the usual case: one span each
        overlap = max(0, min(a[0][1], b[0][1]) - max(a[0][0], b[0][0]))
    else:
        overlap = sum(o for _, _, o in intersect_sorted(a, b))
    return 2.0 * overlap / total


def _values_similarity(
    a: AlignableEvent, b: AlignableEvent, keys: tuple[str, ...] | None
) -> float | None:
    candidates = keys if keys is not None else sorted(set(a.values) | set(b.values))
    values_a, values_b = a.values, b.values
    scores = []
    for key in candidates:
        x, y = values_a.get(key), values_b.get(key)
        if x is None or y is None:
            if x is not None or y is not None:
                scores.append(0.0)
        elif x == y:  # equal sets too: their Jaccard is 1
            scores.append(1.0)
        else:
            scores.append(value_similarity(x, y))
    return sum(scores) / len(scores) if scores else None


def value_similarity(x: object, y: object) -> float:
    """1 for equal values, Jaccard for two (frozen)sets, else 0 (also when one is None)."""
    if x is None or y is None:
        return 0.0
    if isinstance(x, frozenset | set) and isinstance(y, frozenset | set):
        union = len(x | y)
        return len(x & y) / union if union else 1.0
    return 1.0 if x == y else 0.0
