"""Cluster (unit-level) bootstrap confidence intervals for Krippendorff's α.

Method: resample *clusters* with replacement, where a cluster is a unit, or an
article whose aligned events (units) must travel together. Replicate r draws C
clusters with replacement, so cluster c is used K_rc times; because the
coincidence matrix is a sum over units, the replicate's O* = Σ_c K_rc O_c and
n*_c = Σ_c K_rc n_c are one matrix product away, with no per-replicate data
copies. α* is then computed with its own D_e* (so the marginals vary too, unlike
Krippendorff's pair bootstrap).

Only clusters with at least one pairable unit are resampled (the others carry no
information about α). Replicates where α* is undefined (no variation) are left
out of the percentiles and counted in `n_undefined`. The interval is the plain
percentile interval (linear interpolation, numpy.quantile); P(α < .667) and
P(α < .800) are shares of defined replicates. Everything is driven by one
`numpy.random.Generator(seed)`, so a seed reproduces the result exactly.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import scipy.sparse as sp

from coding.agreement.alpha import RELIABLE_ALPHA, TENTATIVE_ALPHA, alpha_of_pairable_units
from coding.agreement.coincidence import PairableUnits, pairable_units, within_unit_pairs
from coding.agreement.encoding import encode_ratings
from coding.agreement.levels import (
    FloatArray,
    IntArray,
    Level,
    check_level,
    expected_pair_sums,
    ordinal_midranks_rows,
    pair_deltas,
)

# Upper bound on the cells of the per-chunk temporaries (replicates × clusters, ×V, ×V²).
_CHUNK_CELLS: Final = 1 << 22


@dataclass(frozen=True)
class AlphaBootstrap:
    """Point α and its percentile bootstrap interval; NaN bounds when α is undefined."""

    alpha: float
    low: float
    high: float
    confidence: float
    p_below_667: float
    p_below_800: float
    n_boot: int
    n_undefined: int
    seed: int
    n_clusters: int


def bootstrap_alpha(
    data: Any,
    level: str = "nominal",
    *,
    clusters: Sequence[Hashable] | None = None,
    n_boot: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
    value_domain: Sequence[Hashable] | None = None,
) -> AlphaBootstrap:
    """Cluster bootstrap of α for `data` (coders × units).

    `clusters[u]` is the cluster (e.g. article id) of unit u; default: every unit is
    its own cluster (the plain unit bootstrap of Zapf et al. 2016).
    """
    checked = check_level(level)
    encoded = encode_ratings(data, checked, value_domain)
    if clusters is not None and len(clusters) != encoded.n_units:
        raise ValueError("clusters needs one id per unit (column)")
    units = pairable_units(encoded.units, encoded.codes, encoded.n_units, encoded.n_categories)
    if clusters is None:
        cluster_of_row = units.unit_index
    else:
        kept = [clusters[u] for u in units.unit_index.tolist()]
        index: dict[Hashable, int] = {}
        cluster_of_row = np.fromiter(
            (index.setdefault(c, len(index)) for c in kept), dtype=np.int64, count=len(kept)
        )
    return bootstrap_pairable_units(
        units,
        cluster_of_row,
        encoded.numeric_values,
        checked,
        n_boot=n_boot,
        seed=seed,
        confidence=confidence,
        n_coders=encoded.n_coders,
    )


def bootstrap_pairable_units(
    units: PairableUnits,
    cluster_of_row: IntArray,
    numeric_values: FloatArray | None,
    level: Level,
    *,
    n_boot: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
    n_coders: int = 0,
) -> AlphaBootstrap:
    """The bootstrap on already-counted pairable units; `cluster_of_row` labels each row."""
    if n_boot < 1 or not 0 < confidence < 1:
        raise ValueError("n_boot must be ≥ 1 and confidence in (0, 1)")
    point = alpha_of_pairable_units(units, numeric_values, level, n_coders).value
    _, cluster = np.unique(cluster_of_row, return_inverse=True)
    cluster = cluster.astype(np.int64).ravel()
    n_clusters = int(cluster.max()) + 1 if len(cluster) else 0
    nan = float("nan")
    if n_clusters == 0 or np.isnan(point):
        return AlphaBootstrap(
            point, nan, nan, confidence, nan, nan, n_boot, n_boot, seed, n_clusters
        )
    replicates = _replicate_alphas(units, cluster, n_clusters, numeric_values, level, n_boot, seed)
    defined = replicates[~np.isnan(replicates)]
    tail = (1.0 - confidence) / 2.0
    low, high = (
        (float(q) for q in np.quantile(defined, [tail, 1.0 - tail])) if len(defined) else (nan, nan)
    )
    return AlphaBootstrap(
        alpha=point,
        low=low,
        high=high,
        confidence=confidence,
        p_below_667=float(np.mean(defined < TENTATIVE_ALPHA)) if len(defined) else nan,
        p_below_800=float(np.mean(defined < RELIABLE_ALPHA)) if len(defined) else nan,
        n_boot=n_boot,
        n_undefined=n_boot - len(defined),
        seed=seed,
        n_clusters=n_clusters,
    )


def unit_pair_coincidences(units: PairableUnits) -> tuple[IntArray, IntArray, IntArray, FloatArray]:
    """Per-unit coincidence cells (row, c, k, o_u,ck) for every pairable unit, vectorised.

    Each unit with k distinct values yields k² cells, o = n_c (n_k − [c = k]) / (m_u − 1).
    """
    counts = units.counts
    rows = units.entry_rows()
    left, right = within_unit_pairs(counts.indptr, rows)
    n_left, n_right = counts.data[left], counts.data[right]
    m = units.values_per_unit()[rows[left]]
    observed = n_left * (n_right - (left == right)) / (m - 1.0)
    keep = observed > 0
    return (
        rows[left][keep],
        counts.indices[left][keep].astype(np.int64),
        counts.indices[right][keep].astype(np.int64),
        observed[keep],
    )


class ClusterStatistics:
    """Per-cluster sufficient statistics of α, so that any cluster weighting is one product.

    For nominal, interval and ratio data δ² is fixed, so each cluster reduces to its
    marginals n_c and one number Σ o_ck δ²_ck. Ordinal δ² depends on the marginals,
    so each cluster keeps its coincidence cells as one row of V² (ordinal scales are short).
    """

    def __init__(
        self,
        units: PairableUnits,
        cluster: IntArray,
        n_clusters: int,
        numeric_values: FloatArray | None,
        level: Level,
    ) -> None:
        self.level = level
        self.numeric_values = numeric_values
        self.n_clusters = n_clusters
        self.n_codes = int(units.counts.shape[1])
        entry_cluster = cluster[units.entry_rows()]
        self.marginals = sp.csr_array(
            (units.counts.data, (entry_cluster, units.counts.indices)),
            shape=(n_clusters, self.n_codes),
        )
        row, c, k, o = unit_pair_coincidences(units)
        if level == "ordinal":
            self.coincidences = sp.csr_array(
                (o, (cluster[row], c * self.n_codes + k)), shape=(n_clusters, self.n_codes**2)
            )
            self.observed: FloatArray = np.zeros(0)
        else:
            delta = pair_deltas(level, c, k, numeric_values, np.zeros(self.n_codes))
            self.observed = np.bincount(
                cluster[row], weights=o * delta, minlength=n_clusters
            ).astype(np.float64)

    @property
    def row_cells(self) -> int:
        """Temporary cells needed per replicate (for chunking)."""
        extra = self.n_codes**2 if self.level == "ordinal" else self.n_codes
        return self.n_clusters + extra

    def alphas(self, weights: FloatArray) -> FloatArray:
        """α for each row of `weights` (replicates × clusters); NaN where undefined."""
        n_star = np.asarray((self.marginals.T @ weights.T).T)
        if self.level == "ordinal":
            size = weights.shape[0]
            cells = np.asarray((self.coincidences.T @ weights.T).T)
            cells = cells.reshape(size, self.n_codes, self.n_codes)
            mid = ordinal_midranks_rows(n_star)
            diff = mid[:, :, None] - mid[:, None, :]
            observed_sum = np.einsum("bck,bck->b", cells, diff * diff)
        else:
            observed_sum = weights @ self.observed
        expected_sum = expected_pair_sums(self.level, self.numeric_values, n_star)
        n = n_star.sum(axis=1)
        varied = (np.count_nonzero(n_star, axis=1) >= 2) & (expected_sum > 0)
        safe = np.where(varied, expected_sum, 1.0)
        return np.where(varied, 1.0 - (n - 1.0) * observed_sum / safe, np.nan)


def _replicate_alphas(
    units: PairableUnits,
    cluster: IntArray,
    n_clusters: int,
    numeric_values: FloatArray | None,
    level: Level,
    n_boot: int,
    seed: int,
) -> FloatArray:
    stats = ClusterStatistics(units, cluster, n_clusters, numeric_values, level)
    rng = np.random.default_rng(seed)
    chunk = max(1, min(n_boot, _CHUNK_CELLS // stats.row_cells))
    out = np.empty(n_boot)
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        out[start : start + size] = stats.alphas(_resampling_counts(rng, size, n_clusters))
    return out


def _resampling_counts(rng: np.random.Generator, size: int, n_clusters: int) -> FloatArray:
    """(size × C) counts: how often each cluster is drawn in C draws with replacement."""
    draws = rng.integers(0, n_clusters, size=(size, n_clusters))
    draws += (np.arange(size, dtype=np.int64) * n_clusters)[:, None]  # in place: one array
    flat = np.bincount(draws.ravel(), minlength=size * n_clusters)  # fewer live temporaries
    del draws
    return flat.reshape(size, n_clusters).astype(np.float64)
