"""Event alignment: similarity, two-coder Hungarian matching, multi-coder clustering."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coding.agreement import (
    AlignableEvent,
    AlignmentConfig,
    Span,
    align_events,
    event_similarity,
    match_two_coders,
    value_similarity,
)


def event(
    event_id: int,
    coder: int,
    trigger: tuple[int, int] | None,
    event_type: str = "protest",
    subtype: str | None = None,
    actor: tuple[int, int] | None = None,
    **values: object,
) -> AlignableEvent:
    spans = []
    if trigger:
        spans.append(Span("trigger", *trigger))
    if actor:
        spans.append(Span("actor", *actor))
    return AlignableEvent(event_id, coder, event_type, subtype, tuple(spans), values)


def clusters_as_ids(clusters: list) -> list[set[int]]:
    return [{e.id for e in c.events.values()} for c in clusters]


def test_identical_events_align_with_similarity_one() -> None:
    a = [event(1, 1, (10, 18), actor=(0, 9), date=700), event(2, 1, (40, 46), "attack")]
    b = [event(3, 2, (10, 18), actor=(0, 9), date=700), event(4, 2, (40, 46), "attack")]
    assert event_similarity(a[0], b[0]) == 1.0
    assert [(x.id, y.id, s) for x, y, s in match_two_coders(a, b)] == [(1, 3, 1.0), (2, 4, 1.0)]
    clusters = align_events(a + b)
    assert clusters_as_ids(clusters) == [{1, 3}, {2, 4}]
    assert [c.cohesion for c in clusters] == [1.0, 1.0]
    assert list(clusters[0].events) == [1, 2]  # coder → event, by coder


def test_disjoint_events_stay_unmatched() -> None:
    a = [event(1, 1, (10, 18), "protest", date=700)]
    b = [event(2, 2, (50, 58), "attack", date=900)]
    assert event_similarity(a[0], b[0]) == 0.0
    assert match_two_coders(a, b) == []
    assert clusters_as_ids(align_events(a + b)) == [{1}, {2}]


def test_similarity_components() -> None:
    base = event(1, 1, (10, 20), "protest", "march", actor=(0, 8), date=700, actors=frozenset({1}))
    # same trigger, other type, half the actor span, other values
    other = event(2, 2, (10, 20), "attack", None, actor=(0, 4), date=701, actors=frozenset({1, 2}))
    # weights .4 trigger (Dice 1), .2 evidence (Dice 2·4/12), .2 type (0), .2 values
    # (date 0, actors Jaccard 1/2 → 1/4)
    expected = (0.4 * 1 + 0.2 * (8 / 12) + 0.2 * 0 + 0.2 * 0.25) / 1.0
    assert event_similarity(base, other) == pytest.approx(expected, abs=1e-12)
    assert event_similarity(other, base) == pytest.approx(expected, abs=1e-12)
    same_type = event(3, 2, None, "protest", None)
    # no spans and no values on one side: trigger, evidence, values still apply (the other
    # event has them) and score 0; type scores .5 (same type, other sub-type)
    assert event_similarity(base, same_type) == pytest.approx(0.2 * 0.5, abs=1e-12)
    bare_a, bare_b = event(4, 1, None, "arrest"), event(5, 2, None, "arrest")
    assert event_similarity(bare_a, bare_b) == 1.0  # nothing but the type to compare


def test_value_similarity() -> None:
    assert value_similarity(3, 3) == 1.0
    assert value_similarity(3, None) == 0.0
    assert value_similarity(frozenset({1, 2}), frozenset({2, 3})) == pytest.approx(1 / 3)
    assert value_similarity(frozenset(), frozenset()) == 1.0


def test_threshold_decides_whether_a_pair_matches() -> None:
    a = event(1, 1, (10, 20), "protest", date=700)
    b = event(2, 2, (10, 20), "attack", date=800)
    s = event_similarity(a, b)  # trigger only: .4 / (.4 + .2 + .2)
    assert s == pytest.approx(0.5, abs=1e-12)
    assert len(match_two_coders([a], [b], AlignmentConfig(threshold=s))) == 1
    assert match_two_coders([a], [b], AlignmentConfig(threshold=s + 1e-9)) == []
    assert clusters_as_ids(align_events([a, b], AlignmentConfig(threshold=0.6))) == [{1}, {2}]


def test_hungarian_beats_greedy() -> None:
    # a1 is most similar to b1, but b1 is a2's only candidate; optimal total pairs a1-b2, a2-b1
    a1 = event(1, 1, (0, 10), date=5)
    a2 = event(2, 1, (20, 30), date=6)
    b1 = event(3, 2, (5, 25), date=6)
    b2 = event(4, 2, (0, 4), date=5)
    pairs = {(x.id, y.id) for x, y, _ in match_two_coders([a1, a2], [b1, b2])}
    assert pairs == {(1, 4), (2, 3)}


def test_three_coders() -> None:
    events = [
        event(1, 1, (10, 18), date=700),  # found by all three
        event(2, 2, (10, 18), date=700),
        event(3, 3, (11, 18), date=700),
        event(4, 1, (40, 46), "attack", date=701),  # coders 1 and 3
        event(5, 3, (40, 46), "attack", date=701),
        event(6, 2, (80, 90), "arrest", date=702),  # coder 2 only
    ]
    clusters = align_events(events)
    assert clusters_as_ids(clusters) == [{1, 2, 3}, {4, 5}, {6}]
    assert [sorted(c.events) for c in clusters] == [[1, 2, 3], [1, 3], [2]]
    assert [c.index for c in clusters] == [0, 1, 2]


def test_average_linkage_blocks_chaining() -> None:
    # a–b match on the trigger, b–c match on a *different* part of b's evidence; a and c
    # have nothing in common, so c must not join a's cluster through b.
    a = event(1, 1, (10, 20), "protest", date=1)
    b = event(2, 2, (10, 20), "protest", actor=(40, 50), date=2)
    c = event(3, 3, None, "riot", actor=(40, 50), date=2)
    config = AlignmentConfig(threshold=0.35)
    s_ab, s_bc, s_ac = (event_similarity(x, y) for x, y in [(a, b), (b, c), (a, c)])
    assert s_ab >= 0.35
    assert s_bc >= 0.35
    assert (s_ac + min(s_ab, s_bc)) / 2 < 0.35
    clusters = align_events([a, b, c], config)
    assert sorted(map(sorted, clusters_as_ids(clusters))) == [[1, 2], [3]]


def test_input_order_does_not_matter() -> None:
    events = [
        event(i, coder, (start, start + 6), kind, date=start)
        for i, (coder, start, kind) in enumerate(
            [(1, 0, "p"), (2, 0, "p"), (3, 1, "p"), (1, 20, "a"), (2, 21, "a"), (3, 50, "x")]
        )
    ]
    expected = clusters_as_ids(align_events(events))
    shuffled = list(events)
    random.Random(4).shuffle(shuffled)
    assert clusters_as_ids(align_events(shuffled)) == expected


def test_duplicate_event_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="unique"):
        align_events([event(1, 1, (0, 5)), event(1, 2, (0, 5))])
    with pytest.raises(ValueError, match="integers"):
        Span("trigger", 5, 2)


random_events = st.lists(
    st.builds(
        lambda coder, start, length, kind, date: (coder, start, length, kind, date),
        st.integers(1, 4),
        st.integers(0, 60),
        st.integers(1, 10),
        st.sampled_from(["p", "a"]),
        st.integers(0, 2),
    ),
    max_size=12,
)


@settings(max_examples=40, deadline=None)
@given(random_events, st.floats(0.2, 0.8))
def test_clusters_partition_events_one_per_coder(rows: list, threshold: float) -> None:
    events = [
        event(i, coder, (start, start + length), kind, date=date)
        for i, (coder, start, length, kind, date) in enumerate(rows)
    ]
    config = AlignmentConfig(threshold=threshold)
    clusters = align_events(events, config)
    ids = [e.id for c in clusters for e in c.events.values()]
    assert sorted(ids) == list(range(len(events)))
    for cluster in clusters:
        assert all(e.coder == coder for coder, e in cluster.events.items())
        if len(cluster.events) > 1:
            assert cluster.cohesion >= threshold - 1e-12
    if len({e.coder for e in events}) == 2:
        coders = sorted({e.coder for e in events})
        side = [[e for e in events if e.coder == c] for c in coders]
        pairs = {frozenset({x.id, y.id}) for x, y, _ in match_two_coders(side[0], side[1], config)}
        assert {frozenset(g) for g in clusters_as_ids(clusters) if len(g) == 2} == pairs


def test_documented_similarity_examples() -> None:
    """The examples in docs/agreement.md §6, with all four components present."""
    a = event(1, 1, (10, 20), "protest", "march", actor=(0, 8), date=5, location=7)
    other_type = event(2, 2, (10, 20), "attack", None, actor=(0, 8), date=6, location=8)
    same_attributes = event(3, 2, (40, 50), "protest", "march", actor=(60, 68), date=5, location=7)
    type_only = event(4, 2, (40, 50), "protest", "march", actor=(60, 68), date=6, location=8)
    assert event_similarity(a, a) == 1.0
    assert event_similarity(a, other_type) == pytest.approx(0.6, abs=1e-12)
    assert event_similarity(a, same_attributes) == pytest.approx(0.4, abs=1e-12)
    assert event_similarity(a, type_only) == pytest.approx(0.2, abs=1e-12)
    threshold = AlignmentConfig().threshold
    assert event_similarity(a, same_attributes) >= threshold > event_similarity(a, type_only)
