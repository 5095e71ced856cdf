"""Conversion between code-point offsets (Python, database) and UTF-16 code units (browser).

Only astral characters (above U+FFFF: emoji, flags such as 🇲🇱, some symbols) differ: one code
point, two UTF-16 units. Arabic letters, harakat, tatweel, ZWNJ and both digit sets are in the
BMP. :class:`OffsetMap` records the code-point indices of the astral characters once, then
converts in O(log k) with ``bisect`` (k = number of astral characters; k = 0 is a fast path).
"""

from __future__ import annotations

import bisect
import re

__all__ = ["OffsetError", "OffsetMap", "utf16_len"]

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetError(ValueError):
    """An offset is out of range or falls inside a surrogate pair."""


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (what JavaScript's ``.length`` reports)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


class OffsetMap:
    """Offsets of one text: code points (``cp``) <-> UTF-16 code units (``u16``).

    Both directions accept the end offset (``len_cp`` / ``len_u16``). Build cost is one C-level
    scan of the text; lookups are O(1) for all-BMP texts and O(log k) otherwise.
    """

    __slots__ = ("_astral_cp", "_astral_u16", "len_cp", "len_u16")

    def __init__(self, text: str) -> None:
        self.len_cp: int = len(text)
        if text.isascii() or len(text.encode("utf-16-le")) == 2 * len(text):
            astral: list[int] = []
        else:
            astral = [m.start() for m in _ASTRAL.finditer(text)]
        # Code-point index of each astral character, ascending ...
        self._astral_cp: list[int] = astral
        # ... and the UTF-16 index of its high surrogate (k astral chars before it add k units).
        self._astral_u16: list[int] = [cp + k for k, cp in enumerate(astral)]
        self.len_u16: int = self.len_cp + len(astral)

    @property
    def all_bmp(self) -> bool:
        """True when code points and UTF-16 units coincide everywhere."""
        return not self._astral_cp

    def cp_to_u16(self, cp: int) -> int:
        """UTF-16 offset of the code-point offset ``cp`` (0 <= cp <= len_cp)."""
        if not 0 <= cp <= self.len_cp:
            raise OffsetError(f"code-point offset {cp} out of range 0..{self.len_cp}")
        if not self._astral_cp:
            return cp
        return cp + bisect.bisect_left(self._astral_cp, cp)

    def u16_to_cp(self, u16: int, *, strict: bool = True) -> int:
        """Code-point offset of the UTF-16 offset ``u16`` (0 <= u16 <= len_u16).

        An offset between the two halves of a surrogate pair raises :class:`OffsetError` when
        ``strict`` (the client's selection is corrupt); otherwise it snaps back to the start of
        that character. Out-of-range offsets always raise.
        """
        if not 0 <= u16 <= self.len_u16:
            raise OffsetError(f"UTF-16 offset {u16} out of range 0..{self.len_u16}")
        if not self._astral_cp:
            return u16
        k = bisect.bisect_left(self._astral_u16, u16)
        if k and self._astral_u16[k - 1] + 1 == u16:
            if strict:
                raise OffsetError(f"UTF-16 offset {u16} falls inside a surrogate pair")
            return self._astral_cp[k - 1]
        return u16 - k

    def span_cp_to_u16(self, start: int, end: int) -> tuple[int, int]:
        """Convert a half-open code-point span to UTF-16 units."""
        return self.cp_to_u16(start), self.cp_to_u16(end)

    def span_u16_to_cp(self, start: int, end: int, *, strict: bool = True) -> tuple[int, int]:
        """Convert a half-open UTF-16 span to code points (see :meth:`u16_to_cp`)."""
        return self.u16_to_cp(start, strict=strict), self.u16_to_cp(end, strict=strict)
