"""Krippendorff's α_U for unitizing (1995; *Content Analysis* 2nd ed. 2004, p. 251–256).

This is the per-category coefficient implemented by DKPro Statistics
(`KrippendorffAlphaUnitizingAgreement`) and reported by INCEpTION. For each
category c, every coder's continuum [B, B + L) is cut into c-units and gaps.
For every pair of coders and every pair of overlapping segments g (coder i), h (coder j):

    δ²(g, h) = (b_g − b_h)² + (e_g − e_h)²   both units
             = ℓ_g²                          g a unit lying entirely inside gap h (and vice versa)
             = 0                             otherwise
    D_o^c = 2 / (m (m − 1) L²) · Σ_{i<j} Σ_{g,h} δ²(g, h)
    D_e^c = (2/L) Σ_{units g} [ (N_c − 1) ℓ_g(ℓ_g − 1)(2ℓ_g − 1)/3
                               + ℓ_g² Σ_{gaps h: ℓ_h ≥ ℓ_g} (ℓ_h − ℓ_g + 1) ]
            / ( mL(mL − 1) − Σ_{units g} ℓ_g(ℓ_g − 1) )
    α_U^c = 1 − D_o^c / D_e^c,     α_U = 1 − Σ_c D_o^c / Σ_c D_e^c

(m coders, N_c units of c over all coders, sums over all coders' units and gaps.)

Conventions: offsets are integers (code points), so everything is computed in
exact rational arithmetic and rounded to float once. A coder's overlapping
units of one category are merged into their union first (α_U needs a
partition); empty spans are ignored. Coders listed in `coders` but without spans
count as coders with one all-gap continuum. α_U^c is NaN when D_e^c = 0.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import accumulate, combinations

from coding.agreement.spans import CodedSpan, check_offsets, intersect_sorted, merge_intervals

Segment = tuple[int, int, bool]  # start, end, is_unit


@dataclass(frozen=True)
class CategoryUnitizing:
    """α_U of one category with its disagreements (NaN when D_e is 0)."""

    value: float
    observed_disagreement: float
    expected_disagreement: float
    n_units: int


@dataclass(frozen=True)
class UnitizingAlpha:
    """α_U over all categories plus the per-category coefficients."""

    value: float
    per_category: dict[Hashable, CategoryUnitizing]
    n_coders: int
    continuum_length: int


def unitizing_alpha(
    spans: Iterable[CodedSpan],
    *,
    coders: Sequence[Hashable],
    continuum: tuple[int, int],
) -> UnitizingAlpha:
    """α_U of `spans` (coder, label, start, end) on the continuum [begin, end).

    `coders` lists every coder who unitized the continuum, including those who
    marked nothing (they disagree with every unit of the others).
    """
    begin, end = continuum
    check_offsets(begin, end)
    length = end - begin
    if length == 0:
        raise ValueError("the continuum is empty")
    if len(set(coders)) < 2:
        raise ValueError("α_U needs at least two coders")
    by_category: dict[Hashable, dict[Hashable, list[tuple[int, int]]]] = defaultdict(
        lambda: {coder: [] for coder in coders}
    )
    for span in spans:
        check_offsets(span.start, span.end)
        if span.coder not in coders:
            raise ValueError(f"span by unknown coder {span.coder!r}")
        if span.start < begin or span.end > end:
            raise ValueError(f"span {span} lies outside the continuum {continuum}")
        by_category[span.label][span.coder].append((span.start, span.end))
    per_category: dict[Hashable, CategoryUnitizing] = {}
    observed_total = expected_total = Fraction(0)
    for label, intervals in by_category.items():
        units = {
            coder: merge_intervals(iv, merge_touching=False) for coder, iv in intervals.items()
        }
        if not any(units.values()):
            continue
        observed, expected = _category_disagreements(units, begin, end)
        per_category[label] = CategoryUnitizing(
            value=_alpha(observed, expected),
            observed_disagreement=float(observed),
            expected_disagreement=float(expected),
            n_units=sum(len(u) for u in units.values()),
        )
        observed_total += observed
        expected_total += expected
    return UnitizingAlpha(
        value=_alpha(observed_total, expected_total),
        per_category=per_category,
        n_coders=len(set(coders)),
        continuum_length=length,
    )


def _alpha(observed: Fraction, expected: Fraction) -> float:
    return float("nan") if expected == 0 else float(1 - observed / expected)


def _segments(units: list[tuple[int, int]], begin: int, end: int) -> list[Segment]:
    """Partition [begin, end) into the coder's units and the gaps between them."""
    segments: list[Segment] = []
    position = begin
    for start, stop in units:
        if start > position:
            segments.append((position, start, False))
        segments.append((start, stop, True))
        position = stop
    if position < end:
        segments.append((position, end, False))
    return segments


