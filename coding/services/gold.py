"""Gold-layer events: built from coder events (accept, merge) or typed by a supervisor (add,
edit), always validated against the codebook like any coded event, and complete.

Coder events are only read here, never changed: the gold layer is separate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from coding.codebook_runtime import event_type_codes, event_type_ids, version_spec
from coding.codebook_spec import CodebookSpec
from coding.errors import StaleVersion, ValidationFailed
from coding.models import Adjudication, CodedEvent, EvidenceSpan, User
from coding.services.events import EventInput, SpanInput, check_event, resolve_spans, typed_columns

SYSTEM_USERNAME = "athar-system"


def system_user() -> User:
    """The account that records automatic decisions (unanimous auto-accept). Cannot log in."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"is_active": False, "display_name": "Athar (automatic)"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def event_input_of(event: CodedEvent) -> EventInput:
    """A stored event as input for a new gold event (spans in code points)."""
    codes = event_type_codes(event.codebook_version_id)
    return EventInput(
        event_type=codes[event.event_type_id],
        event_subtype=codes[event.event_subtype_id] if event.event_subtype_id else None,
        values=dict(event.values),
        memo=event.memo,
        spans=[SpanInput(s.role, s.start, s.end, s.quote) for s in event.spans.all()],
    )


def merged_input(
    base: CodedEvent,
    sources: Mapping[int, CodedEvent],
    *,
    spec: CodebookSpec,
    fields: Mapping[str, Mapping[str, Any]],
    event_type_from: int | None = None,
    spans_from: Sequence[int] | None = None,
    spans: Sequence[SpanInput] | None = None,
) -> tuple[EventInput, dict[str, Any]]:
    """Field by field: each field from a coder's event (`{"from": event_id}`) or typed
    (`{"value": ...}`); anything not named comes from `base`. Returns the input and the
    field sources for provenance: `{"fields": {key: event id | "typed"}}`, plus
    `event_type` and `spans` when chosen (field keys are kept under "fields", so a codebook
    may key a field anything, even "spans").

    Evidence follows the value: the spans of a role that a codebook field collects
    evidence in (`evidence_role`) come from the event(s) that field's value came from, so an
    exported value is never shown with another coder's quote; a typed value brings none.
    Roles bound to no field (the trigger, …) come from `base`, or from the `spans_from`
    events. Explicit `spans` (the supervisor's pick) replace all of this."""
    data = event_input_of(base)
    values = dict(data.values)
    fields_from: dict[str, Any] = {}
    field_sources: dict[str, Any] = {"fields": fields_from}
    origin: dict[str, int | None] = {}  # field key → event its value came from (None: typed)
    for key, choice in fields.items():
        if "from" in choice:
            source = sources.get(int(choice["from"]))
            if source is None:
                raise ValidationFailed(
                    "a merged field must come from this cluster's events",
                    errors=[
                        {
                            "field": f"fields.{key}",
                            "code": "not_in_cluster",
                            "message": f"event {choice['from']} is not here",
                        }
                    ],
                )
            value = source.values.get(key)
            if value is None:
                values.pop(key, None)
            else:
                values[key] = value
            fields_from[key] = origin[key] = source.pk
        elif "value" in choice:
            if choice["value"] is None:
                values.pop(key, None)
            else:
                values[key] = choice["value"]
            fields_from[key] = "typed"
            origin[key] = None
        else:
            raise ValidationFailed(
                "each merged field needs from or value",
                errors=[{"field": f"fields.{key}", "code": "invalid", "message": "from or value"}],
            )
    event_type, event_subtype = data.event_type, data.event_subtype
    if event_type_from is not None:
        typed = sources.get(event_type_from)
        if typed is None:
            raise ValidationFailed(
                "event_type_from must be an event of this cluster",
                errors=[
                    {"field": "event_type_from", "code": "not_in_cluster", "message": "not here"}
                ],
            )
        typed_input = event_input_of(typed)
        event_type, event_subtype = typed_input.event_type, typed_input.event_subtype
        field_sources["event_type"] = typed.pk
    if spans is not None:
        gold_spans = list(spans)
        field_sources["spans"] = "typed"
    else:
        unbound = list(data.spans)
        if spans_from is not None:
            unbound = []
            for event_id in spans_from:
                if event_id not in sources:
                    raise ValidationFailed(
                        "spans_from must name events of this cluster",
                        errors=[
                            {
                                "field": "spans_from",
                                "code": "not_in_cluster",
                                "message": str(event_id),
                            }
                        ],
                    )
                unbound += event_input_of(sources[event_id]).spans
            field_sources["spans"] = list(spans_from)
        gold_spans = _spans_following_values(spec, base, sources, origin, unbound)
    unique_spans = list(dict.fromkeys(gold_spans))
    return (
        EventInput(
            event_type=event_type,
            event_subtype=event_subtype,
            values=values,
            memo=data.memo,
            spans=unique_spans,
        ),
        field_sources,
    )


