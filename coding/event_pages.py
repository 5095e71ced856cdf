"""A coder's events on one assignment, a page at a time, as JSON text from PostgreSQL.

The coding screen reads every event of an assignment with its evidence spans. Here:

- the page is chosen on the `(assignment_id, id)` index (keyset: events after an id, in id
  order, at most `limit`), so its cost does not depend on the size of the table;
- each event's JSON text is **stored** (`coding_eventrendering`, one row per event, with the
  event's `render_stamp` it was rendered from) and served while that stamp is the event's
  current one. PostgreSQL triggers advance the stamp on every change of the event row or of
  its spans, by any writer (migration 0030), and stamps only grow, so a stored text is never
  served once its event changed. A page is then one primary-key probe per event and a
  concatenation: no per-event rendering per read;
- the events without a current text are rendered in the same statement and stored
  (`INSERT … ON CONFLICT`, replacing only an older stamp): lazily, by the first read after a
  change, rather than by every write (see docs/PERFORMANCE.md, 19.3, for the measurements).
  Rendering: each event's spans by a correlated subquery on the span table's `event_id`
  index; concatenated text (to_json quotes and escapes strings);
- UTF-16 offsets come from the positions of the article's astral characters, passed as an
  array: `width_bucket(cp, positions + 1)` counts the astral characters before `cp` (the
  same rule as coding.text.offsets.OffsetMap.cp_to_u16). The article text never changes, so
  stored offsets stay right;
- Python splices the page's UTF-8 bytes into the response as they come from the server.

The output parses to exactly what `api.presenters.event_dict` gives for each event (same keys
in the same order; `values` as jsonb stores them, which is what JSONField reads). The SQLite
demo stores nothing and builds the same page in Python.

A read that renders events writes (a statement with an INSERT): it needs a writable
connection, and on the first read after changes it commits what it stored.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

import orjson
from django.db import connection
from psycopg.abc import Buffer
from psycopg.adapt import Loader

from coding.codebook_runtime import event_type_codes
from coding.models import Assignment, CodedEvent, EventRendering, EventType, EvidenceSpan
from coding.prepared import prepared_cursor
from coding.text.offsets import OffsetMap

# Default and largest number of events per page (the API's `limit`).
DEFAULT_PAGE_SIZE = 200
MAX_PAGE_SIZE = 1000
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class EventPage:
    """`events_json`: a JSON array (UTF-8 bytes) of the events with ids above the cursor, in
    id order; `last_id`: the id of its last event (None if empty); `has_more`: whether events
    follow it. `total` and `last_activity` (ISO 8601 text of the latest `updated_at`, UTC,
    as `datetime.isoformat()` writes it) count the whole assignment, when asked for.
    `rendered`: how many of the page's events had no current stored text (rendered now and
    stored; always all of them on SQLite, which stores none)."""

    events_json: bytes
    count: int
    last_id: int | None
    has_more: bool
    rendered: int = 0
    total: int | None = None
    last_activity: str | None = None


_ISO_UTC = (
    "replace(to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '.000000', '')"
    " || '+00:00'"
)


@functools.cache
def _page_sql(with_totals: bool) -> str:
    event, span, kind, stored = (
        m._meta.db_table for m in (CodedEvent, EvidenceSpan, EventType, EventRendering)
    )
    # When the page holds every event of the assignment (from the start, and the last page),
    # the totals are the page's own; otherwise two more scans of the assignment's events (an
    # InitPlan in a CASE runs only when that branch is taken).
    # A page shorter than `limit` is the last one.
    short = "(%(limit)s IS NULL OR count(*) < %(limit)s)"
    whole = f"%(after)s = 0 AND {short}"
    totals = (
        f""",
       CASE WHEN {whole} THEN count(*)
            ELSE (SELECT count(*) FROM {event} c WHERE c.assignment_id = %(a)s) END,
       CASE WHEN {whole} THEN {_ISO_UTC.format(col="max(page.updated_at)")}
            ELSE (SELECT {_ISO_UTC.format(col="max(c.updated_at)")}
                  FROM {event} c WHERE c.assignment_id = %(a)s) END"""  # noqa: S608
        if with_totals
        else ""
    )
    # Table names come from the models; every value is a parameter. `page` picks the events on
    # the (assignment_id, id) index and each one's stored text, if its stamp is current (a
    # correlated subquery: one primary-key probe per event, whatever the planner estimates).
    # `fresh` renders the others: concatenated text (to_json quotes and escapes strings;
    # `values` is jsonb's own text), a third cheaper than json_build_object, which looks up
    # every argument's type on every call. `kept` stores them; a stored text is replaced only
    # by one of a later stamp, so a read from an older snapshot never overwrites a newer one.
    return f"""
