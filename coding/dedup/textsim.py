"""Similarity of two reports' evidence text, after Arabic/Latin folding.

Two outlets rarely share whole sentences, but they share names and key words, spelt a little
differently: with or without harakat and tatweel, أ/ا, ة/ه, ى/ي, accents, case. The text is
folded with `coding.text.matching.alias_key` (the key dictionary aliases are matched under),
then compared as bags of character trigrams within words (so word order and the proclitics
و/ب/ال change little). The cosine of two bags is in [0, 1].
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from coding.text.matching import alias_key

__all__ = ["TextVector", "text_cosine", "text_vector"]

_N = 3


@dataclass(frozen=True, slots=True)
class TextVector:
    """Trigram counts of folded text with their Euclidean norm (0.0 for no text)."""

    grams: dict[str, int]
    norm: float


def text_vector(text: str) -> TextVector:
    """The trigram bag of `text`. Each word is padded with one space on each side, so short
    words and word edges count too."""
    grams: Counter[str] = Counter()
    for word in alias_key(text).split(" "):
        if not word:
            continue
        padded = f" {word} "
        if len(padded) <= _N:
            grams[padded] += 1
            continue
        for i in range(len(padded) - _N + 1):
            grams[padded[i : i + _N]] += 1
    norm = math.sqrt(sum(count * count for count in grams.values()))
    return TextVector(dict(grams), norm)


def text_cosine(a: TextVector, b: TextVector) -> float:
    """Cosine similarity of two trigram bags; 0.0 when either has no text."""
    if not a.norm or not b.norm:
        return 0.0
    small, large = (a.grams, b.grams) if len(a.grams) <= len(b.grams) else (b.grams, a.grams)
    dot = sum(count * large.get(gram, 0) for gram, count in small.items())
    return min(1.0, dot / (a.norm * b.norm))
