"""ACE-style event F1 between two coders, on events aligned by `match_two_coders`.

For comparison with the event-extraction literature (ACE 2005; Ji & Grishman
2008; Li, Ji & Huang 2013), with F1 = 2·TP / (|A| + |B|) throughout:

* trigger overlap:         aligned pairs whose trigger spans overlap (over events);
* trigger identification:  aligned pairs with identical trigger offsets;
* trigger classification:  identical trigger offsets and the same event type;
* argument identification: argument spans (non-trigger roles) with identical offsets
                           inside aligned pairs of the same event type (over arguments);
* argument classification: as identification, and the same role.

Arguments are credited only inside aligned pairs (stricter than ACE, which credits
an argument that matches any reference argument of the same event type). Unaligned
events count as misses for both coders. F1 is NaN when both sides are empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coding.agreement.alignment import AlignableEvent, AlignmentConfig, match_two_coders
from coding.agreement.span_f1 import SpanF1Counts
from coding.agreement.spans import merge_intervals, overlap_length


@dataclass(frozen=True)
class EventF1Scores:
    """The five ACE-style counts (`.f1` on each) and the aligned event id pairs."""

    alignment: tuple[tuple[int, int], ...]
    trigger_overlap: SpanF1Counts
    trigger_identification: SpanF1Counts
    trigger_classification: SpanF1Counts
    argument_identification: SpanF1Counts
    argument_classification: SpanF1Counts


def event_f1_scores(
    events_a: Sequence[AlignableEvent],
    events_b: Sequence[AlignableEvent],
    config: AlignmentConfig | None = None,
) -> EventF1Scores:
    """Score coder B's events against coder A's after optimal alignment (symmetric F1)."""
    cfg = config or AlignmentConfig()
    pairs = match_two_coders(events_a, events_b, cfg)
    role = cfg.trigger_role
    overlap = identified = classified = arg_id = arg_cls = 0
    for a, b, _ in pairs:
        trig_a = merge_intervals((s.start, s.end) for s in a.spans if s.role == role)
        trig_b = merge_intervals((s.start, s.end) for s in b.spans if s.role == role)
        if any(overlap_length(*x, *y) > 0 for x in trig_a for y in trig_b):
            overlap += 1
        if trig_a and trig_a == trig_b:
            identified += 1
            classified += a.event_type == b.event_type
        if a.event_type != b.event_type:
            continue
        args_a = {(s.role, s.start, s.end) for s in a.spans if s.role != role}
        args_b = {(s.role, s.start, s.end) for s in b.spans if s.role != role}
        arg_id += len({x[1:] for x in args_a} & {x[1:] for x in args_b})
        arg_cls += len(args_a & args_b)
    n_a, n_b = len(events_a), len(events_b)
    args_total_a = sum(_n_arguments(e, role) for e in events_a)
    args_total_b = sum(_n_arguments(e, role) for e in events_b)
    return EventF1Scores(
        alignment=tuple((a.id, b.id) for a, b, _ in pairs),
        trigger_overlap=SpanF1Counts(overlap, n_a, n_b),
        trigger_identification=SpanF1Counts(identified, n_a, n_b),
        trigger_classification=SpanF1Counts(classified, n_a, n_b),
        argument_identification=SpanF1Counts(arg_id, args_total_a, args_total_b),
        argument_classification=SpanF1Counts(arg_cls, args_total_a, args_total_b),
    )


def _n_arguments(event: AlignableEvent, trigger_role: str) -> int:
    return len({(s.role, s.start, s.end) for s in event.spans if s.role != trigger_role})
