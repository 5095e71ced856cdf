"""What training reads: validated articles and their gold events (plain values)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GoldArticle", "GoldEvent"]


@dataclass(frozen=True)
class GoldEvent:
    """A validated event: its labels (type code, and sub-type code if any), the code point
    it is anchored at (None: no span) and its trigger span, if marked."""

    labels: tuple[str, ...]
    anchor: int | None = None
    trigger: tuple[int, int] | None = None


@dataclass(frozen=True)
class GoldArticle:
    key: int
    text: str
    events: tuple[GoldEvent, ...] = ()
