"""Levels of measurement and Krippendorff's squared difference functions δ².

Everything here works on *category codes* 0..V-1 plus, per code, a numeric value
(interval, ratio) or the pairable marginal frequency n_c (ordinal). Codes of an
ordinal variable are in rank order.

Sources: Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability";
Krippendorff (2004) *Content Analysis*, 2nd ed., ch. 11.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

import numpy as np
import numpy.typing as npt

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: Final[tuple[str, ...]] = get_args(Level)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Bound on the temporary V_block x V matrix used for the ratio expected disagreement.
_RATIO_BLOCK_CELLS: Final = 1 << 21


def check_level(level: str) -> Level:
    """Return `level` typed as a Level, or raise ValueError naming the valid ones."""
    if level not in LEVELS:
        raise ValueError(f"unknown level of measurement {level!r}; use one of {LEVELS}")
    return level  # type: ignore[return-value]


def ordinal_midranks(marginals: FloatArray) -> FloatArray:
    """Mid-ranks of the codes given their pairable frequencies n_c (codes in rank order).

    Krippendorff's ordinal δ²_ck = (Σ_{g=c..k} n_g − (n_c + n_k)/2)² equals
    (mid_k − mid_c)² with mid_c = Σ_{g<c} n_g + n_c/2, so ordinal α is interval α on
    mid-ranks. That identity is what lets us avoid any V×V matrix for ordinal data.
    """
    return np.cumsum(marginals) - marginals / 2.0


def level_positions(level: Level, values: FloatArray | None, marginals: FloatArray) -> FloatArray:
    """Per-code positions x_c such that δ²_ck = (x_c − x_k)² (interval and ordinal only)."""
    if level == "ordinal":
        return ordinal_midranks(marginals)
    if level == "interval":
        if values is None:
            raise ValueError("interval data needs numeric values")
        return values
    raise ValueError(f"{level} has no position representation")


def pair_deltas(
    level: Level,
    rows: IntArray,
    cols: IntArray,
    values: FloatArray | None,
    marginals: FloatArray,
) -> FloatArray:
    """δ²(rows[i], cols[i]) for arrays of code pairs (element-wise, no V×V matrix)."""
    if level == "nominal":
        return (rows != cols).astype(np.float64)
    if level in ("interval", "ordinal"):
        x = level_positions(level, values, marginals)
        return (x[rows] - x[cols]) ** 2
    if values is None:
        raise ValueError("ratio data needs numeric values")
    a, b = values[rows], values[cols]
    total = a + b
    out = np.zeros(len(rows), dtype=np.float64)
    # Krippendorff's ratio δ² is ((c−k)/(c+k))²; c + k = 0 only when c = k = 0 for
    # non-negative data, where the difference is 0 by definition.
    np.divide(a - b, total, out=out, where=total != 0)
    return out**2


def expected_pair_sum(level: Level, values: FloatArray | None, marginals: FloatArray) -> float:
    """Σ_c Σ_k n_c n_k δ²_ck, i.e. n(n − 1)·D_e, from the pairable marginals n_c."""
    return float(expected_pair_sums(level, values, marginals[None, :])[0])


def expected_pair_sums(
    level: Level, values: FloatArray | None, marginals: FloatArray
) -> FloatArray:
    """Row-wise Σ_c Σ_k n_c n_k δ²_ck for a (B × V) matrix of marginals (one row per replicate).

    Closed forms for nominal (n² − Σ n_c²) and interval/ordinal (2 n Σ n_c (x_c − x̄)²,
    centred so large values such as day ordinals do not cancel); ratio is a quadratic
    form summed in row blocks of the V × V difference matrix, so memory stays bounded.
    """
    n = marginals.sum(axis=1)
    if level == "nominal":
        return n * n - np.einsum("bv,bv->b", marginals, marginals)
    if level in ("interval", "ordinal"):
        if level == "ordinal":
            x = ordinal_midranks_rows(marginals)
        else:
            if values is None:
                raise ValueError("interval data needs numeric values")
            x = np.broadcast_to(values, marginals.shape)
        safe_n = np.where(n > 0, n, 1.0)
        mean = np.einsum("bv,bv->b", marginals, x) / safe_n
        centred = x - mean[:, None]
        return 2.0 * n * np.einsum("bv,bv->b", marginals, centred * centred)
    if values is None:
        raise ValueError("ratio data needs numeric values")
    n_codes = len(values)
    total = np.zeros(marginals.shape[0])
    block = max(1, _RATIO_BLOCK_CELLS // max(1, n_codes))
    for start in range(0, n_codes, block):
        vb = values[start : start + block, None]
        s = vb + values[None, :]
        d = np.zeros((len(vb), n_codes), dtype=np.float64)
        np.divide(vb - values[None, :], s, out=d, where=s != 0)
        # Σ_{c in block} n_c (Δ n)_c for every replicate row
        total += np.einsum("bc,bc->b", marginals[:, start : start + block], marginals @ (d * d).T)
    return total


def ordinal_midranks_rows(marginals: FloatArray) -> FloatArray:
    """`ordinal_midranks` applied to every row of a (B × V) matrix."""
    return np.cumsum(marginals, axis=1) - marginals / 2.0
