"""The pure machine-coder package (no database): sentences, training, the stored artifact."""

from __future__ import annotations

import io
import json
from collections import Counter

import numpy as np
import pytest

from coding.recommender.artifact import Artifact
from coding.recommender.gold import GoldArticle, GoldEvent
from coding.recommender.predict import suggest_events
from coding.recommender.sentences import split_sentences
from coding.recommender.synthetic import SUBTYPES, synthetic_corpus
from coding.recommender.training import TrainingSettings, train

PARENTS = dict.fromkeys(SUBTYPES) | {s: t for t in SUBTYPES for s in SUBTYPES[t]}


def test_sentences_are_code_point_spans_without_the_blanks() -> None:
    text = "هاجمَ مسلحون 🇲🇱 قاعدة. Le bilan: 3.5 morts!  J. Smith parle\n\nوقتل 5؟"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "هاجمَ مسلحون 🇲🇱 قاعدة.",
        "Le bilan: 3.5 morts!",
        "J. Smith parle",
        "وقتل 5؟",
    ]
    assert split_sentences("") == []
    assert split_sentences(" \n ") == []


def _gold(n: int, seed: int) -> list[GoldArticle]:
    return [
        GoldArticle(
            k,
            a.text,
            tuple(
                GoldEvent((e.event_type, e.event_subtype), e.trigger[0], e.trigger)
                for e in a.events
            ),
        )
        for k, a in enumerate(synthetic_corpus(n, seed=seed, target_chars=600))
    ]


def _train(articles: list[GoldArticle], **settings: object) -> tuple[Artifact, object]:
    counts = Counter(label for a in articles for e in a.events for label in e.labels)
    return train(
        lambda: [articles],
        label_counts=counts,
        parents=PARENTS,
        settings=TrainingSettings(**settings),  # type: ignore[arg-type]
    )


def test_same_data_and_seed_same_model_and_another_seed_another() -> None:
    articles = _gold(120, seed=3)
    first, report = _train(articles, seed=1, epochs=3)
    again, _ = _train(articles, seed=1, epochs=3)
    other, _ = _train(articles, seed=2, epochs=3)
    assert first.sha256() == again.sha256()
    assert first.sha256() != other.sha256()
    assert report.articles == 120  # type: ignore[attr-defined]


def test_too_little_data_trains_nothing_for_that_label() -> None:
    articles = _gold(60, seed=4)
    artifact, report = _train(articles, seed=1, min_events=10_000)
    assert artifact.labels == ()
    assert all(not row.trained for row in report.labels)  # type: ignore[attr-defined]
    assert suggest_events(artifact, articles[0].text, threshold=0.5) == []


def test_the_artifact_round_trips_and_refuses_another_algorithm() -> None:
    artifact, _ = _train(_gold(80, seed=5), seed=1, epochs=2)
    data = artifact.to_bytes()
    loaded = Artifact.from_bytes(data)
    assert loaded.sha256() == artifact.sha256()
    text = synthetic_corpus(1, seed=9)[0].text
    assert suggest_events(loaded, text, threshold=0.5) == suggest_events(
        artifact, text, threshold=0.5
    )
    stored = dict(np.load(io.BytesIO(data), allow_pickle=False))
    header = json.loads(bytes(stored["header"]).decode())
    header["algorithm"] = "someone-else/9"
    stored["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **stored)
    with pytest.raises(ValueError, match="train it again"):
        Artifact.from_bytes(buffer.getvalue())


def test_suggestions_find_the_events_and_their_trigger() -> None:
    artifact, report = _train(_gold(300, seed=6), seed=1, epochs=3)
    assert report.precision is not None
    assert report.precision > 0.8
    text = "قالت مصادر محلية إن الوضع هادئ في غاو. هاجم مسلحون قاعدة للجيش في بولكيسي."
    found = suggest_events(artifact, text, threshold=0.5)
    assert [(e.event_type, e.event_subtype) for e in found] == [("ATTACK", "ARMED_CLASH")]
    start, end = found[0].trigger or (0, 0)
    assert text[start:end] == "هاجم"
    assert found[0].sentence == (text.index("هاجم"), len(text))
