"""Suggested events for one article: per sentence, the types (and the best sub-type) whose
calibrated probability reaches the threshold, with the likely trigger word.

Trigger: of the sentence's words (folded; a leading و ف ب ل ك may be dropped), the one that
coders marked most often as a trigger of the sub-type (else of the type); none if no word of
the sentence ever was one. Offsets are code points into the text given.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from coding.recommender.artifact import Artifact
from coding.recommender.features import ArticleSentences, article_sentences, vectorize

__all__ = ["SentencePrediction", "SuggestedEvent", "predict_sentences", "suggest_events"]

_WORD = regex.compile(r"\w+")
_PROCLITICS = frozenset("وفبلك")


@dataclass(frozen=True)
class SentencePrediction:
    start: int
    end: int
    probabilities: dict[str, float]


@dataclass(frozen=True)
class SuggestedEvent:
    sentence: tuple[int, int]
    event_type: str
    confidence: float
    event_subtype: str | None = None
    subtype_confidence: float | None = None
    trigger: tuple[int, int] | None = None


def predict_sentences(
    artifact: Artifact, text: str
) -> tuple[ArticleSentences, list[SentencePrediction]]:
    cut = article_sentences(text)
    if not cut.spans:
        return cut, []
    probabilities = artifact.probabilities(
        vectorize([cut.folded_text(k) for k in range(len(cut.spans))])
    )
    return cut, [
        SentencePrediction(s, e, dict(zip(artifact.labels, map(float, row), strict=True)))
        for (s, e), row in zip(cut.spans, probabilities, strict=True)
    ]


def suggest_events(artifact: Artifact, text: str, *, threshold: float) -> list[SuggestedEvent]:
    """The suggested events of ``text``, in reading order (one per type per sentence)."""
    parents: dict[str, str | None] = artifact.meta.get("parents", {})
    types = [label for label in artifact.labels if parents.get(label) is None]
    cut, sentences = predict_sentences(artifact, text)
    suggested: list[SuggestedEvent] = []
    for index, sentence in enumerate(sentences):
        p = sentence.probabilities
        for event_type in types:
            if p[event_type] < threshold:
                continue
            subtypes = [
                (p[label], label)
                for label in artifact.labels
                if parents.get(label) == event_type and p[label] >= threshold
            ]
            best = max(subtypes) if subtypes else None
            lexicons = [best[1], event_type] if best else [event_type]
            suggested.append(
                SuggestedEvent(
                    sentence=(sentence.start, sentence.end),
                    event_type=event_type,
                    confidence=round(p[event_type], 4),
                    event_subtype=best[1] if best else None,
                    subtype_confidence=round(best[0], 4) if best else None,
                    trigger=_trigger(artifact, cut, index, lexicons),
                )
            )
    return suggested


def _trigger(
    artifact: Artifact, cut: ArticleSentences, index: int, labels: list[str]
) -> tuple[int, int] | None:
    i0, _ = cut.folded_spans[index]
    folded = cut.folded_text(index)
    for label in labels:
        lexicon = artifact.lexicon.get(label)
        if not lexicon:
            continue
        best: tuple[float, int, int] | None = None
        for match in _WORD.finditer(folded):
            word, start = match.group(), match.start()
            score = lexicon.get(word, 0.0)
            if not score and len(word) > 3 and word[0] in _PROCLITICS:
                score, start = lexicon.get(word[1:], 0.0), start + 1
            if score and (best is None or score > best[0]):
                best = (score, i0 + start, i0 + match.end())
        if best is not None:
            return cut.folded.original_span(best[1], best[2])
    return None
