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


def event_row_dict(
    row: tuple[Any, ...],
    spans: list[tuple[int, str, int, int, str]],
    codes: dict[int, str],
    offsets: OffsetMap,
) -> dict[str, Any]:
    """`event_dict` for a plain row of `coding.selectors.assignment_event_rows` (whose
    timestamps are already ISO 8601 text)."""
    (
        pk,
        assignment_id,
        article_id,
        type_id,
        subtype_id,
        values,
        memo,
        version,
        created_at,
        updated_at,
    ) = row
    to_u16 = offsets.cp_to_u16
    return {
        "id": pk,
        "assignment": assignment_id,
        "article": article_id,
        "event_type": codes[type_id],
        "event_subtype": codes[subtype_id] if subtype_id else None,
        "values": values,
        "memo": memo,
        "version": version,
        "spans": [
            {
                "id": span_id,
                "role": role,
                "start": start,
                "end": end,
                "start_u16": to_u16(start),
                "end_u16": to_u16(end),
                "quote": quote,
            }
            for span_id, role, start, end, quote in spans
        ],
        "created_at": created_at,
        "updated_at": updated_at,
    }
