"""Field distances (δ²) and α with them: hand-computed values, the `krippendorff` package
with the same δ² as a custom metric, the accumulator and its bootstrap, and properties."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coding.agreement import (
    DISTANCES,
    AlphaAccumulator,
    DistanceAlphaAccumulator,
    FieldSpec,
    IdentityOnlyAccumulator,
    ProjectAgreementAccumulator,
    alpha_result,
    compute_article_agreement,
    distance_alpha_result,
    distance_by_name,
    field_alpha,
)
from coding.agreement.alignment import AlignableEvent

DATE = DISTANCES["date_range"]
PLACE = DISTANCES["place_hierarchy"]
MASI = DISTANCES["masi"]
JACCARD = DISTANCES["jaccard"]


def day(n: int) -> tuple[int, int]:
    return (n, n)


# --- each distance on hand-computed pairs -------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (day(100), day(100), 0.0),
        (day(100), day(101), 1 / 8),  # 1/(1 + 7)
        (day(100), day(107), 1 / 2),  # a week is half a full disagreement
        (day(100), day(130), 30 / 37),
        (day(100), day(465), 365 / 372),
        ((100, 130), day(115), 0.0),  # a day within a month's range
        ((100, 106), (104, 112), 0.0),  # overlapping ranges could be the same day
        ((100, 106), (107, 113), 1 / 8),  # consecutive weeks: one day apart
        ((100, 130), day(140), 10 / 17),  # 10 days after the month's last day
    ],
)
def test_date_range_distance(a, b, expected) -> None:
    assert DATE.pair(a, b) == pytest.approx(expected, abs=1e-15)
    assert DATE.pair(b, a) == pytest.approx(expected, abs=1e-15)


def test_date_range_distance_refuses_a_reversed_or_bare_value() -> None:
    with pytest.raises(ValueError, match="first day, last day"):
        DATE.matrix([(10, 9)])
    with pytest.raises(ValueError, match="first day, last day"):
        DATE.matrix([738000])


def test_place_hierarchy_distance_steps() -> None:
    places = [
        ("SY", "Idlib", "Ariha", 1),
        ("SY", "Idlib", "Ariha", 2),  # same admin2
        ("SY", "Idlib", "Harim", 3),  # same admin1
        ("SY", "Aleppo", "Afrin", 4),  # same country
        ("IQ", "Ninawa", "Mosul", 5),  # different country
    ]
    matrix = PLACE.matrix(places)
    assert matrix[0].tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert np.array_equal(matrix, matrix.T)


def test_place_hierarchy_unknown_parts_never_match() -> None:
    # A proposed place with no hierarchy matches nothing but itself; an empty admin1
    # stops the comparison at the country.
    proposed = (None, None, None, ("name", "قرية"))
    assert PLACE.pair(proposed, ("SY", "Idlib", "Ariha", 1)) == 1.0
    assert PLACE.pair(("SY", "", "Ariha", 1), ("SY", "", "Ariha", 2)) == 0.75


def test_set_distances_by_hand() -> None:
    # Passonneau (2006): {A,B} vs {A,B,C}: J = 2/3, M = 2/3 (subset), MASI = 4/9.
    ab, abc, bd, e = frozenset("AB"), frozenset("ABC"), frozenset("BD"), frozenset("E")
    assert MASI.pair(ab, abc) == pytest.approx(1 - 4 / 9)
    assert JACCARD.pair(ab, abc) == pytest.approx(1 - 2 / 3)
    # overlap without nesting: J = 1/3, M = 1/3
    assert MASI.pair(ab, bd) == pytest.approx(1 - 1 / 9)
    assert JACCARD.pair(ab, bd) == pytest.approx(1 - 1 / 3)
    assert MASI.pair(ab, e) == JACCARD.pair(ab, e) == 1.0
    assert MASI.pair(ab, frozenset("BA")) == 0.0


def test_unknown_distance_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown distance 'km'"):
        distance_by_name("km")
    with pytest.raises(ValueError, match="unknown distance"):
        FieldSpec("date", "interval", distance="km")


# --- α with a distance, by hand ----------------------------------------------------------


def test_date_alpha_by_hand_and_against_exact_match() -> None:
    # Two coders, three events: agree on day 1, agree on day 30, one week apart (1 vs 8).
    data = [[day(1), day(30), day(1)], [day(1), day(30), day(8)]]
    # Pairable values n = 6: day 1 ×3, day 30 ×2, day 8 ×1.
    # Σ o δ² = 2 · δ(1, 8) = 2 · 1/2 = 1 (unit 3, m_u − 1 = 1).
    # Σ n_c n_k δ² = 2 (3·2·29/36 + 3·1·7/14 + 2·1·22/29).
    expected = 2 * (3 * 2 * Fraction(29, 36) + 3 * 1 * Fraction(7, 14) + 2 * 1 * Fraction(22, 29))
    alpha = 1 - 5 * Fraction(1) / expected
    result = distance_alpha_result(data, DATE, "interval")
    assert result.value == pytest.approx(float(alpha), abs=1e-12)
    assert result.distance == "date_range"
    assert result.level == "interval"
    assert result.percent_agreement == pytest.approx(2 / 3)
    assert result.n_pairable_units == 3
    assert result.n_values == 6
    # Exact-match (nominal) α on the same dates: 1 − 5 · 2/22 = 6/11; a week apart counts
    # half, so the date distance gives a higher α.
    nominal = alpha_result([[1, 30, 1], [1, 30, 8]], "nominal").value
    assert nominal == pytest.approx(6 / 11)
    assert result.value > nominal


def test_alpha_zero_by_hand() -> None:
    # day 1 ×3, day 8 ×1; Σ o δ² = 2 · 1/2 = 1, Σ n n δ² = 2 · 3 · 1/2 = 3: α = 1 − 3 · 1/3.
    data = [[day(1), day(1)], [day(1), day(8)]]
    assert distance_alpha_result(data, DATE).value == pytest.approx(0.0, abs=1e-15)


def test_date_alpha_undefined_and_unpairable_statuses() -> None:
    within = [[(1, 30), (1, 30)], [(5, 10), (8, 20)]]  # every range overlaps every other
    result = distance_alpha_result(within, DATE)
    assert math.isnan(result.value)
    assert result.status == "undefined: no variation"
    lone = distance_alpha_result([[day(1), None], [None, day(2)]], DATE)
    assert lone.status == "undefined: no pairable units"
    assert lone.n_dropped_units == 2


def _with_package(data: list[list], distance) -> float:
    """krippendorff 0.9.0 with the distance's matrix as a custom metric over label codes."""
    labels = list(dict.fromkeys(v for row in data for v in row if v is not None))
    code = {label: i for i, label in enumerate(labels)}
    deltas = distance.matrix(labels)
    counts = np.zeros((len(data[0]), len(labels)))
    for row in data:
        for u, v in enumerate(row):
            if v is not None:
                counts[u, code[v]] += 1

    def metric(v1, v2, i1, i2, n_v, dtype=np.float64):
        return deltas[i1, i2].astype(dtype)

    return krippendorff.alpha(
        value_counts=counts, value_domain=list(range(len(labels))), level_of_measurement=metric
    )


