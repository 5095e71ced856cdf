"""Krippendorff's α of a small reliability matrix in plain Python.

An article's matrices are a few coders × a few clusters; for them NumPy's per-call cost
is most of the work of `alpha_result`. This computes the same quantities with the same
formulas as coincidence.py and levels.py (per-unit closed forms for Σ o δ², closed
forms for Σ n_c n_k δ²), on per-unit value counts. Values agree with the vectorised path
up to float rounding in the last digit (exactly, for nominal data). `alpha_result` uses
it for matrices that `encoding.small_matrix_rows` accepts.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from numbers import Real
from typing import Any, Final

from coding.agreement.coincidence import AlphaStatus
from coding.agreement.encoding import is_numeric_matrix
from coding.agreement.levels import Level

SMALL_CELLS: Final = 1024


def small_alpha_values(
    rows: Sequence[Sequence[Any]], level: Level, value_domain: Sequence[Hashable] | None
) -> dict[str, Any] | None:
    """The fields of AlphaResult for `rows` (see alpha.AlphaResult), or None when the
    values need the general path (e.g. an unhashable value, which it reports)."""
    try:
        positions = _category_positions(rows, level, value_domain)
    except TypeError:
        return None
    units: list[dict[Hashable, int]] = []
    n_single = n_empty = 0
    for column in zip(*rows, strict=True):
        counts: dict[Hashable, int] = {}
        for value in column:
            if value is not None and value == value:  # None and NaN are missing
                counts[value] = counts.get(value, 0) + 1
        m = sum(counts.values())
        if m >= 2:
            units.append(counts)
        elif m == 1:
            n_single += 1
        else:
            n_empty += 1
    marginals: dict[Hashable, int] = {}
    for counts in units:
        for label, n_c in counts.items():
            marginals[label] = marginals.get(label, 0) + n_c
    observed, expected = _pair_sums(units, marginals, positions, level)
    n = float(sum(marginals.values()))
    nan = float("nan")
    status: AlphaStatus = "ok"
    if n == 0:
        value, status, d_o, d_e = nan, "undefined: no pairable units", nan, nan
    elif len(marginals) < 2 or expected == 0.0:
        value, status, d_o, d_e = nan, "undefined: no variation", observed / n, 0.0
    else:
        value = 1.0 - (n - 1.0) * observed / expected
        d_o, d_e = observed / n, expected / (n * (n - 1.0))
    agreement = [
        sum(c * (c - 1) for c in counts.values()) / (m * (m - 1.0))
        for counts in units
        for m in (float(sum(counts.values())),)
    ]
    return {
        "value": value,
        "status": status,
        "level": level,
        "percent_agreement": sum(agreement) / len(agreement) if agreement else nan,
        "n_units": len(rows[0]),
        "n_pairable_units": len(units),
        "n_dropped_units": n_single,
        "n_empty_units": n_empty,
        "n_values": round(n),
        "n_coders": len(rows),
        "observed_disagreement": d_o,
        "expected_disagreement": d_e,
    }


def _category_positions(
    rows: Sequence[Sequence[Any]], level: Level, value_domain: Sequence[Hashable] | None
) -> dict[Hashable, float] | list[Hashable] | None:
    """Label → number (interval, ratio), labels in rank order (ordinal), None (nominal).

    Raises ValueError as `encode_ratings` does (outside the domain, not numeric, ...);
    TypeError for an unhashable value.
    """
    labels = {v: None for row in rows for v in row if v is not None and v == v}
    if value_domain is not None:
        domain = list(value_domain)
        index = {label: i for i, label in enumerate(domain)}
        if len(index) != len(domain):
            raise ValueError("value_domain contains duplicates")
        if is_numeric_matrix(rows) and not all(isinstance(v, Real) for v in domain):
            raise ValueError("numeric reliability data needs a numeric value_domain")
        for label in labels:
            if label not in index:
                raise ValueError(f"value {label!r} is outside value_domain")
        categories = domain
    else:
        categories = list(labels)
    numeric = all(isinstance(c, Real) for c in categories)
    if level in ("interval", "ratio"):
        if not numeric:
            raise ValueError(f"{level} data must be numeric")
        return {c: float(c) for c in categories}  # type: ignore[arg-type]
    if level == "ordinal":
        if value_domain is not None:
            return categories
        if not numeric:
            raise ValueError("ordinal data with non-numeric values needs an ordered value_domain")
        return sorted(categories, key=float)  # type: ignore[arg-type]
    return None


def _pair_sums(
    units: list[dict[Hashable, int]],
    marginals: dict[Hashable, int],
    positions: dict[Hashable, float] | list[Hashable] | None,
    level: Level,
) -> tuple[float, float]:
    """(Σ_ck o_ck δ²_ck, Σ_ck n_c n_k δ²_ck) over the pairable units."""
    if not marginals:
        return 0.0, 0.0
    n = float(sum(marginals.values()))
    if level == "nominal":
        observed = 0.0
        for counts in units:
            m = float(sum(counts.values()))
            observed += (m * m - sum(c * c for c in counts.values())) / (m - 1.0)
        return observed, n * n - sum(float(c * c) for c in marginals.values())
    if level == "ratio":
        assert isinstance(positions, dict)
        observed = 0.0
        for counts in units:
            m = float(sum(counts.values()))
            for c, n_c in counts.items():
                for k, n_k in counts.items():
                    if c != k:
                        observed += n_c * n_k / (m - 1.0) * _ratio_delta(positions[c], positions[k])
        expected = 0.0
        for c, n_c in marginals.items():
            for k, n_k in marginals.items():
                expected += float(n_c * n_k) * _ratio_delta(positions[c], positions[k])
        return observed, expected
    if level == "ordinal":  # interval α on mid-ranks
        assert isinstance(positions, list)
        x: dict[Hashable, float] = {}
        below = 0.0
        for label in positions:
            share = float(marginals.get(label, 0))
            x[label] = below + share / 2.0
            below += share
    else:
        assert isinstance(positions, dict)
        x = positions
    mean = sum(n_c * x[c] for c, n_c in marginals.items()) / n
    centred = {c: x[c] - mean for c in marginals}
    observed = 0.0
    for counts in units:
        if len(counts) < 2:  # all values equal: no disagreement, exactly
            continue
        m = float(sum(counts.values()))
        first = sum(n_c * centred[c] for c, n_c in counts.items())
        second = sum(n_c * centred[c] ** 2 for c, n_c in counts.items())
        observed += max(0.0, 2.0 * (m * second - first * first) / (m - 1.0))
    expected = 2.0 * n * sum(n_c * centred[c] ** 2 for c, n_c in marginals.items())
    return observed, expected


def _ratio_delta(a: float, b: float) -> float:
    """Krippendorff's ratio δ² = ((a − b)/(a + b))², 0 where a + b = 0."""
    total = a + b
    return ((a - b) / total) ** 2 if total != 0 else 0.0
