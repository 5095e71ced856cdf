"""Agreement weights w_kl ∈ [0, 1] for weighted κ, AC2 and weighted Brennan–Prediger.

Definitions follow Cohen (1968) and Gwet (2014, *Handbook of Inter-Rater
Reliability*, ch. 3), with x_k the *score* of category k: its numeric value when
every category is a number, otherwise its position 0..q−1 in the category list.

    identity   w = [k = l]
    linear     w = 1 − |x_k − x_l| / (x_max − x_min)
    quadratic  w = 1 − (x_k − x_l)² / (x_max − x_min)²
    bipolar    d_kl = (x_k − x_l)² / ((x_k + x_l − 2 x_min)(2 x_max − x_k − x_l)), k ≠ l;
               w = 1 − d / max(d)
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from numbers import Real
from typing import Literal

import numpy as np
import numpy.typing as npt

from coding.agreement.levels import FloatArray

WeightKind = Literal["identity", "linear", "quadratic", "bipolar"]
Weights = WeightKind | npt.ArrayLike


def category_scores(categories: Sequence[Hashable]) -> FloatArray:
    """Numeric category values when all are real numbers, else positions 0..q−1."""
    if categories and all(isinstance(c, Real) for c in categories):
        return np.asarray(categories, dtype=np.float64)
    return np.arange(len(categories), dtype=np.float64)


def agreement_weights(weights: Weights, categories: Sequence[Hashable]) -> FloatArray:
    """The q × q weight matrix for `categories` (a named kind or an explicit matrix)."""
    q = len(categories)
    if not isinstance(weights, str):
        matrix = np.asarray(weights, dtype=np.float64)
        if matrix.shape != (q, q):
            raise ValueError(f"a weight matrix for {q} categories must be {q} × {q}")
        return matrix
    if weights == "identity" or q < 2:
        return np.eye(q)
    x = category_scores(categories)
    span = float(x.max() - x.min())
    diff = x[:, None] - x[None, :]
    if weights == "linear":
        return 1.0 - np.abs(diff) / span
    if weights == "quadratic":
        return 1.0 - diff**2 / span**2
    if weights == "bipolar":
        total = x[:, None] + x[None, :]
        denominator = (total - 2.0 * x.min()) * (2.0 * x.max() - total)
        distance = np.zeros((q, q))
        off = ~np.eye(q, dtype=bool)
        distance[off] = diff[off] ** 2 / denominator[off]
        return 1.0 - distance / distance.max()
    raise ValueError(f"unknown weights {weights!r}; use identity, linear, quadratic or bipolar")