def _random_labels(rng: np.random.Generator, name: str) -> list:
    if name == "date_range":
        start = rng.integers(0, 60, 8)
        return [
            (int(s), int(s + w)) for s, w in zip(start, rng.choice([0, 0, 6, 29], 8), strict=True)
        ]
    if name == "place_hierarchy":
        return [
            (str(rng.choice(["SY", "IQ"])), str(rng.choice(["a", "b"])), str(i % 3), i)
            for i in range(8)
        ]
    return [
        frozenset(rng.choice(list("ABCDE"), rng.integers(1, 4), replace=False)) for _ in range(8)
    ]


@pytest.mark.parametrize("name", ["date_range", "place_hierarchy", "masi", "jaccard"])
def test_alpha_equals_krippendorff_package_with_the_same_distance(name: str) -> None:
    rng = np.random.default_rng(7)
    distance = DISTANCES[name]
    for _ in range(20):
        labels = _random_labels(rng, name)
        data = [
            [labels[int(rng.integers(0, 8))] if rng.random() > 0.15 else None for _ in range(30)]
            for _ in range(int(rng.integers(2, 5)))
        ]
        ours = distance_alpha_result(data, distance).value
        assert ours == pytest.approx(_with_package(data, distance), abs=1e-9)


# --- accumulator, bootstrap, project and article wiring ----------------------------------


class _Nominal:
    """The nominal δ² as a Distance: α with it must equal nominal α exactly."""

    name = "nominal-as-distance"

    def pair(self, a, b) -> float:
        return float(a != b)

    def matrix(self, labels):
        codes = np.array([hash(x) for x in labels])
        return (codes[:, None] != codes[None, :]).astype(np.float64)


def _articles(seed: int) -> list[list[list]]:
    rng = np.random.default_rng(seed)
    return [
        [
            [int(rng.integers(0, 4)) if rng.random() > 0.1 else None for _ in range(5)]
            for _ in range(3)
        ]
        for _ in range(25)
    ]


