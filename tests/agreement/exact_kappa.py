"""An independent, deliberately plain implementation of the κ family in exact fractions.

Written from the textbook definitions (Cohen 1960/1968; Scott 1955; Fleiss 1971;
Conger 1980; Brennan & Prediger 1981; Gwet 2008 and Gwet 2014 for missing ratings)
with loops instead of matrices, to cross-check coding.agreement's vectorised code.
Ratings are lists of coder rows with None for "not rated"; categories are ints.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import permutations


def weight(kind: str, k: int, j: int, categories: list[int]) -> Fraction:
    """Agreement weight between category values k and j."""
    if kind == "identity":
        return Fraction(int(k == j))
    span = max(categories) - min(categories)
    if kind == "linear":
        return 1 - Fraction(abs(k - j), span)
    if kind == "quadratic":
        return 1 - Fraction((k - j) ** 2, span**2)
    raise ValueError(kind)


def corrected(p_a: Fraction, p_e: Fraction | int) -> Fraction | None:
    return None if p_e == 1 else (p_a - p_e) / (1 - p_e)


def two_raters(a: list, b: list, categories: list[int], kind: str = "identity") -> dict:
    """Cohen, Scott, Brennan–Prediger, Gwet and p_a for units rated by both coders."""
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    n = len(pairs)
    q = len(categories)
    p_a = sum((weight(kind, x, y, categories) for x, y in pairs), Fraction(0)) / n
    row = {k: Fraction(sum(1 for x, _ in pairs if x == k), n) for k in categories}
    col = {k: Fraction(sum(1 for _, y in pairs if y == k), n) for k in categories}
    pi = {k: (row[k] + col[k]) / 2 for k in categories}
    total_weight = sum(
        (weight(kind, k, j, categories) for k in categories for j in categories), Fraction(0)
    )
    pe_cohen = sum(
        weight(kind, k, j, categories) * row[k] * col[j] for k in categories for j in categories
    )
    pe_scott = sum(
        weight(kind, k, j, categories) * pi[k] * pi[j] for k in categories for j in categories
    )
    pe_bp = Fraction(total_weight, q * q)
    pe_gwet = Fraction(total_weight, q * (q - 1)) * sum(
        (pi[k] * (1 - pi[k]) for k in categories), Fraction(0)
    )
    return {
        "p_a": p_a,
        "cohen": corrected(p_a, pe_cohen),
        "scott": corrected(p_a, pe_scott),
        "bp": corrected(p_a, pe_bp),
        "gwet": corrected(p_a, pe_gwet),
    }


def many_raters(ratings: list[list], categories: list[int], kind: str = "identity") -> dict:
    """Gwet's (2014) missing-data p_a with Fleiss, BP, Gwet and Conger chance agreement."""
    q = len(categories)
    n_units = len(ratings[0])
    units = [[row[u] for row in ratings if row[u] is not None] for u in range(n_units)]
    pairable = [vals for vals in units if len(vals) >= 2]
    # p_a: for each unit, the mean weighted agreement over ordered pairs of distinct ratings
    p_a = Fraction(0)
    for vals in pairable:
        agree = sum(weight(kind, x, y, categories) for x, y in permutations(vals, 2))
        p_a += Fraction(agree) / (len(vals) * (len(vals) - 1))
    p_a /= len(pairable)
    rated = [vals for vals in units if vals]
    pi = {
        k: sum((Fraction(vals.count(k), len(vals)) for vals in rated), Fraction(0)) / len(rated)
        for k in categories
    }
    total_weight = sum(
        (weight(kind, k, j, categories) for k in categories for j in categories), Fraction(0)
    )
    pe_fleiss = sum(
        (weight(kind, k, j, categories) * pi[k] * pi[j] for k in categories for j in categories),
        Fraction(0),
    )
    pe_bp = Fraction(total_weight, q * q)
    pe_gwet = Fraction(total_weight, q * (q - 1)) * sum(
        (pi[k] * (1 - pi[k]) for k in categories), Fraction(0)
    )
    # Conger: each coder's own category distribution; chance = mean over ordered coder pairs
    shares = []
    for row in ratings:
        given = [x for x in row if x is not None]
        if given:
            shares.append({k: Fraction(given.count(k), len(given)) for k in categories})
    pair_terms = [
        sum(
            (weight(kind, k, j, categories) * g[k] * h[j] for k in categories for j in categories),
            Fraction(0),
        )
        for g, h in permutations(shares, 2)
    ]
    pe_conger = sum(pair_terms, Fraction(0)) / len(pair_terms)
    return {
        "p_a": p_a,
        "fleiss": corrected(p_a, pe_fleiss),
        "bp": corrected(p_a, pe_bp),
        "gwet": corrected(p_a, pe_gwet),
        "conger": corrected(p_a, pe_conger),
    }
