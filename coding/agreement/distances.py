"""Difference functions δ² that say what a disagreement means for a kind of field.

Krippendorff's α admits any difference function δ²_ck ≥ 0 with δ²_cc = 0
(Krippendorff 2004, *Content Analysis*, §11.3.4; 2011, "Computing Krippendorff's
Alpha-Reliability", which lists the four standard ones). Each distance here maps a
pair of *labels* (the normalised values coders gave) to δ² in [0, 1], so 1 is as far
apart as nominal "different" and the figures stay comparable across fields.

* `date_range`: labels are (first day, last day) as day ordinals; a date coded with a
  precision (a week, a month) is the range that precision spans. δ² = g / (g + s), g the
  number of days between the two ranges (0 when they overlap, so a day lies within a
  month's range), s = 7 days: one day apart .125, a week .5, a month .81, a year .98.
* `place_hierarchy`: labels are (country, admin1, admin2, place); δ² is 0 for the same
  place, .25 same admin2, .5 same admin1, .75 same country, 1 otherwise (empty parts
  never match).
* `jaccard` and `masi`: labels are frozensets (actor sets, multi-choice codes);
  δ² = 1 − J and δ² = 1 − J·M (Passonneau 2006, MASI), J the Jaccard index and M 1 for
  equal sets, 2/3 when one contains the other, 1/3 when they only overlap, 0 if disjoint.

Every distance offers `pair(a, b)` for one pair and `matrix(labels)` for all pairs of a
list of labels (vectorised with NumPy, no Python loop over pairs).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

import numpy as np

from coding.agreement.levels import FloatArray

# δ² of a date gap is g/(g + s): s is the gap that counts as half a full disagreement.
DATE_HALF_DISAGREEMENT_DAYS: Final = 7.0
PLACE_STEPS: Final = (0.0, 0.25, 0.5, 0.75, 1.0)
# The field distance that computes no α at all: free text is compared by identity only.
IDENTICAL_ONLY: Final = "identical"


class Distance(Protocol):
    """A difference function δ² on labels, symmetric, 0 on equal labels."""

    @property
    def name(self) -> str: ...

    def pair(self, a: Hashable, b: Hashable) -> float: ...

    def matrix(self, labels: Sequence[Hashable]) -> FloatArray: ...


@dataclass(frozen=True)
class DateRangeDistance:
    """δ² = g/(g + s) on the days g between two (first day, last day) ranges."""

    half_disagreement_days: float = DATE_HALF_DISAGREEMENT_DAYS
    name: str = "date_range"

    def pair(self, a: Hashable, b: Hashable) -> float:
        return float(self.matrix([a, b])[0, 1])

    def matrix(self, labels: Sequence[Hashable]) -> FloatArray:
        bounds = np.array([_date_range(label) for label in labels], dtype=np.float64)
        bounds = bounds.reshape(len(labels), 2)
        first, last = bounds[:, 0], bounds[:, 1]
        # Days from the end of one range to the start of the other (consecutive days are 1
        # apart); overlapping or nested ranges are 0 apart.
        after = first[:, None] - last[None, :]
        gap = np.maximum(0.0, np.maximum(after, after.T))
        return gap / (gap + self.half_disagreement_days)


def _date_range(label: Hashable) -> tuple[int, int]:
    if (
        isinstance(label, tuple)
        and len(label) == 2
        and all(isinstance(d, int) and not isinstance(d, bool) for d in label)
        and label[0] <= label[1]
    ):
        return label[0], label[1]
    raise ValueError(f"a date_range value is (first day, last day) as day ordinals, got {label!r}")


@dataclass(frozen=True)
class PlaceHierarchyDistance:
    """δ² by the finest level of (country, admin1, admin2, place) two places share."""

    name: str = "place_hierarchy"

    def pair(self, a: Hashable, b: Hashable) -> float:
        return float(self.matrix([a, b])[0, 1])

    def matrix(self, labels: Sequence[Hashable]) -> FloatArray:
        parts = [_place(label) for label in labels]
        shared = np.zeros((len(labels), len(labels)), dtype=np.int64)
        same_so_far = np.ones_like(shared, dtype=bool)
        for depth in range(4):
            codes: dict[Hashable, int] = {}
            # an empty part gets a code of its own per label, so it matches nothing
            column = np.array(
                [
                    codes.setdefault(p[depth], len(codes)) if _known(p[depth]) else -1 - i
                    for i, p in enumerate(parts)
                ],
                dtype=np.int64,
            )
            same_so_far &= column[:, None] == column[None, :]
            shared += same_so_far
        steps = np.array(PLACE_STEPS[::-1], dtype=np.float64)  # index = levels shared
        out = steps[shared]
        np.fill_diagonal(out, 0.0)
        return out


def _known(part: Hashable) -> bool:
    return part is not None and part != ""


def _place(label: Hashable) -> tuple[Hashable, Hashable, Hashable, Hashable]:
    if isinstance(label, tuple) and len(label) == 4:
        return label[0], label[1], label[2], label[3]
    raise ValueError(f"a place_hierarchy value is (country, admin1, admin2, place), got {label!r}")


@dataclass(frozen=True)
class SetDistance:
    """δ² = 1 − Jaccard (`jaccard`) or 1 − Jaccard × monotonicity (`masi`)."""

    name: str

    def pair(self, a: Hashable, b: Hashable) -> float:
        return float(self.matrix([a, b])[0, 1])

    def matrix(self, labels: Sequence[Hashable]) -> FloatArray:
        sets = [_set(label) for label in labels]
        members: dict[Hashable, int] = {}
        rows, cols = [], []
        for i, items in enumerate(sets):
            for item in items:
                rows.append(i)
                cols.append(members.setdefault(item, len(members)))
        incidence = np.zeros((len(sets), max(len(members), 1)), dtype=np.float64)
        incidence[rows, cols] = 1.0
        size = incidence.sum(axis=1)
        common = incidence @ incidence.T
        union = size[:, None] + size[None, :] - common
        jaccard = np.divide(common, union, out=np.ones_like(common), where=union > 0)
        if self.name == "jaccard":
            out = 1.0 - jaccard
        else:
            nested = (common == size[:, None]) | (common == size[None, :])
            equal = (common == size[:, None]) & (common == size[None, :])
            monotonicity = np.where(
                equal, 1.0, np.where(nested, 2.0 / 3.0, np.where(common > 0, 1.0 / 3.0, 0.0))
            )
            out = 1.0 - jaccard * monotonicity
        np.fill_diagonal(out, 0.0)
        return out


def _set(label: Hashable) -> frozenset[Hashable]:
    if isinstance(label, frozenset):
        return label
    raise ValueError(f"a set distance needs frozenset values, got {label!r}")


DISTANCES: Final[dict[str, Distance]] = {
    "date_range": DateRangeDistance(),
    "place_hierarchy": PlaceHierarchyDistance(),
    "jaccard": SetDistance("jaccard"),
    "masi": SetDistance("masi"),
}
DISTANCE_NAMES: Final = (*DISTANCES, IDENTICAL_ONLY)


def distance_by_name(name: str) -> Distance:
    """The distance called `name`, or ValueError naming the known ones."""
    try:
        return DISTANCES[name]
    except KeyError:
        raise ValueError(f"unknown distance {name!r}; use one of {DISTANCE_NAMES}") from None
