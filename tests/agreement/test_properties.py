"""Hypothesis properties of α, the pairwise measures and the bootstrap (bounded examples)."""

from __future__ import annotations

import math
from dataclasses import astuple

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from coding.agreement import (
    LabelledSpan,
    alpha_result,
    bootstrap_alpha,
    cohen_kappa,
    krippendorff_alpha,
    scott_pi,
    span_f1,
)

LEVELS = ["nominal", "ordinal", "interval", "ratio"]
FEW = settings(max_examples=40, deadline=None)


@st.composite
def reliability_data(draw: st.DrawFn, max_coders: int = 4, max_units: int = 12) -> list[list]:
    n_coders = draw(st.integers(2, max_coders))
    n_units = draw(st.integers(1, max_units))
    cell = st.one_of(st.none(), st.integers(1, 5))
    return [draw(st.lists(cell, min_size=n_units, max_size=n_units)) for _ in range(n_coders)]


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-12


@FEW
@given(reliability_data(), st.sampled_from(LEVELS), st.randoms(use_true_random=False))
def test_alpha_invariant_under_permuting_units(data: list[list], level: str, rnd) -> None:
    order = list(range(len(data[0])))
    rnd.shuffle(order)
    shuffled = [[row[u] for u in order] for row in data]
    assert _same(krippendorff_alpha(shuffled, level), krippendorff_alpha(data, level))


@FEW
@given(reliability_data(), st.sampled_from(LEVELS), st.randoms(use_true_random=False))
def test_alpha_invariant_under_permuting_coders(data: list[list], level: str, rnd) -> None:
    rows = list(data)
    rnd.shuffle(rows)
    assert _same(krippendorff_alpha(rows, level), krippendorff_alpha(data, level))


@FEW
@given(reliability_data(), st.permutations(["p", "q", "r", "s", "t"]))
def test_nominal_alpha_invariant_under_relabelling(data: list[list], labels: list[str]) -> None:
    relabelled = [[None if v is None else labels[v - 1] for v in row] for row in data]
    assert _same(krippendorff_alpha(relabelled), krippendorff_alpha(data))


@FEW
@given(reliability_data(), st.sampled_from(LEVELS))
def test_alpha_is_at_most_one(data: list[list], level: str) -> None:
    result = alpha_result(data, level)
    assert math.isnan(result.value) or result.value <= 1.0 + 1e-12
    assert math.isnan(result.value) == (result.status != "ok")


@FEW
@given(
    st.lists(st.integers(1, 5), min_size=2, max_size=12).filter(lambda v: len(set(v)) > 1),
    st.integers(2, 5),
    st.sampled_from(LEVELS),
)
def test_perfect_agreement_with_variation_gives_one(
    truth: list[int], n_coders: int, level: str
) -> None:
    result = alpha_result([list(truth) for _ in range(n_coders)], level)
    assert result.status == "ok"
    assert abs(result.value - 1.0) <= 1e-12
    assert result.percent_agreement == 1.0


@FEW
@given(reliability_data(max_coders=2, max_units=15))
def test_two_coder_measures_are_symmetric(data: list[list]) -> None:
    a, b = data[0], data[1]
    assert _same(cohen_kappa(a, b), cohen_kappa(b, a))
    assert _same(scott_pi(a, b), scott_pi(b, a))
    assert _same(cohen_kappa(a, b, weights="quadratic"), cohen_kappa(b, a, weights="quadratic"))


spans = st.lists(
    st.builds(
        lambda s, n, lab: LabelledSpan(s, s + n, lab),
        st.integers(0, 40),
        st.integers(1, 8),
        st.sampled_from(["A", "B"]),
    ),
    max_size=6,
)


@FEW
@given(spans, spans, st.sampled_from(["exact", "overlap"]), st.booleans())
def test_span_f1_is_symmetric(a: list, b: list, mode: str, labelled: bool) -> None:
    ab = span_f1(a, b, mode=mode, labelled=labelled)  # type: ignore[arg-type]
    ba = span_f1(b, a, mode=mode, labelled=labelled)  # type: ignore[arg-type]
    assert ab.true_positives == ba.true_positives
    assert _same(ab.f1, ba.f1)
    assert ab.true_positives <= min(len(a), len(b))


@settings(max_examples=15, deadline=None)
@given(reliability_data(max_units=10), st.integers(0, 2**32 - 1), st.sampled_from(LEVELS))
def test_bootstrap_is_reproducible_for_a_seed(data: list[list], seed: int, level: str) -> None:
    first = bootstrap_alpha(data, level, n_boot=50, seed=seed)
    second = bootstrap_alpha(data, level, n_boot=50, seed=seed)
    assert np.array_equal(astuple(first), astuple(second), equal_nan=True)
    assert first.seed == seed
