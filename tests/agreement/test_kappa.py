"""κ family against the exact-fraction implementation in exact_kappa.py, plus conventions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from coding.agreement import (
    agreement_weights,
    brennan_prediger,
    cohen_kappa,
    conger_kappa,
    contingency_table,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    multi_rater_agreement,
    percent_agreement,
    scott_pi,
    two_rater_agreement,
)
from tests.agreement import exact_kappa

WEIGHT_KINDS = ["identity", "linear", "quadratic"]


def _close(got: float, exact: object) -> bool:
    if exact is None:
        return math.isnan(got)
    return math.isclose(got, float(exact), rel_tol=0, abs_tol=1e-12)  # type: ignore[arg-type]


def _ratings(rng: np.random.Generator, n_coders: int, n_units: int, q: int) -> list[list]:
    rows: list[list[int | None]] = [
        [int(v) for v in rng.integers(1, q + 1, n_units)] for _ in range(n_coders)
    ]
    for row in rows:
        for u in range(n_units):
            if rng.random() < 0.25:
                row[u] = None
    for row in rows[:2]:  # keep the first unit pairable
        row[0] = 1
    return rows


@pytest.mark.parametrize("kind", WEIGHT_KINDS)
def test_two_rater_coefficients_match_exact_fractions(kind: str) -> None:
    rng = np.random.default_rng(11)
    for _ in range(25):
        q = int(rng.integers(2, 6))
        a, b = _ratings(rng, 2, int(rng.integers(3, 40)), q)
        categories = list(range(1, q + 1))
        exact = exact_kappa.two_raters(a, b, categories, kind)
        got = two_rater_agreement(a, b, categories=categories, weights=kind)
        assert _close(got.percent_agreement, exact["p_a"])
        assert _close(got.cohen_kappa, exact["cohen"])
        assert _close(got.scott_pi, exact["scott"])
        assert _close(got.brennan_prediger, exact["bp"])
        assert _close(got.gwet_ac, exact["gwet"])


@pytest.mark.parametrize("kind", WEIGHT_KINDS)
def test_multi_rater_coefficients_match_exact_fractions(kind: str) -> None:
    rng = np.random.default_rng(12)
    for _ in range(25):
        q = int(rng.integers(2, 6))
        ratings = _ratings(rng, int(rng.integers(2, 6)), int(rng.integers(3, 30)), q)
        categories = list(range(1, q + 1))
        exact = exact_kappa.many_raters(ratings, categories, kind)
        got = multi_rater_agreement(ratings, categories=categories, weights=kind)
        assert _close(got.percent_agreement, exact["p_a"])
        assert _close(got.fleiss_kappa, exact["fleiss"])
        assert _close(got.brennan_prediger, exact["bp"])
        assert _close(got.gwet_ac, exact["gwet"])
        assert got.conger_kappa is not None
        assert _close(got.conger_kappa, exact["conger"])


def test_single_value_functions_agree_with_the_summary() -> None:
    ratings = [[1, 2, 3, 3, None, 1], [1, 2, 3, 1, 2, None], [2, 2, 3, 3, 2, 1]]
    summary = multi_rater_agreement(ratings, categories=[1, 2, 3, 4])
    assert fleiss_kappa(ratings, categories=[1, 2, 3, 4]) == summary.fleiss_kappa
    assert conger_kappa(ratings, categories=[1, 2, 3, 4]) == summary.conger_kappa
    assert brennan_prediger(ratings, categories=[1, 2, 3, 4]) == summary.brennan_prediger
    assert gwet_ac1(ratings, categories=[1, 2, 3, 4]) == summary.gwet_ac
    assert percent_agreement(ratings) == summary.percent_agreement
    assert gwet_ac2(ratings, weights="identity") == pytest.approx(gwet_ac1(ratings), abs=1e-15)


def test_category_list_changes_bp_and_ac1_but_not_kappa() -> None:
    a, b = ["x", "x", "y", "y", "x"], ["x", "y", "y", "y", "x"]
    observed_only = two_rater_agreement(a, b)
    codebook = two_rater_agreement(a, b, categories=["x", "y", "z"])
    assert observed_only.categories == ("x", "y")
    assert codebook.cohen_kappa == observed_only.cohen_kappa
    assert codebook.scott_pi == observed_only.scott_pi
    # p_a = .8; BP p_e = 1/q: q = 2 → .6, q = 3 → .7
    assert observed_only.brennan_prediger == pytest.approx(0.6, abs=1e-15)
    assert codebook.brennan_prediger == pytest.approx(0.7, abs=1e-15)
    assert codebook.gwet_ac != observed_only.gwet_ac


def test_cohen_kappa_drops_units_missing_for_either_coder() -> None:
    a = [1, 2, None, 2, 1, 1]
    b = [1, 2, 2, None, 2, 1]
    table, labels = contingency_table(a, b)
    assert labels == (1.0, 2.0)
    assert table.tolist() == [[2, 1], [0, 1]]
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa([1, 2, 1, 1], [1, 2, 2, 1]), abs=1e-15)


def test_undefined_cases_are_nan() -> None:
    assert math.isnan(cohen_kappa(["a", "a"], ["a", "a"]))  # p_e = 1
    assert math.isnan(fleiss_kappa([["a", "a"], ["a", "a"]]))
    assert math.isnan(gwet_ac1([["a", "a"], ["a", "a"]]))  # q = 1
    assert gwet_ac1([["a", "a"], ["a", "a"]], categories=["a", "b"]) == 1.0
    assert math.isnan(percent_agreement([[1, None], [None, 2]]))  # nothing pairable
    assert math.isnan(cohen_kappa([None], [1]))


def test_weight_matrices() -> None:
    linear = agreement_weights("linear", [1, 2, 3])
    assert linear.tolist() == [[1, 0.5, 0], [0.5, 1, 0.5], [0, 0.5, 1]]
    quadratic = agreement_weights("quadratic", ["low", "mid", "high"])
    assert quadratic[0].tolist() == [1, 0.75, 0]
    bipolar = agreement_weights("bipolar", [1, 2, 3])
    # d(1,2) = 1/(1·3), d(1,3) = 4/(2·2), d(2,3) = 1/(3·1); w = 1 − d/max d
    assert bipolar.ravel().tolist() == pytest.approx([1, 2 / 3, 0, 2 / 3, 1, 2 / 3, 0, 2 / 3, 1])
    custom = agreement_weights([[1, 0.2], [0.2, 1]], ["a", "b"])
    assert custom.tolist() == [[1, 0.2], [0.2, 1]]
    with pytest.raises(ValueError, match="2 × 2"):
        agreement_weights(np.eye(3), ["a", "b"])
    with pytest.raises(ValueError, match="unknown weights"):
        agreement_weights("cubic", ["a", "b"])


def test_weighted_kappa_uses_numeric_category_values() -> None:
    a, b = [0, 1, 10, 10, 0], [1, 1, 10, 0, 0]
    by_value = cohen_kappa(a, b, weights="linear")
    by_position = cohen_kappa(
        ["c0", "c1", "c10", "c10", "c0"],
        ["c1", "c1", "c10", "c0", "c0"],
        categories=["c0", "c1", "c10"],
        weights="linear",
    )
    exact = exact_kappa.two_raters(a, b, [0, 1, 10], "linear")["cohen"]
    assert by_value == pytest.approx(float(exact), abs=1e-12)
    assert by_value != pytest.approx(by_position)


def test_scott_pi_with_strings() -> None:
    assert scott_pi(["a", "b", "a"], ["a", "b", "b"]) == pytest.approx(
        float(exact_kappa.two_raters([1, 2, 1], [1, 2, 2], [1, 2])["scott"]), abs=1e-15
    )
