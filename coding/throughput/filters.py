"""What the throughput dashboard is asked for (plain values, no Django)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ThroughputFilter:
    """Only these users (none: everyone), from the first to the last day (inclusive)."""

    coder_ids: tuple[int, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
