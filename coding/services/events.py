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

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from coding.codebook_runtime import event_type_ids, version_spec
from coding.codebook_spec import (
    MAX_REF_ID,
    CodebookSpec,
    FieldError,
    SpanLike,
    validate_event,
)
from coding.codebook_spec.model import REFERENCE_KINDS
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
from coding.prepared import prepared_cursor
from coding.services.audit import audit_entry, audit_record
from coding.services.event_insert import insert_event
from coding.services.review_queue import review_queue_follow_coding, review_queue_refresh
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
    memo: str = ""
    spans: Sequence[SpanInput] = ()
    offset_unit: OffsetUnit = "cp"


def _check_span_count_and_duplicates(spans: Sequence[SpanInput]) -> None:
    limit = settings.ATHAR["MAX_SPANS_PER_EVENT"]
    if len(spans) > limit:
        raise ValidationFailed(
            f"an event may have at most {limit} evidence spans",
            errors=[
                {
                    "field": "spans",
                    "code": "too_many",
                    "message": f"{len(spans)} spans sent, the limit is {limit}",
                }
            ],
        )
    first_index: dict[tuple[str, int, int], int] = {}
    errors: list[dict[str, str]] = []
    for index, span in enumerate(spans):
        first = first_index.setdefault((span.role, span.start, span.end), index)
        if first != index:
            errors.append(
                {
                    "field": f"spans[{index}]",
                    "code": "duplicate",
                    "message": f"the same role and offsets as spans[{first}]",
                }
            )
    if errors:
        raise ValidationFailed("an event may not have the same evidence span twice", errors=errors)


def resolve_spans(
    article: Article, spans: Sequence[SpanInput], unit: OffsetUnit
) -> list[SpanInput]:
    """Spans in code points, each checked against the text; ValidationFailed lists every bad one.

    At most `ATHAR["MAX_SPANS_PER_EVENT"]` spans, and no two with the same role and offsets
    (the database refuses those too); both checked before any offset is converted."""
    _check_span_count_and_duplicates(spans)
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


_KNOWN_REFS_SQL = (
    f"SELECT 'actor', id FROM {Actor._meta.db_table} WHERE id = ANY(%s::bigint[]) "  # noqa: S608
    f"UNION ALL "
    f"SELECT 'location', id FROM {Location._meta.db_table} WHERE id = ANY(%s::bigint[])"
)


def _referenced_ids(spec: CodebookSpec, values: Mapping[str, Any]) -> dict[str, set[int]]:
    """The ids of every `{"id": int}` under the spec's actor and location fields, by kind (a
    superset of what validation will ask about: shapes are checked there, not here)."""
    wanted: dict[str, set[int]] = {kind: set() for kind in REFERENCE_KINDS}
    for fdef in spec.fields:
        if fdef.kind not in wanted:
            continue
        value = values.get(fdef.key)
        for item in value if isinstance(value, list | tuple) else [value]:
            ref = item.get("id") if isinstance(item, Mapping) else None
            # Only ids that can exist: a bigint parameter out of range fails the query.
            if isinstance(ref, int) and not isinstance(ref, bool) and 1 <= ref <= MAX_REF_ID:
                wanted[fdef.kind].add(ref)
    return wanted


class _PrefetchedRefs:
    """`known_refs` for validate_event that looks up both dictionaries in one query.

    The ids are collected from the values up front; a question about an id that was not
    collected (there should be none) is answered by its own query, so answers are always
    exact."""

    def __init__(self, spec: CodebookSpec, values: Mapping[str, Any]) -> None:
        self.asked = _referenced_ids(spec, values)
        self.known: dict[str, set[int]] = {kind: set() for kind in REFERENCE_KINDS}
        if connection.vendor != "postgresql":  # the SQLite demo: a query per kind, asked
            self.asked = {kind: set() for kind in REFERENCE_KINDS}
        elif any(self.asked.values()):
            with prepared_cursor() as cursor:
                cursor.execute(
                    _KNOWN_REFS_SQL, [sorted(self.asked["actor"]), sorted(self.asked["location"])]
                )
                for kind, ref_id in cursor.fetchall():
                    self.known[kind].add(ref_id)

    def __call__(self, kind: str, ids: set[int]) -> set[int]:
        asked = self.asked.get(kind, set())
        unasked = ids - asked
        found = ids & self.known.get(kind, set())
        return found | (_known_refs(kind, unasked) if unasked else set())


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
        known_refs=_PrefetchedRefs(spec, data.values),
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


def _check_writable(locked: Assignment, actor: User) -> None:
    """`locked` as read under its row lock: still `actor`'s, and not submitted."""
    if locked.coder_id != actor.pk:
        raise Conflict(
            "only the assigned coder may change these events", code="not_your_assignment"
        )
    if locked.status == Assignment.Status.SUBMITTED:
        raise Conflict("this assignment is submitted and read-only", code="assignment_submitted")


def _lock_writable(assignment: Assignment, actor: User) -> Assignment:
    """Lock the assignment row so a submit and an edit cannot interleave."""
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    _check_writable(locked, actor)
    return locked


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("call this inside transaction.atomic(), holding the assignment lock")


def _mark_started(assignment: Assignment) -> None:
    if assignment.status == Assignment.Status.ASSIGNED:
        Assignment.objects.filter(pk=assignment.pk).update(
            status=Assignment.Status.IN_PROGRESS, started_at=timezone.now()
        )


