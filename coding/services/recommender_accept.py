"""A coder accepts a machine suggestion: it becomes their own event, marked as begun from it.

The event is built on the server from the current model's suggestion with that key (the
client names the suggestion, it cannot supply its content or confidence), written through
the ordinary event service (same validation, audit, autosave afterwards), then marked with
the model, the confidence and the key in the same transaction. Refused: a control-group
coder, a recommender that is off, a key the current model does not suggest (any more), a
suggestion already accepted on this assignment.
"""

from __future__ import annotations

from coding.codebook_runtime import version_spec
from coding.errors import Conflict, NotFound
from coding.models import Assignment, CodedEvent, User
from coding.recommender_suggestions import assignment_suggestions
from coding.services.audit import audit_record
from coding.services.events import EventInput, SpanInput, WrittenEvent, event_create_locked


def suggestion_accept(*, assignment: Assignment, actor: User, key: str) -> WrittenEvent:
    """Precondition: inside ``transaction.atomic()``, ``assignment`` from
    ``coding.access.access_assignment_for_write`` in this transaction."""
    from coding.models import Project

    assignment.project = Project.objects.select_related("codebook_version").get(
        pk=assignment.project_id
    )
    found = assignment_suggestions(assignment, actor)
    if found.status != "ready" or found.model is None:
        raise Conflict(found.message, code="no_suggestions")
    if CodedEvent.objects.filter(assignment=assignment, suggestion_key=key).exists():
        raise Conflict("this suggestion was already accepted", code="suggestion_accepted")
    suggestion = next((e for e in found.events if e.key == key), None)
    if suggestion is None:
        raise NotFound("no such suggestion for this article")
    spec = version_spec(found.model.codebook_version)
    text = assignment.article.text
    spans = [
        SpanInput(role, start, end, text[start:end])
        for role, start, end in suggestion.spans
        if spec.role_by_key(role) is not None
    ]
    written = event_create_locked(
        assignment=assignment,
        actor=actor,
        data=EventInput(
            event_type=suggestion.event_type,
            event_subtype=suggestion.event_subtype,
            values=suggestion.values,
            spans=spans,
        ),
    )
    CodedEvent.objects.filter(pk=written.event.pk).update(
        suggested_by=found.model,
        suggestion_confidence=suggestion.confidence,
        suggestion_key=key,
    )
    written.event.suggested_by = found.model
    written.event.suggestion_confidence = suggestion.confidence
    written.event.suggestion_key = key
    audit_record(
        action="recommender.accept",
        actor=actor,
        project=found.model.project,
        target=written.event,
        data={"model": found.model.number, "key": key, "confidence": suggestion.confidence},
    )
    return written
