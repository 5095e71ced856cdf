"""Plain-dict renderings for hot read paths (an assignment with hundreds of events)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from rest_framework import serializers

from coding.models import Assignment, CodedEvent, EvidenceSpan
from coding.text.offsets import OffsetMap


def event_dict(
    event: CodedEvent,
    codes: dict[int, str],
    offsets: OffsetMap,
    spans: Iterable[EvidenceSpan] | None = None,
) -> dict[str, Any]:
    """An event with its spans; spans carry code-point and UTF-16 offsets. `spans` (in
    `event.spans.all()` order) saves reading them when the caller has them already."""
    return {
        "id": event.pk,
        "assignment": event.assignment_id,
        "article": event.article_id,
        "event_type": codes[event.event_type_id],
        "event_subtype": codes[event.event_subtype_id] if event.event_subtype_id else None,
        "values": event.values,
        "memo": event.memo,
        "version": event.version,
        "spans": [
            {
                "id": span.pk,
                "role": span.role,
                "start": span.start,
                "end": span.end,
                "start_u16": offsets.cp_to_u16(span.start),
                "end_u16": offsets.cp_to_u16(span.end),
                "quote": span.quote,
            }
            for span in (event.spans.all() if spans is None else spans)
        ],
        "created_at": event.created_at.isoformat(),
        "updated_at": event.updated_at.isoformat(),
    }


_DATETIME = serializers.DateTimeField()


def _when(value: datetime | None) -> str | None:
    """What the serializers' DateTimeField writes: ISO 8601, UTC as "Z"; None stays None."""
    return None if value is None else _DATETIME.to_representation(value)


def assignment_detail_dicts(
    assignment: Assignment, n_events: int, last_activity: datetime | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """What `AssignmentSerializer(assignment).data` (with `n_events` and `last_activity`) and
    `CodingArticleSerializer(assignment.article).data` give, the same keys in the same order,
    as plain dicts: building the two ModelSerializers' fields cost ~1 ms per request.
    `assignment.article` and `assignment.coder` must be loaded
    (coding.assignment_reads.access_assignment_for_read)."""
    article = assignment.article
    published = article.published_at
    summary = {
        "id": assignment.pk,
        "project": assignment.project_id,
        "article": {
            "id": article.pk,
            "title": article.title,
            "language": article.language,
            "direction": article.direction,
            "source": article.source,
            "published_at": published.isoformat() if published else None,
        },
        "coder": {"id": assignment.coder_id, "username": assignment.coder.username},
        "status": assignment.status,
        "version": assignment.version,
        "n_events": n_events,
        "created_at": _when(assignment.created_at),
        "started_at": _when(assignment.started_at),
        "submitted_at": _when(assignment.submitted_at),
        "last_activity": _when(last_activity),
        "reopen_count": assignment.reopen_count,
    }
    shown = {
        "id": article.pk,
        "title": article.title,
        "language": article.language,
        "direction": article.direction,
        "source": article.source,
        "url": article.url,
        "published_at": _when(published),
        "external_id": article.external_id,
        "len_cp": article.len_cp,
        "len_u16": article.len_u16,
        "text_sha256": article.text_sha256,
        "text": article.text,
        "paragraphs": article.paragraphs,
        "metadata": article.metadata,
    }
    return summary, shown
