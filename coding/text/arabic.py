"""Folding of Arabic / French / English text for matching, with a map back to the original.

Folding is for *matching only*; stored text is never folded. ``fold(text)`` returns the folded
string and, for each folded character, the code-point index in the original text of the
character that produced it (plus a final entry ``len(text)``), so a match ``[i, j)`` in the
folded text maps back to an exact span of the original (:meth:`Folded.original_span`).

What folds (each original character folds on its own, so the map is exact):

* alef forms أ إ آ ٱ ٲ ٳ ٵ → ا; hamza on carriers: ؤ → و and ئ → ي (what their canonical
  decomposition gives once the hamza mark is dropped; so مسؤول and مسئول stay different —
  list both spellings as aliases if both occur); the lone hamza ء is kept;
* ى → ي, ة → ه (and the Persian/Urdu yeh and heh forms likewise);
* harakat, shadda, tanween, superscript alef, Quranic marks: removed; tatweel: removed;
* ZWNJ, ZWJ, LRM, RLM, ALM, bidi embeddings/isolates, BOM and other Cf: removed;
* presentation forms (U+FB50–FDFF, U+FE70–FEFF) and other compatibility characters: their
  NFKD (ﻻ → لا, ﻣﺎﻟﻲ → مالي; one character may become several);
* Persian/Urdu/Maghrebi letters to the Arabic letter of the same skeleton: ک ڪ → ك,
  گ ڭ → ك, ی → ي, پ → ب, چ → ج, ژ → ز, ڤ → ف, ڨ → ق;
* Eastern Arabic and Persian digits → ASCII digits; Arabic comma, semicolon, question mark,
  decimal and thousands separators → ASCII punctuation; guillemets and curly quotes → ASCII;
* Latin: case-folded and accents stripped (é → e, ç → c, ß → ss);
* whitespace: "\\n" stays "\\n"; any other whitespace (NBSP, NNBSP, tabs) becomes one space,
  and runs of spaces collapse to one.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

__all__ = ["Folded", "fold", "fold_char", "fold_letters"]

_TATWEEL = "\u0640"
_DROP_CATEGORIES = frozenset({"Mn", "Me", "Cf"})

_LETTER_TABLE = str.maketrans(
    {
        # yeh forms
        "ى": "ي", "ی": "ي", "ې": "ي", "ے": "ي", "ۍ": "ي", "ۑ": "ي",
        # heh / teh marbuta forms
        "ة": "ه", "ۃ": "ه", "ہ": "ه", "ە": "ه", "ھ": "ه",
        # kaf / gaf forms (same skeleton)
        "ک": "ك", "ڪ": "ك", "گ": "ك", "ڭ": "ك", "ګ": "ك",
        # other Persian / Urdu / Maghrebi letters
        "پ": "ب", "چ": "ج", "ژ": "ز", "ڤ": "ف", "ڥ": "ف", "ڨ": "ق",
        "ٹ": "ت", "ڈ": "د", "ڑ": "ر",
        # alef forms without a canonical decomposition
        "ٱ": "ا", "ٲ": "ا", "ٳ": "ا", "ٵ": "ا",
        # high hamza, small waw / small yeh (spacing Quranic signs)
        "ٴ": "", "ۥ": "", "ۦ": "",
        # punctuation
        "٫": ".", "٬": ",", "،": ",", "؛": ";", "؟": "?", "٪": "%", "۔": ".",
        "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "’": "'", "‘": "'", "ʼ": "'",
        # digits
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
    }
)  # fmt: skip


def fold_char(ch: str) -> str:
    """Fold one character (see the module docstring); may return "" or several characters."""
    if ch == "\n":
        return "\n"
    if ch.isspace():
        return " "
    if ch == _TATWEEL:
        return ""
    decomposed = unicodedata.normalize("NFKD", ch)
    if decomposed != ch or not ch.isascii():
        decomposed = unicodedata.normalize("NFKD", decomposed.casefold())
    else:
        decomposed = decomposed.casefold()
    kept = "".join(
        c for c in decomposed if c != _TATWEEL and unicodedata.category(c) not in _DROP_CATEGORIES
    )
    # Isolated harakat forms (U+FE70...) and spacing accents decompose to space + mark.
    kept = kept.strip(" ")
    return kept.translate(_LETTER_TABLE)


_CACHE: dict[str, str] = {}


def _cached_fold(ch: str) -> str:
    folded = _CACHE.get(ch)
    if folded is None:
        folded = fold_char(ch)
        if len(_CACHE) < 100_000:
            _CACHE[ch] = folded
    return folded


@dataclass(frozen=True, slots=True)
class Folded:
    """Folded text plus the map back to the original.

    ``to_original[k]`` is the original code-point index of the character that produced
    ``text[k]``; ``to_original[len(text)] == len(source)``. The list is non-decreasing.
    """

    text: str
    to_original: list[int]
    source: str

    def original_span(self, i: int, j: int) -> tuple[int, int]:
        """Original ``[start, end)`` covering the folded span ``[i, j)`` (i < j).

        The end is extended over combining marks that folding removed (a match on مالي in
        ماليّ includes the shadda), so the span ends on a grapheme boundary.
        """
        if not 0 <= i < j <= len(self.text):
            raise ValueError(f"folded span [{i}, {j}) out of range 0..{len(self.text)}")
        start = self.to_original[i]
        end = self.to_original[j - 1] + 1
        source = self.source
        limit = self.to_original[j] if j < len(self.text) else len(source)
        while end < limit and unicodedata.category(source[end]) in ("Mn", "Me"):
            end += 1
        return start, end


def fold(text: str) -> Folded:
    """Fold ``text`` for matching and keep the offset map (see :class:`Folded`)."""
    out: list[str] = []
    to_original: list[int] = []
    append_char = out.append
    append_index = to_original.append
    previous_space = False
    for i, ch in enumerate(text):
        folded = _cached_fold(ch)
        if len(folded) == 1:
            if folded == " ":
                if previous_space:
                    continue
                previous_space = True
            else:
                previous_space = False
            append_char(folded)
            append_index(i)
        elif folded:
            for c in folded:
                if c == " ":
                    if previous_space:
                        continue
                    previous_space = True
                else:
                    previous_space = False
                append_char(c)
                append_index(i)
    append_index(len(text))
    return Folded("".join(out), to_original, text)


def fold_letters(text: str) -> str:
    """Folded form of ``text`` without the map (for keys and lexicon look-ups)."""
    return fold(text).text
