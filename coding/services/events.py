"""Coded events on a coder's assignment: create, update (optimistic locking), delete.

Evidence offsets are Unicode code points into the article text, half-open [start, end). The
browser may send UTF-16 offsets (`offset_unit="utf16"`); they are converted here, and the
quote the client saw must equal the stored text at the converted offsets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from coding.codebook_runtime import event_type_ids, version_spec
from coding.codebook_spec import CodebookSpec, FieldError, SpanLike, validate_event
from coding.errors import Conflict, StaleVersion, ValidationFailed
from coding.models import (
    Actor,
    Article,
    Assignment,
    CodedEvent,
    EvidenceSpan,
    Location,
    User,
)
from coding.services.audit import audit_record
from coding.text.offsets import OffsetError, OffsetMap

OffsetUnit = Literal["cp", "utf16"]


@dataclass(frozen=True)
class SpanInput:
    role: str
    start: int
    end: int
    quote: str


@dataclass(frozen=True)
class EventInput:
    event_type: str
    event_subtype: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    notes: str = ""
    spans: Sequence[SpanInput] = ()
    offset_unit: OffsetUnit = "cp"


def resolve_spans(
    article: Article, spans: Sequence[SpanInput], unit: OffsetUnit
) -> list[SpanInput]:
    """Spans in code points, each checked against the text; ValidationFailed lists every bad one."""
    text = article.text
    offsets = OffsetMap(text) if unit == "utf16" else None
    resolved: list[SpanInput] = []
    errors: list[dict[str, str]] = []
    limit = article.len_u16 if unit == "utf16" else article.len_cp
    for index, span in enumerate(spans):
        where = f"spans[{index}]"
        if not (0 <= span.start < span.end <= limit):
            errors.append(
                {
                    "field": where,
                    "code": "out_of_range",
                    "message": f"offsets must satisfy 0 <= start < end <= {limit} "
                    f"({'UTF-16 units' if unit == 'utf16' else 'code points'}); "
                    f"got start={span.start}, end={span.end}",
                }
            )
            continue
        start, end = span.start, span.end
        if offsets is not None:
            try:
                start, end = offsets.u16_to_cp(start), offsets.u16_to_cp(end)
            except OffsetError as exc:
                errors.append({"field": where, "code": "split_surrogate", "message": str(exc)})
                continue
        actual = text[start:end]
        if actual != span.quote:
            errors.append(
                {
                    "field": where,
                    "code": "quote_mismatch",
                    "message": f"quote {span.quote!r} does not match the text at [{start}, {end}), "
                    f"which is {actual!r}",
                }
            )
            continue
        resolved.append(SpanInput(role=span.role, start=start, end=end, quote=actual))
    if errors:
        raise ValidationFailed("evidence spans do not match the article text", errors=errors)
    return resolved


def _known_refs(kind: str, ids: set[int]) -> set[int]:
    model = Actor if kind == "actor" else Location
    return set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))


def check_event(
    spec: CodebookSpec, data: EventInput, spans: Sequence[SpanLike], *, complete: bool
) -> list[FieldError]:
    return validate_event(
        spec,
        event_type=data.event_type,
        event_subtype=data.event_subtype,
        values=data.values,
        spans=spans,
        complete=complete,
        known_refs=_known_refs,
    )


def typed_columns(spec: CodebookSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    """Project the values of fields with a typed column into CodedEvent's typed columns."""
    columns: dict[str, Any] = {
        "date_start": None,
        "date_end": None,
        "date_precision": None,
        "location_id": None,
        "geo_precision": None,
        "fatalities": None,
    }
    for fdef in spec.fields:
        value = values.get(fdef.key)
        if fdef.typed_column is None or value in (None, "", []):
            continue
        if fdef.typed_column == "date":
            columns["date_start"] = dt.date.fromisoformat(value["start"])
            columns["date_end"] = dt.date.fromisoformat(value.get("end") or value["start"])
        elif fdef.typed_column == "location":
            columns["location_id"] = value.get("id")
        elif fdef.typed_column == "fatalities":
            columns["fatalities"] = int(value)
        elif fdef.typed_column in ("date_precision", "geo_precision"):
            columns[fdef.typed_column] = int(value)
    return columns


