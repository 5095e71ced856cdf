"""Unitizing α_U, the uα family and pairwise span F1 beyond the published vectors."""

from __future__ import annotations

import math

import pytest

from coding.agreement import (
    GAP,
    CodedSpan,
    LabelledSpan,
    match_spans,
    pairwise_span_f1,
    partition_continuum,
    span_f1,
    u_alpha_family,
    unitizing_alpha,
)
from coding.agreement.span_f1 import SpanF1Counts


def test_identical_unitizing_gives_one() -> None:
    spans = [CodedSpan(c, "actor", 5, 12) for c in "abc"] + [
        CodedSpan(c, "trigger", 20, 26) for c in "abc"
    ]
    result = unitizing_alpha(spans, coders="abc", continuum=(0, 40))
    assert result.value == 1.0
    assert {k: v.value for k, v in result.per_category.items()} == {"actor": 1.0, "trigger": 1.0}
    assert result.per_category["actor"].n_units == 3


def test_overlapping_units_of_one_coder_are_merged() -> None:
    merged = [CodedSpan(0, "x", 10, 20), CodedSpan(1, "x", 10, 20)]
    split = [CodedSpan(0, "x", 10, 15), CodedSpan(0, "x", 12, 20), CodedSpan(1, "x", 10, 20)]
    a = unitizing_alpha(merged, coders=[0, 1], continuum=(0, 50))
    b = unitizing_alpha(split, coders=[0, 1], continuum=(0, 50))
    assert a.value == b.value == 1.0


def test_a_coder_without_spans_disagrees() -> None:
    spans = [CodedSpan("a", "x", 10, 20), CodedSpan("b", "x", 10, 20)]
    two = unitizing_alpha(spans, coders=["a", "b"], continuum=(0, 50))
    three = unitizing_alpha(spans, coders=["a", "b", "c"], continuum=(0, 50))
    assert two.value == 1.0
    assert three.value < 0.5
    assert three.n_coders == 3


def test_unitizing_input_checks() -> None:
    with pytest.raises(ValueError, match="outside the continuum"):
        unitizing_alpha([CodedSpan(0, "x", 5, 60)], coders=[0, 1], continuum=(0, 50))
    with pytest.raises(ValueError, match="unknown coder"):
        unitizing_alpha([CodedSpan(9, "x", 5, 6)], coders=[0, 1], continuum=(0, 50))
    with pytest.raises(ValueError, match="two coders"):
        unitizing_alpha([], coders=[0], continuum=(0, 50))
    with pytest.raises(ValueError, match="integers"):
        unitizing_alpha([CodedSpan(0, "x", 6, 5)], coders=[0, 1], continuum=(0, 50))
    empty = unitizing_alpha([], coders=[0, 1], continuum=(0, 50))
    assert math.isnan(empty.value)
    assert empty.per_category == {}


def test_partition_continuum_fills_gaps_and_rejects_overlaps() -> None:
    spans = [CodedSpan("a", "k", 3, 5), CodedSpan("a", "k", 8, 9)]
    assert partition_continuum(spans, coders=["a", "b"], continuum=(0, 10)) == {
        "a": [(GAP, 0, 3), ("k", 3, 5), (GAP, 5, 8), ("k", 8, 9), (GAP, 9, 10)],
        "b": [(GAP, 0, 10)],
    }
    with pytest.raises(ValueError, match="overlapping"):
        partition_continuum(
            [CodedSpan("a", "k", 3, 5), CodedSpan("a", "j", 4, 6)], coders=["a"], continuum=(0, 9)
        )


def test_u_alpha_of_identical_partitions_is_one() -> None:
    spans = [CodedSpan(c, label, s, e) for c in "ab" for label, s, e in [(1, 2, 5), (2, 7, 12)]]
    family = u_alpha_family(partition_continuum(spans, coders="ab", continuum=(0, 15)))
    assert family.u_alpha == pytest.approx(1.0, abs=1e-15)
    assert family.binary_u_alpha == pytest.approx(1.0, abs=1e-15)
    assert family.cu_alpha == pytest.approx(1.0, abs=1e-15)
    assert family.cu_coverage == pytest.approx(8 / 15, abs=1e-15)
    with pytest.raises(ValueError, match="two coders"):
        u_alpha_family({"a": [(GAP, 0, 5)]})


def test_overlap_matching_maximises_matches_before_overlap() -> None:
    a = [LabelledSpan(0, 10, "x"), LabelledSpan(8, 12, "x")]
    b = [LabelledSpan(5, 11, "x"), LabelledSpan(0, 4, "x")]
    # best-Dice-first would take a0-b0 (Dice .625) and leave a1 and b1 without partner
    assert match_spans(a, b, mode="overlap") == [(0, 1), (1, 0)]
    assert span_f1(a, b, mode="overlap").f1 == 1.0
    assert span_f1(a, b, mode="exact").f1 == 0.0


def test_pairwise_span_f1_micro_and_macro() -> None:
    spans = {
        "a": [LabelledSpan(0, 5, "x"), LabelledSpan(10, 15, "x")],
        "b": [LabelledSpan(0, 5, "x")],
        "c": [],
    }
    result = pairwise_span_f1(spans)
    assert result.pairs == {
        ("a", "b"): SpanF1Counts(1, 2, 1),
        ("a", "c"): SpanF1Counts(0, 2, 0),
        ("b", "c"): SpanF1Counts(0, 1, 0),
    }
    assert result.total == SpanF1Counts(1, 5, 1)
    assert result.micro_f1 == pytest.approx(2 / 6)
    assert result.macro_f1 == pytest.approx((2 / 3 + 0 + 0) / 3)
    assert math.isnan(pairwise_span_f1({"a": [], "b": []}).macro_f1)


def test_span_f1_counts_add_up_across_articles() -> None:
    total = SpanF1Counts(1, 2, 3) + SpanF1Counts(2, 2, 2)
    assert total == SpanF1Counts(3, 4, 5)
    assert total.f1 == pytest.approx(6 / 9)


def test_unknown_match_mode() -> None:
    with pytest.raises(ValueError, match="unknown mode"):
        match_spans([LabelledSpan(0, 1)], [LabelledSpan(0, 1)], mode="fuzzy")  # type: ignore[arg-type]
