"""Krippendorff's α: cross-check with the `krippendorff` package, inputs, statuses, counts."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest

from coding.agreement import (
    AlphaResult,
    Level,
    alpha_from_value_counts,
    alpha_result,
    interpret_alpha,
    krippendorff_alpha,
    scott_pi,
)

LEVELS: list[Level] = ["nominal", "ordinal", "interval", "ratio"]
WIKIPEDIA = [
    [None, None, None, None, None, 3, 4, 1, 2, 1, 1, 3, 3, None, 3],
    [1, None, 2, 1, 3, 3, 4, 3, None, None, None, None, None, None, None],
    [None, None, 2, 1, 3, 4, 4, None, 2, 1, 1, 3, 3, None, 4],
]


def _random_matrix(rng: np.random.Generator, level: Level) -> np.ndarray:
    n_coders = int(rng.integers(2, 7))
    n_units = int(rng.integers(2, 60))
    n_values = int(rng.integers(2, 8))
    # ratio values are positive; interval values may be negative and non-integer
    pool = (
        rng.normal(0, 10, n_values).round(2)
        if level == "interval"
        else rng.integers(1, 40, n_values).astype(float)
    )
    data = rng.choice(pool, size=(n_coders, n_units))
    data[rng.random((n_coders, n_units)) < rng.uniform(0, 0.5)] = np.nan
    data[:2, 0] = pool[0]  # at least one pairable unit
    data[:2, 1] = pool[1] if pool[1] != pool[0] else pool[0] + 1  # and variation
    return data


@pytest.mark.parametrize("level", LEVELS)
def test_matches_krippendorff_package_on_random_matrices(level: Level) -> None:
    rng = np.random.default_rng(20240611 + LEVELS.index(level))
    for _ in range(60):
        data = _random_matrix(rng, level)
        ours = krippendorff_alpha(data, level)
        theirs = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        assert abs(ours - theirs) <= 1e-9, (level, ours, theirs)


def test_matches_krippendorff_package_on_many_categories() -> None:
    rng = np.random.default_rng(7)
    data = rng.integers(0, 60, size=(5, 400)).astype(float)
    data[rng.random(data.shape) < 0.3] = np.nan
    for level in LEVELS:
        theirs = krippendorff.alpha(reliability_data=data + 1, level_of_measurement=level)
        assert abs(krippendorff_alpha(data + 1, level) - theirs) <= 1e-9


def test_list_array_and_object_inputs_agree() -> None:
    as_list = krippendorff_alpha(WIKIPEDIA, "interval")
    as_float = krippendorff_alpha(np.array(WIKIPEDIA, dtype=float), "interval")
    as_object = krippendorff_alpha(np.array(WIKIPEDIA, dtype=object), "interval")
    assert as_list == pytest.approx(0.8108448928121059, abs=1e-15)
    assert as_float == pytest.approx(as_list, abs=1e-15)
    assert as_object == pytest.approx(as_list, abs=1e-15)


def test_strings_and_hashables_are_nominal_categories() -> None:
    labels = {1: "low", 2: "mid", 3: "high", 4: ("very", "high")}
    mapped = [[None if v is None else labels[v] for v in row] for row in WIKIPEDIA]
    assert krippendorff_alpha(mapped) == pytest.approx(0.691358024691358, abs=1e-15)
    sets = [[None if v is None else frozenset({v, 99}) for v in row] for row in WIKIPEDIA]
    assert krippendorff_alpha(sets) == pytest.approx(0.691358024691358, abs=1e-15)


def test_nan_float_and_string_nan_count_as_missing() -> None:
    with_nan = [[float("nan") if v is None else str(v) for v in row] for row in WIKIPEDIA]
    assert krippendorff_alpha(with_nan) == pytest.approx(0.691358024691358, abs=1e-15)
    as_strings = np.array(with_nan)  # NumPy turns the NaNs into "nan"
    assert as_strings.dtype.kind == "U"
    assert krippendorff_alpha(as_strings) == pytest.approx(0.691358024691358, abs=1e-15)


def test_ordinal_strings_need_an_ordered_domain() -> None:
    names = {1: "very low", 2: "low", 3: "mid", 4: "high", 5: "very high"}
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    words = [[None if v is None else names[v] for v in row] for row in data]
    domain = ["very low", "low", "mid", "high", "very high"]
    expected = 108577 / 133160
    assert krippendorff_alpha(words, "ordinal", value_domain=domain) == pytest.approx(expected)
    assert krippendorff_alpha(data, "ordinal") == pytest.approx(expected)
    with pytest.raises(ValueError, match="value_domain"):
        krippendorff_alpha(words, "ordinal")
    with pytest.raises(ValueError, match="numeric"):
        krippendorff_alpha(words, "interval")


def test_unused_domain_values_do_not_change_alpha() -> None:
    base = krippendorff_alpha(WIKIPEDIA, "ordinal")
    assert krippendorff_alpha(WIKIPEDIA, "ordinal", value_domain=[0, 1, 2, 3, 4, 5, 9]) == (
        pytest.approx(base, abs=1e-15)
    )
    with pytest.raises(ValueError, match="outside value_domain"):
        krippendorff_alpha(WIKIPEDIA, "nominal", value_domain=[1, 2, 3])


def test_result_counts_units_and_values() -> None:
    result = alpha_result(WIKIPEDIA, "nominal")
    assert isinstance(result, AlphaResult)
    assert result.status == "ok"
    assert (result.n_units, result.n_pairable_units) == (15, 12)
    assert (result.n_dropped_units, result.n_empty_units) == (1, 2)
    assert (result.n_values, result.n_coders) == (26, 3)
    # pairable units 3-13 and 15: 9 agree fully, unit 6 (3, 3, 4) has 1 agreeing pair in 3,
    # units 8 (1, 3) and 15 (3, 4) none
    assert result.percent_agreement == pytest.approx((9 + 1 / 3) / 12, abs=1e-15)
    assert result.value == pytest.approx(
        1 - result.observed_disagreement / result.expected_disagreement, abs=1e-15
    )


def test_single_coded_units_do_not_change_alpha() -> None:
    extended = [[*row, value] for row, value in zip(WIKIPEDIA, [7, None, None], strict=True)]
    assert krippendorff_alpha(extended) == pytest.approx(krippendorff_alpha(WIKIPEDIA), abs=1e-15)
    assert alpha_result(extended).n_dropped_units == 2


def test_two_coders_alpha_equals_corrected_scott_pi() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 4, 30).tolist(), rng.integers(0, 4, 30).tolist()
    n = 2 * 30
    expected = 1 - (1 - scott_pi(a, b)) * (n - 1) / n
    assert krippendorff_alpha([a, b]) == pytest.approx(expected, abs=1e-12)


def test_value_counts_input_matches_reliability_data() -> None:
    data = np.array(WIKIPEDIA, dtype=float)
    counts = np.stack([(data == v).sum(axis=0) for v in (1, 2, 3, 4)], axis=1)
    for level in LEVELS:
        from_counts = alpha_from_value_counts(counts, level, value_domain=[1, 2, 3, 4])
        assert from_counts.value == pytest.approx(krippendorff_alpha(data, level), abs=1e-15)
        assert from_counts.n_dropped_units == 1


def test_empty_and_degenerate_inputs() -> None:
    empty = alpha_result([[], []])
    assert (empty.status, empty.n_units, empty.n_values) == ("undefined: no pairable units", 0, 0)
    assert math.isnan(empty.percent_agreement)
    ratio_zeros = alpha_result([[0, 0], [0, 0]], "ratio")
    assert ratio_zeros.status == "undefined: no variation"
    with pytest.raises(ValueError, match="level of measurement"):
        alpha_result(WIKIPEDIA, "circular")
    with pytest.raises(ValueError, match="infinite"):
        alpha_result([[1.0, math.inf], [1.0, 2.0]], "interval")
    with pytest.raises(ValueError, match="2-D"):
        alpha_result([1, 2, 3])
    with pytest.raises(ValueError, match="hashable"):
        alpha_result([[{1}, {2}], [{1}, {2}]])


def test_interval_alpha_is_stable_on_large_offsets() -> None:
    # day ordinals around 738,000: centring keeps D_e free of cancellation
    small: list[list[int | None]] = [[1, 2, 3, 4, None], [1, 2, 4, 4, 5], [2, 2, 3, None, 5]]
    shifted = [[None if v is None else v + 738_000 for v in row] for row in small]
    assert krippendorff_alpha(shifted, "interval") == pytest.approx(
        krippendorff_alpha(small, "interval"), abs=1e-12
    )


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0.8, "reliable"),
        (0.7999, "tentative"),
        (0.667, "tentative"),
        (0.6, "unreliable"),
        (float("nan"), "undefined"),
    ],
)
def test_interpretation_bands(value: float, band: str) -> None:
    assert interpret_alpha(value) == band


def test_interval_alpha_of_perfect_agreement_is_exactly_one() -> None:
    """Rounding once gave 1.0000000000000002, which the database (rightly) refuses."""
    import numpy as np

    from coding.agreement import alpha_result

    data = [[738107, 738120, 738228]] * 3
    assert alpha_result(data, "interval").value == 1.0
    assert alpha_result(np.array(data, dtype=float), "interval").value == 1.0
