"""Span hygiene for coder selections: grapheme snapping, proclitic dropping, quote context.

All offsets are code points into the canonical text, half-open ``[start, end)``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Container

import regex

from coding.text.arabic import fold_letters

__all__ = ["SpanError", "drop_proclitic", "quote_context", "snap_span"]

_GRAPHEME = regex.compile(r"\X")
# Characters that never start a grapheme cluster after whitespace (GB9, GB9a): a boundary
# is certain before any other character that follows a whitespace character.
_CONTINUES_CLUSTER = regex.compile(
    r"[\p{Grapheme_Cluster_Break=Extend}\p{Grapheme_Cluster_Break=ZWJ}"
    r"\p{Grapheme_Cluster_Break=SpacingMark}]"
)
# Format characters (Cf) that are visible or structural and must not be trimmed: Arabic
# number signs that prepend to digits, and emoji tag sequences (subdivision flags).
_KEEP_FORMAT = regex.compile(r"[\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\U000e0001-\U000e007f]")
_TATWEEL = "\u0640"
_JOINERS = "\u200c\u200d"
_CONJUNCTIONS = "وف"
_PREPOSITIONS = "بلك"


class SpanError(ValueError):
    """A span is out of range or empty (after snapping)."""


def _check_range(text: str, start: int, end: int) -> None:
    if not 0 <= start <= end <= len(text):
        raise SpanError(f"span [{start}, {end}) out of range for a text of {len(text)} code points")


def _is_boundary_anchor(text: str, i: int) -> bool:
    """True if a grapheme boundary is certain at ``i`` from local context alone."""
    if i <= 0 or i >= len(text):
        return True
    before = text[i - 1]
    return (
        before.isspace()
        and not (before == "\r" and text[i] == "\n")
        and _CONTINUES_CLUSTER.match(text[i]) is None
    )


def _grapheme_window(text: str, start: int, end: int) -> tuple[int, int]:
    """A window ``[lo, hi)`` around the span whose ends are certain grapheme boundaries."""
    lo = start
    while not _is_boundary_anchor(text, lo):
        lo -= 1
    hi = end
    while not _is_boundary_anchor(text, hi):
        hi += 1
    return lo, hi


def _is_trimmable(ch: str) -> bool:
    """Whitespace and invisible format characters (ZWNJ, ZWJ, LRM, RLM, ALM, bidi controls,
    BOM) that a selection should not start or end with."""
    if ch.isspace():
        return True
    return unicodedata.category(ch) == "Cf" and _KEEP_FORMAT.match(ch) is None


def snap_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Snap a selection to whole grapheme clusters, then trim invisible ends.

    1. Extend ``start`` back and ``end`` forward to grapheme-cluster boundaries (``regex``
       ``\\X``), so a span never starts on a haraka or splits a flag such as 🇲🇱.
    2. Trim whitespace and format characters (Cf) at both ends. ZWNJ/ZWJ belong to the
       cluster of the preceding letter, so step 2 can cut a trailing ZWNJ off; that is intended.

    Raises :class:`SpanError` if the span is out of range or empty after trimming.
    """
    _check_range(text, start, end)
    if start < end:
        lo, hi = _grapheme_window(text, start, end)
        bounds = [lo] + [m.end() for m in _GRAPHEME.finditer(text, lo, hi)]
        start = max(b for b in bounds if b <= start)
        end = min(b for b in bounds if b >= end)
    while start < end and _is_trimmable(text[start]):
        start += 1
    while end > start and _is_trimmable(text[end - 1]):
        end -= 1
    if start >= end:
        raise SpanError("span is empty after snapping to graphemes and trimming")
    return start, end


def _skip_decoration(text: str, i: int, end: int) -> int:
    """Skip harakat, tatweel and joiners that follow a letter (وَ, بـ, لـ‌)."""
    while i < end and (
        text[i] == _TATWEEL or text[i] in _JOINERS or unicodedata.category(text[i]) == "Mn"
    ):
        i += 1
    return i


def _take(text: str, i: int, end: int, letters: str) -> int | None:
    """If ``text[i]`` is one of ``letters``, the index after it and its decoration."""
    if i < end and text[i] in letters:
        return _skip_decoration(text, i + 1, end)
    return None


