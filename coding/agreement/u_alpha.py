"""The uα family of Krippendorff, Mathet, Bouvry & Widlöcher (2016), nominal metric.

"On the reliability of unitizing textual continua: further developments",
*Quality & Quantity* 50:2347–2364; also Krippendorff, *Content Analysis* 4th ed.
(2019) §12.6. Each coder's continuum is a partition into valued segments and gaps
(label GAP = None). With |g ∩ h| the overlap length of segments g, h:

    o_ck = 1/(m − 1) Σ_{i ≠ j} Σ_{g ∈ i, h ∈ j} |g ∩ h| [v_g = c][v_h = k]
    l_c = Σ_k o_ck,  l = Σ_c l_c  (= m·L for full partitions)
    S_c = Σ_{g: v_g = c} ℓ*_g,  ℓ* = ℓ² for valued segments, ℓ for gaps
    e_ck = l (l_c l_k − [c = k] S_c) / (l² − Σ_c S_c)
    uα  = 1 − (l − Σ_c o_cc) / (l − Σ_c e_cc)            (unitizing and coding)
    |uα = 1 − (l_∅ − o_∅∅) / (e_∅· − e_∅∅)              (relevant vs irrelevant matter)

Coding given unitizing, on valued-vs-valued coincidences only (needs ≥ 2 labels):

    λ_c = l_c − o_c∅,  λ = Σ λ_c  (coverage = λ / l)
    s_c = Σ_{i ≠ j} Σ_{g ∈ i, v_g = c} (Σ_{h ∈ j valued} |g ∩ h|)²
    ε_ck = (λ_c λ_k − [c = k] s_c/(m − 1)) / (λ − Σ_c s_c / (λ (m − 1)))
    cuα = 1 − (λ − Σ_c o_cc) / (λ − Σ_c ε_cc)
    (k)uα = 1 − (ε_k· / λ_k) (λ_k − o_kk) / (ε_k· − ε_kk)

Caveat (see NOTES §3.2): the paper's own worked numbers were not available. uα
and |uα agree across three public implementations; cuα and (k)uα follow the
pairwise-intersection reading (u_alpha.py), which differs from R quallmer's
union-based reading for more than two coders. Treat cuα/(k)uα as provisional.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

from coding.agreement.spans import CodedSpan, check_offsets, intersect_sorted

GAP = None
Segment = tuple[Hashable, int, int]  # label (GAP for a gap), start, end
CoderT = TypeVar("CoderT", bound=Hashable)


@dataclass(frozen=True)
class UAlphaFamily:
    """uα, |uα, and (with ≥ 2 labels) cuα with its coverage and (k)uα per label; NaN if 0/0."""

    u_alpha: float
    binary_u_alpha: float
    cu_alpha: float
    cu_coverage: float
    k_u_alpha: dict[Hashable, float]


def partition_continuum(
    spans: Iterable[CodedSpan], *, coders: Sequence[Hashable], continuum: tuple[int, int]
) -> dict[Hashable, list[Segment]]:
    """Each coder's partition of [begin, end): their spans plus GAP segments in between.

    Spans of one coder must not overlap (uα needs one value per position).
    """
    begin, end = continuum
    check_offsets(begin, end)
    by_coder: dict[Hashable, list[tuple[int, int, Hashable]]] = {c: [] for c in coders}
    for span in spans:
        check_offsets(span.start, span.end)
        if span.start < begin or span.end > end:
            raise ValueError(f"span {span} lies outside the continuum {continuum}")
        if span.end > span.start:
            by_coder[span.coder].append((span.start, span.end, span.label))
    partitions: dict[Hashable, list[Segment]] = {}
    for coder, items in by_coder.items():
        segments: list[Segment] = []
        position = begin
        for start, stop, label in sorted(items, key=lambda x: (x[0], x[1])):
            if start < position:
                raise ValueError(f"coder {coder!r} has overlapping spans at offset {start}")
            if start > position:
                segments.append((GAP, position, start))
            segments.append((label, start, stop))
            position = stop
        if position < end:
            segments.append((GAP, position, end))
        partitions[coder] = segments
    return partitions


def u_alpha_family(segments_by_coder: Mapping[CoderT, Sequence[Segment]]) -> UAlphaFamily:
    """The uα family for explicit per-coder segments (label, start, end); GAP marks gaps."""
    coders = list(segments_by_coder)
    m = len(coders)
    if m < 2:
        raise ValueError("uα needs at least two coders")
    parts = {c: sorted(segments_by_coder[c], key=lambda s: (s[1], s[2])) for c in coders}
    observed: dict[tuple[Hashable, Hashable], Fraction] = defaultdict(Fraction)
    squared_overlap: dict[Hashable, Fraction] = defaultdict(Fraction)
    for i in coders:
        for j in coders:
            if i == j:
                continue
            a, b = parts[i], parts[j]
            valued_overlap: dict[int, int] = defaultdict(int)
            for x, y, overlap in intersect_sorted([s[1:] for s in a], [s[1:] for s in b]):
                observed[a[x][0], b[y][0]] += Fraction(overlap, m - 1)
                if a[x][0] is not GAP and b[y][0] is not GAP:
                    valued_overlap[x] += overlap
            for x, overlap in valued_overlap.items():
                squared_overlap[a[x][0]] += overlap * overlap
    labels = sorted({c for c, _ in observed} | {k for _, k in observed}, key=_label_key)
    margin = {c: sum((observed[c, k] for k in labels), Fraction(0)) for c in labels}
    total = sum(margin.values(), Fraction(0))
    star: dict[Hashable, Fraction] = defaultdict(Fraction)
    for segments in parts.values():
        for label, start, end in segments:
            star[label] += (end - start) if label is GAP else (end - start) ** 2
    denominator = total * total - sum(star.values(), Fraction(0))

    def expected(c: Hashable, k: Hashable) -> Fraction:
        return total * (margin[c] * margin[k] - (star[c] if c == k else 0)) / denominator

    agree_o = sum((observed[c, c] for c in labels), Fraction(0))
    agree_e = sum((expected(c, c) for c in labels), Fraction(0))
    u_alpha = _ratio_alpha(total - agree_o, total - agree_e)
    binary = float("nan")
    if GAP in margin:
        gap_expected = sum((expected(GAP, k) for k in labels), Fraction(0)) - expected(GAP, GAP)
        binary = _ratio_alpha(margin[GAP] - observed[GAP, GAP], gap_expected)
    cu, coverage, per_label = _coding_given_unitizing(
        labels, observed, margin, squared_overlap, total, m
    )
    return UAlphaFamily(u_alpha, binary, cu, coverage, per_label)


def _coding_given_unitizing(
    labels: list[Hashable],
    observed: Mapping[tuple[Hashable, Hashable], Fraction],
    margin: Mapping[Hashable, Fraction],
    squared_overlap: Mapping[Hashable, Fraction],
    total: Fraction,
    m: int,
) -> tuple[float, float, dict[Hashable, float]]:
    valued = [c for c in labels if c is not GAP]
    nan = float("nan")
    if len(valued) < 2:
        return nan, nan, {}
    lam = {c: margin[c] - observed.get((c, GAP), Fraction(0)) for c in valued}
    lam_total = sum(lam.values(), Fraction(0))
    if lam_total == 0:
        return nan, 0.0, {}
    squares = {c: squared_overlap.get(c, Fraction(0)) / (m - 1) for c in valued}
    scale = lam_total - sum(squares.values(), Fraction(0)) / lam_total

    def eps(c: Hashable, k: Hashable) -> Fraction:
        return (lam[c] * lam[k] - (squares[c] if c == k else 0)) / scale

    agree_o = sum((observed.get((c, c), Fraction(0)) for c in valued), Fraction(0))
    agree_e = sum((eps(c, c) for c in valued), Fraction(0))
    cu = _ratio_alpha(lam_total - agree_o, lam_total - agree_e)
    per_label: dict[Hashable, float] = {}
    for k in valued:
        row = sum((eps(k, c) for c in valued), Fraction(0))
        disagreement_e = row - eps(k, k)
        if lam[k] == 0 or disagreement_e == 0:
            per_label[k] = nan
        else:
            per_label[k] = float(
                1 - row / lam[k] * (lam[k] - observed.get((k, k), Fraction(0))) / disagreement_e
            )
    return cu, float(lam_total / total), per_label


def _ratio_alpha(observed_disagreement: Fraction, expected_disagreement: Fraction) -> float:
    if expected_disagreement == 0:
        return float("nan")
    return float(1 - observed_disagreement / expected_disagreement)


def _label_key(label: Hashable) -> tuple[int, str]:
    return (0, "") if label is GAP else (1, repr(label))
