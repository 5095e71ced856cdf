"""α_U over a project's articles: each article a continuum with its own coders, pooled
weighted by length (coding.agreement.unitizing.pooled_unitizing_alpha)."""

from __future__ import annotations

import math

import pytest

from coding.agreement import (
    CodedSpan,
    UnitizingPart,
    pooled_unitizing_alpha,
    unitizing_alpha,
    unitizing_part,
)

# Article A (10 code points): both coders mark [2, 5) as a trigger: perfect agreement.
A = [CodedSpan(1, "trigger", 2, 5), CodedSpan(2, "trigger", 2, 5)]
# Article B (20 code points), other coders: a trigger [4, 8) against [5, 8), and an actor
# only one coder marked.
B = [CodedSpan(3, "trigger", 4, 8), CodedSpan(4, "trigger", 5, 8), CodedSpan(3, "actor", 12, 15)]


def test_one_article_pooled_is_its_own_alpha_u() -> None:
    part = unitizing_part(B, coders=[3, 4], continuum=(0, 20))
    alone = unitizing_alpha(B, coders=[3, 4], continuum=(0, 20))
    assert pooled_unitizing_alpha([part])[0] == pytest.approx(alone.value, abs=1e-15)
    assert part.length == 20


def test_by_hand_for_two_articles() -> None:
    # B, trigger: D_o = 2/(m(m−1)L²) · Σ_{i<j} δ², and the only pair of overlapping
    # segments with a distance is the two units: δ²([4,8), [5,8)) = 1² + 0² (the unit [4,8)
    # does not lie inside coder 4's gap [0,5), so that pair counts 0).
    trigger_observed = 2 * 1 / (2 * 1 * 20 * 20)
    b = unitizing_alpha(B, coders=[3, 4], continuum=(0, 20))
    assert b.per_category["trigger"].observed_disagreement == pytest.approx(trigger_observed)
    a = unitizing_alpha(A, coders=[1, 2], continuum=(0, 10))
    assert a.value == 1.0
    observed = 20 * sum(c.observed_disagreement for c in b.per_category.values())
    expected = 10 * sum(c.expected_disagreement for c in a.per_category.values()) + 20 * sum(
        c.expected_disagreement for c in b.per_category.values()
    )
    parts = [
        unitizing_part(A, coders=[1, 2], continuum=(0, 10)),
        unitizing_part(B, coders=[3, 4], continuum=(0, 20)),
    ]
    value, d_o, d_e = pooled_unitizing_alpha(parts)
    assert value == pytest.approx(1 - observed / expected, abs=1e-15)
    assert d_o == pytest.approx(observed / 30)
    assert d_e == pytest.approx(expected / 30)
    # The agreeing article pulls the pooled α_U above B's own.
    assert b.value < value < 1.0


def test_the_same_article_twice_pools_to_its_own_alpha_u() -> None:
    part = unitizing_part(B, coders=[3, 4], continuum=(0, 20))
    assert pooled_unitizing_alpha([part, part])[0] == pytest.approx(
        pooled_unitizing_alpha([part])[0], abs=1e-15
    )


def test_no_spans_anywhere_is_undefined() -> None:
    empty = unitizing_part([], coders=[1, 2], continuum=(0, 10))
    assert empty == UnitizingPart(10, 0.0, 0.0)
    assert all(math.isnan(v) for v in pooled_unitizing_alpha([empty]))
    assert all(math.isnan(v) for v in pooled_unitizing_alpha([]))
