"""Scoring suggestions against an annotated test set (fixtures/evaluation/*.yaml).

A passage lists the *mentions* a careful coder codes (kind, dictionary key, the name as
written) and *wrong friends* that must not be suggested. A suggestion (kind, key, span,
confidence) is:

* a **hit** when it has the kind and key of a mention and overlaps one of the places where
  that mention's text occurs in the passage;
* **tolerated** when it is a wrong friend marked ``low: true`` and its confidence is below
  :data:`LOW_CONFIDENCE` (offered, but ranked low);
* otherwise **wrong** — including suggestions nobody annotated, so an unexpected suggestion
  is never free.

Recall counts mentions (one per passage, kind, key and text), split into those whose key is
in the dictionary being tested and all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

__all__ = [
    "LOW_CONFIDENCE",
    "Annotation",
    "Passage",
    "Score",
    "Scored",
    "load_test_set",
    "score_passages",
]

LOW_CONFIDENCE = 0.5


@dataclass(frozen=True, slots=True)
class Annotation:
    kind: str
    key: str
    text: str
    low: bool = False


@dataclass(frozen=True, slots=True)
class Passage:
    id: str
    style: str
    text: str
    mentions: tuple[Annotation, ...]
    wrong: tuple[Annotation, ...]


@dataclass(frozen=True, slots=True)
class Scored:
    """One suggestion as the scorer sees it."""

    kind: str
    key: str
    start: int
    end: int
    confidence: float


@dataclass
class Score:
    mentions: int = 0
    mentions_in_dictionary: int = 0
    found: int = 0
    found_in_dictionary: int = 0
    suggestions: int = 0
    hits: int = 0
    tolerated: int = 0
    wrong: int = 0
    passages: int = 0
    missed: list[str] = field(default_factory=list)
    wrong_items: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.mentions if self.mentions else 1.0

    @property
    def recall_in_dictionary(self) -> float:
        if not self.mentions_in_dictionary:
            return 1.0
        return self.found_in_dictionary / self.mentions_in_dictionary

    @property
    def precision(self) -> float:
        """Share of suggestions that are hits (tolerated ones count as neither)."""
        judged = self.hits + self.wrong
        return self.hits / judged if judged else 1.0

    @property
    def wrong_per_passage(self) -> float:
        return self.wrong / self.passages if self.passages else 0.0


def _annotation(raw: dict[str, object], where: str) -> Annotation:
    try:
        return Annotation(
            str(raw["kind"]), str(raw["key"]), str(raw["text"]), bool(raw.get("low", False))
        )
    except KeyError as missing:
        raise ValueError(f"{where}: missing {missing}") from None


def load_test_set(path: Path) -> list[Passage]:
    """Read a test set; every annotated text must occur in its passage."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    passages = []
    for raw in data["passages"]:
        pid = str(raw["id"])
        text = str(raw["text"])
        mentions = tuple(_annotation(m, pid) for m in raw.get("mentions") or ())
        wrong = tuple(_annotation(w, pid) for w in raw.get("wrong") or ())
        for annotation in mentions + wrong:
            if annotation.text not in text:
                raise ValueError(f"{pid}: {annotation.text!r} does not occur in the text")
        passages.append(Passage(pid, str(raw.get("style", "")), text, mentions, wrong))
    return passages


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    spans, start = [], text.find(needle)
    while start != -1:
        spans.append((start, start + len(needle)))
        start = text.find(needle, start + 1)
    return spans


def _overlaps(s: Scored, spans: Iterable[tuple[int, int]]) -> bool:
    return any(s.start < end and start < s.end for start, end in spans)


def score_passages(
    passages: list[Passage],
    suggest: Callable[[str], list[Scored]],
    dictionary_keys: set[tuple[str, str]],
) -> Score:
    """Run ``suggest`` on every passage and score it; ``dictionary_keys`` holds the
    (kind, key) pairs present in the dictionary under test."""
    score = Score(passages=len(passages))
    for passage in passages:
        suggestions = suggest(passage.text)
        score.suggestions += len(suggestions)
        used: set[int] = set()
        for mention in passage.mentions:
            in_dictionary = (mention.kind, mention.key) in dictionary_keys
            score.mentions += 1
            score.mentions_in_dictionary += in_dictionary
            spans = _occurrences(passage.text, mention.text)
            matching = [
                i
                for i, s in enumerate(suggestions)
                if s.kind == mention.kind and s.key == mention.key and _overlaps(s, spans)
            ]
            if matching:
                score.found += 1
                score.found_in_dictionary += in_dictionary
                used.update(matching)
            else:
                flag = "" if in_dictionary else " (not in dictionary)"
                score.missed.append(
                    f"{passage.id}: {mention.kind} {mention.key} {mention.text}{flag}"
                )
        score.hits += len(used)
        for i, s in enumerate(suggestions):
            if i in used:
                continue
            tolerated = any(
                w.low
                and s.confidence < LOW_CONFIDENCE
                and s.kind == w.kind
                and s.key == w.key
                and _overlaps(s, _occurrences(passage.text, w.text))
                for w in passage.wrong
            )
            if tolerated:
                score.tolerated += 1
                continue
            score.wrong += 1
            surface = passage.text[s.start : s.end]
            score.wrong_items.append(
                f"{passage.id}: {s.kind} {s.key} {surface!r} (confidence {s.confidence:.2f})"
            )
    return score
