"""The blind insertion plan alone (pure, no database): exact quotas, no duplicates, only
eligible items, and — over many seeds — items and places spread evenly (so neither the
choice of item nor a calibration item's place in a queue follows a pattern)."""

from __future__ import annotations

import math
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import chisquare

from coding.calibration import calibration_quota, plan_calibration


def test_quota_is_floor_of_rate_times_real_work_minus_what_the_coder_has() -> None:
    assert calibration_quota(0.1, 9, 0) == 0
    assert calibration_quota(0.1, 10, 0) == 1
    assert calibration_quota(0.3, 10, 0) == 3  # 0.3 × 10 is 2.9999… in floating point
    assert calibration_quota(0.3, 10, 2) == 1
    assert calibration_quota(0.3, 10, 5) == 0  # never negative
    assert calibration_quota(0.0, 1000, 0) == 0
    assert calibration_quota(1.0, 7, 0) == 7


@given(
    seed=st.integers(0, 2**32),
    rate=st.floats(0.0, 1.0),
    n_coders=st.integers(1, 5),
    n_new=st.integers(0, 20),
    items=st.lists(st.integers(1000, 1030), max_size=12),
    existing=st.integers(0, 3),
)
def test_each_coder_gets_exactly_their_quota_of_distinct_eligible_items(
    seed: int, rate: float, n_coders: int, n_new: int, items: list[int], existing: int
) -> None:
    coders = list(range(1, n_coders + 1))
    new_rows = [(i, coders[i % n_coders]) for i in range(n_new)]
    real_totals = Counter(c for _, c in new_rows)
    eligible = {c: items[c - 1 :] for c in coders}  # coder c may not have the first c-1
    plan = plan_calibration(
        seed=seed,
        rate=rate,
        new_rows=new_rows,
        real_totals=real_totals,
        existing=dict.fromkeys(coders, existing),
        eligible=eligible,
    )
    assert [(a, c) for a, c, cal in plan if not cal] == new_rows  # real work in its order
    extra = [(a, c) for a, c, cal in plan if cal]
    assert len(extra) == len(set(extra))
    for coder in coders:
        mine = [a for a, c in extra if c == coder]
        wanted = max(0, math.floor(rate * real_totals[coder] + 1e-9) - existing)
        assert len(mine) == min(wanted, len(set(eligible[coder])))
        assert set(mine) <= set(eligible[coder])
    # The same inputs, the same plan.
    again = plan_calibration(
        seed=seed,
        rate=rate,
        new_rows=new_rows,
        real_totals=real_totals,
        existing=dict.fromkeys(coders, existing),
        eligible=eligible,
    )
    assert again == plan


def test_over_seeds_the_place_in_the_queue_and_the_item_are_uniform() -> None:
    """One coder, 9 new real rows, one calibration item out of 5: over 2,000 seeds the item
    lands in each of the 10 places, and each item is picked, about equally often (χ² test
    at the 0.1 % level, so a correct plan fails it once in a thousand seeds sets)."""
    new_rows = [(i, 1) for i in range(9)]
    places: Counter[int] = Counter()
    picked: Counter[int] = Counter()
    for seed in range(2000):
        plan = plan_calibration(
            seed=seed,
            rate=0.12,  # floor(0.12 × 9) = 1
            new_rows=new_rows,
            real_totals={1: 9},
            existing={},
            eligible={1: [100, 101, 102, 103, 104]},
        )
        [(index, article)] = [(i, a) for i, (a, _, cal) in enumerate(plan) if cal]
        places[index] += 1
        picked[article] += 1
    assert sum(places.values()) == 2000
    assert chisquare([places[i] for i in range(10)]).pvalue > 0.001
    assert chisquare([picked[a] for a in range(100, 105)]).pvalue > 0.001
    assert min(places.values()) > 120  # 200 expected in each place


def test_rate_zero_or_no_eligible_item_adds_nothing() -> None:
    rows = [(1, 1), (2, 1)]
    for rate, eligible in ((0.0, {1: [9]}), (1.0, {1: []})):
        plan = plan_calibration(
            seed=3,
            rate=rate,
            new_rows=rows,
            real_totals={1: 2},
            existing={},
            eligible=eligible,
        )
        assert plan == [(1, 1, False), (2, 1, False)]
