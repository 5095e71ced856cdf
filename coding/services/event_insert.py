"""One coded event, its evidence spans and its audit row, inserted in one SQL statement.

Used by `coding.services.events` (which validates first and holds the assignment's row lock);
nothing else should call it. The statement is prepared once per connection
(`coding.prepared`); its text, and the list of columns Django's INSERT would write, are built
once per process.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from typing import Any, Protocol

from django.db import connection, connections, models

from coding.models import AuditEntry, CodedEvent, EvidenceSpan, ReviewQueueEntry
from coding.prepared import prepared_cursor


class SpanRow(Protocol):
    """What the insert needs of a span: its role, code-point offsets and quote."""

    @property
    def role(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def quote(self) -> str: ...


@cache
def _insert_fields(model: type[models.Model], skip: tuple[str, ...]) -> tuple[Any, ...]:
    """The fields Django's INSERT writes for `model`: all concrete ones but the primary key and
    `skip`, in the model's order."""
    return tuple(
        f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in skip
    )


_AUDIT_SKIP = ("target_id",)  # set by the statement: the new event's id


@cache
def _insert_sql() -> str:
    quote = connection.ops.quote_name
    event_columns = [quote(f.column) for f in _insert_fields(CodedEvent, ())]
    audit_columns = [quote(f.column) for f in _insert_fields(AuditEntry, _AUDIT_SKIP)]
    # Table and column names come from the models; every value is a parameter.
    return f"""
        WITH event AS (
            INSERT INTO {CodedEvent._meta.db_table} ({", ".join(event_columns)})
            VALUES ({", ".join(["%s"] * len(event_columns))})
            RETURNING id, "values"
        ), span AS (
            INSERT INTO {EvidenceSpan._meta.db_table} (event_id, role, start, "end", quote)
            SELECT event.id, s.role, s.start, s.end, s.quote
            FROM event, unnest(%s::text[], %s::integer[], %s::integer[], %s::text[])
                WITH ORDINALITY AS s(role, start, "end", quote, n)
            ORDER BY s.n
            RETURNING id, role, start, "end", quote
        ), audit AS (
            INSERT INTO {AuditEntry._meta.db_table} ({", ".join(audit_columns)}, target_id)
            SELECT {", ".join(["%s"] * len(audit_columns))}, event.id FROM event
        )
        SELECT event.id, event."values"::text,
               (SELECT coalesce(json_agg(json_build_array(id, role, start, "end", quote)), '[]')
                FROM span)::text,
               EXISTS (SELECT 1 FROM {ReviewQueueEntry._meta.db_table} WHERE article_id = %s)
        FROM event
    """  # noqa: S608


def _insert_params(instance: models.Model, fields: Sequence[Any], db: Any) -> list[Any]:
    """The database values Django's INSERT would write for `instance`'s `fields` (defaults and
    auto_now included)."""
    return [f.get_db_prep_save(f.pre_save(instance, add=True), db) for f in fields]


def insert_event(
    event: CodedEvent, spans: Sequence[SpanRow], audit: AuditEntry
) -> tuple[list[EvidenceSpan], bool]:
    """INSERT the event, its spans and its audit row in one statement (one round trip; the
    audit row's target is the new event). Sets `event.pk` and `event.values` as stored (jsonb
    orders keys and normalizes numbers); returns the spans as stored, with their ids, ordered
    as `event.spans.all()` orders them, and whether the event's article is in the adjudication
    queue (asked in the same statement: its filter keys follow the coder events, see
    `coding.services.review_queue.review_queue_follow_coding`)."""
    if connection.vendor != "postgresql":  # the SQLite demo: three statements
        return _insert_event_orm(event, spans, audit)
    db = connections[event._state.db or "default"]
    params = [
        *_insert_params(event, _insert_fields(CodedEvent, ()), db),
        [s.role for s in spans],
        [s.start for s in spans],
        [s.end for s in spans],
        [s.quote for s in spans],
        *_insert_params(audit, _insert_fields(AuditEntry, _AUDIT_SKIP), db),
        event.article_id,
    ]
    with prepared_cursor() as cursor:
        cursor.execute(_insert_sql(), params)
        event_id, values, stored_spans, queued = cursor.fetchone()
    event.pk = event_id
    event.values = json.loads(values)
    event._state.adding = False
    event._state.db = db.alias
    written = [
        EvidenceSpan(id=span_id, event=event, role=role, start=start, end=end, quote=quote)
        for span_id, role, start, end, quote in json.loads(stored_spans)
    ]
    for span in written:
        span._state.adding = False
        span._state.db = db.alias
    return sorted(written, key=lambda s: (s.start, s.end, s.pk)), queued


def _insert_event_orm(
    event: CodedEvent, spans: Sequence[SpanRow], audit: AuditEntry
) -> tuple[list[EvidenceSpan], bool]:
    event.save(force_insert=True)
    event.refresh_from_db(fields=["values"])
    EvidenceSpan.objects.bulk_create(
        EvidenceSpan(event=event, role=s.role, start=s.start, end=s.end, quote=s.quote)
        for s in spans
    )
    audit.target_id = event.pk
    audit.save(force_insert=True)
    queued = ReviewQueueEntry.objects.filter(article_id=event.article_id).exists()
    return list(EvidenceSpan.objects.filter(event=event)), queued
