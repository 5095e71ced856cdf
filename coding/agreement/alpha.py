"""Krippendorff's α for nominal, ordinal, interval and ratio data with missing values.

Conventions (see docs/agreement.md):

* `data` is coders × units; None/NaN is missing. Units with fewer than two values
  are unpairable: they are dropped and counted (`n_dropped_units` for units with
  one value, `n_empty_units` for units with none).
* α is undefined, and returned as NaN with an explicit status, when no unit has
  two values ("undefined: no pairable units") or when all pairable values are
  identical, so D_o = D_e = 0 ("undefined: no variation"). It is never reported
  as 1 or 0 in those cases; show `percent_agreement` next to it instead.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp

from coding.agreement.coincidence import (
    AlphaStatus,
    PairableUnits,
    alpha_from_sums,
    observed_pair_sum,
    pairable_units,
    percent_agreement_of_units,
)
from coding.agreement.encoding import encode_ratings, small_matrix_rows
from coding.agreement.levels import FloatArray, Level, check_level
from coding.agreement.small_alpha import SMALL_CELLS, small_alpha_values

Reliability = Literal["reliable", "tentative", "unreliable", "undefined"]

RELIABLE_ALPHA = 0.800
TENTATIVE_ALPHA = 0.667


@dataclass(frozen=True)
class AlphaResult:
    """Krippendorff's α with the counts a reader needs to judge it.

    value: α, NaN unless status == "ok".
    percent_agreement: mean over pairable units of the share of agreeing pairs of
        values (exact match, whatever the level); NaN without pairable units.
    n_units: columns given; n_pairable_units: units with ≥ 2 values;
    n_dropped_units: units coded by exactly one coder (dropped);
    n_empty_units: units nobody coded.
    n_values: pairable values n.. (the α sample size).
    n_coders: rows given.
    observed_disagreement / expected_disagreement: D_o and D_e (NaN when undefined).
    distance: the field's difference function (distances.py) when it is not the level's
        own δ²; "identical" for a field compared by identity only (no α).
    ac1: Gwet's AC1 on the same values (exact match), where computed (project figures);
        most_common_share: share of the pairable values that are the most common one.
        Both explain a low α with high agreement (the prevalence effect).
    """

    value: float
    status: AlphaStatus
    level: Level
    percent_agreement: float
    n_units: int
    n_pairable_units: int
    n_dropped_units: int
    n_empty_units: int
    n_values: int
    n_coders: int
    observed_disagreement: float
    expected_disagreement: float
    distance: str | None = None
    ac1: float = float("nan")
    most_common_share: float = float("nan")

    @property
    def reliability(self) -> Reliability:
        return interpret_alpha(self.value)


def interpret_alpha(value: float) -> Reliability:
    """Krippendorff's (2004, p. 241) bands: ≥ .800 reliable, ≥ .667 tentative, else unreliable."""
    if math.isnan(value):
        return "undefined"
    if value >= RELIABLE_ALPHA:
        return "reliable"
    if value >= TENTATIVE_ALPHA:
        return "tentative"
    return "unreliable"


def krippendorff_alpha(
    data: Any, level: str = "nominal", *, value_domain: Sequence[Hashable] | None = None
) -> float:
    """Krippendorff's α of `data` (coders × units, None/NaN missing); NaN where undefined.

    `value_domain` orders the categories (required for ordinal data that are not
    numbers) and restricts the allowed values; unused domain values do not change α.
    Note the default level here is "nominal" (the `krippendorff` package defaults
    to "interval").
    """
    return alpha_result(data, level, value_domain=value_domain).value


def alpha_result(
    data: Any, level: str = "nominal", *, value_domain: Sequence[Hashable] | None = None
) -> AlphaResult:
    """α plus status, percent agreement and unit/value counts; see AlphaResult."""
    checked = check_level(level)
    rows = small_matrix_rows(data, SMALL_CELLS)
    if rows is not None:  # an article's few coders × clusters: plain Python is faster
        values = small_alpha_values(rows, checked, value_domain)
        if values is not None:
            return AlphaResult(**values)
    encoded = encode_ratings(data, checked, value_domain)
    units = pairable_units(encoded.units, encoded.codes, encoded.n_units, encoded.n_categories)
    return alpha_of_pairable_units(units, encoded.numeric_values, checked, encoded.n_coders)


def alpha_from_value_counts(
    value_counts: Any,
    level: str = "nominal",
    *,
    value_domain: Sequence[float] | None = None,
) -> AlphaResult:
    """α from a units × categories matrix of counts n_uc (like `krippendorff`'s value_counts).

    Column c is category `value_domain[c]` (default: c). For ordinal data the columns
    must be in rank order. `n_coders` in the result is the largest m_u.
    """
    checked = check_level(level)
    counts = np.asarray(value_counts, dtype=np.float64)
    if counts.ndim != 2 or np.any(counts < 0) or not np.array_equal(counts, np.round(counts)):
        raise ValueError("value_counts must be a units × categories matrix of counts")
    n_codes = counts.shape[1]
    values = (
        np.arange(n_codes, dtype=np.float64)
        if value_domain is None
        else np.asarray(value_domain, dtype=np.float64)
    )
    if len(values) != n_codes:
        raise ValueError("value_domain must have one entry per column of value_counts")
    per_unit = counts.sum(axis=1)
    keep = per_unit >= 2
    units = PairableUnits(
        counts=sp.csr_array(counts[keep]),
        unit_index=np.nonzero(keep)[0].astype(np.int64),
        n_units=counts.shape[0],
        n_single=int(np.count_nonzero(per_unit == 1)),
        n_empty=int(np.count_nonzero(per_unit == 0)),
    )
    n_coders = int(per_unit.max()) if len(per_unit) else 0
    return alpha_of_pairable_units(units, values, checked, n_coders)


def alpha_of_pairable_units(
    units: PairableUnits, numeric_values: FloatArray | None, level: Level, n_coders: int
) -> AlphaResult:
    """The shared final step: Σ o δ² and marginals → α, plus the diagnostics of AlphaResult."""
    stats = alpha_from_sums(
        observed_pair_sum(units, numeric_values, level), units.marginals(), numeric_values, level
    )
    return AlphaResult(
        value=stats.value,
        status=stats.status,
        level=level,
        percent_agreement=percent_agreement_of_units(units),
        n_units=units.n_units,
        n_pairable_units=units.n_pairable,
        n_dropped_units=units.n_single,
        n_empty_units=units.n_empty,
        n_values=round(stats.n_values),
        n_coders=n_coders,
        observed_disagreement=stats.observed_disagreement,
        expected_disagreement=stats.expected_disagreement,
    )
