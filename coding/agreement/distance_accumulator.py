"""Project-level α with a field's own distance, article by article, with its bootstrap.

Values are counted like nominal labels (the coincidence cells do not depend on δ²); the
distance enters only when α is computed, through δ² over the labels seen (see
distance_alpha.py). The cluster bootstrap resamples articles as in bootstrap.py: each
article reduces to its marginals n_c and its Σ o_ck δ²_ck, and a replicate's expected
disagreement is n*ᵀ Δ n* for its resampled marginals n*.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import replace
from typing import Any, Final

import numpy as np

from coding.agreement.accumulator import AlphaAccumulator
from coding.agreement.alpha import RELIABLE_ALPHA, TENTATIVE_ALPHA, AlphaResult
from coding.agreement.bootstrap import (
    AlphaBootstrap,
    _resampling_counts,
    unit_pair_coincidences,
)
from coding.agreement.distance_alpha import (
    alpha_from_distance_coincidences,
    identity_only,
    identity_only_bootstrap,
)
from coding.agreement.distances import Distance
from coding.agreement.levels import FloatArray, Level

# Bound on the cells of a chunk of replicates × codes (the n* and n*Δ temporaries).
_CHUNK_CELLS: Final = 1 << 22


class DistanceAlphaAccumulator(AlphaAccumulator):
    """Running α of one field whose δ² is `distance` (labels: any hashable values)."""

    def __init__(self, distance: Distance, *, level: Level = "nominal", keep_units: bool = True):
        super().__init__("nominal", keep_units=keep_units)
        self.distance = distance
        self.reported_level: Level = level

    def add(
        self,
        matrix: Any,
        *,
        cluster: Hashable | None = None,
        coder_ids: Sequence[Hashable] | None = None,
    ) -> None:
        """As AlphaAccumulator.add; labels are tuples or sets, so always the plain path."""
        rows = [list(row) for row in matrix]
        if rows and rows[0]:
            self._add_small(rows, cluster, coder_ids)

    def result(self) -> AlphaResult:
        base = super().result()  # counts and percent agreement; α is replaced below
        marginals = np.zeros(len(self._categories))
        marginals[: len(self._marginals)] = self._marginals
        keys = list(self._cells)
        value, status, d_o, d_e = alpha_from_distance_coincidences(
            [k[0] for k in keys],
            [k[1] for k in keys],
            [self._cells[k] for k in keys],
            marginals,
            self._categories,
            self.distance,
        )
        return replace(
            base,
            value=value,
            status=status,
            observed_disagreement=d_o,
            expected_disagreement=d_e,
            level=self.reported_level,
            distance=self.distance.name,
        )

    def bootstrap(
        self, *, n_boot: int = 2000, seed: int = 0, confidence: float = 0.95
    ) -> AlphaBootstrap:
        """Article-cluster bootstrap of this distance's α (see bootstrap.py for the method)."""
        if not self._keep_units:
            raise ValueError("bootstrap() needs an accumulator created with keep_units=True")
        if n_boot < 1 or not 0 < confidence < 1:
            raise ValueError("n_boot must be ≥ 1 and confidence in (0, 1)")
        units, clusters, _, _ = self.packed_units()
        point = self.result().value
        _, cluster = np.unique(clusters, return_inverse=True)
        cluster = cluster.astype(np.int64).ravel()
        n_clusters = int(cluster.max()) + 1 if len(cluster) else 0
        nan = float("nan")
        if n_clusters == 0 or np.isnan(point):
            return AlphaBootstrap(
                point, nan, nan, confidence, nan, nan, n_boot, n_boot, seed, n_clusters
            )
        deltas = self.distance.matrix(list(self._categories))
        row, c, k, o = unit_pair_coincidences(units)
        observed = np.bincount(cluster[row], weights=o * deltas[c, k], minlength=n_clusters).astype(
            np.float64
        )
        import scipy.sparse as sp  # only the bootstrap needs it

        entry_cluster = cluster[units.entry_rows()]
        marginals = sp.csr_array(
            (units.counts.data, (entry_cluster, units.counts.indices)),
            shape=(n_clusters, len(self._categories)),
        )
        rng = np.random.default_rng(seed)
        chunk = max(1, min(n_boot, _CHUNK_CELLS // (n_clusters + len(self._categories))))
        replicates = np.empty(n_boot)
        for start in range(0, n_boot, chunk):
            size = min(chunk, n_boot - start)
            # the same draws as bootstrap.py, so the nominal δ² gives its interval exactly
            weights = _resampling_counts(rng, size, n_clusters)
            replicates[start : start + size] = _replicate_alphas(
                weights, observed, marginals, deltas
            )
        defined = replicates[~np.isnan(replicates)]
        tail = (1.0 - confidence) / 2.0
        low, high = (
            (float(q) for q in np.quantile(defined, [tail, 1.0 - tail]))
            if len(defined)
            else (nan, nan)
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


def _replicate_alphas(
    weights: FloatArray, observed: FloatArray, marginals: Any, deltas: FloatArray
) -> FloatArray:
    """α for each row of `weights` (replicates × clusters); NaN where undefined."""
    n_star = np.asarray((marginals.T @ weights.T).T)
    observed_sum = weights @ observed
    expected_sum = np.einsum("bv,bv->b", n_star @ deltas, n_star)
    n = n_star.sum(axis=1)
    varied = (np.count_nonzero(n_star, axis=1) >= 2) & (expected_sum > 0)
    safe = np.where(varied, expected_sum, 1.0)
    return np.where(varied, 1.0 - (n - 1.0) * observed_sum / safe, np.nan)


class IdentityOnlyAccumulator(AlphaAccumulator):
    """Percent identical and counts for a field that gets no α (free text)."""

    def __init__(self, *, keep_units: bool = True):
        super().__init__("nominal", keep_units=keep_units)

    def add(
        self,
        matrix: Any,
        *,
        cluster: Hashable | None = None,
        coder_ids: Sequence[Hashable] | None = None,
    ) -> None:
        rows = [list(row) for row in matrix]
        if rows and rows[0]:
            self._add_small(rows, cluster, coder_ids)

    def result(self) -> AlphaResult:
        return identity_only(super().result())

    def bootstrap(
        self, *, n_boot: int = 2000, seed: int = 0, confidence: float = 0.95
    ) -> AlphaBootstrap:
        clusters = self.packed_units()[1]
        nan = float("nan")
        n_clusters = len(np.unique(clusters))
        boot = AlphaBootstrap(nan, nan, nan, confidence, nan, nan, n_boot, n_boot, seed, n_clusters)
        return identity_only_bootstrap(boot)