WITH page AS (
  SELECT e.id, e.render_stamp AS stamp, e.updated_at,
    (SELECT r.body FROM {stored} r
     WHERE r.event_id = e.id AND r.stamp = e.render_stamp) AS body
  FROM {event} e
  WHERE e.assignment_id = %(a)s AND e.id > %(after)s
  ORDER BY e.id
  LIMIT %(limit)s
), fresh AS (
  SELECT e.id, p.stamp,
    '{{"id":' || e.id || ',"assignment":' || e.assignment_id || ',"article":' || e.article_id
    || ',"event_type":' || to_json(t.code)
    || ',"event_subtype":' || coalesce(to_json(st.code)::text, 'null')
    || ',"values":' || e."values"::text || ',"memo":' || to_json(e.memo)
    || ',"version":' || e.version || ',"spans":[' || coalesce((
        SELECT string_agg(
            '{{"id":' || s.id || ',"role":' || to_json(s.role) || ',"start":' || s.start
            || ',"end":' || s."end"
            || ',"start_u16":' || (s.start + width_bucket(s.start, %(astral)s::int[]))
            || ',"end_u16":' || (s."end" + width_bucket(s."end", %(astral)s::int[]))
            || ',"quote":' || to_json(s.quote) || '}}',
            ',' ORDER BY s.start, s."end", s.id)
        FROM {span} s WHERE s.event_id = e.id), '')
    || '],"created_at":"' || {_ISO_UTC.format(col="e.created_at")}
    || '","updated_at":"' || {_ISO_UTC.format(col="e.updated_at")} || '"}}' AS body
  FROM page p
  JOIN {event} e ON e.id = p.id
  JOIN {kind} t ON t.id = e.event_type_id
  LEFT JOIN {kind} st ON st.id = e.event_subtype_id
  WHERE p.body IS NULL
), kept AS (
  INSERT INTO {stored} AS r (event_id, stamp, body)
  SELECT id, stamp, body FROM fresh ORDER BY id
  ON CONFLICT (event_id) DO UPDATE SET stamp = EXCLUDED.stamp, body = EXCLUDED.body
    WHERE r.stamp < EXCLUDED.stamp
)
SELECT '[' || coalesce(string_agg(coalesce(page.body, fresh.body), ',' ORDER BY page.id), '')
       || ']',
       count(*), max(page.id),
       CASE WHEN {short} THEN false
            ELSE EXISTS (SELECT 1 FROM {event} n
                         WHERE n.assignment_id = %(a)s AND n.id > (SELECT max(id) FROM page))
            END,
       count(fresh.id){totals}
