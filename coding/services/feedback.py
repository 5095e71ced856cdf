"""Coder feedback after adjudication: each coder's precision, recall and F1 against the gold
layer, for event detection and per field, overall and by month of validation.

Each coder's events on a validated article are matched one-to-one to the gold events with
the same similarity and threshold as agreement (coding.agreement.match_two_coders). A matched
coder event is a true positive, an unmatched one a false positive, an unmatched gold event a
false negative. A field is "correct" on a matched pair when the normalized values are equal;
field precision = correct / coder's non-empty values on matched pairs, field recall =
correct / gold's non-empty values on matched pairs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from coding.agreement import AlignableEvent, Span, match_two_coders
from coding.codebook_runtime import event_type_codes, version_spec
from coding.models import REAL_EVENT, Adjudication, CodedEvent, EvidenceSpan, Project
from coding.services.agreement_inputs import normalize_value

GOLD = -1


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def as_dict(self) -> dict[str, Any]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else None
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else None
        f1 = (
            2 * precision * recall / (precision + recall)
            if precision is not None and recall is not None and precision + recall
            else None
        )
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": precision,
            "recall": recall,
            "f1": f1,
        }


@dataclass
class CoderFeedback:
    detection: Counts = field(default_factory=Counts)
    fields: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    by_month: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    articles: int = 0


def _alignable(
    events: list[CodedEvent],
    coder: int,
    codes: dict[int, str],
    spans: dict[int, list[Span]],
    spec: Any,
) -> list[AlignableEvent]:
    return [
        AlignableEvent(
            id=e.pk,
            coder=coder,
            event_type=codes[e.event_type_id],
            event_subtype=codes[e.event_subtype_id] if e.event_subtype_id else None,
            spans=tuple(spans[e.pk]),
            values={f.key: normalize_value(f, e.values.get(f.key)) for f in spec.fields},
        )
        for e in events
    ]


@dataclass(frozen=True)
class GoldComparison:
    """One coder's events on one validated article, matched to its gold events."""

    coder: int
    article_id: int
    validated_at: dt.datetime | None
    submitted_at: dt.datetime | None  # the coder's submission (None while not submitted)
    mine: list[AlignableEvent]
    gold: list[AlignableEvent]
    pairs: list[tuple[AlignableEvent, AlignableEvent, float]]


def gold_comparisons(project: Project, *, coder_id: int | None = None) -> Iterator[GoldComparison]:
    """Every coder's real work on the project's validated articles (only `coder_id`'s if
    given) against the gold layer."""
    spec = version_spec(project.codebook_version)
    codes = event_type_codes(project.codebook_version_id)
    validated = dict(
        Adjudication.objects.filter(
            project=project, status=Adjudication.Status.VALIDATED
        ).values_list("article_id", "validated_at")
    )
    # Real work only: a calibration item is scored on its own (coding.services.calibration_
    # scoring), and counting it here would show a coder an item they have not submitted.
    events = CodedEvent.objects.filter(REAL_EVENT, article_id__in=list(validated)).select_related(
        "assignment"
    )
    if coder_id is not None:
        events = events.filter(Q(layer="gold") | Q(assignment__coder_id=coder_id))
    events_list = list(events)
    spans: dict[int, list[Span]] = defaultdict(list)
    for event_id, role, start, end in EvidenceSpan.objects.filter(
        event_id__in=[e.pk for e in events_list]
    ).values_list("event_id", "role", "start", "end"):
        spans[event_id].append(Span(role, start, end))
    by_article: dict[int, dict[int, list[CodedEvent]]] = defaultdict(lambda: defaultdict(list))
    submitted: dict[tuple[int, int], dt.datetime | None] = {}
    for event in events_list:
        owner = GOLD if event.layer == "gold" else event.assignment.coder_id  # type: ignore[union-attr]
        by_article[event.article_id][owner].append(event)
        if event.assignment is not None:
            submitted[(event.article_id, owner)] = event.assignment.submitted_at
    for article_id, owners in by_article.items():
        gold = _alignable(owners.get(GOLD, []), GOLD, codes, spans, spec)
        for coder, coded in owners.items():
            if coder == GOLD:
                continue
            mine = _alignable(coded, coder, codes, spans, spec)
            yield GoldComparison(
                coder=coder,
                article_id=article_id,
                validated_at=validated[article_id],
                submitted_at=submitted.get((article_id, coder)),
                mine=mine,
                gold=gold,
                pairs=match_two_coders(mine, gold),
            )


def coder_feedback(project: Project, *, coder_id: int | None = None) -> dict[int, dict[str, Any]]:
    """Feedback per coder (only `coder_id` if given) over the project's validated articles."""
    spec = version_spec(project.codebook_version)
    results: dict[int, CoderFeedback] = defaultdict(CoderFeedback)
    for comparison in gold_comparisons(project, coder_id=coder_id):
        validated_at = comparison.validated_at
        month = validated_at.strftime("%Y-%m") if validated_at else "unknown"
        pairs, mine, gold = comparison.pairs, comparison.mine, comparison.gold
        feedback = results[comparison.coder]
        feedback.articles += 1
        for counts in (feedback.detection, feedback.by_month[month]):
            counts.tp += len(pairs)
            counts.fp += len(mine) - len(pairs)
            counts.fn += len(gold) - len(pairs)
        for mine_event, gold_event, _ in pairs:
            for fdef in spec.fields:
                ours, theirs = mine_event.values.get(fdef.key), gold_event.values.get(fdef.key)
                counts = feedback.fields[fdef.key]
                if ours is not None and ours == theirs:
                    counts.tp += 1
                else:
                    counts.fp += ours is not None
                    counts.fn += theirs is not None
    return {
        coder: {
            "articles": fb.articles,
            "detection": fb.detection.as_dict(),
            "fields": {key: c.as_dict() for key, c in sorted(fb.fields.items())},
            "by_month": {month: c.as_dict() for month, c in sorted(fb.by_month.items())},
        }
        for coder, fb in sorted(results.items())
    }
