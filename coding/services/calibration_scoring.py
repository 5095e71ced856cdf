"""Scoring a submitted calibration assignment against its article's gold layer.

Run by the outbox drain (kind `calibration_score`), recorded by the submission in its own
transaction: a broker outage or a dead worker delays the score, never loses it. Idempotent:
a row already scored is left alone. If the gold is not validated when the drain runs (a
supervisor reopened the article since it was marked), `GoldNotValidated` is raised: the drain
keeps the row with that error and tries again with its back-off, so the score is computed
against the gold once it is validated again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.utils import timezone

from coding.agreement import AlignableEvent, Span
from coding.calibration import score_against_gold
from coding.codebook_runtime import event_type_codes, version_spec
from coding.codebook_spec import CodebookSpec
from coding.models import (
    Adjudication,
    Assignment,
    CalibrationAssignment,
    CodedEvent,
    EvidenceSpan,
)
from coding.services.agreement_inputs import location_hierarchies, normalize_value

TYPE_KEYS = ("event_type", "event_subtype")


class GoldNotValidated(Exception):
    """The article's gold is not validated right now; the drain tries again later."""


def alignable_events(
    events: Iterable[CodedEvent], spec: CodebookSpec, version_id: int, owner: int
) -> list[AlignableEvent]:
    """Events as the agreement package compares them (values normalized as for agreement;
    the event type and sub-type codes also as values, so they are scored like fields)."""
    rows = list(events)
    codes = event_type_codes(version_id)
    spans: dict[int, list[Span]] = defaultdict(list)
    for event_id, role, start, end in EvidenceSpan.objects.filter(
        event_id__in=[e.pk for e in rows]
    ).values_list("event_id", "role", "start", "end"):
        spans[event_id].append(Span(role, start, end))
    place_keys = [f.key for f in spec.fields if f.distance == "place_hierarchy"]
    places = location_hierarchies(e.values.get(key) for e in rows for key in place_keys)
    result = []
    for event in rows:
        type_code = codes[event.event_type_id]
        subtype = codes[event.event_subtype_id] if event.event_subtype_id else None
        values: dict[str, object] = {
            f.key: normalize_value(f, event.values.get(f.key), places) for f in spec.fields
        }
        values.update({"event_type": type_code, "event_subtype": subtype})
        result.append(
            AlignableEvent(
                id=event.pk,
                coder=owner,
                event_type=type_code,
                event_subtype=subtype,
                spans=tuple(sorted(spans[event.pk], key=lambda s: (s.start, s.end, s.role))),
                values=values,
            )
        )
    return result


def calibration_score(*, assignment_id: int) -> CalibrationAssignment | None:
    """Score one submitted calibration assignment (inside the drain's transaction)."""
    row = (
        CalibrationAssignment.objects.select_for_update()
        .select_related("assignment__project__codebook_version")
        .filter(assignment_id=assignment_id)
        .first()
    )
    if row is None or row.status != CalibrationAssignment.Status.PENDING:
        return row  # deleted, or scored already: nothing to do
    assignment: Assignment = row.assignment
    adjudication = Adjudication.objects.filter(
        article_id=assignment.article_id, status=Adjudication.Status.VALIDATED
    ).first()
    if adjudication is None:
        raise GoldNotValidated(f"the gold of article {assignment.article_id} is not validated")
    version = assignment.project.codebook_version
    spec = version_spec(version)
    coded = alignable_events(
        CodedEvent.objects.filter(assignment=assignment), spec, version.pk, assignment.coder_id
    )
    gold = alignable_events(
        CodedEvent.objects.filter(adjudication=adjudication, layer=CodedEvent.Layer.GOLD),
        spec,
        version.pk,
        -1,
    )
    score = score_against_gold(coded, gold, [*TYPE_KEYS, *(f.key for f in spec.fields)])
    row.status = CalibrationAssignment.Status.SCORED
    row.gold_revision = adjudication.revision
    row.tp, row.fp, row.fn, row.f1 = score.tp, score.fp, score.fn, score.f1
    row.fields = score.fields
    row.scored_at = timezone.now()
    row.save()
    return row