def _validated(assignment: Assignment, data: EventInput) -> tuple[list[SpanInput], dict[str, Any]]:
    spec = version_spec(assignment.project.codebook_version)
    spans = resolve_spans(assignment.article, data.spans, data.offset_unit)
    errors = check_event(spec, data, spans, complete=False)
    if errors:
        raise ValidationFailed(
            "the event does not fit the codebook", errors=[e.as_dict() for e in errors]
        )
    type_ids = event_type_ids(assignment.project.codebook_version)
    columns = typed_columns(spec, data.values)
    columns["event_type_id"] = type_ids[data.event_type]
    columns["event_subtype_id"] = type_ids[data.event_subtype] if data.event_subtype else None
    return spans, columns


def _lock_writable(assignment: Assignment, actor: User) -> Assignment:
    """Lock the assignment row so a submit and an edit cannot interleave."""
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.coder_id != actor.pk:
        raise Conflict(
            "only the assigned coder may change these events", code="not_your_assignment"
        )
    if locked.status == Assignment.Status.SUBMITTED:
        raise Conflict("this assignment is submitted and read-only", code="assignment_submitted")
    return locked


def _mark_started(assignment: Assignment) -> None:
    if assignment.status == Assignment.Status.ASSIGNED:
        Assignment.objects.filter(pk=assignment.pk).update(
            status=Assignment.Status.IN_PROGRESS, started_at=timezone.now()
        )


def _write_spans(event: CodedEvent, spans: Sequence[SpanInput]) -> None:
    EvidenceSpan.objects.bulk_create(
        EvidenceSpan(event=event, role=s.role, start=s.start, end=s.end, quote=s.quote)
        for s in spans
    )


@transaction.atomic
def event_create(*, assignment: Assignment, actor: User, data: EventInput) -> CodedEvent:
    locked = _lock_writable(assignment, actor)
    spans, columns = _validated(assignment, data)
    event = CodedEvent.objects.create(
        article_id=assignment.article_id,
        codebook_version_id=assignment.project.codebook_version_id,
        layer=CodedEvent.Layer.CODER,
        assignment=assignment,
        values=dict(data.values),
        notes=data.notes,
        created_by=actor,
        **columns,
    )
    _write_spans(event, spans)
    _mark_started(locked)
    audit_record(
        action="event.create",
        actor=actor,
        project=assignment.project,
        target=event,
        data={"assignment": assignment.pk, "spans": len(spans)},
    )
    return event


@transaction.atomic
def event_update(
    *, event: CodedEvent, actor: User, data: EventInput, expected_version: int
) -> CodedEvent:
    """Replace the event's type, values, notes and spans, if `expected_version` is current.

    Concurrency: the conditional UPDATE takes the row lock; a second writer with the same
    version waits, then matches no row and gets StaleVersion. Nothing of it is written.
    """
    assert event.assignment is not None
    _lock_writable(event.assignment, actor)
    spans, columns = _validated(event.assignment, data)
    updated = CodedEvent.objects.filter(pk=event.pk, version=expected_version).update(
        values=dict(data.values),
        notes=data.notes,
        version=F("version") + 1,
        updated_at=timezone.now(),
        **columns,
    )
    if not updated:
        current = CodedEvent.objects.filter(pk=event.pk).values_list("version", flat=True).first()
        raise StaleVersion(
            f"event {event.pk} has changed since version {expected_version}; "
            "reload it and apply your change again",
            extra={"current_version": current},
        )
    EvidenceSpan.objects.filter(event=event).delete()
    _write_spans(event, spans)
    audit_record(
        action="event.update",
        actor=actor,
        project=event.assignment.project,
        target=event,
        data={"version": expected_version + 1, "spans": len(spans)},
    )
    return CodedEvent.objects.get(pk=event.pk)


@transaction.atomic
def event_delete(*, event: CodedEvent, actor: User, expected_version: int | None) -> None:
    assert event.assignment is not None
    _lock_writable(event.assignment, actor)
    query = CodedEvent.objects.filter(pk=event.pk)
    if expected_version is not None:
        query = query.filter(version=expected_version)
    locked = query.select_for_update().first()
    if locked is None:
        raise StaleVersion(f"event {event.pk} has changed since version {expected_version}")
    audit_record(
        action="event.delete",
        actor=actor,
        project=event.assignment.project,
        target=event,
        data={"version": locked.version, "values": locked.values},
    )
    locked.delete()
