"""The blind insertion plan: which calibration items a balance run gives each coder, and
where they go among the run's new assignments. Pure and seeded: the same inputs and seed
give the same plan.

Rate: a coder with n real assignments should hold floor(rate × n) calibration items; a run
gives each coder what is missing, from the items eligible for them (taken in an order fixed
by a hash of (seed, item, coder)), as many as there are. Each calibration row is placed at a
position among the run's new rows fixed by a hash of (seed, item, coder), so the coder's new
assignments (whose ids follow that order) hide it anywhere among them.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence


def _hash(seed: int, *parts: object) -> int:
    text = ":".join(str(p) for p in (seed, *parts))
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def calibration_quota(rate: float, real_total: int, existing: int) -> int:
    """How many calibration items a coder with `real_total` real assignments and `existing`
    calibration ones still gets (never negative). A tiny epsilon keeps 0.3 × 10 at 3."""
    return max(0, math.floor(rate * real_total + 1e-9) - existing)


def plan_calibration(
    *,
    seed: int,
    rate: float,
    new_rows: Sequence[tuple[int, int]],
    real_totals: Mapping[int, int],
    existing: Mapping[int, int],
    eligible: Mapping[int, Sequence[int]],
) -> list[tuple[int, int, bool]]:
    """The rows to insert, in order: (article id, coder id, is calibration).

    `new_rows` are the run's real (article, coder) rows in their order; `real_totals` each
    coder's real assignments once they are inserted; `existing` their calibration
    assignments; `eligible` the calibration articles each coder may get (not already in their
    queue, not adjudicated by them).
    """
    extra: list[tuple[int, int]] = []
    for coder in sorted(eligible):
        quota = calibration_quota(rate, real_totals.get(coder, 0), existing.get(coder, 0))
        if quota == 0:
            continue
        ranked = sorted(set(eligible[coder]), key=lambda a: (_hash(seed, "pick", a, coder), a))
        extra.extend((article, coder) for article in ranked[:quota])
    n = len(new_rows)
    # A slot in 0..n: "insert before new row `slot`" (n: after the last one).
    slots: dict[int, list[tuple[int, int]]] = {}
    for article, coder in extra:
        slot = _hash(seed, "slot", article, coder) % (n + 1)
        slots.setdefault(slot, []).append((article, coder))
    planned: list[tuple[int, int, bool]] = []
    for index in range(n + 1):
        for article, coder in sorted(slots.get(index, [])):
            planned.append((article, coder, True))
        if index < n:
            planned.append((*new_rows[index], False))
    return planned
