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
from collections.abc import Hashable, Mapping, Sequence
from numbers import Real
from typing import Any

import numpy as np
import scipy.sparse as sp

from coding.agreement.alpha import AlphaResult
from coding.agreement.article import ArticleAgreement, FieldSpec
from coding.agreement.bootstrap import AlphaBootstrap, bootstrap_pairable_units
from coding.agreement.coincidence import (
    PairableUnits,
    alpha_from_coincidences,
    coincidence_matrix,
    pairable_units,
    percent_agreement_of_units,
)
from coding.agreement.encoding import encode_ratings
from coding.agreement.levels import FloatArray, IntArray, check_level

PRESENCE_KEY = "event_presence"


class AlphaAccumulator:
    """Running α of one variable over many reliability matrices (e.g. one per article)."""

    def __init__(self, level: str = "nominal", *, value_domain: Sequence[Hashable] | None = None):
        self.level = check_level(level)
        self._domain = tuple(value_domain) if value_domain is not None else None
        self._index: dict[Hashable, int] = {}
        self._categories: list[Hashable] = []
        if self._domain is not None:
            for label in self._domain:
                self._code_of(label)
        self._cells: dict[tuple[int, int], float] = defaultdict(float)
        self._marginals: list[float] = []
        self._coders: set[Hashable] = set()
        self._max_rows = 0
        self._n_units = self._n_single = self._n_empty = 0
        self._agreement_sum = 0.0
        # compact per-unit storage: entry codes and counts, entries per unit, cluster per unit
        self._entry_codes: list[IntArray] = []
        self._entry_counts: list[FloatArray] = []
        self._unit_sizes: list[IntArray] = []
        self._unit_clusters: list[IntArray] = []
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
        key = cluster if cluster is not None else object()  # a fresh, unshared cluster
        cluster_id = self._cluster_index.setdefault(key, len(self._cluster_index))
        self._entry_codes.append(units.counts.indices.astype(np.int64))
        self._entry_counts.append(units.counts.data.copy())
        self._unit_sizes.append(np.diff(units.counts.indptr).astype(np.int64))
        self._unit_clusters.append(np.full(units.n_pairable, cluster_id, dtype=np.int64))

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
        n_pairable = sum(len(s) for s in self._unit_sizes)
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
        )

    def bootstrap(
        self, *, n_boot: int = 2000, seed: int = 0, confidence: float = 0.95
    ) -> AlphaBootstrap:
        """Cluster bootstrap over the clusters added (see bootstrap.py)."""
        rank, numeric = self._rank()
        sizes = np.concatenate(self._unit_sizes) if self._unit_sizes else np.zeros(0, np.int64)
        codes = np.concatenate(self._entry_codes) if self._entry_codes else np.zeros(0, np.int64)
        counts = np.concatenate(self._entry_counts) if self._entry_counts else np.zeros(0)
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
        clusters = (
            np.concatenate(self._unit_clusters) if self._unit_clusters else np.zeros(0, np.int64)
        )
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


class ProjectAgreementAccumulator:
    """α for event presence and every field, over the articles of a project."""

    def __init__(self, fields: Sequence[FieldSpec]):
        self.fields = tuple(fields)
        self.accumulators: dict[str, AlphaAccumulator] = {PRESENCE_KEY: AlphaAccumulator("nominal")}
        for spec in self.fields:
            if spec.key in self.accumulators:
                raise ValueError(f"duplicate field key {spec.key!r}")
            self.accumulators[spec.key] = AlphaAccumulator(
                spec.level, value_domain=spec.value_domain
            )

    def add_article(self, article: ArticleAgreement, article_id: Hashable) -> None:
        """Fold one article in; its clusters resample together under `article_id`."""
        self.accumulators[PRESENCE_KEY].add(
            article.presence, cluster=article_id, coder_ids=article.coders
        )
        for spec in self.fields:
            field = article.fields.get(spec.key)
            if field is None:
                raise ValueError(f"article has no matrix for field {spec.key!r}")
            self.accumulators[spec.key].add(
                field.matrix, cluster=article_id, coder_ids=article.coders
            )

    def results(self) -> Mapping[str, AlphaResult]:
        """α per key ("event_presence" and each field key)."""
        return {key: acc.result() for key, acc in self.accumulators.items()}

    def bootstraps(self, *, n_boot: int = 2000, seed: int = 0) -> Mapping[str, AlphaBootstrap]:
        """Article-cluster bootstrap CI per key, all with the same seed."""
        return {
            key: acc.bootstrap(n_boot=n_boot, seed=seed) for key, acc in self.accumulators.items()
        }