def _proclitic_cuts(text: str, start: int, end: int, article: bool) -> list[tuple[int, str]]:
    """Possible ends of a proclitic sequence at ``start``: (cut index, letters dropped)."""
    cuts: list[tuple[int, str]] = []
    conj_options: list[tuple[int, str]] = [(start, "")]
    after_conj = _take(text, start, end, _CONJUNCTIONS)
    if after_conj is not None:
        conj_options.append((after_conj, text[start]))
    for pos, seq in conj_options:
        prep_options = [(pos, seq)]
        after_prep = _take(text, pos, end, _PREPOSITIONS)
        if after_prep is not None:
            prep_options.append((after_prep, seq + text[pos]))
        for pos2, seq2 in prep_options:
            if seq2:
                cuts.append((pos2, seq2))
            if not article:
                continue
            if seq2.endswith("ل"):
                # ل + ال is written لل: the second ل is the article's; drop it with the first.
                after_lam = _take(text, pos2, end, "ل")
                if after_lam is not None:
                    cuts.append((after_lam, seq2 + "ل"))
            else:
                after_alef = _take(text, pos2, end, "ا")
                after_article = _take(text, after_alef, end, "ل") if after_alef else None
                if after_article is not None:
                    cuts.append((after_article, seq2 + "ال"))
    return cuts


def _first_word_letters(text: str, i: int, end: int) -> int:
    """Number of letters in the word starting at ``i`` (marks and tatweel do not count)."""
    count = 0
    while i < end:
        ch = text[i]
        if ch.isalpha():
            count += 1
        elif not (ch == _TATWEEL or ch in _JOINERS or unicodedata.category(ch) == "Mn"):
            break
        i += 1
    return count


def drop_proclitic(
    text: str,
    start: int,
    end: int,
    *,
    article: bool = False,
    min_remaining: int = 3,
    lexicon: Container[str] | None = None,
) -> tuple[int, int]:
    """Move ``start`` past a leading Arabic proclitic when what remains is still a word.

    Proclitics: conjunction و/ف, then preposition ب/ل/ك, each possibly followed by harakat,
    tatweel (لـJNIM, بـمالي) or ZWNJ; with ``article=True`` also ال (بال, وال, and لل for
    ل + ال, whose second ل is the article's). The longest sequence wins if the word that
    remains starts with a letter and has at least ``min_remaining`` letters (so ولد keeps its
    و). Without ``article``, a single ل before ل is kept: للجيش is ل + الجيش, and cutting one ل
    would leave the non-word لجيش.

    ``lexicon`` (optional): folded forms (see :func:`coding.text.arabic.fold_letters`) of known
    names; a span whose first word is in it is left alone (باماكو starts with ب), and a cut is
    only accepted if the remaining first word is in it.

    This is a heuristic for tidying a coder's double-click selection; callers show the result.
    Returns the (possibly unchanged) span. Raises :class:`SpanError` if out of range.
    """
    _check_range(text, start, end)

    def first_word(i: int) -> str:
        j = i
        while j < end and (
            text[j].isalpha()
            or unicodedata.category(text[j]) in ("Mn", "Cf")
            or text[j] == _TATWEEL
        ):
            j += 1
        return fold_letters(text[i:j])

    if lexicon is not None and first_word(start) in lexicon:
        return start, end
    for cut, dropped in sorted(_proclitic_cuts(text, start, end, article), reverse=True):
        if cut >= end or not text[cut].isalpha():
            continue
        if not article and dropped.endswith("ل") and text[cut] == "ل":
            continue
        if _first_word_letters(text, cut, end) < min_remaining:
            continue
        if lexicon is not None and first_word(cut) not in lexicon:
            continue
        return cut, end
    return start, end


def quote_context(text: str, start: int, end: int, width: int = 32) -> tuple[str, str, str]:
    """Text-quote selector parts: (up to ``width`` code points before, the span, up to
    ``width`` after). The context windows are plain code-point slices (they may end inside a
    grapheme cluster); they serve re-anchoring, not display."""
    _check_range(text, start, end)
    return text[max(0, start - width) : start], text[start:end], text[end : end + width]
