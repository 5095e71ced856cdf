"""Every applicable case of data/vectors.json (published reference values), to its printed digits.

Each case is checked against `expected` at the precision the source prints (rounded
or truncated, see published.py) and, where the case gives one, against the exact
rational `exact_value`. The six γ cases are stochastic and are checked, seeded, in
test_gamma.py; test_every_vector_is_accounted_for keeps the bookkeeping honest.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from coding.agreement import (
    AlignableEvent,
    CodedSpan,
    LabelledSpan,
    Span,
    alpha_from_value_counts,
    alpha_result,
    event_f1_scores,
    krippendorff_bootstrap,
    multi_rater_agreement,
    multi_rater_agreement_from_counts,
    partition_continuum,
    span_f1,
    two_rater_agreement_from_table,
    u_alpha_family,
    unitizing_alpha,
)
from coding.agreement.span_f1 import MatchMode
from tests.agreement.published import (
    load_vectors,
    matches_exact,
    matches_printed,
    table_to_ratings,
)

VECTORS = {case["name"]: case for case in load_vectors()}

# γ is stochastic: its cases are checked, seeded and with their Monte-Carlo spread, in
# test_gamma.py.
GAMMA_CASES = sorted(name for name in VECTORS if name.startswith("gamma_fixture_"))
APPLICABLE = sorted(name for name in VECTORS if name not in GAMMA_CASES)

WEIGHTS = {
    "quadratic weights": "quadratic",
    "linear weights": "linear",
    "bipolar weights": "bipolar",
}
TABLE_KEYS = {
    "cohen_kappa": "cohen_kappa",
    "weighted_kappa": "cohen_kappa",
    "scott_pi": "scott_pi",
    "brennan_prediger": "brennan_prediger",
    "gwet_ac1": "gwet_ac",
    "gwet_ac2": "gwet_ac",
    "percent_agreement": "percent_agreement",
}
MULTI_KEYS = {**TABLE_KEYS, "fleiss_kappa": "fleiss_kappa", "conger_kappa": "conger_kappa"}


def test_every_vector_is_accounted_for() -> None:
    assert len(VECTORS) == 74
    assert len(GAMMA_CASES) == 6
    assert len(APPLICABLE) == 68
    assert all(VECTORS[name]["metric"].startswith("gamma") for name in GAMMA_CASES)


def _coefficient(case: dict[str, Any]) -> float:
    """The single coefficient a scalar case is about (κ family and α)."""
    metric, data = case["metric"], case["data"]
    weights = WEIGHTS.get(case["level"], "identity")
    if metric == "krippendorff_alpha":
        if isinstance(data, list):
            return alpha_result(data, case["level"]).value
        if "contingency_table_rater1_rows" in data:
            return alpha_result(table_to_ratings(data["contingency_table_rater1_rows"])).value
        return alpha_from_value_counts(data["counts_subject_by_category"]).value
    if isinstance(data, dict) and "contingency_table_rater1_rows" in data:
        table = two_rater_agreement_from_table(
            data["contingency_table_rater1_rows"], weights=weights
        )
        return float(getattr(table, TABLE_KEYS[metric]))
    if isinstance(data, dict) and "counts_subject_by_category" in data:
        counts = multi_rater_agreement_from_counts(
            data["counts_subject_by_category"], weights=weights
        )
        return float(getattr(counts, MULTI_KEYS[metric]))
    ratings = data["ratings_raters_by_subject"] if isinstance(data, dict) else data
    return float(getattr(multi_rater_agreement(ratings, weights=weights), MULTI_KEYS[metric]))


SCALAR = [
    n
    for n in APPLICABLE
    if isinstance(VECTORS[n]["expected"], str)
    and "span" not in VECTORS[n]["metric"]
    and "u_alpha" not in VECTORS[n]["metric"]
]


@pytest.mark.parametrize("name", SCALAR)
def test_scalar_coefficient(name: str) -> None:
    case = VECTORS[name]
    got = _coefficient(case)
    assert matches_printed(got, case["expected"]), (got, case["expected"])
    if isinstance(case.get("exact_value"), str):
        assert matches_exact(got, case["exact_value"]), (got, case["exact_value"])


def test_scalar_list_is_complete() -> None:
    # 21 α cases (the two undefined ones are tested below) and 31 κ-family cases print one value.
    assert len(SCALAR) == 52


def test_alpha_undefined_without_variation() -> None:
    case = VECTORS["edge_all_agree_single_value"]
    result = alpha_result(case["data"], case["level"])
    assert case["expected"] is None
    assert math.isnan(result.value)
    assert result.status == "undefined: no variation"
    assert result.percent_agreement == 1.0  # "report 'no variation' plus raw agreement 100%"


def test_alpha_undefined_without_pairable_units() -> None:
    case = VECTORS["edge_no_pairable_unit"]
    result = alpha_result(case["data"], case["level"])
    assert case["expected"] is None
    assert math.isnan(result.value)
    assert result.status == "undefined: no pairable units"
    assert result.n_pairable_units == 0
    assert result.n_dropped_units == 3


def _units(case: dict[str, Any], stretch: int = 1) -> list[CodedSpan]:
    rows = (
        case["data"].get("units_begin_length_coder_category")
        or VECTORS["alpha_U_krippendorff1995_four_pairs_observed_disagreement"]["data"][
            "units_begin_length_coder_category"
        ]
    )
    return [
        CodedSpan(coder, label, begin * stretch, (begin + length) * stretch)
        for begin, length, coder, label in rows
    ]


def _unitizing(name: str, stretch: int = 1) -> dict[str, float]:
    case = VECTORS[name]
    begin, end = case["data"]["continuum"]
    result = unitizing_alpha(
        _units(case, stretch), coders=[0, 1], continuum=(begin * stretch, end * stretch)
    )
    out = {"alpha_U": result.value}
    for label, cat in result.per_category.items():
        out[f"alpha_U_{label}"] = cat.value
        out[f"Do_{label}"] = cat.observed_disagreement
        out[f"De_{label}"] = cat.expected_disagreement
    return out


@pytest.mark.parametrize(
    "name",
    [
        "alpha_U_krippendorff2004_2coders_c_k",
        "alpha_U_one_long_vs_three_short",
        "alpha_U_krippendorff1995_four_pairs_observed_disagreement",
    ],
)
def test_unitizing_alpha(name: str) -> None:
    case = VECTORS[name]
    got = _unitizing(name)
    for key, printed in case["expected"].items():
        assert matches_printed(got[key], printed), (key, got[key], printed)
    for key, exact in case["exact_value"].items():
        full_key = key if key.startswith(("alpha", "Do")) else f"Do_{key}"
        assert matches_exact(got[full_key], exact), (key, got[full_key], exact)


def test_unitizing_alpha_1995_continuous_limit() -> None:
    # The 1995 paper's D_e has a known slip (DKPro reproduces it within ±.02 only); the
    # vector says so and gives that tolerance.
    case = VECTORS["alpha_U_krippendorff1995_continuous_limit"]
    got = _unitizing(case["name"], stretch=case["data"]["stretch_factor"])
    for label, published in case["expected"].items():
        assert abs(got[f"alpha_U_{label}"] - float(published)) <= case["tolerance"]


def test_u_alpha_family_three_coders() -> None:
    case = VECTORS["u_alpha_family_3coders_2labels"]
    data = case["data"]
    spans = [CodedSpan(*row) for row in data["spans_coder_label_start_end_halfopen"]]
    coders = list(dict.fromkeys(s.coder for s in spans))
    family = u_alpha_family(
        partition_continuum(spans, coders=coders, continuum=(0, data["continuum_length"]))
    )
    expected = case["expected"]
    assert matches_printed(family.u_alpha, expected["u_alpha"])
    assert matches_printed(family.binary_u_alpha, expected["bar_u_alpha"])
    assert matches_printed(family.cu_alpha, expected["cu_alpha"])
    assert matches_printed(100 * family.cu_coverage, expected["cu_coverage_pct"])
    assert matches_printed(family.k_u_alpha[1], expected["k_u_alpha_label1"])
    assert matches_printed(family.k_u_alpha[2], expected["k_u_alpha_label2"])
    assert matches_exact(family.u_alpha, case["exact_value"]["u_alpha"])
    assert matches_exact(family.cu_alpha, case["exact_value"]["cu_alpha"])


def test_u_alpha_keyphrase_segments_as_given() -> None:
    # The source feeds explicit segments, gaps labelled 0 and with 1-character holes
    # that belong to no segment; we pass them as they are (0 → GAP).
    case = VECTORS["u_alpha_keyphrase_3coders"]
    (segments,) = case["data"].values()
    family = u_alpha_family(
        {
            coder: [(None if label == 0 else label, start, end) for label, start, end in rows]
            for coder, rows in segments.items()
        }
    )
    assert matches_exact(family.u_alpha, case["exact_value"])
    assert math.isclose(family.u_alpha, float(case["expected"]), rel_tol=1e-15)


SPAN_F1 = [n for n in APPLICABLE if VECTORS[n]["metric"] == "pairwise span F1"]


@pytest.mark.parametrize("name", SPAN_F1)
def test_span_f1(name: str) -> None:
    case = VECTORS[name]
    level = case["level"]
    mode: MatchMode = "exact" if level.startswith("exact") else "overlap"
    labelled = "label must match" in level or level == "overlap, labelled"
    a = [LabelledSpan(*row) for row in case["data"]["coder_A"]]
    b = [LabelledSpan(*row) for row in case["data"]["coder_B"]]
    got = span_f1(a, b, mode=mode, labelled=labelled)
    if case["expected"] is None:
        assert math.isnan(got.f1)
    else:
        assert matches_printed(got.f1, case["expected"])
        assert got.true_positives == case.get("tp", got.true_positives)


def _ace_events(rows: list[dict[str, Any]], coder: int) -> list[AlignableEvent]:
    events = []
    for i, row in enumerate(rows):
        spans = [Span("trigger", *row["trigger"])]
        spans += [Span(role, *offsets) for role, offsets in row["args"].items()]
        events.append(AlignableEvent(i, coder, row["type"], None, tuple(spans)))
    return events


def test_event_alignment_ace_style_f1() -> None:
    case = VECTORS["event_alignment_ace_style_f1"]
    scores = event_f1_scores(
        _ace_events(case["data"]["coder_A_events"], 1),
        _ace_events(case["data"]["coder_B_events"], 2),
    )
    expected = case["expected"]
    assert [list(pair) for pair in scores.alignment] == expected["alignment"]
    assert matches_printed(scores.trigger_overlap.f1, expected["trigger_overlap_f1"])
    assert matches_printed(scores.trigger_identification.f1, expected["trigger_identification_f1"])
    assert matches_printed(scores.trigger_classification.f1, expected["trigger_classification_f1"])
    assert matches_printed(
        scores.argument_identification.f1, expected["argument_identification_f1"]
    )
    assert matches_printed(
        scores.argument_classification.f1, expected["argument_classification_f1"]
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_krippendorff_bootstrap_vector(seed: int) -> None:
    # Monte Carlo: the published part is α (.743) and the draw rule; the interval and q
    # values are the vector's computed ones, which we must reproduce to MC precision.
    case = VECTORS["bootstrap_krippendorff_algorithm_K4_nominal"]
    computed = case["computed"][f"seed{seed}"]
    result = krippendorff_bootstrap(case["data"], "nominal", n_boot=20000, seed=seed)
    assert matches_printed(result.alpha, case["expected"]["alpha"])
    assert result.n_draws == computed["M"] == 60
    assert abs(result.low - computed["ci"][0]) <= 0.01
    assert abs(result.high - computed["ci"][1]) <= 0.01
    assert abs(result.p_below_667 - computed["q"]["0.667"]) <= 0.015
    assert abs(result.p_below_800 - computed["q"]["0.8"]) <= 0.015


STRUCTURED = {
    "edge_all_agree_single_value",
    "edge_no_pairable_unit",
    "alpha_U_krippendorff2004_2coders_c_k",
    "alpha_U_one_long_vs_three_short",
    "alpha_U_krippendorff1995_four_pairs_observed_disagreement",
    "alpha_U_krippendorff1995_continuous_limit",
    "u_alpha_family_3coders_2labels",
    "u_alpha_keyphrase_3coders",
    "event_alignment_ace_style_f1",
    "bootstrap_krippendorff_algorithm_K4_nominal",
}


def test_each_applicable_vector_has_a_test() -> None:
    covered = set(SCALAR) | set(SPAN_F1) | STRUCTURED
    assert covered == set(APPLICABLE)
    assert not set(SCALAR) & set(SPAN_F1)
