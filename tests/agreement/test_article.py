"""Article-level agreement (matrices, disagreements) and the project accumulators."""

from __future__ import annotations

import math
from dataclasses import astuple

import numpy as np
import pytest

from coding.agreement import (
    PRESENCE_KEY,
    AlignableEvent,
    AlphaAccumulator,
    FieldSpec,
    ProjectAgreementAccumulator,
    Span,
    alpha_result,
    bootstrap_alpha,
    compute_article_agreement,
)

FIELDS = [
    FieldSpec("event_type"),
    FieldSpec("actors", group="participants"),
    FieldSpec("location", group="participants"),
    FieldSpec("date", "interval"),
    FieldSpec("fatalities", "ratio"),
]


def ev(
    event_id: int,
    coder: int,
    trigger: tuple[int, int],
    event_type: str = "protest",
    **values: object,
) -> AlignableEvent:
    subtype = values.pop("subtype", None)
    extra = values.pop("spans", ())
    spans = (Span("trigger", *trigger), *extra)  # type: ignore[misc]
    return AlignableEvent(event_id, coder, event_type, subtype, spans, values)  # type: ignore[arg-type]


ARTICLE = [
    # cluster 0: all three coders; coder 3 has another sub-type, fewer actors, other date
    ev(
        1,
        1,
        (10, 18),
        actors=frozenset({1, 2}),
        location=5,
        date=738000,
        spans=(Span("location", 30, 36),),
    ),
    ev(
        2,
        2,
        (10, 18),
        actors=frozenset({1, 2}),
        location=5,
        date=738000,
        spans=(Span("location", 30, 37),),
    ),
    ev(
        3,
        3,
        (10, 18),
        subtype="sit-in",
        actors=frozenset({1}),
        location=5,
        date=738001,
        spans=(Span("location", 30, 36),),
    ),
    # cluster 1: coders 1 and 2, different fatalities
    ev(4, 1, (50, 56), "attack", date=738002, fatalities=3),
    ev(5, 2, (50, 56), "attack", date=738002, fatalities=4),
    # cluster 2: coder 3 only
    ev(6, 3, (90, 96), "arrest", date=738003),
]


def test_matrices_have_one_row_per_coder_and_one_column_per_cluster() -> None:
    article = compute_article_agreement(ARTICLE, FIELDS, coders=[1, 2, 3, 4])
    assert [sorted(e.id for e in c.events.values()) for c in article.clusters] == [
        [1, 2, 3],
        [4, 5],
        [6],
    ]
    assert article.presence == ((1, 1, 0), (1, 1, 0), (1, 0, 1), (0, 0, 0))
    assert article.fields["event_type"].matrix == (
        ("protest", "attack", None),
        ("protest", "attack", None),
        ("protest", None, "arrest"),
        (None, None, None),
    )
    assert article.fields["date"].matrix[2] == (738001, None, 738003)
    # the date α of this article, from its matrix, by the general function
    assert article.fields["date"].alpha == alpha_result(article.fields["date"].matrix, "interval")
    detection = article.detection
    assert (detection.n_pairable_units, detection.n_values) == (3, 12)
    assert detection.value == pytest.approx(
        alpha_result([[1, 1, 0], [1, 1, 0], [1, 0, 1], [0, 0, 0]]).value, abs=1e-15
    )


def test_disagreements_are_ordered_by_severity() -> None:
    article = compute_article_agreement(ARTICLE, FIELDS, coders=[1, 2, 3, 4])
    summary = [(d.kind, d.cluster_index, d.field_key) for d in article.disagreements]
    assert summary == [
        ("unmatched_event", 0, None),  # coder 4 found nothing
        ("unmatched_event", 1, None),
        ("unmatched_event", 2, None),
        ("event_type", 0, None),
        ("participants", 0, "actors"),
        ("attribute", 0, "date"),
        ("attribute", 1, "fatalities"),
        ("span_boundaries", 0, "location"),
    ]
    assert [d.severity for d in article.disagreements] == [1, 1, 1, 2, 3, 4, 4, 5]
    unmatched = article.disagreements[2]
    assert unmatched.coder_ids == (1, 2, 3, 4)
    assert unmatched.event_ids == (6,)
    assert unmatched.values == {1: False, 2: False, 3: True, 4: False}
    type_change = article.disagreements[3]
    assert type_change.values == {
        1: ("protest", None),
        2: ("protest", None),
        3: ("protest", "sit-in"),
    }
    assert type_change.spans[3] == (Span("trigger", 10, 18),)
    actors = article.disagreements[4]
    assert actors.coder_ids == (1, 2, 3)
    assert actors.event_ids == (1, 2, 3)
    assert actors.values[3] == frozenset({1})
    boundaries = article.disagreements[7]
    assert boundaries.values == {1: ((30, 36),), 2: ((30, 37),), 3: ((30, 36),)}
    assert boundaries.spans[2] == (Span("location", 30, 37),)


def test_an_empty_value_is_a_disagreement_but_missing_for_alpha() -> None:
    events = [ev(1, 1, (0, 5), date=10), ev(2, 2, (0, 5), date=None)]
    article = compute_article_agreement(events, [FieldSpec("date", "interval")], coders=[1, 2])
    assert [(d.kind, d.values) for d in article.disagreements] == [("attribute", {1: 10, 2: None})]
    assert article.fields["date"].alpha.status == "undefined: no pairable units"