def _spans_following_values(
    spec: CodebookSpec,
    base: CodedEvent,
    sources: Mapping[int, CodedEvent],
    origin: Mapping[str, int | None],
    unbound: Sequence[SpanInput],
) -> list[SpanInput]:
    """`unbound`'s spans of roles no field collects evidence in, then, role by role, the
    spans of each bound role from the events its fields' values came from (a role shared by
    fields taken from two coders gets both coders' spans of it)."""
    bound: dict[str, set[int]] = {}
    for field in spec.fields:
        if field.evidence_role:
            event_id = origin.get(field.key, base.pk)
            events = bound.setdefault(field.evidence_role, set())
            if event_id is not None:
                events.add(event_id)
    spans = [s for s in unbound if s.role not in bound]
    for role, event_ids in bound.items():
        for event_id in sorted(event_ids):
            spans += [
                SpanInput(s.role, s.start, s.end, s.quote)
                for s in sources[event_id].spans.all()
                if s.role == role
            ]
    return spans


def _validated_columns(
    adjudication: Adjudication, data: EventInput
) -> tuple[list[SpanInput], dict[str, Any]]:
    version = adjudication.project.codebook_version
    spec = version_spec(version)
    spans = resolve_spans(adjudication.article, data.spans, data.offset_unit)
    errors = check_event(spec, data, spans, complete=True)
    if errors:
        raise ValidationFailed(
            "the gold event does not fit the codebook", errors=[e.as_dict() for e in errors]
        )
    ids = event_type_ids(version)
    columns = typed_columns(spec, data.values)
    columns["event_type_id"] = ids[data.event_type]
    columns["event_subtype_id"] = ids[data.event_subtype] if data.event_subtype else None
    return spans, columns


def gold_event_create(*, adjudication: Adjudication, actor: User, data: EventInput) -> CodedEvent:
    """A complete, codebook-valid gold event. Precondition: inside the caller's transaction."""
    spans, columns = _validated_columns(adjudication, data)
    event = CodedEvent.objects.create(
        article_id=adjudication.article_id,
        codebook_version_id=adjudication.project.codebook_version_id,
        layer=CodedEvent.Layer.GOLD,
        adjudication=adjudication,
        values=dict(data.values),
        memo=data.memo,
        created_by=actor,
        **columns,
    )
    EvidenceSpan.objects.bulk_create(
        EvidenceSpan(event=event, role=s.role, start=s.start, end=s.end, quote=s.quote)
        for s in spans
    )
    return event


def gold_event_replace(
    *, event: CodedEvent, adjudication: Adjudication, data: EventInput, expected_version: int
) -> CodedEvent:
    """Edit a gold event if `expected_version` is current (else StaleVersion, nothing written)."""
    spans, columns = _validated_columns(adjudication, data)
    updated = CodedEvent.objects.filter(
        pk=event.pk, layer=CodedEvent.Layer.GOLD, version=expected_version
    ).update(
        values=dict(data.values),
        memo=data.memo,
        version=F("version") + 1,
        updated_at=timezone.now(),
        **columns,
    )
    if not updated:
        raise StaleVersion(f"gold event {event.pk} changed since version {expected_version}")
    EvidenceSpan.objects.filter(event=event).delete()
    EvidenceSpan.objects.bulk_create(
        EvidenceSpan(event=event, role=s.role, start=s.start, end=s.end, quote=s.quote)
        for s in spans
    )
    return CodedEvent.objects.get(pk=event.pk)
