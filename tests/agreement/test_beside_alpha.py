"""What stands beside every α: Gwet's AC1, the prevalence note, detection F1."""

from __future__ import annotations

import math

import numpy as np
import pytest

from coding.agreement import (
    DISTANCES,
    AlphaAccumulator,
    DetectionCounts,
    DistanceAlphaAccumulator,
    IdentityOnlyAccumulator,
    gwet_ac1,
    pairwise_detection,
    prevalence_note,
)

# The case: two coders, 41 aligned events, one coder missed one of them.
MISSED_ONE = [[1] * 41, [1] * 40 + [0]]


def test_the_prevalence_case_by_hand() -> None:
    acc = AlphaAccumulator("nominal")
    acc.add(MISSED_ONE, cluster=1)
    result = acc.result()
    # n = 82 (81 ones, 1 zero); Σ o δ² = 2; Σ n n δ² = 82² − 81² − 1 = 162: α = 1 − 81·2/162.
    assert result.value == pytest.approx(0.0, abs=1e-12)
    # AC1: p_a = 40/41; π_1 = 40.5/41, π_0 = .5/41; p_e = 2 π_0 π_1 (q = 2).
    p_a, pi_0 = 40 / 41, 0.5 / 41
    p_e = 2 * pi_0 * (1 - pi_0)
    assert result.ac1 == pytest.approx((p_a - p_e) / (1 - p_e), abs=1e-12)
    assert result.most_common_share == pytest.approx(81 / 82)
    note = prevalence_note(
        result.value, result.ac1, result.percent_agreement, result.most_common_share
    )
    assert note is not None
    assert "98% of pairs" in note
    assert "99% of the values" in note
    assert "prevalence effect" in note
    assert "AC1 = 0.98" in note


def test_no_note_when_alpha_and_ac1_agree_or_agreement_is_low() -> None:
    assert prevalence_note(0.85, 0.88, 0.93, 0.5) is None
    assert prevalence_note(0.1, 0.5, 0.7, 0.9) is None  # diverge, but agreement is not high
    assert prevalence_note(math.nan, 0.9, 1.0, 1.0) is None  # undefined α: its status says it


@pytest.mark.parametrize("width", [5, 400])  # the plain and the vectorised path
def test_accumulated_ac1_equals_gwet_ac1_on_the_pooled_data(width: int) -> None:
    rng = np.random.default_rng(11)
    acc = AlphaAccumulator("nominal")
    pooled: list[list] = [[], [], []]
    for article in range(15):
        matrix = [
            [int(rng.choice([0, 0, 0, 1, 2])) if rng.random() > 0.3 else None for _ in range(width)]
            for _ in range(3)
        ]
        acc.add(matrix if width < 100 else np.array(matrix, dtype=object), cluster=article)
        for row, values in zip(pooled, matrix, strict=True):
            row.extend(values)
    assert acc.ac1() == pytest.approx(gwet_ac1(pooled), abs=1e-12)
    assert acc.result().ac1 == acc.ac1()


def test_ac1_beside_a_distance_alpha_is_exact_match_and_none_for_free_text() -> None:
    dates = DistanceAlphaAccumulator(DISTANCES["date_range"])
    data = [[(1, 1), (9, 9), (30, 30)], [(1, 1), (9, 9), (31, 31)]]
    dates.add(data, cluster=1)
    assert dates.result().ac1 == pytest.approx(gwet_ac1(data))
    text = IdentityOnlyAccumulator()
    text.add([["a", "b"], ["a", "c"]], cluster=1)
    assert math.isnan(text.result().ac1)


def test_detection_f1_of_the_prevalence_case() -> None:
    [(pair, counts)] = list(pairwise_detection(MISSED_ONE, [7, 9]))
    assert pair == (7, 9)
    assert (counts.true_positives, counts.events) == (40, 81)
    assert counts.f1 == pytest.approx(80 / 81)


def test_detection_counts_add_up_over_pairs_and_articles() -> None:
    total = DetectionCounts()
    presence = [[1, 1, 0], [1, 0, 1], [1, 1, 1]]  # three coders, three clusters
    for _, counts in pairwise_detection(presence, [1, 2, 3]):
        total.add(counts)
    # pairs (1,2): TP 1, 2+2; (1,3): TP 2, 2+3; (2,3): TP 2, 2+3
    assert (total.true_positives, total.events) == (5, 14)
    assert total.f1 == pytest.approx(10 / 14)
    assert math.isnan(DetectionCounts().f1)
