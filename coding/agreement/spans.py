"""Span types shared by the unitizing, span-F1 and alignment code.

Offsets are half-open [start, end) code-point offsets into the article's
normalised text, as stored by the app.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Sequence
from typing import NamedTuple


class CodedSpan(NamedTuple):
    """A span marked by one coder: [start, end) with a label (category or role)."""

    coder: Hashable
    label: Hashable
    start: int
    end: int


class LabelledSpan(NamedTuple):
    """A span of one coder for pairwise comparison: [start, end) and a label."""

    start: int
    end: int
    label: Hashable = None


def check_offsets(start: int, end: int) -> None:
    """Offsets must be integers with 0 ≤ start ≤ end."""
    if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start <= end:
        raise ValueError(f"span offsets must be integers with 0 <= start <= end, got {start, end}")


def overlap_length(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    """Length of the intersection of [a_start, a_end) and [b_start, b_end)."""
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def merge_intervals(
    intervals: Iterable[tuple[int, int]], *, merge_touching: bool = True
) -> list[tuple[int, int]]:
    """Union of half-open intervals as sorted disjoint intervals; drops empty ones.

    With merge_touching=False, intervals that only touch ([0, 5) and [5, 9)) stay apart.
    """
    merged: list[tuple[int, int]] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if merged and (start < merged[-1][1] or (merge_touching and start == merged[-1][1])):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def intersect_sorted(
    a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]
) -> Iterator[tuple[int, int, int]]:
    """(i, j, overlap) for every overlapping pair of two sorted lists of disjoint intervals.

    Two-pointer sweep, O(len(a) + len(b) + number of overlapping pairs).
    """
    i = j = 0
    while i < len(a) and j < len(b):
        overlap = overlap_length(a[i][0], a[i][1], b[j][0], b[j][1])
        if overlap > 0:
            yield i, j, overlap
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1


def covered_length(intervals: Sequence[tuple[int, int]]) -> int:
    """Total length of sorted, disjoint intervals."""
    return sum(end - start for start, end in intervals)


def dice(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> float:
    """Character Dice 2|A ∩ B| / (|A| + |B|) of two sorted disjoint interval lists (0 if empty)."""
    total = covered_length(a) + covered_length(b)
    if total == 0:
        return 0.0
    return 2.0 * sum(o for _, _, o in intersect_sorted(a, b)) / total
