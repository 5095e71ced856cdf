"""The shipped dictionaries and the matcher meet the quality targets of issue #15 on the
annotated Sahel test set (fixtures/evaluation/sahel_suggestions.yaml); the figures are
printed by bench/bench_suggestions.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from coding.text.evaluation import Scored, load_test_set, score_passages
from coding.text.shipped import ShippedSuggester, shipped_suggester

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TEST_SET = FIXTURES / "evaluation" / "sahel_suggestions.yaml"
HELD_OUT = FIXTURES / "evaluation" / "sahel_suggestions_heldout.yaml"


@pytest.fixture(scope="module")
def suggester() -> ShippedSuggester:
    return shipped_suggester(FIXTURES)


def test_the_test_set_is_large_and_covers_the_four_styles() -> None:
    passages = load_test_set(TEST_SET)
    assert len(passages) >= 40
    assert {p.style for p in passages} == {"maghrebi", "egyptian", "gulf", "pan-arab"}
    assert sum(len(p.wrong) for p in passages) >= 15


def test_suggestions_meet_the_targets(suggester: ShippedSuggester) -> None:
    score = score_passages(load_test_set(TEST_SET), suggester.suggest, suggester.keys)
    assert score.recall_in_dictionary >= 0.95, score.missed
    assert score.recall >= 0.9, score.missed
    assert score.wrong_per_passage <= 1.0, score.wrong_items
    assert score.wrong_items == []


def test_held_out_passages_meet_the_targets(suggester: ShippedSuggester) -> None:
    score = score_passages(load_test_set(HELD_OUT), suggester.suggest, suggester.keys)
    assert score.recall_in_dictionary >= 0.95, score.missed
    assert score.recall >= 0.9, score.missed
    assert score.wrong_per_passage <= 1.0, score.wrong_items


def test_the_scorer_counts_misses_unexpected_and_tolerated_suggestions() -> None:
    passages = load_test_set(TEST_SET)
    p10 = next(p for p in passages if p.id == "p10")  # اتفاق الجزائر, tolerated when low
    algeria = p10.text.index("الجزائر للسلام")
    span = (algeria, algeria + len("الجزائر"))

    def low(_: str) -> list[Scored]:
        return [Scored("location", "dz", *span, 0.3)]

    def high(_: str) -> list[Scored]:
        return [Scored("location", "dz", *span, 0.9)]

    keys = {("location", "ml"), ("location", "dz")}
    tolerated = score_passages([p10], low, keys)
    assert (tolerated.found, tolerated.tolerated, tolerated.wrong) == (0, 1, 0)
    assert tolerated.missed == ["p10: location ml مالي"]
    wrong = score_passages([p10], high, keys)
    assert (wrong.tolerated, wrong.wrong, wrong.precision) == (0, 1, 0.0)


def test_a_test_set_whose_annotation_is_not_in_the_text_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "passages:\n- id: x\n  text: في غاو\n  mentions:\n"
        "  - {kind: location, key: gao, text: كيدال}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="does not occur"):
        load_test_set(bad)