def _pair_distance(g: Segment, h: Segment) -> int:
    """Krippendorff's squared distance δ² between two overlapping segments."""
    if g[2] and h[2]:
        return (g[0] - h[0]) ** 2 + (g[1] - h[1]) ** 2
    unit, gap = (g, h) if g[2] else (h, g)
    if unit[2] and not gap[2] and gap[0] <= unit[0] and unit[1] <= gap[1]:
        return (unit[1] - unit[0]) ** 2
    return 0


def _category_disagreements(
    units: dict[Hashable, list[tuple[int, int]]], begin: int, end: int
) -> tuple[Fraction, Fraction]:
    m = len(units)
    length = end - begin
    segments = {coder: _segments(u, begin, end) for coder, u in units.items()}
    distance_sum = 0
    for a, b in combinations(list(segments), 2):
        seg_a, seg_b = segments[a], segments[b]
        bounds_a = [(s[0], s[1]) for s in seg_a]
        bounds_b = [(s[0], s[1]) for s in seg_b]
        for i, j, _ in intersect_sorted(bounds_a, bounds_b):
            distance_sum += _pair_distance(seg_a[i], seg_b[j])
    observed = Fraction(2 * distance_sum, m * (m - 1) * length * length)

    unit_lengths = [stop - start for u in units.values() for start, stop in u]
    gap_lengths = sorted(s[1] - s[0] for seg in segments.values() for s in seg if not s[2])
    # suffix sums over gap lengths sorted ascending: Σ_{ℓ_h ≥ ℓ} (ℓ_h − ℓ + 1)
    suffix = list(accumulate(reversed(gap_lengths), initial=0))[::-1]
    n_units = len(unit_lengths)
    numerator = 0
    for ell in unit_lengths:
        first = bisect_left(gap_lengths, ell)
        n_longer = len(gap_lengths) - first
        gap_term = suffix[first] - (ell - 1) * n_longer
        numerator += (n_units - 1) * ell * (ell - 1) * (2 * ell - 1) // 3 + ell * ell * gap_term
    denominator = m * length * (m * length - 1) - sum(ell * (ell - 1) for ell in unit_lengths)
    expected = Fraction(2 * numerator, length * denominator) if denominator else Fraction(0)
    return observed, expected


@dataclass(frozen=True)
class UnitizingPart:
    """One continuum's (one article's) share of a pooled α_U: its length and its observed
    and expected disagreement summed over categories (as in α_U = 1 − ΣD_o^c / ΣD_e^c)."""

    length: int
    observed: float
    expected: float


def unitizing_part(
    spans: Iterable[CodedSpan], *, coders: Sequence[Hashable], continuum: tuple[int, int]
) -> UnitizingPart:
    """The `UnitizingPart` of one continuum (arguments as for `unitizing_alpha`)."""
    result = unitizing_alpha(spans, coders=coders, continuum=continuum)
    categories = result.per_category.values()
    return UnitizingPart(
        length=result.continuum_length,
        observed=sum((c.observed_disagreement for c in categories), 0.0),
        expected=sum((c.expected_disagreement for c in categories), 0.0),
    )


def pooled_unitizing_alpha(parts: Iterable[UnitizingPart]) -> tuple[float, float, float]:
    """α_U over many continua, each with its own coders (a project's articles):
    1 − Σ_a L_a·D_o(a) / Σ_a L_a·D_e(a), with (D_o, D_e) the length-weighted means.

    D_o and D_e of one continuum are disagreements per unit of its length (they carry 1/L
    after the pair sums), so weighting each article by its length L_a gives each article
    the share of disagreement it would have as a stretch of one corpus-long continuum,
    while its coders stay its own (concatenating articles would count a coder who never
    saw an article as marking nothing in it). Per article, the ratio is α_U itself; across
    articles, it pools the sums as α_U pools its categories (Krippendorff 2004, p. 256)
    and as α pools coincidences across units. Returns (α_U, D_o, D_e); α_U is NaN when
    no continuum has expected disagreement (no spans at all).
    """
    length = observed = expected = 0.0
    for part in parts:
        length += part.length
        observed += part.length * part.observed
        expected += part.length * part.expected
    if expected == 0.0:
        return float("nan"), float("nan"), float("nan")
    return 1.0 - observed / expected, observed / length, expected / length
