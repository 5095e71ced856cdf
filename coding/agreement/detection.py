"""Event detection F1 between coders, on the aligned event clusters of an article.

Two coders a and b "found the same event" when their events fall in one cluster of the
alignment (§6 of docs/agreement.md). With TP the clusters both have and |A|, |B| their
events, F1 = 2 TP / (|A| + |B|): positive specific agreement (Hripcsak & Rothschild
2005), which needs no count of events nobody coded (there is none). Across articles and
coder pairs the counts add up (micro average), so one missed event among 41 gives
F1 = 80/81 ≈ .99, where event-presence α can be 0 (the prevalence effect).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations


@dataclass
class DetectionCounts:
    """Summed TP and |A| + |B| over coder pairs and articles."""

    true_positives: int = 0
    events: int = 0

    def add(self, other: DetectionCounts) -> None:
        self.true_positives += other.true_positives
        self.events += other.events

    @property
    def f1(self) -> float:
        return 2.0 * self.true_positives / self.events if self.events else float("nan")


def pairwise_detection(
    presence: Sequence[Sequence[int]], coders: Sequence[int]
) -> Iterable[tuple[tuple[int, int], DetectionCounts]]:
    """((coder a, coder b), counts) for every pair of coders, from the presence matrix
    (one row per coder, 1 where the coder has an event in the cluster)."""
    for (i, a), (j, b) in combinations(enumerate(coders), 2):
        row_a, row_b = presence[i], presence[j]
        both = sum(1 for x, y in zip(row_a, row_b, strict=True) if x and y)
        yield (a, b), DetectionCounts(both, sum(row_a) + sum(row_b))
