"""Canonical form of an article text, applied once at import and then frozen.

Canonical means: no leading BOM, line breaks are ``"\\n"`` only, Unicode NFC (never NFKC,
which would rewrite ligatures such as U+FDFA into 18 letters and change lengths). Offsets of
annotations refer to this form, so a text that already carries annotations must never be
re-canonicalized with different rules.
"""

from __future__ import annotations

import hashlib
import unicodedata

__all__ = ["TextRejected", "canonicalize", "is_canonical", "text_sha256"]

_BOM = "\ufeff"


class TextRejected(ValueError):
    """The text cannot be stored: it holds a NUL or a lone surrogate.

    ``index`` is the code-point index of the offending character in the text as given.
    """

    def __init__(self, message: str, index: int) -> None:
        super().__init__(f"{message} at code point {index}")
        self.index = index


def _reject_unstorable(text: str) -> None:
    """Raise :class:`TextRejected` for NUL (dropped by HTML parsers, refused by Postgres)
    or a lone surrogate (cannot be encoded as UTF-8)."""
    nul = text.find("\x00")
    if nul != -1:
        raise TextRejected("text contains a NUL character (U+0000)", nul)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        cp = ord(text[exc.start])
        raise TextRejected(f"text contains a lone surrogate (U+{cp:04X})", exc.start) from None


def canonicalize(text: str) -> str:
    """Return the canonical form of ``text``.

    Steps: reject NUL / lone surrogates (:class:`TextRejected`, index into ``text`` as given);
    strip leading BOMs (all of them, so that the function is idempotent); CRLF and lone CR
    become LF (browsers do the same when parsing HTML); NFC.
    """
    _reject_unstorable(text)
    text = text.lstrip(_BOM)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def is_canonical(text: str) -> bool:
    """True if ``canonicalize(text) == text`` (computed without building a copy when possible)."""
    if "\x00" in text or "\r" in text or text.startswith(_BOM):
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return unicodedata.is_normalized("NFC", text)


def text_sha256(text: str) -> str:
    """Hex SHA-256 of the UTF-8 encoding of ``text`` (the identity annotations refer to)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
