"""Pairwise span F1 (positive specific agreement; Hripcsak & Rothschild 2005).

F1 = 2·TP / (|A| + |B|): symmetric, so neither coder is the reference. TP counts
pairs of a one-to-one matching between the two coders' spans:

* "exact": same [start, end) (and the same label when labelled);
* "overlap": any positive-length overlap (and the same label when labelled),
  matched by maximum-cardinality assignment (Hungarian, scipy
  `linear_sum_assignment`), so one long span cannot match several short ones.
  Among maximum matchings, the one with the largest total Dice is chosen.

F1 is NaN when both coders have no spans (0/0; "no annotations"). With more than
two coders, `pairwise_span_f1` reports the micro average over coder pairs
(Σ 2TP / Σ (|A| + |B|)) and the macro average (mean of the defined pair F1s);
`SpanF1Counts` add up, so corpus-level micro F1 is the sum over articles.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Literal, TypeVar

import numpy as np

from coding.agreement.spans import LabelledSpan, check_offsets, overlap_length

MatchMode = Literal["exact", "overlap"]
CoderT = TypeVar("CoderT", bound=Hashable)


@dataclass(frozen=True)
class SpanF1Counts:
    """Sufficient statistics of F1: matched pairs and the two span counts."""

    true_positives: int
    n_a: int
    n_b: int

    @property
    def f1(self) -> float:
        total = self.n_a + self.n_b
        return float("nan") if total == 0 else 2.0 * self.true_positives / total

    def __add__(self, other: SpanF1Counts) -> SpanF1Counts:
        return SpanF1Counts(
            self.true_positives + other.true_positives, self.n_a + other.n_a, self.n_b + other.n_b
        )


@dataclass(frozen=True)
class PairwiseSpanF1:
    """F1 per coder pair, pooled (micro) and averaged (macro, over pairs with a defined F1)."""

    pairs: dict[tuple[Hashable, Hashable], SpanF1Counts]
    total: SpanF1Counts
    micro_f1: float
    macro_f1: float


def match_spans(
    spans_a: Sequence[LabelledSpan],
    spans_b: Sequence[LabelledSpan],
    *,
    mode: MatchMode = "exact",
    labelled: bool = True,
) -> list[tuple[int, int]]:
    """A one-to-one matching (index in a, index in b) of compatible spans, sorted by a."""
    for span in (*spans_a, *spans_b):
        check_offsets(span.start, span.end)
    if mode == "exact":
        return _exact_matching(spans_a, spans_b, labelled)
    if mode != "overlap":
        raise ValueError(f"unknown mode {mode!r}; use 'exact' or 'overlap'")
    if not spans_a or not spans_b:
        return []
    bonus = 1.0 / (min(len(spans_a), len(spans_b)) + 1)
    score = np.zeros((len(spans_a), len(spans_b)))
    for i, a in enumerate(spans_a):
        for j, b in enumerate(spans_b):
            overlap = overlap_length(a.start, a.end, b.start, b.end)
            if overlap > 0 and (not labelled or a.label == b.label):
                dice = 2.0 * overlap / ((a.end - a.start) + (b.end - b.start))
                # 1 per matched pair dominates; the Dice bonus (< 1 in total) breaks ties.
                score[i, j] = 1.0 + bonus * dice
    # imported here: scipy.optimize is most of `import coding.agreement`'s cost
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(score, maximize=True)
    return sorted((int(i), int(j)) for i, j in zip(rows, cols, strict=True) if score[i, j] > 0)


def _exact_matching(
    spans_a: Sequence[LabelledSpan], spans_b: Sequence[LabelledSpan], labelled: bool
) -> list[tuple[int, int]]:
    def key(span: LabelledSpan) -> tuple[int, int, Hashable]:
        return (span.start, span.end, span.label if labelled else None)

    waiting: dict[tuple[int, int, Hashable], list[int]] = {}
    for j, span in enumerate(spans_b):
        waiting.setdefault(key(span), []).append(j)
    pairs = []
    for i, span in enumerate(spans_a):
        candidates = waiting.get(key(span))
        if candidates:
            pairs.append((i, candidates.pop(0)))
    return pairs


def span_f1(
    spans_a: Sequence[LabelledSpan],
    spans_b: Sequence[LabelledSpan],
    *,
    mode: MatchMode = "exact",
    labelled: bool = True,
) -> SpanF1Counts:
    """TP and span counts of two coders; `.f1` is 2TP/(|A|+|B|), NaN if both are empty."""
    matched = match_spans(spans_a, spans_b, mode=mode, labelled=labelled)
    return SpanF1Counts(len(matched), len(spans_a), len(spans_b))


def pairwise_span_f1(
    spans_by_coder: Mapping[CoderT, Sequence[LabelledSpan]],
    *,
    mode: MatchMode = "exact",
    labelled: bool = True,
) -> PairwiseSpanF1:
    """Span F1 for every pair of coders (in the mapping's order), with micro and macro averages."""
    pairs: dict[tuple[Hashable, Hashable], SpanF1Counts] = {
        (a, b): span_f1(spans_by_coder[a], spans_by_coder[b], mode=mode, labelled=labelled)
        for a, b in combinations(spans_by_coder, 2)
    }
    total = sum(pairs.values(), SpanF1Counts(0, 0, 0))
    defined = [c.f1 for c in pairs.values() if c.n_a + c.n_b > 0]
    return PairwiseSpanF1(
        pairs=pairs,
        total=total,
        micro_f1=total.f1,
        macro_f1=float(np.mean(defined)) if defined else float("nan"),
    )