FROM page LEFT JOIN fresh ON fresh.id = page.id
"""  # noqa: S608


class _Utf8BytesLoader(Loader):
    """Loads a text column as the bytes the server sent (the database encoding is UTF8)."""

    def load(self, data: Buffer) -> bytes:
        return bytes(data)


def astral_thresholds(text: str) -> list[int]:
    """`p + 1` for the code-point index `p` of each astral character of `text`, ascending:
    `width_bucket(cp, thresholds)` is then the number of astral characters before `cp`."""
    if text.isascii() or len(text.encode("utf-16-le")) == 2 * len(text):
        return []
    return [m.start() + 1 for m in _ASTRAL.finditer(text)]


# The thresholds of the articles read lately, by (article id, text hash): an article's text and
# its hash never change (a trigger, migration 0002), and scanning 20,000 characters for astral
# ones cost ~0.4 ms per read. Bounded: emptied when full.
_THRESHOLDS: dict[tuple[int, str], list[int]] = {}
_THRESHOLDS_MAX = 4096


def article_thresholds(article_id: int, text_sha256: str, text: str) -> list[int]:
    """`astral_thresholds(text)` of the article `article_id` (whose text is `text`), kept."""
    key = (article_id, text_sha256)
    found = _THRESHOLDS.get(key)
    if found is None:
        found = astral_thresholds(text)
        if len(_THRESHOLDS) >= _THRESHOLDS_MAX:
            _THRESHOLDS.clear()
        _THRESHOLDS[key] = found
    return found


def assignment_event_page(
    assignment: Assignment,
    *,
    article_text: str,
    after: int = 0,
    limit: int | None = None,
    with_totals: bool = False,
    text_sha256: str | None = None,
) -> EventPage:
    """The assignment's events with ids above `after`, at most `limit` (None: all), as JSON.

    The caller has checked that the user may read the assignment (coding.access);
    `article_text` is its article's text (the offsets' reference); with its `text_sha256`
    (the article's), the text's astral positions are kept for the next reads.
    """
    if connection.vendor != "postgresql":
        return _page_in_python(assignment, article_text, after, limit, with_totals)
    params: dict[str, Any] = {
        "a": assignment.pk,
        "after": after,
        "limit": limit,
        "astral": (
            article_thresholds(assignment.article_id, text_sha256, article_text)
            if text_sha256
            else astral_thresholds(article_text)
        ),
    }
    with prepared_cursor() as cursor:
        # Text columns as the server's UTF-8 bytes: the page goes into the response as bytes,
        # so decoding it to str and encoding it back (~2 ms per 500 events) is skipped.
        cursor.cursor.adapters.register_loader("text", _Utf8BytesLoader)
        cursor.execute(_page_sql(with_totals), params)
        row = cursor.fetchone()
    return EventPage(
        events_json=bytes(row[0]),
        count=row[1],
        last_id=row[2],
        has_more=bool(row[3]),
        rendered=row[4],
        total=row[5] if with_totals else None,
        last_activity=row[6].decode() if with_totals and row[6] is not None else None,
    )


def _page_in_python(
    assignment: Assignment, text: str, after: int, limit: int | None, with_totals: bool
) -> EventPage:
    """The SQLite demo's page: the same JSON from the plain-row reader."""
    from coding.selectors import assignment_event_rows

    rows, spans = assignment_event_rows(assignment)
    codes = event_type_codes(assignment.project.codebook_version_id)
    offsets = OffsetMap(text)
    after_cursor = [row for row in rows if row[0] > after]
    page = after_cursor if limit is None else after_cursor[:limit]
    events = [_event_body(row, spans[row[0]], codes, offsets) for row in page]
    try:
        events_json = orjson.dumps(events)
    except orjson.JSONEncodeError:  # integers beyond 64 bits, which the standard library keeps
        events_json = json.dumps(events, ensure_ascii=False, separators=(",", ":")).encode()
    return EventPage(
        events_json=events_json,
        count=len(page),
        rendered=len(page),
        last_id=page[-1][0] if page else None,
        has_more=len(after_cursor) > len(page),
        total=len(rows) if with_totals else None,
        last_activity=max((row[9] for row in rows), default=None) if with_totals else None,
    )


def _event_body(
    row: tuple[Any, ...],
    spans: list[tuple[int, str, int, int, str]],
    codes: dict[int, str],
    offsets: OffsetMap,
) -> dict[str, Any]:
    pk, assignment_id, article_id, type_id, subtype_id, values, memo, version, created, updated = (
        row
    )
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
                "start_u16": offsets.cp_to_u16(start),
                "end_u16": offsets.cp_to_u16(end),
                "quote": quote,
            }
            for span_id, role, start, end, quote in spans
        ],
        "created_at": created,
        "updated_at": updated,
    }
