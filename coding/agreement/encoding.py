"""Turn a coders × units reliability matrix into parallel integer arrays.

Input is shaped like the `krippendorff` package's `reliability_data`: one row per
coder, one column per unit. A value is *missing* when it is None or a float NaN
(in a NumPy string array, the string "nan" is missing too, because NumPy turns
`np.nan` into "nan" when it builds a string array; the `krippendorff` package does
the same). Nominal values may be any hashables (str, int, frozenset, ...).

Category codes: with `value_domain`, code i is `value_domain[i]` (unused domain
values are kept; they do not change α). Without it, numeric values are coded in
ascending order, and other values in sorted order when they are mutually
comparable, else in order of first appearance (row by row). Ordinal data needs
either numbers or an ordered `value_domain`; interval and ratio data need numbers.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any, Final

import numpy as np

from coding.agreement.levels import FloatArray, IntArray, Level, check_level

# Integer-valued floats whose range is at most this many times the number of values
# are coded by offset + bincount instead of a sort (the common case: codebook codes).
_DENSE_RANGE_FACTOR: Final = 4
_MAX_EXACT_FLOAT_INT: Final = 2**53


@dataclass(frozen=True)
class EncodedRatings:
    """The non-missing values of an M × N reliability matrix.

    `coders[i]`, `units[i]`, `codes[i]` describe value i (row-major order).
    `categories[c]` is the label of code c; `numeric_values[c]` its number, or
    `numeric_values` is None when some category is not a real number.
    """

    coders: IntArray
    units: IntArray
    codes: IntArray
    categories: tuple[Hashable, ...]
    numeric_values: FloatArray | None
    n_coders: int
    n_units: int

    @property
    def n_categories(self) -> int:
        return len(self.categories)


def is_missing(value: object) -> bool:
    """None and float NaN (including NumPy floating NaN) mark a missing value."""
    if value is None:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def encode_ratings(
    data: Any,
    level: str = "nominal",
    value_domain: Sequence[Hashable] | None = None,
) -> EncodedRatings:
    """Encode `data` (coders × units; lists or a NumPy array) for the given level."""
    checked = check_level(level)
    matrix = _as_matrix(data)
    kind = matrix.dtype.kind
    if kind in "biuf":
        encoded = _encode_numeric(matrix.astype(np.float64, copy=False), checked, value_domain)
    elif kind in "US":
        missing = matrix == matrix.dtype.type("nan")
        encoded = _encode_objects(matrix.astype(object), ~missing, checked, value_domain)
    elif kind == "O":
        present = np.frompyfunc(lambda x: not is_missing(x), 1, 1)(matrix).astype(bool)
        encoded = _encode_objects(matrix, present, checked, value_domain)
    else:
        raise ValueError(f"unsupported reliability data dtype {matrix.dtype}")
    if checked in ("interval", "ratio") and encoded.numeric_values is None:
        raise ValueError(f"{checked} data must be numeric")
    return encoded


_PLAIN_TYPES: Final = frozenset({type(None), bool, int, float, str, frozenset, tuple})
_NOT_STR_TYPES: Final = frozenset({bool, int, frozenset, tuple})


def small_matrix_rows(data: Any, max_cells: int) -> Sequence[Sequence[Any]] | None:
    """`data` itself when it is a small list/tuple matrix that plain Python may encode with
    the same meaning as `encode_ratings`, else None.

    That is: 1..max_cells cells in rows of equal length, holding only None, bool, int
    (|x| < 2⁵³), finite or NaN float, str, frozenset or tuple, and not both strings and
    other values (NumPy would turn the others into strings), nor the string "nan" (which
    NumPy string arrays treat as missing). None and NaN are missing.
    """
    if not isinstance(data, list | tuple) or not data:
        return None
    width = len(data[0]) if isinstance(data[0], list | tuple) else 0
    if width == 0 or len(data) * width > max_cells:
        return None
    for row in data:
        if not isinstance(row, list | tuple) or len(row) != width:
            return None
    kinds = {type(value) for row in data for value in row}
    if not kinds <= _PLAIN_TYPES:
        return None
    if float in kinds:
        floats = [v for row in data for v in row if type(v) is float]
        if any(math.isinf(v) for v in floats):
            return None
        if str in kinds and any(v == v for v in floats):  # a number among strings
            return None
    if str in kinds and (kinds & _NOT_STR_TYPES or any("nan" in row for row in data)):
        return None
    if int in kinds and any(
        not -_MAX_EXACT_FLOAT_INT < v < _MAX_EXACT_FLOAT_INT
        for row in data
        for v in row
        if type(v) is int
    ):
        return None
    return data


def is_numeric_matrix(rows: Sequence[Sequence[Any]]) -> bool:
    """Whether NumPy makes a number array of these plain rows (no None, only bool, int and
    float), so that `encode_ratings` takes its numeric path (which needs a numeric domain)."""
    return all(type(v) in (bool, int, float) for row in rows for v in row)


def _as_matrix(data: Any) -> np.ndarray:
    if isinstance(data, np.ndarray):
        matrix = data
    else:
        try:
            matrix = np.asarray(data)
        except ValueError:  # ragged rows, or values NumPy cannot pack
            matrix = np.empty(0)
        if matrix.ndim != 2 or matrix.dtype.kind not in "biufUSO":
            matrix = _object_matrix(data)
    if matrix.ndim != 2:
        raise ValueError("reliability data must be 2-D: one row per coder, one column per unit")
    return matrix


def _object_matrix(data: Any) -> np.ndarray:
    """Build an object matrix cell by cell so tuple-valued labels stay scalars."""
    try:
        rows = [list(row) for row in data]
    except TypeError as exc:  # a 1-D sequence of scalars
        raise ValueError("reliability data must be 2-D: one row per coder") from exc
    n_units = len(rows[0]) if rows else 0
    if any(len(row) != n_units for row in rows):
        raise ValueError("every coder row must have one entry per unit")
    matrix = np.empty((len(rows), n_units), dtype=object)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            matrix[i, j] = value
    return matrix


def _encode_numeric(
    matrix: FloatArray, level: Level, value_domain: Sequence[Hashable] | None
) -> EncodedRatings:
    present = ~np.isnan(matrix)
    coders, units = np.nonzero(present)
    values = matrix[present]  # row-major, the order np.nonzero uses
    if not np.all(np.isfinite(values)):
        raise ValueError("reliability data contains an infinite value")
    if value_domain is not None:
        domain = _numeric_domain(value_domain)
        codes = _codes_in_domain(values, domain)
        categories: tuple[Hashable, ...] = tuple(value_domain)
        numeric: FloatArray | None = domain
    else:
        codes, distinct = _codes_ascending(values)
        categories = tuple(float(v) for v in distinct)
        numeric = distinct
    return EncodedRatings(
        coders=coders.astype(np.int64, copy=False),
        units=units.astype(np.int64, copy=False),
        codes=codes,
        categories=categories,
        numeric_values=numeric,
        n_coders=matrix.shape[0],
        n_units=matrix.shape[1],
    )


def _numeric_domain(value_domain: Sequence[Hashable]) -> FloatArray:
    if not all(isinstance(v, Real) for v in value_domain):
        raise ValueError("numeric reliability data needs a numeric value_domain")
    domain = np.asarray(value_domain, dtype=np.float64)
    if len(np.unique(domain)) != len(domain):
        raise ValueError("value_domain contains duplicates")
    return domain


def _codes_in_domain(values: FloatArray, domain: FloatArray) -> IntArray:
    order = np.argsort(domain, kind="stable")
    pos = np.searchsorted(domain[order], values)
    pos_clipped = np.minimum(pos, len(domain) - 1)
    if len(domain) == 0 or not np.array_equal(domain[order][pos_clipped], values):
        raise ValueError("the reliability data contains values outside value_domain")
    return order[pos_clipped].astype(np.int64)


def _codes_ascending(values: FloatArray) -> tuple[IntArray, FloatArray]:
    """Codes in ascending value order; offset + bincount when values are small integers."""
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    low, high = float(values.min()), float(values.max())
    if max(abs(low), abs(high)) < _MAX_EXACT_FLOAT_INT:
        as_int = values.astype(np.int64)
        span = int(high - low) + 1
        if span <= _DENSE_RANGE_FACTOR * len(values) + 1024 and np.array_equal(as_int, values):
            shifted = as_int - int(low)
            used = np.bincount(shifted, minlength=span) > 0
            code_of = np.cumsum(used) - 1
            return code_of[shifted].astype(np.int64), np.nonzero(used)[0].astype(np.float64) + low
    distinct, inverse = np.unique(values, return_inverse=True)
    return inverse.astype(np.int64).ravel(), distinct


def _encode_objects(
    matrix: np.ndarray,
    present: np.ndarray,
    level: Level,
    value_domain: Sequence[Hashable] | None,
) -> EncodedRatings:
    coders, units = np.nonzero(present)
    labels = matrix[coders, units]
    if value_domain is not None:
        categories = tuple(value_domain)
        index = {label: i for i, label in enumerate(categories)}
        if len(index) != len(categories):
            raise ValueError("value_domain contains duplicates")
    else:
        index = {}
        try:
            for label in labels:
                index.setdefault(label, len(index))
        except TypeError as exc:  # e.g. a set or list as a value
            raise ValueError(f"values must be hashable (use frozenset or tuple): {exc}") from exc
        categories = _ordered_categories(list(index), level)
        index = {label: i for i, label in enumerate(categories)}
    try:
        codes = np.fromiter((index[label] for label in labels), dtype=np.int64, count=len(labels))
    except KeyError as exc:
        raise ValueError(f"value {exc.args[0]!r} is outside value_domain") from exc
    return EncodedRatings(
        coders=coders.astype(np.int64),
        units=units.astype(np.int64),
        codes=codes,
        categories=categories,
        numeric_values=_numeric_values(categories),
        n_coders=matrix.shape[0],
        n_units=matrix.shape[1],
    )


def _ordered_categories(first_seen: list[Hashable], level: Level) -> tuple[Hashable, ...]:
    numeric = _numeric_values(tuple(first_seen))
    if numeric is not None:
        return tuple(first_seen[i] for i in np.argsort(numeric, kind="stable"))
    if level != "nominal":
        raise ValueError(
            f"{level} data with non-numeric values needs an ordered value_domain"
            if level == "ordinal"
            else f"{level} data must be numeric"
        )
    try:
        return tuple(sorted(first_seen))  # type: ignore[type-var]
    except TypeError:  # mixed, unorderable labels: keep first appearance
        return tuple(first_seen)


def _numeric_values(categories: tuple[Hashable, ...]) -> FloatArray | None:
    if not all(isinstance(c, Real) for c in categories):
        return None
    values = np.asarray(categories, dtype=np.float64)
    if not np.all(np.isfinite(values)):
        raise ValueError("reliability data contains an infinite value")
    return values
