"""Project-level α built article by article, without keeping events in memory.

The coincidence matrix is a sum over units, so α is exactly incremental (NOTES
§9): `AlphaAccumulator.add` folds one article's reliability matrix into
(a) the coincidence cells o_ck and marginals n_c, from which `result()` is O(V²)
at most, and (b) a compact copy of each pairable unit's value counts (a few
integers per unit) with its cluster id, which is all the cluster bootstrap needs.
Nominal categories get stable integer codes across articles (the mapping grows);
ordinal codes are re-ranked at finalisation. The accumulator only adds; to
remove an article, rebuild it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from numbers import Real
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from coding.agreement.alpha import AlphaResult
from coding.agreement.bootstrap import AlphaBootstrap, bootstrap_pairable_units
from coding.agreement.coincidence import (
    PairableUnits,
    alpha_from_coincidences,
    coincidence_matrix,
    pairable_units,
    percent_agreement_of_units,
)
from coding.agreement.encoding import encode_ratings, is_numeric_matrix, small_matrix_rows
from coding.agreement.levels import FloatArray, IntArray, check_level

PRESENCE_KEY = "event_presence"


# Matrices up to this many cells (a few coders × an article's clusters) are folded in with
# plain Python: for them NumPy's per-call overhead is most of the cost. Larger ones take the
# vectorised path. Both give the same α (up to float rounding in the last digit).
_SMALL_CELLS: Final = 1024
# Per-unit counts kept for the bootstrap are buffered in Python lists, then packed.
_PACK_ENTRIES: Final = 1 << 14


class AlphaAccumulator:
    """Running α of one variable over many reliability matrices (e.g. one per article).

    With `keep_units=False` only the coincidences are kept (memory O(V²) whatever the
    number of units); `bootstrap()` then is unavailable.
    """

    def __init__(
        self,
        level: str = "nominal",
        *,
        value_domain: Sequence[Hashable] | None = None,
        keep_units: bool = True,
    ):
        self.level = check_level(level)
        self._domain = tuple(value_domain) if value_domain is not None else None
        self._keep_units = keep_units
        self._index: dict[Hashable, int] = {}
        self._categories: list[Hashable] = []
        if self._domain is not None:
            for label in self._domain:
                self._code_of(label)
        self._cells: dict[tuple[int, int], float] = defaultdict(float)
        self._marginals: list[float] = []
        self._coders: set[Hashable] = set()
        self._max_rows = 0
        self._n_units = self._n_single = self._n_empty = self._n_pairable = 0
        self._agreement_sum = 0.0
        # Gwet's π_k (2008, 2014): Σ over units coded by ≥ 1 coder of n_uk/m_u, per code
        self._share_sums: list[float] = []
        self._n_rated = 0
        # compact per-unit storage: entry codes and counts, entries per unit, cluster per unit
        self._entry_codes: list[npt.NDArray[np.int32]] = []
        self._entry_counts: list[npt.NDArray[np.int32]] = []
        self._unit_sizes: list[npt.NDArray[np.int32]] = []
        self._unit_clusters: list[npt.NDArray[np.int32]] = []
        self._pending: tuple[list[int], list[int], list[int], list[int]] = ([], [], [], [])
        self._cluster_index: dict[Hashable, int] = {}

    def _code_of(self, label: Hashable) -> int:
        code = self._index.get(label)
        if code is None:
            if self._domain is not None and len(self._index) >= len(self._domain):
                raise ValueError(f"value {label!r} is outside value_domain")
            code = self._index[label] = len(self._categories)
            self._categories.append(label)
        return code

    def add(
        self,
        matrix: Any,
        *,
        cluster: Hashable | None = None,
        coder_ids: Sequence[Hashable] | None = None,
    ) -> None:
        """Fold in a coders × units matrix; its units resample together under `cluster`.

        Without `cluster`, each call is its own cluster. `coder_ids` (one per row)
        lets `result().n_coders` count distinct coders across calls.
        """
        rows = small_matrix_rows(matrix, _SMALL_CELLS)
        if rows is None:
            self._add_encoded(matrix, cluster, coder_ids)
        else:
            self._add_small(rows, cluster, coder_ids)

    def _add_small(
        self,
        rows: Sequence[Sequence[Any]],
        cluster: Hashable | None,
        coder_ids: Sequence[Hashable] | None,
    ) -> None:
        """`add` for a small matrix of plain values, unit by unit (see `small_matrix_rows`)."""
        columns = [
            [v for v in column if v is not None and v == v]  # None and NaN are missing
            for column in zip(*rows, strict=True)
        ]
        self._register_labels(rows)  # validates every value before anything changes
        if coder_ids is not None:
            self._coders.update(coder_ids)
        self._max_rows = max(self._max_rows, len(rows))
        self._n_units += len(columns)
        cells, marginals, index = self._cells, self._marginals, self._index
        marginals.extend([0.0] * (len(self._categories) - len(marginals)))
        cluster_id = -1
        for values in columns:
            m = len(values)
            if m:
                self._add_shares([index[value] for value in values])
            if m < 2:
                if m:
                    self._n_single += 1
                else:
                    self._n_empty += 1
                continue
            counts: dict[int, int] = {}
            for value in values:
                code = index[value]
                counts[code] = counts.get(code, 0) + 1
            weight = 1.0 / (m - 1.0)
            agreeing = 0
            for c, n_c in counts.items():
                marginals[c] += n_c
                agreeing += n_c * (n_c - 1)
                for k, n_k in counts.items():
                    pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                    if pairs:
                        cells[c, k] += pairs * weight
            self._agreement_sum += agreeing / (m * (m - 1.0))
            self._n_pairable += 1
            if self._keep_units:
                if cluster_id < 0:
                    cluster_id = self._cluster_id(cluster)
                codes, entry_counts, sizes, clusters = self._pending
                for code in sorted(counts):
                    codes.append(code)
                    entry_counts.append(counts[code])
                sizes.append(len(counts))
                clusters.append(cluster_id)
        if len(self._pending[0]) >= _PACK_ENTRIES:
            self._pack()

    def _register_labels(self, rows: Sequence[Sequence[Any]]) -> None:
        """Give new labels their global codes in the order `encode_ratings` would list them."""
        seen = {v: None for row in rows for v in row if v is not None and v == v}
        if self._domain is not None:
            if is_numeric_matrix(rows) and not all(isinstance(v, Real) for v in self._domain):
                raise ValueError("numeric reliability data needs a numeric value_domain")
            for label in seen:
                if label not in self._index:
                    raise ValueError(f"value {label!r} is outside value_domain")
            return
        if all(label in self._index for label in seen):  # nothing new: checked when first seen
            return
        labels = list(seen)
        if all(isinstance(v, Real) for v in labels):
            labels.sort(key=float)
        elif self.level != "nominal":
            raise ValueError(
                f"{self.level} data with non-numeric values needs an ordered value_domain"
                if self.level == "ordinal"
                else f"{self.level} data must be numeric"
            )
        else:
            try:
                labels = sorted(labels)
            except TypeError:  # mixed, unorderable labels: keep first appearance
                labels = list(seen)
        for label in labels:
            self._code_of(label)

    def _cluster_id(self, cluster: Hashable | None) -> int:
        key = cluster if cluster is not None else object()  # a fresh, unshared cluster
        return self._cluster_index.setdefault(key, len(self._cluster_index))

    def _pack(self) -> None:
        codes, counts, sizes, clusters = self._pending
        if sizes:
            self._entry_codes.append(np.array(codes, dtype=np.int32))
            self._entry_counts.append(np.array(counts, dtype=np.int32))
            self._unit_sizes.append(np.array(sizes, dtype=np.int32))
            self._unit_clusters.append(np.array(clusters, dtype=np.int32))
        self._pending = ([], [], [], [])

    def _add_encoded(
        self, matrix: Any, cluster: Hashable | None, coder_ids: Sequence[Hashable] | None
    ) -> None:
        """`add` for any matrix, vectorised (NumPy/SciPy)."""
        encoded = encode_ratings(matrix, self.level, self._domain)
        if coder_ids is not None:
            self._coders.update(coder_ids)
        self._max_rows = max(self._max_rows, encoded.n_coders)
        global_code = np.array([self._code_of(c) for c in encoded.categories], dtype=np.int64)
        codes = global_code[encoded.codes] if len(encoded.codes) else encoded.codes
        units = pairable_units(encoded.units, codes, encoded.n_units, len(self._categories))
        self._n_units += units.n_units
        self._n_single += units.n_single
        self._n_empty += units.n_empty
        self._add_encoded_shares(encoded, codes)
        if units.n_pairable == 0:
            return
        observed = coincidence_matrix(units)
        for r, c, v in zip(
            observed.row.tolist(), observed.col.tolist(), observed.data.tolist(), strict=True
        ):
            self._cells[r, c] += v
        marginals = units.marginals()
        self._marginals.extend([0.0] * (len(marginals) - len(self._marginals)))
        for code in np.nonzero(marginals)[0].tolist():
            self._marginals[code] += float(marginals[code])
        self._agreement_sum += percent_agreement_of_units(units) * units.n_pairable
        self._n_pairable += units.n_pairable

        if self._keep_units:
            cluster_id = self._cluster_id(cluster)
            self._pack()  # keep the units in the order they were added
            self._entry_codes.append(units.counts.indices.astype(np.int32))
            self._entry_counts.append(units.counts.data.astype(np.int32))
            self._unit_sizes.append(np.diff(units.counts.indptr).astype(np.int32))
            self._unit_clusters.append(np.full(units.n_pairable, cluster_id, dtype=np.int32))

    def _add_shares(self, codes: list[int]) -> None:
        """One unit's values (codes) into Gwet's per-code shares n_uk/m_u."""
        sums = self._share_sums
        sums.extend([0.0] * (len(self._categories) - len(sums)))
        weight = 1.0 / len(codes)
        for code in codes:
            sums[code] += weight
        self._n_rated += 1

    def _add_encoded_shares(self, encoded: Any, codes: IntArray) -> None:
        per_unit = np.bincount(encoded.units, minlength=encoded.n_units)
        if not len(codes):
            return
        shares = np.bincount(
            codes, weights=1.0 / per_unit[encoded.units], minlength=len(self._categories)
        )
        self._share_sums.extend([0.0] * (len(self._categories) - len(self._share_sums)))
        for code in np.nonzero(shares)[0].tolist():
            self._share_sums[code] += float(shares[code])
        self._n_rated += int(np.count_nonzero(per_unit))

    def ac1(self) -> float:
        """Gwet's AC1 (2008) over everything added, exact match, with missing values as in
        Gwet (2014): p_a over units with ≥ 2 values (= percent agreement), π_k the mean of
        n_uk/m_u over units with ≥ 1 value, q the categories seen (or `value_domain`).
        NaN without pairable units, with fewer than two categories, or when p_e = 1."""
        q = len(self._categories)
        if not self._n_pairable or q < 2:
            return float("nan")
        p_a = self._agreement_sum / self._n_pairable
        pi = np.zeros(q)
        pi[: len(self._share_sums)] = self._share_sums
        pi /= self._n_rated
        p_e = float(np.sum(pi * (1.0 - pi))) / (q - 1)
        return (p_a - p_e) / (1.0 - p_e) if p_e < 1.0 else float("nan")

    def _rank(self) -> tuple[IntArray, FloatArray | None]:
        """Permutation old code → final code (rank order for ordinal) and numeric values."""
        n = len(self._categories)
        numeric = None
        if all(isinstance(c, Real) for c in self._categories):
            numeric = np.asarray(self._categories, dtype=np.float64)
        if self.level != "ordinal" or self._domain is not None:
            return np.arange(n, dtype=np.int64), numeric
        if numeric is None:
            raise ValueError("ordinal data with non-numeric values needs a value_domain")
        order = np.argsort(numeric, kind="stable")
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n)
        return rank, numeric[order]

    def result(self) -> AlphaResult:
        """α over everything added so far (NaN with a status when undefined)."""
        rank, numeric = self._rank()
        if self.level in ("interval", "ratio") and numeric is None:
            raise ValueError(f"{self.level} data must be numeric")
        marginals = np.zeros(len(self._categories))
        marginals[rank[: len(self._marginals)]] = self._marginals
        keys = list(self._cells)
        rows = (
            rank[np.array([k[0] for k in keys], dtype=np.int64)] if keys else np.zeros(0, np.int64)
        )
        cols = (
            rank[np.array([k[1] for k in keys], dtype=np.int64)] if keys else np.zeros(0, np.int64)
        )
        cells = np.array([self._cells[k] for k in keys], dtype=np.float64)
        stats = alpha_from_coincidences(rows, cols, cells, marginals, numeric, self.level)
        n_pairable = self._n_pairable
        return AlphaResult(
            value=stats.value,
            status=stats.status,
            level=self.level,
            percent_agreement=self._agreement_sum / n_pairable if n_pairable else float("nan"),
            n_units=self._n_units,
            n_pairable_units=n_pairable,
            n_dropped_units=self._n_single,
            n_empty_units=self._n_empty,
            n_values=round(stats.n_values),
            n_coders=len(self._coders) if self._coders else self._max_rows,
            observed_disagreement=stats.observed_disagreement,
            expected_disagreement=stats.expected_disagreement,
            ac1=self.ac1(),
            most_common_share=float(marginals.max() / marginals.sum())
            if marginals.sum()
            else float("nan"),
        )

    def packed_units(self) -> tuple[PairableUnits, IntArray, IntArray, FloatArray | None]:
        """(units, cluster of each unit, rank of each code, numeric values) of everything
        added, for the bootstrap; codes are in final (rank) order."""
        self._pack()
        rank, numeric = self._rank()
        sizes = _joined(self._unit_sizes, np.int64)
        codes = _joined(self._entry_codes, np.int64)
        counts = _joined(self._entry_counts, np.float64)
        indptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        table = sp.csr_array(
            (counts, rank[codes] if len(codes) else codes, indptr),
            shape=(len(sizes), len(self._categories)),
        )
        table.sort_indices()
        units = PairableUnits(
            table,
            np.arange(len(sizes), dtype=np.int64),
            self._n_units,
            self._n_single,
            self._n_empty,
        )
        return units, _joined(self._unit_clusters, np.int64), rank, numeric

    def bootstrap(
        self, *, n_boot: int = 2000, seed: int = 0, confidence: float = 0.95
    ) -> AlphaBootstrap:
        """Cluster bootstrap over the clusters added (see bootstrap.py)."""
        if not self._keep_units:
            raise ValueError("bootstrap() needs an accumulator created with keep_units=True")
        units, clusters, _, numeric = self.packed_units()
        return bootstrap_pairable_units(
            units,
            clusters,
            numeric,
            self.level,
            n_boot=n_boot,
            seed=seed,
            confidence=confidence,
            n_coders=self.result().n_coders,
        )


def _joined(parts: list[npt.NDArray[Any]], dtype: type) -> npt.NDArray[Any]:
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)
