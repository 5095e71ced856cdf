"""Krippendorff's α with a field's own difference function δ² (see distances.py).

The coincidence matrix does not depend on δ², only the last step does:

    α = 1 − (n − 1) Σ_ck o_ck δ²_ck / Σ_ck n_c n_k δ²_ck

so values are counted per unit exactly as for nominal data (any hashable label), and
δ² comes from `Distance.matrix` over the labels that occur. With the nominal δ² this
is nominal α (tested against the `krippendorff` package with a custom metric). The
statuses and diagnostics are those of `AlphaResult`.

A field compared by identity only (free text, `IDENTICAL_ONLY`) gets no α: its result
has value NaN, status "not applicable: identity only", and its percent agreement.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from coding.agreement.alpha import AlphaResult
from coding.agreement.bootstrap import AlphaBootstrap
from coding.agreement.coincidence import AlphaStatus
from coding.agreement.distances import Distance
from coding.agreement.levels import FloatArray, Level

NOT_APPLICABLE: AlphaStatus = "not applicable: identity only"


def distance_alpha_result(data: Any, distance: Distance, level: Level = "nominal") -> AlphaResult:
    """α of `data` (coders × units, None/NaN missing) with δ² = `distance`.

    `level` is only recorded in the result (the codebook's level of the field).
    """
    rows = [list(row) for row in data]
    if not rows:
        raise ValueError("reliability data needs at least one coder (row)")
    width = len(rows[0])
    if any(len(row) != width for row in rows):
        raise ValueError("every coder (row) needs one value per unit (column)")
    index: dict[Hashable, int] = {}
    unit_counts: list[dict[int, int]] = []
    n_single = n_empty = 0
    for column in zip(*rows, strict=True):
        counts: dict[int, int] = {}
        for value in column:
            if value is None or value != value:  # None and NaN are missing
                continue
            code = index.setdefault(value, len(index))
            counts[code] = counts.get(code, 0) + 1
        m = sum(counts.values())
        if m >= 2:
            unit_counts.append(counts)
        elif m == 1:
            n_single += 1
        else:
            n_empty += 1
    labels = list(index)
    deltas = distance.matrix(labels) if labels else np.zeros((0, 0))
    # An article's matrix has a few labels: plain Python over its pairs beats NumPy calls.
    delta_rows = deltas.tolist()
    marginal_counts = [0] * len(labels)
    observed = 0.0
    agreement = 0.0
    for counts in unit_counts:
        m = sum(counts.values())
        pairs = 0.0
        for c, n_c in counts.items():
            marginal_counts[c] += n_c
            row = delta_rows[c]
            for k, n_k in counts.items():
                if k != c:
                    pairs += n_c * n_k * row[k]
        observed += pairs / (m - 1.0)
        agreement += sum(n * (n - 1) for n in counts.values()) / (m * (m - 1.0))
    marginals = np.array(marginal_counts, dtype=np.float64)
    return _result(
        observed,
        marginals,
        deltas,
        level=level,
        distance=distance.name,
        percent_agreement=agreement / len(unit_counts) if unit_counts else float("nan"),
        n_units=width,
        n_pairable_units=len(unit_counts),
        n_dropped_units=n_single,
        n_empty_units=n_empty,
        n_coders=len(rows),
    )


def alpha_from_distance_coincidences(
    rows: Sequence[int],
    cols: Sequence[int],
    cells: Sequence[float],
    marginals: FloatArray,
    labels: Sequence[Hashable],
    distance: Distance,
) -> tuple[float, AlphaStatus, float, float]:
    """(α, status, D_o, D_e) from the non-zero cells of O over `labels` and the marginals."""
    deltas = distance.matrix(list(labels)) if len(labels) else np.zeros((0, 0))
    observed = (
        float(np.dot(np.asarray(cells), deltas[np.asarray(rows), np.asarray(cols)]))
        if len(cells)
        else 0.0
    )
    return _alpha(observed, marginals, deltas)


def _alpha(
    observed: float, marginals: FloatArray, deltas: FloatArray
) -> tuple[float, AlphaStatus, float, float]:
    nan = float("nan")
    n = float(marginals.sum())
    if n == 0:
        return nan, "undefined: no pairable units", nan, nan
    expected = float(marginals @ deltas @ marginals)
    d_o = observed / n
    if np.count_nonzero(marginals) < 2 or expected <= 0.0:
        # All pairable values at distance 0 from each other: α is 0/0, never 1 or 0.
        return nan, "undefined: no variation", d_o, 0.0
    value = 1.0 - (n - 1.0) * observed / expected
    return value, "ok", d_o, expected / (n * (n - 1.0))


def _result(
    observed: float, marginals: FloatArray, deltas: FloatArray, **counts: Any
) -> AlphaResult:
    value, status, d_o, d_e = _alpha(observed, marginals, deltas)
    return AlphaResult(
        value=value,
        status=status,
        n_values=round(float(marginals.sum())),
        observed_disagreement=d_o,
        expected_disagreement=d_e,
        **counts,
    )


def identity_only(result: AlphaResult) -> AlphaResult:
    """`result` stripped of α: percent identical and counts only (free text)."""
    nan = float("nan")
    return replace(
        result,
        value=nan,
        status=NOT_APPLICABLE,
        observed_disagreement=nan,
        expected_disagreement=nan,
        distance="identical",
        ac1=nan,
    )


def identity_only_bootstrap(boot: AlphaBootstrap) -> AlphaBootstrap:
    """No interval for a field without α."""
    nan = float("nan")
    return replace(boot, alpha=nan, low=nan, high=nan, p_below_667=nan, p_below_800=nan)