def _write_spans(event: CodedEvent, spans: Sequence[SpanInput]) -> list[EvidenceSpan]:
    return EvidenceSpan.objects.bulk_create(
        EvidenceSpan(event=event, role=s.role, start=s.start, end=s.end, quote=s.quote)
        for s in spans
    )


@dataclass(frozen=True)
class WrittenEvent:
    """An event just written and its spans as stored, ordered as `event.spans.all()` orders
    them (start, end, id): what a response shows, without reading them back."""

    event: CodedEvent
    spans: list[EvidenceSpan]


def _create(
    *, assignment: Assignment, locked: Assignment, actor: User, data: EventInput
) -> WrittenEvent:
    spans, columns = _validated(assignment, data)
    event = CodedEvent(
        article_id=assignment.article_id,
        codebook_version_id=assignment.project.codebook_version_id,
        layer=CodedEvent.Layer.CODER,
        assignment=assignment,
        values=dict(data.values),
        memo=data.memo,
        created_by=actor,
        **columns,
    )
    audit = audit_entry(
        action="event.create",
        actor=actor,
        project=assignment.project,
        target=None,  # the event's id is known only once inserted: set by insert_event
        data={"assignment": assignment.pk, "spans": len(spans)},
    )
    audit.target_type = CodedEvent._meta.model_name or ""
    written, queued = insert_event(event, spans, audit)
    _mark_started(locked)
    if queued:  # its type filter keys follow the coder events (review_queue_follow_coding)
        review_queue_refresh(article_ids=[assignment.article_id])
    return WrittenEvent(event, written)


@transaction.atomic
def event_create(*, assignment: Assignment, actor: User, data: EventInput) -> CodedEvent:
    """A new event with its spans on `assignment`, by its coder, with its audit row. Takes the
    assignment's row lock itself; refuses (Conflict) if it is submitted or not `actor`'s."""
    locked = _lock_writable(assignment, actor)
    return _create(assignment=assignment, locked=locked, actor=actor, data=data).event


def event_create_locked(*, assignment: Assignment, actor: User, data: EventInput) -> WrittenEvent:
    """`event_create` for a caller that holds the assignment's row lock.

    Precondition: inside `transaction.atomic()`, `assignment` came from
    `coding.access.access_assignment_for_write` in this transaction (so its coder and status
    are current under the lock, and its article text and codebook version are loaded).
    Returns the event and its spans as stored, to render without reading them back."""
    _require_transaction()
    _check_writable(assignment, actor)
    return _create(assignment=assignment, locked=assignment, actor=actor, data=data)


@transaction.atomic
def event_update(
    *, event: CodedEvent, actor: User, data: EventInput, expected_version: int
) -> CodedEvent:
    """Replace the event's type, values, memo and spans, if `expected_version` is current.

    Concurrency: the assignment's row lock serializes writers of one assignment, and the
    conditional UPDATE matches no row for a stale version: the second of two writers with the
    same version gets StaleVersion. Nothing of it is written.
    """
    assert event.assignment is not None
    _lock_writable(event.assignment, actor)
    return _update(event=event, actor=actor, data=data, expected_version=expected_version).event


def event_update_locked(
    *, event: CodedEvent, actor: User, data: EventInput, expected_version: int
) -> WrittenEvent:
    """`event_update` for a caller that holds the assignment's row lock.

    Precondition: inside `transaction.atomic()`, `event` came from
    `coding.access.access_coder_event_for_write` in this transaction (its assignment locked,
    with its article text and codebook version loaded). Returns the event as stored and its
    new spans, to render without reading the spans back."""
    _require_transaction()
    assert event.assignment is not None
    _check_writable(event.assignment, actor)
    return _update(event=event, actor=actor, data=data, expected_version=expected_version)


def _update(
    *, event: CodedEvent, actor: User, data: EventInput, expected_version: int
) -> WrittenEvent:
    assert event.assignment is not None
    spans, columns = _validated(event.assignment, data)
    updated = CodedEvent.objects.filter(pk=event.pk, version=expected_version).update(
        values=dict(data.values),
        memo=data.memo,
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
    written = _write_spans(event, spans)
    audit_record(
        action="event.update",
        actor=actor,
        project=event.assignment.project,
        target=event,
        data={"version": expected_version + 1, "spans": len(spans)},
    )
    stored = CodedEvent.objects.get(pk=event.pk)
    review_queue_follow_coding(article_ids=[stored.article_id])  # its type filter keys
    return WrittenEvent(stored, sorted(written, key=lambda s: (s.start, s.end, s.pk)))


@transaction.atomic
def event_delete(*, event: CodedEvent, actor: User, expected_version: int | None) -> None:
    assert event.assignment is not None
    _lock_writable(event.assignment, actor)
    _delete(event=event, actor=actor, expected_version=expected_version)


def event_delete_locked(*, event: CodedEvent, actor: User, expected_version: int | None) -> None:
    """`event_delete` for a caller that holds the assignment's row lock (see
    `event_update_locked`)."""
    _require_transaction()
    assert event.assignment is not None
    _check_writable(event.assignment, actor)
    _delete(event=event, actor=actor, expected_version=expected_version)


def _delete(*, event: CodedEvent, actor: User, expected_version: int | None) -> None:
    assert event.assignment is not None
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
    review_queue_follow_coding(article_ids=[locked.article_id])  # its type filter keys
