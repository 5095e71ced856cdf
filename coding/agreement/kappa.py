"""Two-coder chance-corrected agreement: Cohen's κ (weighted), Scott's π, Brennan–Prediger, Gwet.

All are (p_a − p_e) / (1 − p_e) on the q × q table of joint proportions p_kl with
agreement weights w_kl (weights.py); q is the number of categories *in the list
passed* (default: the categories observed), which matters for Brennan–Prediger and
Gwet's AC1/AC2 (NOTES §9; Gwet 2014):

    p_a = Σ w_kl p_kl
    Cohen (1960, 1968)      p_e = Σ w_kl p_k· p_·l          (each coder's own marginals)
    Scott (1955)            p_e = Σ w_kl π_k π_l,  π_k = (p_k· + p_·k)/2
    Brennan–Prediger (1981) p_e = T_w / q²,  T_w = Σ w_kl
    Gwet AC1 (2008) / AC2   p_e = T_w / (q(q − 1)) · Σ π_k (1 − π_k)

Units where either coder has no value are left out. A coefficient is NaN when it
is 0/0-like: no complete pair, p_e = 1, or (AC) fewer than two categories.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from coding.agreement.encoding import encode_ratings
from coding.agreement.levels import FloatArray
from coding.agreement.weights import Weights, agreement_weights

_PE_ONE_TOLERANCE = 1e-12


@dataclass(frozen=True)
class TwoRaterAgreement:
    """Two-coder coefficients for one table; `gwet_ac` is AC1 (identity weights) or AC2."""

    percent_agreement: float
    cohen_kappa: float
    scott_pi: float
    brennan_prediger: float
    gwet_ac: float
    n_units: int
    categories: tuple[Hashable, ...]


def chance_corrected(p_a: float, p_e: float) -> float:
    """(p_a − p_e)/(1 − p_e), NaN when p_e is 1 (or NaN)."""
    if not np.isfinite(p_e) or abs(1.0 - p_e) < _PE_ONE_TOLERANCE:
        return float("nan")
    return (p_a - p_e) / (1.0 - p_e)


def gwet_chance_agreement(pi: FloatArray, weight_matrix: FloatArray) -> float:
    """Gwet's p_e = T_w/(q(q−1)) Σ π_k(1 − π_k); NaN for fewer than two categories."""
    q = len(pi)
    if q < 2:
        return float("nan")
    return float(weight_matrix.sum()) / (q * (q - 1)) * float(np.dot(pi, 1.0 - pi))


def two_rater_agreement_from_table(
    table: Any,
    *,
    categories: Sequence[Hashable] | None = None,
    weights: Weights = "identity",
) -> TwoRaterAgreement:
    """Coefficients from a q × q count table (rows: coder A, columns: coder B).

    `categories` labels the rows/columns (default 0..q−1); weights use their scores.
    """
    counts = np.asarray(table, dtype=np.float64)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError("a contingency table must be square")
    labels = tuple(range(counts.shape[0])) if categories is None else tuple(categories)
    if len(labels) != counts.shape[0]:
        raise ValueError("categories must label every row of the table")
    w = agreement_weights(weights, labels)
    n = float(counts.sum())
    nan = float("nan")
    if n == 0:
        return TwoRaterAgreement(nan, nan, nan, nan, nan, 0, labels)
    p = counts / n
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    pi = (rows + cols) / 2.0
    p_a = float((w * p).sum())
    q = len(labels)
    return TwoRaterAgreement(
        percent_agreement=p_a,
        cohen_kappa=chance_corrected(p_a, float(rows @ w @ cols)),
        scott_pi=chance_corrected(p_a, float(pi @ w @ pi)),
        brennan_prediger=chance_corrected(p_a, float(w.sum()) / q**2),
        gwet_ac=chance_corrected(p_a, gwet_chance_agreement(pi, w)),
        n_units=round(n),
        categories=labels,
    )


def contingency_table(
    rater_a: Sequence[object],
    rater_b: Sequence[object],
    *,
    categories: Sequence[Hashable] | None = None,
) -> tuple[FloatArray, tuple[Hashable, ...]]:
    """Count table of the units both coders rated, and its category labels."""
    if len(rater_a) != len(rater_b):
        raise ValueError("both coders must rate the same units")
    encoded = encode_ratings([list(rater_a), list(rater_b)], "nominal", categories)
    q = encoded.n_categories
    code = np.full((2, encoded.n_units), -1, dtype=np.int64)
    code[encoded.coders, encoded.units] = encoded.codes
    both = (code >= 0).all(axis=0)
    flat = np.bincount(code[0, both] * q + code[1, both], minlength=q * q)
    return flat.reshape(q, q).astype(np.float64), encoded.categories


def two_rater_agreement(
    rater_a: Sequence[object],
    rater_b: Sequence[object],
    *,
    categories: Sequence[Hashable] | None = None,
    weights: Weights = "identity",
) -> TwoRaterAgreement:
    """All two-coder coefficients from two label sequences (None/NaN = not rated)."""
    table, labels = contingency_table(rater_a, rater_b, categories=categories)
    return two_rater_agreement_from_table(table, categories=labels, weights=weights)


def cohen_kappa(
    rater_a: Sequence[object],
    rater_b: Sequence[object],
    *,
    categories: Sequence[Hashable] | None = None,
    weights: Weights = "identity",
) -> float:
    """Cohen's κ (1960), or weighted κ_w (1968) with linear/quadratic/custom weights."""
    return two_rater_agreement(rater_a, rater_b, categories=categories, weights=weights).cohen_kappa


def scott_pi(
    rater_a: Sequence[object],
    rater_b: Sequence[object],
    *,
    categories: Sequence[Hashable] | None = None,
    weights: Weights = "identity",
) -> float:
    """Scott's π (1955), optionally weighted."""
    return two_rater_agreement(rater_a, rater_b, categories=categories, weights=weights).scott_pi