def test_distance_accumulator_equals_pooled_alpha_and_nominal_bootstrap() -> None:
    articles = _articles(3)
    ours, nominal = DistanceAlphaAccumulator(_Nominal()), AlphaAccumulator("nominal")
    pooled: list[list] = [[], [], []]
    for i, matrix in enumerate(articles):
        ours.add(matrix, cluster=i)
        nominal.add(matrix, cluster=i)
        for row, values in zip(pooled, matrix, strict=True):
            row.extend(values)
    assert ours.result().value == pytest.approx(alpha_result(pooled).value, abs=1e-12)
    assert ours.result().value == pytest.approx(distance_alpha_result(pooled, _Nominal()).value)
    mine, theirs = ours.bootstrap(n_boot=300, seed=5), nominal.bootstrap(n_boot=300, seed=5)
    assert (mine.low, mine.high) == pytest.approx((theirs.low, theirs.high), abs=1e-12)
    assert mine == ours.bootstrap(n_boot=300, seed=5)  # a seed reproduces the interval


def test_identity_only_field_has_percent_agreement_and_no_alpha() -> None:
    spec = FieldSpec("notes", distance="identical")
    result = field_alpha(spec, [["قصف", "hit", None], ["قصف", "hit!", "x"]])
    assert math.isnan(result.value)
    assert result.status == "not applicable: identity only"
    assert result.percent_agreement == pytest.approx(0.5)
    assert result.n_pairable_units == 2
    acc = IdentityOnlyAccumulator()
    acc.add([["a", "b"], ["a", "c"]], cluster=1)
    assert acc.result().status == "not applicable: identity only"
    assert math.isnan(acc.bootstrap(n_boot=50).low)


def test_project_accumulator_uses_each_fields_distance() -> None:
    fields = [
        FieldSpec("date", "interval", distance="date_range"),
        FieldSpec("actors", group="participants", distance="masi"),
        FieldSpec("notes", distance="identical"),
    ]
    events = [
        AlignableEvent(
            1, 10, "battle", None, (), {"date": day(5), "actors": frozenset({1}), "notes": "a"}
        ),
        AlignableEvent(
            2, 11, "battle", None, (), {"date": day(6), "actors": frozenset({1, 2}), "notes": "a"}
        ),
        AlignableEvent(
            3, 10, "riot", None, (), {"date": day(90), "actors": frozenset({3}), "notes": "b"}
        ),
        AlignableEvent(
            4, 11, "riot", None, (), {"date": day(90), "actors": frozenset({3}), "notes": "c"}
        ),
    ]
    article = compute_article_agreement(events, fields, [10, 11])
    assert article.fields["date"].alpha.distance == "date_range"
    project = ProjectAgreementAccumulator(fields)
    project.add_article(article, 1)
    results = project.results()
    assert results["date"].value == pytest.approx(article.fields["date"].alpha.value)
    assert results["actors"].value == pytest.approx(article.fields["actors"].alpha.value)
    assert results["actors"].distance == "masi"
    assert results["notes"].status == "not applicable: identity only"
    assert results["notes"].percent_agreement == pytest.approx(0.5)


# --- properties --------------------------------------------------------------------------

SPACING = 100_000  # units far apart: their mutual δ² is saturated (≈ 1)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=2, max_size=4),
        min_size=2,
        max_size=8,
    )
)
def test_date_alpha_is_one_when_all_ranges_agree_within_precision(units) -> None:
    # Each coder's range contains the unit's day (offsets before and after it): all
    # ranges of a unit overlap, so every pair within a unit is 0 apart.
    n_coders = max(len(u) for u in units)
    data = [[None] * len(units) for _ in range(n_coders)]
    for u, ranges in enumerate(units):
        centre = u * SPACING
        for c, (before, after) in enumerate(ranges):
            data[c][u] = (centre - before, centre + after)
    assert distance_alpha_result(data, DATE).value == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.integers(0, 3), min_size=3, max_size=8),
    st.integers(0, 7),
    st.lists(st.integers(0, 400), min_size=2, max_size=6, unique=True),
)
def test_date_alpha_falls_as_one_coders_date_moves_away(jitter, moved_unit, shifts) -> None:
    moved_unit %= len(jitter)
    alphas = []
    for shift in sorted(shifts):
        first = [day(u * SPACING) for u in range(len(jitter))]
        second = [day(u * SPACING + j) for u, j in enumerate(jitter)]
        second[moved_unit] = day(moved_unit * SPACING + jitter[moved_unit] + shift)
        alphas.append(distance_alpha_result([first, second], DATE).value)
    assert all(b <= a + 1e-12 for a, b in itertools.pairwise(alphas))
    if len(shifts) > 1:
        assert alphas[-1] < alphas[0]
