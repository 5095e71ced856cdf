"""Plain-dict renderings for hot read paths (an assignment with hundreds of events)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from coding.models import CodedEvent, EvidenceSpan
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
