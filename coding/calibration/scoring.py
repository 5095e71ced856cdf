"""One coder's events on an article against its gold events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from coding.agreement import AlignableEvent, match_two_coders


def f1_of(tp: int, fp: int, fn: int) -> float | None:
    """Detection F1 = 2·tp / (2·tp + fp + fn); None when there is nothing on either side (no
    gold event and no coder event: nothing to detect, nothing found)."""
    denominator = 2 * tp + fp + fn
    return 2 * tp / denominator if denominator else None


@dataclass(frozen=True)
class GoldScore:
    tp: int  # coder events matched to a gold event
    fp: int  # coder events matched to none
    fn: int  # gold events no coder event matched
    # field key -> {"agree": matched pairs with equal non-empty values,
    #               "compared": matched pairs where the coder or the gold has a value}
    fields: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def f1(self) -> float | None:
        return f1_of(self.tp, self.fp, self.fn)


def score_against_gold(
    coded: Sequence[AlignableEvent], gold: Sequence[AlignableEvent], field_keys: Sequence[str]
) -> GoldScore:
    """Match `coded` to `gold` one to one (same similarity and threshold as agreement) and
    count. Field values must be normalized the way agreement normalizes them (equal means
    the same value for agreement)."""
    pairs = match_two_coders(coded, gold)
    fields: dict[str, dict[str, int]] = {key: {"agree": 0, "compared": 0} for key in field_keys}
    for mine, theirs, _ in pairs:
        for key in field_keys:
            ours, gold_value = mine.values.get(key), theirs.values.get(key)
            if ours is None and gold_value is None:
                continue
            fields[key]["compared"] += 1
            fields[key]["agree"] += ours == gold_value
    return GoldScore(
        tp=len(pairs), fp=len(coded) - len(pairs), fn=len(gold) - len(pairs), fields=fields
    )
