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
from scipy.optimize import linear_sum_assignment

from coding.agreement.spans import check_offsets, dice, merge_intervals

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
    parts: list[tuple[float, float]] = [(cfg.type_weight, _type_similarity(a, b))]
    trigger_a, trigger_b = (
        _role_intervals(a, cfg.trigger_role),
        _role_intervals(b, cfg.trigger_role),
    )
    if trigger_a or trigger_b:
        parts.append((cfg.trigger_weight, dice(trigger_a, trigger_b)))
    evidence = _evidence_dice(a, b, cfg.trigger_role)
    if evidence is not None:
        parts.append((cfg.evidence_weight, evidence))
    values = _values_similarity(a, b, cfg.value_keys)
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
) -> list[tuple[AlignableEvent, AlignableEvent, float]]:
    left = sorted(events_a, key=AlignableEvent.order_key)
    right = sorted(events_b, key=AlignableEvent.order_key)
    if not left or not right:
        return []
    score = np.array([[similarity(x, y) for y in right] for x in left])
    allowed = np.where(score >= threshold, score, 0.0)
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
    ordered = sorted(events, key=AlignableEvent.order_key)
    by_coder: dict[int, list[AlignableEvent]] = {}
    for event in ordered:
        by_coder.setdefault(event.coder, []).append(event)
    similarity: dict[tuple[int, int], float] = {}
    edges: list[tuple[float, tuple[int, int, int, int], int, int]] = []
    for coder_a, coder_b in combinations(sorted(by_coder), 2):
        for x in by_coder[coder_a]:
            for y in by_coder[coder_b]:
                s = event_similarity(x, y, cfg)
                similarity[x.id, y.id] = similarity[y.id, x.id] = s

        def cached(x: AlignableEvent, y: AlignableEvent) -> float:
            return similarity[x.id, y.id]

        for x, y, s in _hungarian(by_coder[coder_a], by_coder[coder_b], cached, cfg.threshold):
            edges.append((-s, min(x.order_key(), y.order_key()), x.id, y.id))
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
    groups = sorted(members.values(), key=lambda g: min(e.order_key() for e in g))
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


def _evidence_dice(a: AlignableEvent, b: AlignableEvent, trigger_role: str) -> float | None:
    roles = {s.role for s in (*a.spans, *b.spans) if s.role != trigger_role}
    if not roles:
        return None
    overlap = total = 0.0
    for role in sorted(roles):
        ia, ib = _role_intervals(a, role), _role_intervals(b, role)
        size = sum(e - s for s, e in ia) + sum(e - s for s, e in ib)
        overlap += dice(ia, ib) * size / 2.0
        total += size
    return 2.0 * overlap / total if total else None


def _values_similarity(
    a: AlignableEvent, b: AlignableEvent, keys: tuple[str, ...] | None
) -> float | None:
    candidates = keys if keys is not None else sorted(set(a.values) | set(b.values))
    scores = []
    for key in candidates:
        x, y = a.values.get(key), b.values.get(key)
        if x is None and y is None:
            continue
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
