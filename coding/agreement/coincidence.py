"""Coincidence matrices and α from them (Krippendorff 2011, "Computing Krippendorff's Alpha").

Notation: unit u carries m_u values, n_uc of them equal to code c. Units with
m_u < 2 are unpairable and dropped. The observed coincidence matrix is a sum over
units,

    O = Σ_u (n_u n_uᵀ − diag n_u) / (m_u − 1).

Marginals n_c = Σ_k o_ck are the pairable value frequencies, n = Σ n_c, and

    α = 1 − (n − 1) Σ_ck o_ck δ²_ck / Σ_ck n_c n_k δ²_ck.

The unit counts n_uc are a sparse (pairable units × V) matrix built with one sort.
O itself is one sparse product of that matrix with itself (no N × V × V tensor);
α needs only Σ o δ², which for nominal, ordinal and interval data has per-unit
closed forms (`observed_pair_sum`); ratio data sum over the few pairs of codes within
each unit. O itself is only formed by the accumulator and the KALPHA bootstrap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp

from coding.agreement.levels import (
    FloatArray,
    IntArray,
    Level,
    expected_pair_sum,
    level_positions,
    pair_deltas,
)

AlphaStatus = Literal[
    "ok",
    "undefined: no variation",
    "undefined: no pairable units",
    "not applicable: identity only",
]


@dataclass(frozen=True)
class PairableUnits:
    """Value counts of the pairable units (m_u ≥ 2) plus unit diagnostics.

    `counts` is a (n_pairable × V) sparse matrix of n_uc; `unit_index[r]` is the
    original unit (column) number of row r.
    """

    counts: sp.csr_array
    unit_index: IntArray
    n_units: int
    n_single: int
    n_empty: int

    @property
    def n_pairable(self) -> int:
        return int(self.counts.shape[0])

    def values_per_unit(self) -> FloatArray:
        """m_u for every pairable unit."""
        # bincount, not the sparse sum: the same (integer) sums without SciPy's per-call cost
        counts = self.counts
        m = np.bincount(self.entry_rows(), weights=counts.data, minlength=counts.shape[0])
        return m.astype(np.float64, copy=False)

    def marginals(self) -> FloatArray:
        """n_c: pairable values per code."""
        counts = self.counts
        n_c = np.bincount(counts.indices, weights=counts.data, minlength=counts.shape[1])
        return n_c.astype(np.float64, copy=False)

    def entry_rows(self) -> IntArray:
        """Row (pairable unit) of every stored count, parallel to counts.data."""
        return np.repeat(np.arange(self.n_pairable, dtype=np.int64), np.diff(self.counts.indptr))


def pairable_units(units: IntArray, codes: IntArray, n_units: int, n_codes: int) -> PairableUnits:
    """Count values per (unit, code) and keep the units with at least two values.

    One sort of the keys unit·V + code and their run lengths give the counts already
    in canonical CSR order (rows by unit, codes ascending), with no COO conversion.
    """
    width = max(n_codes, 1)
    keys = units.astype(np.int64) * width + codes
    keys.sort()
    starts = np.flatnonzero(np.diff(keys, prepend=-1))
    counts = np.diff(np.append(starts, len(keys))).astype(np.float64)
    first = keys[starts]
    unit, code = first // width, first % width
    per_unit = np.bincount(unit, weights=counts, minlength=n_units)
    keep = per_unit >= 2
    n_rows = int(keep.sum())
    entry_kept = keep[unit]
    row_of_unit = np.cumsum(keep) - 1
    entries_per_row = np.bincount(row_of_unit[unit[entry_kept]], minlength=n_rows)
    indptr = np.concatenate([[0], np.cumsum(entries_per_row)]).astype(np.int64)
    table = sp.csr_array(
        (counts[entry_kept], code[entry_kept].astype(np.int64), indptr), shape=(n_rows, n_codes)
    )
    return PairableUnits(
        counts=table,
        unit_index=np.nonzero(keep)[0].astype(np.int64),
        n_units=n_units,
        n_single=int(np.count_nonzero(per_unit == 1)),
        n_empty=int(np.count_nonzero(per_unit == 0)),
    )


def within_unit_pairs(indptr: IntArray, rows: IntArray) -> tuple[IntArray, IntArray]:
    """(left, right): every ordered pair of stored entries of the same unit (row), i = j
    included, unit by unit; `rows` is the row of each entry (PairableUnits.entry_rows)."""
    per_row = np.diff(indptr)
    block = per_row[rows]  # partners of each entry: all entries of its row
    left = np.repeat(np.arange(len(rows), dtype=np.int64), block)
    block_start = np.repeat(np.cumsum(block) - block, block)
    right = indptr[rows[left]] + (np.arange(len(left), dtype=np.int64) - block_start)
    return left, right.astype(np.int64)


def coincidence_matrix(units: PairableUnits) -> sp.coo_array:
    """O (V × V), as a sparse matrix, from the pairable units.

    Off-diagonal cells come from one sparse product; the diagonal
    Σ_u n_uc (n_uc − 1)/(m_u − 1) is summed directly, so it is exactly 0 where no unit
    has two equal values (the product minus diag(n) would leave rounding residue).
    """
    rows = units.entry_rows()
    weight = 1.0 / (units.values_per_unit() - 1.0)
    table = units.counts
    weighted = sp.csr_array(
        (table.data * weight[rows], table.indices, table.indptr), shape=table.shape
    )
    product = (weighted.T @ table).tocoo()
    off = product.row != product.col
    n_codes = table.shape[1]
    diagonal = np.bincount(
        table.indices, weights=table.data * (table.data - 1.0) * weight[rows], minlength=n_codes
    )
    used = np.flatnonzero(diagonal)
    return sp.coo_array(
        (
            np.concatenate([product.data[off], diagonal[used]]),
            (np.concatenate([product.row[off], used]), np.concatenate([product.col[off], used])),
        ),
        shape=(n_codes, n_codes),
    )


def percent_agreement_of_units(units: PairableUnits) -> float:
    """Mean over pairable units of the share of agreeing pairs of values.

    Unit u contributes Σ_c n_uc (n_uc − 1) / (m_u (m_u − 1)); this is the p_a of
    Fleiss (1971) and Gwet (2014) for missing data, exact-match agreement at every level.
    """
    if units.n_pairable == 0:
        return float("nan")
    n = units.counts.data
    agreeing = np.bincount(units.entry_rows(), weights=n * (n - 1.0), minlength=units.n_pairable)
    m = units.values_per_unit()
    return float(np.mean(agreeing / (m * (m - 1.0))))


@dataclass(frozen=True)
class AlphaStats:
    """α with its two disagreements; value is NaN unless status is "ok"."""

    value: float
    status: AlphaStatus
    observed_disagreement: float
    expected_disagreement: float
    n_values: float


def alpha_from_coincidences(
    rows: IntArray,
    cols: IntArray,
    observed: FloatArray,
    marginals: FloatArray,
    numeric_values: FloatArray | None,
    level: Level,
) -> AlphaStats:
    """α from the non-zero cells (rows, cols, observed) of O and the marginals n_c.

    `marginals` are passed separately (not summed from O) because they are exact
    integer counts, whereas the cells of O carry 1/(m_u − 1) rounding.
    """
    deltas = pair_deltas(level, rows, cols, numeric_values, marginals)
    return alpha_from_sums(float(np.dot(observed, deltas)), marginals, numeric_values, level)


def observed_pair_sum(
    units: PairableUnits, numeric_values: FloatArray | None, level: Level
) -> float:
    """Σ_ck o_ck δ²_ck straight from the unit counts.

    Diagonal cells have δ² = 0, so Σ_ck o_ck δ²_ck = Σ_u Σ_ck n_uc n_uk δ²_ck / (m_u − 1),
    which has per-unit closed forms: nominal (m_u² − Σ_c n_uc²), and for δ² = (x_c − x_k)²
    (interval; ordinal on mid-ranks) 2 (m_u Σ n_uc x_c² − (Σ n_uc x_c)²), with x centred
    first. Ratio data sum n_uc n_uk δ²_ck over the pairs of distinct codes of each unit.
    """
    if units.n_pairable == 0:
        return 0.0
    counts, codes = units.counts.data, units.counts.indices
    rows = units.entry_rows()
    m = units.values_per_unit()
    if level == "ratio":
        # Σ over the pairs of distinct codes within each unit (δ² = 0 on the diagonal),
        # without forming O: a sparse product costs more than the few pairs of a unit.
        left, right = within_unit_pairs(units.counts.indptr, rows)
        off = codes[left] != codes[right]
        left, right = left[off], right[off]
        observed = counts[left] * counts[right] / (m[rows[left]] - 1.0)
        deltas = pair_deltas(
            level,
            codes[left].astype(np.int64),
            codes[right].astype(np.int64),
            numeric_values,
            units.marginals(),
        )
        return float(np.dot(observed, deltas))
    if level == "nominal":
        squares = np.bincount(rows, weights=counts * counts, minlength=units.n_pairable)
        return float(np.sum((m * m - squares) / (m - 1.0)))
    marginals = units.marginals()
    x = level_positions(level, numeric_values, marginals)
    x = x - float(np.dot(marginals, x)) / float(marginals.sum())
    first = np.bincount(rows, weights=counts * x[codes], minlength=units.n_pairable)
    second = np.bincount(rows, weights=counts * x[codes] ** 2, minlength=units.n_pairable)
    per_unit = 2.0 * (m * second - first * first) / (m - 1.0)
    # Each term is 2m²/(m − 1) times the variance of the unit's values: ≥ 0, and exactly 0
    # when they are all equal (one stored code). Cancellation can leave ±1e-16 there, and a
    # negative sum would push α just above 1 (which the database rightly refuses).
    per_unit[np.diff(units.counts.indptr) == 1] = 0.0
    return float(np.sum(np.maximum(per_unit, 0.0)))


def alpha_from_sums(
    observed_sum: float,
    marginals: FloatArray,
    numeric_values: FloatArray | None,
    level: Level,
) -> AlphaStats:
    """α = 1 − (n − 1) Σ o δ² / Σ n_c n_k δ², with its statuses, from Σ o δ² and n_c."""
    n = float(marginals.sum())
    nan = float("nan")
    if n == 0:
        return AlphaStats(nan, "undefined: no pairable units", nan, nan, 0.0)
    expected_sum = expected_pair_sum(level, numeric_values, marginals)
    d_o = observed_sum / n
    if np.count_nonzero(marginals) < 2 or expected_sum == 0.0:
        # D_o = D_e = 0: α is 0/0. Reported as undefined, never as 1 or 0.
        return AlphaStats(nan, "undefined: no variation", d_o, 0.0, n)
    d_e = expected_sum / (n * (n - 1.0))
    return AlphaStats(1.0 - (n - 1.0) * observed_sum / expected_sum, "ok", d_o, d_e, n)
