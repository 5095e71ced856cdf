"""Loading the reference vectors and comparing results to the digits a source prints."""

from __future__ import annotations

import json
import math
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

VECTORS_PATH = Path(__file__).parent / "data" / "vectors.json"


def load_vectors() -> list[dict[str, Any]]:
    return json.loads(VECTORS_PATH.read_text("utf-8"))


def digits(expected: str) -> int:
    return len(expected.split(".")[1]) if "." in expected else 0


def matches_printed(got: float, expected: str) -> bool:
    """True if `got` prints as `expected` at the source's precision.

    Sources either round (.8591) or truncate (DKPro's D_e .5351 for .53518…, Krippendorff's
    D_o .02777 for 1/36); a rational like "2/7" must match to 1e-12.
    """
    if "/" in expected:
        return math.isclose(got, float(Fraction(expected)), rel_tol=0, abs_tol=1e-12)
    quantum = Decimal(1).scaleb(-digits(expected))
    value = Decimal(repr(got))
    target = Decimal(expected)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_EVEN)
    truncated = value.quantize(quantum, rounding=ROUND_DOWN)
    return rounded == target or truncated == target


def matches_exact(got: float, exact: str) -> bool:
    """`got` equals the rational `exact` to float precision (relative 1e-12)."""
    target = float(Fraction(exact))
    return math.isclose(got, target, rel_tol=1e-12, abs_tol=1e-15)


def table_to_ratings(table: list[list[int]]) -> list[list[int]]:
    """Two coder rows that produce a given contingency table (rows: coder 1)."""
    first: list[int] = []
    second: list[int] = []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            first += [i] * count
            second += [j] * count
    return [first, second]
