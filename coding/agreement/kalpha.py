"""Krippendorff's own bootstrap of α (the KALPHA macro), for comparability only.

Krippendorff (2006, rev. 2011/2013) "Algorithm for bootstrapping a distribution of
α"; Hayes & Krippendorff (2007); Stata `kalpha` (Klein & Reckmann). It resamples
*pairs of values* from the observed coincidence matrix as if they were independent
and holds D_e fixed:

1. cell probabilities p_cc = o_cc / n and p_ck = 2 o_ck / n (c < k);
2. M = min(25 · #non-zero cells of O, n (m − 1) / 2) draws per replicate (m coders);
3. α* = 1 − Σ_draws δ²_ck / (M · D_e), clamped to ≥ −1;
4. replicates with α* = 1 are set to 0 when O has one non-zero diagonal cell, and
   otherwise the expected number reps · Σ_c p_cc^M of such all-one-value
   replicates is set to 0 (they carry no variation);
5. percentile interval and q(α_min) = share of α* < α_min.

Because pairs within a unit are not independent, this understates the sampling
variance for clustered data (Gwet 2015; Zapf et al. 2016): use `bootstrap_alpha`
for inference and this only to compare with KALPHA output.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from coding.agreement.alpha import RELIABLE_ALPHA, TENTATIVE_ALPHA
from coding.agreement.coincidence import alpha_from_coincidences, coincidence_matrix, pairable_units
from coding.agreement.encoding import encode_ratings
from coding.agreement.levels import check_level, pair_deltas

_CHUNK_CELLS: Final = 1 << 22


@dataclass(frozen=True)
class KalphaBootstrap:
    """α and its KALPHA-style interval; `n_draws` is M, the pairs drawn per replicate."""

    alpha: float
    low: float
    high: float
    confidence: float
    p_below_667: float
    p_below_800: float
    n_boot: int
    n_draws: int
    seed: int


def krippendorff_bootstrap(
    data: Any,
    level: str = "nominal",
    *,
    n_boot: int = 20000,
    seed: int = 0,
    confidence: float = 0.95,
    value_domain: Sequence[Hashable] | None = None,
    draws: int | None = None,
) -> KalphaBootstrap:
    """KALPHA bootstrap of α for `data` (coders × units); NaN bounds when α is undefined."""
    checked = check_level(level)
    encoded = encode_ratings(data, checked, value_domain)
    units = pairable_units(encoded.units, encoded.codes, encoded.n_units, encoded.n_categories)
    observed = coincidence_matrix(units)
    rows, cols = observed.row.astype(np.int64), observed.col.astype(np.int64)
    marginals = units.marginals()
    stats = alpha_from_coincidences(
        rows, cols, observed.data, marginals, encoded.numeric_values, checked
    )
    nan = float("nan")
    if stats.status != "ok":
        return KalphaBootstrap(stats.value, nan, nan, confidence, nan, nan, n_boot, 0, seed)
    n = stats.n_values
    upper = rows <= cols
    c, k = rows[upper], cols[upper]
    probabilities = np.where(c == k, 1.0, 2.0) * observed.data[upper] / n
    probabilities /= probabilities.sum()
    n_draws = draws or min(25 * len(rows), round(n * (encoded.n_coders - 1) / 2))
    cost = pair_deltas(checked, c, k, encoded.numeric_values, marginals)
    cost /= n_draws * stats.expected_disagreement
    rng = np.random.default_rng(seed)
    chunk = max(1, min(n_boot, _CHUNK_CELLS // max(1, len(c))))
    replicates = np.concatenate(
        [
            1.0 - rng.multinomial(n_draws, probabilities, size=min(chunk, n_boot - s)) @ cost
            for s in range(0, n_boot, chunk)
        ]
    )
    replicates = np.maximum(replicates, -1.0)
    _zero_no_variation_replicates(replicates, probabilities[c == k], n_draws)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(replicates, [tail, 1.0 - tail])
    return KalphaBootstrap(
        alpha=stats.value,
        low=float(low),
        high=float(high),
        confidence=confidence,
        p_below_667=float(np.mean(replicates < TENTATIVE_ALPHA)),
        p_below_800=float(np.mean(replicates < RELIABLE_ALPHA)),
        n_boot=n_boot,
        n_draws=int(n_draws),
        seed=seed,
    )


def _zero_no_variation_replicates(
    replicates: np.ndarray, diagonal_probabilities: np.ndarray, n_draws: int
) -> None:
    """Step 4: set the expected share of single-value replicates (α* = 1) to 0, in place."""
    ones = np.nonzero(replicates == 1.0)[0]
    if len(ones) == 0:
        return
    if np.count_nonzero(diagonal_probabilities) == 1:
        replicates[ones] = 0.0
        return
    expected = round(len(replicates) * float(np.sum(diagonal_probabilities**n_draws)))
    replicates[ones[: min(expected, len(ones))]] = 0.0