def test_article_without_events_and_bad_input() -> None:
    article = compute_article_agreement([], FIELDS, coders=[1, 2])
    assert article.clusters == ()
    assert article.disagreements == ()
    assert article.detection.status == "undefined: no pairable units"
    with pytest.raises(ValueError, match="not listed"):
        compute_article_agreement(ARTICLE, FIELDS, coders=[1, 2])
    with pytest.raises(ValueError, match="distinct"):
        compute_article_agreement([], FIELDS, coders=[1, 1])
    with pytest.raises(ValueError, match="level of measurement"):
        FieldSpec("date", "circular")  # type: ignore[arg-type]


def _random_article(rng: np.random.Generator, n_units: int) -> list[list]:
    rows = []
    for _ in range(int(rng.integers(2, 5))):
        row: list = [str(rng.choice(["a", "b", "c", "d"])) for _ in range(n_units)]
        rows.append([None if rng.random() < 0.3 else v for v in row])
    return rows


def test_accumulator_equals_alpha_of_the_pooled_matrix() -> None:
    rng = np.random.default_rng(8)
    articles = [_random_article(rng, int(rng.integers(1, 6))) for _ in range(40)]
    accumulator = AlphaAccumulator("nominal")
    for i, matrix in enumerate(articles):
        accumulator.add(matrix, cluster=i)
    # pool: stack articles side by side, padding missing coders with None
    width = max(len(m) for m in articles)
    pooled: list[list] = [[] for _ in range(width)]
    clusters: list[int] = []
    for i, matrix in enumerate(articles):
        for r in range(width):
            pooled[r].extend(matrix[r] if r < len(matrix) else [None] * len(matrix[0]))
        clusters.extend([i] * len(matrix[0]))
    direct = alpha_result(pooled)
    incremental = accumulator.result()
    assert incremental.value == pytest.approx(direct.value, abs=1e-12)
    assert incremental.percent_agreement == pytest.approx(direct.percent_agreement, abs=1e-12)
    counts = ("n_units", "n_pairable_units", "n_dropped_units", "n_empty_units", "n_values")
    assert [getattr(incremental, c) for c in counts] == [getattr(direct, c) for c in counts]
    boot = accumulator.bootstrap(n_boot=300, seed=5)
    expected = bootstrap_alpha(pooled, clusters=clusters, n_boot=300, seed=5)
    assert np.allclose(astuple(boot), astuple(expected), atol=1e-12, equal_nan=True)


@pytest.mark.parametrize("level", ["ordinal", "interval", "ratio"])
def test_accumulator_orders_and_values_numeric_categories(level: str) -> None:
    first = [[5, 1, 3], [5, 2, None]]
    second = [[2, 8], [3, 8]]  # new values arrive later, out of order
    accumulator = AlphaAccumulator(level)
    accumulator.add(first)
    accumulator.add(second)
    pooled = [[5, 1, 3, 2, 8], [5, 2, None, 3, 8]]
    assert accumulator.result().value == pytest.approx(alpha_result(pooled, level).value, abs=1e-12)


def test_accumulator_with_ordinal_labels_needs_the_domain() -> None:
    domain = ("low", "mid", "high")
    accumulator = AlphaAccumulator("ordinal", value_domain=domain)
    accumulator.add([["high", "low"], ["mid", "low"]])
    accumulator.add([["mid"], ["mid"]])
    expected = alpha_result(
        [["high", "low", "mid"], ["mid", "low", "mid"]], "ordinal", value_domain=domain
    )
    assert accumulator.result().value == pytest.approx(expected.value, abs=1e-12)
    with pytest.raises(ValueError, match="outside value_domain"):
        accumulator.add([["extreme"], ["low"]])
    with pytest.raises(ValueError, match="value_domain"):
        AlphaAccumulator("ordinal").add([["high", "low"], ["mid", "low"]])


def test_empty_accumulator_is_undefined() -> None:
    accumulator = AlphaAccumulator()
    accumulator.add([[1, None], [None, 2]])
    result = accumulator.result()
    assert result.status == "undefined: no pairable units"
    assert math.isnan(result.value)
    assert (result.n_units, result.n_dropped_units) == (2, 2)
    assert math.isnan(accumulator.bootstrap(n_boot=10).low)


def test_project_accumulator_over_articles() -> None:
    project = ProjectAgreementAccumulator(FIELDS)
    article = compute_article_agreement(ARTICLE, FIELDS, coders=[1, 2, 3, 4])
    shifted = [
        AlignableEvent(e.id, e.coder, e.event_type, e.event_subtype, e.spans, dict(e.values))
        for e in ARTICLE[:5]
    ]
    other = compute_article_agreement(shifted, FIELDS, coders=[1, 2, 3])
    project.add_article(article, "article-1")
    project.add_article(other, "article-2")
    results = project.results()
    assert set(results) == {PRESENCE_KEY, "event_type", "actors", "location", "date", "fatalities"}
    pooled_presence = [
        [*article.presence[r], *(other.presence[r] if r < 3 else (None, None))] for r in range(4)
    ]
    assert results[PRESENCE_KEY].value == pytest.approx(
        alpha_result(pooled_presence).value, abs=1e-12
    )
    assert results[PRESENCE_KEY].n_coders == 4
    boots = project.bootstraps(n_boot=50, seed=3)
    assert set(boots) == set(results)
    assert all(b.n_clusters <= 2 and b.seed == 3 for b in boots.values())
    with pytest.raises(ValueError, match="duplicate"):
        ProjectAgreementAccumulator([FieldSpec("date"), FieldSpec("date")])
