"""Paragraph direction for rendering one ``<p dir="rtl|ltr">`` per paragraph.

Paragraphs are the text split on ``"\\n"`` (empty lines included), so that
``"\\n".join(text[p.start:p.end] for p in split_paragraphs(text)) == text``.

Direction is decided by the **majority of strong letters** (Arabic/Hebrew/Syriac/Thaana/N'Ko
letters vs Latin/Greek/Cyrillic/... letters), not by the first strong character as the Unicode
Bidi Algorithm (and ``dir="auto"``) does: an Arabic paragraph that begins with "JNIM" must be
rtl. Only letters count: regional-indicator flags such as 🇲🇱 are bidi class L but are not
evidence of a Latin paragraph. Ties go to rtl: a tie in this corpus is an Arabic sentence
around Latin names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import regex

__all__ = [
    "Direction",
    "Paragraph",
    "document_direction",
    "paragraph_direction",
    "split_paragraphs",
]

Direction = Literal["rtl", "ltr"]

_RTL_LETTER = regex.compile(r"[\p{L}&&[\p{bc=R}\p{bc=AL}]]", regex.V1)
_LTR_LETTER = regex.compile(r"[\p{L}&&\p{bc=L}]", regex.V1)


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One line of the text: ``text[start:end]`` in code points, ``end`` exclusive and not
    including the ``"\\n"`` that separates it from the next paragraph."""

    start: int
    end: int
    direction: Direction


def _strong_counts(text: str) -> tuple[int, int]:
    """(number of RTL letters, number of LTR letters) in ``text``."""
    return len(_RTL_LETTER.findall(text)), len(_LTR_LETTER.findall(text))


def _majority(text: str) -> Direction | None:
    rtl, ltr = _strong_counts(text)
    if rtl == 0 and ltr == 0:
        return None
    return "rtl" if rtl >= ltr else "ltr"


def paragraph_direction(par: str, *, default: Direction = "ltr") -> Direction:
    """Direction of one paragraph by majority of strong letters; ``default`` when it has none
    (digits, punctuation, emoji only, or empty)."""
    return _majority(par) or default


def document_direction(text: str) -> Direction:
    """Direction of the whole text by majority of strong letters; "ltr" when there are none."""
    return _majority(text) or "ltr"


def split_paragraphs(text: str, *, default: Direction | None = None) -> list[Paragraph]:
    """Split ``text`` on ``"\\n"`` into paragraphs with their direction.

    Paragraphs without strong letters (empty lines, "2023", "🇲🇱") inherit ``default``, which
    is the document direction when not given. There is always at least one paragraph.
    """
    inherit = default or document_direction(text)
    paragraphs: list[Paragraph] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        paragraphs.append(Paragraph(start, end, paragraph_direction(line, default=inherit)))
        start = end + 1
    return paragraphs
