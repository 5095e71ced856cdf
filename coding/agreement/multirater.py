"""Agreement among two or more coders with missing ratings (Gwet 2014 generalisations).

r_ik = number of coders who put unit i in category k, r_i = Σ_k r_ik, weights w_kl,
r*_ik = Σ_l w_kl r_il, q = number of categories in the list (see kappa.py).

    p_a  = mean over units with r_i ≥ 2 of Σ_k r_ik (r*_ik − 1) / (r_i (r_i − 1))
    π_k  = mean over units with r_i ≥ 1 of r_ik / r_i
    Fleiss (1971)           p_e = Σ w_kl π_k π_l    (= Fleiss' κ for a constant r_i)
    Brennan–Prediger (1981) p_e = T_w / q²
    Gwet AC1/AC2 (2008)     p_e = T_w / (q(q − 1)) Σ π_k (1 − π_k)
    Conger (1980)           p_e = mean over ordered pairs of distinct coders (g, h) of
                            Σ w_kl p_gk p_hl, with p_gk the share of coder g's ratings in k

Percent agreement is p_a. NaN marks 0/0 cases (no unit with two ratings, p_e = 1).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from coding.agreement.encoding import EncodedRatings, encode_ratings
from coding.agreement.kappa import chance_corrected, gwet_chance_agreement
from coding.agreement.levels import FloatArray
from coding.agreement.weights import Weights, agreement_weights


@dataclass(frozen=True)
class MultiRaterAgreement:
    """Coefficients for one coders × units matrix; `gwet_ac` is AC1 (identity weights) or AC2.

    `conger_kappa` is None when computed from counts (coder identity unknown).
    """

    percent_agreement: float
    fleiss_kappa: float
    conger_kappa: float | None
    brennan_prediger: float
    gwet_ac: float
    n_units: int
    n_pairable_units: int
    categories: tuple[Hashable, ...]


def multi_rater_agreement(
    ratings: Any,
    *,
    categories: Sequence[Hashable] | None = None,
    weights: Weights = "identity",
) -> MultiRaterAgreement:
    """All multi-coder coefficients for `ratings` (coders × units, None/NaN missing)."""
    encoded = encode_ratings(ratings, "nominal", categories)
    w = agreement_weights(weights, encoded.categories)
    counts = _unit_category_counts(encoded)
    base = _from_counts(counts, w, encoded.categories)
    return MultiRaterAgreement(
        percent_agreement=base.percent_agreement,
        fleiss_kappa=base.fleiss_kappa,
        conger_kappa=chance_corrected(base.percent_agreement, _conger_chance(encoded, w)),
        brennan_prediger=base.brennan_prediger,
        gwet_ac=base.gwet_ac,
        n_units=base.n_units,
        n_pairable_units=base.n_pairable_units,
        categories=base.categories,
    )


def multi_rater_agreement_from_counts(
    counts: Any,
    *,
    categories: Sequence[Hashable] | None = None,
    weights: Weights = "identity",
) -> MultiRaterAgreement:
    """Coefficients from a units × categories count matrix r_ik (Conger's κ is None)."""
    matrix = np.asarray(counts, dtype=np.float64)
    if matrix.ndim != 2 or np.any(matrix < 0):
        raise ValueError("counts must be a units × categories matrix of non-negative counts")
    labels = tuple(range(matrix.shape[1])) if categories is None else tuple(categories)
    if len(labels) != matrix.shape[1]:
        raise ValueError("categories must label every column of counts")
    return _from_counts(matrix, agreement_weights(weights, labels), labels)


def fleiss_kappa(
    ratings: Any, *, categories: Sequence[Hashable] | None = None, weights: Weights = "identity"
) -> float:
    """Fleiss' κ (1971), generalised to missing ratings and weights by Gwet (2014)."""
    return multi_rater_agreement(ratings, categories=categories, weights=weights).fleiss_kappa


def conger_kappa(
    ratings: Any, *, categories: Sequence[Hashable] | None = None, weights: Weights = "identity"
) -> float:
    """Conger's κ (1980): the multi-coder Cohen's κ (coder-specific marginals)."""
    value = multi_rater_agreement(ratings, categories=categories, weights=weights).conger_kappa
    return float("nan") if value is None else value


def brennan_prediger(
    ratings: Any, *, categories: Sequence[Hashable] | None = None, weights: Weights = "identity"
) -> float:
    """Brennan & Prediger (1981) coefficient (Bennett's S); depends on len(categories)."""
    return multi_rater_agreement(ratings, categories=categories, weights=weights).brennan_prediger


def gwet_ac1(ratings: Any, *, categories: Sequence[Hashable] | None = None) -> float:
    """Gwet's AC1 (2008); depends on the category list, so pass the codebook's."""
    return multi_rater_agreement(ratings, categories=categories).gwet_ac


def gwet_ac2(
    ratings: Any, *, categories: Sequence[Hashable] | None = None, weights: Weights = "quadratic"
) -> float:
    """Gwet's AC2: AC1 with agreement weights (quadratic by default)."""
    return multi_rater_agreement(ratings, categories=categories, weights=weights).gwet_ac


def percent_agreement(
    ratings: Any, *, categories: Sequence[Hashable] | None = None, weights: Weights = "identity"
) -> float:
    """Mean over units rated by ≥ 2 coders of the share of agreeing coder pairs."""
    encoded = encode_ratings(ratings, "nominal", categories)
    w = agreement_weights(weights, encoded.categories)
    return _from_counts(_unit_category_counts(encoded), w, encoded.categories).percent_agreement


def _unit_category_counts(encoded: EncodedRatings) -> FloatArray:
    q = encoded.n_categories
    flat = np.bincount(encoded.units * q + encoded.codes, minlength=encoded.n_units * q)
    return flat.reshape(encoded.n_units, q).astype(np.float64)


def _from_counts(
    counts: FloatArray, w: FloatArray, categories: tuple[Hashable, ...]
) -> MultiRaterAgreement:
    nan = float("nan")
    per_unit = counts.sum(axis=1)
    rated, pairable = per_unit >= 1, per_unit >= 2
    n_rated, n_pairable = int(rated.sum()), int(pairable.sum())
    if n_pairable == 0:
        return MultiRaterAgreement(nan, nan, nan, nan, nan, n_rated, 0, categories)
    r, m = counts[pairable], per_unit[pairable]
    weighted = r @ w.T
    p_a = float(np.mean((r * (weighted - 1.0)).sum(axis=1) / (m * (m - 1.0))))
    pi = (counts[rated] / per_unit[rated, None]).mean(axis=0)
    q = len(categories)
    return MultiRaterAgreement(
        percent_agreement=p_a,
        fleiss_kappa=chance_corrected(p_a, float(pi @ w @ pi)),
        conger_kappa=None,
        brennan_prediger=chance_corrected(p_a, float(w.sum()) / q**2),
        gwet_ac=chance_corrected(p_a, gwet_chance_agreement(pi, w)),
        n_units=n_rated,
        n_pairable_units=n_pairable,
        categories=categories,
    )


def _conger_chance(encoded: EncodedRatings, w: FloatArray) -> float:
    q = encoded.n_categories
    per_coder = np.bincount(
        encoded.coders * q + encoded.codes, minlength=encoded.n_coders * q
    ).reshape(encoded.n_coders, q)
    totals = per_coder.sum(axis=1)
    active = totals > 0
    r = int(active.sum())
    if r < 2:
        return float("nan")
    p = per_coder[active] / totals[active, None]
    pooled = p.sum(axis=0)
    all_pairs = float(pooled @ w @ pooled)
    same_coder = float(np.einsum("gk,kl,gl->", p, w, p))
    return (all_pairs - same_coder) / (r * (r - 1))
