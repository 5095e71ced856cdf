"""The one query an export streams its stored renderings with (PostgreSQL): every exportable
gold event by id, each with its stored text in the format when that text is still valid, NULL
when it is missing or stale (the export then renders it).

Valid means what ``coding.export_streams.valid_csv_rows`` and ``valid_rows`` say — same export
epoch, column layout (codebook version), event version and validation (time and revision) of
its article, and for JSONL also the article's latest finished agreement run — but as joins
with each article's latest run from one grouped pass over the project's article runs instead
of an index probe per event; the stored row is a primary-key lookup per event. The texts are
read as UTF-8 bytes (``fetch_bytes``): the web worker sends them as they come, with no
``str`` per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from psycopg.adapt import Loader

from coding.export_selectors import ExportFilters, gold_events
from coding.models import Project

STORED_TEXT = {
    "csv": "r.line",
    # rows stored before every format (jsonl NULL) hold no exact line: missing
    "csv_exact": "CASE WHEN r.jsonl IS NOT NULL THEN COALESCE(r.csv_exact, r.line) END",
    "jsonl": "r.jsonl",
    "geojson": "r.geojson",
    "plover": "r.plover",
}
"""The stored text of each format (``csv_exact``: CSV without the formula guard), an SQL
expression over the stored row ``r``."""

_LATEST_RUNS = """
    LEFT JOIN (
        SELECT article_id, max(id) AS id FROM coding_agreementrun
        WHERE project_id = %s AND scope = 'article' AND status = 'done'
        GROUP BY article_id
    ) run ON run.article_id = g.article_id"""

_QUERY = """
SELECT o.id, (
    SELECT {text} FROM coding_exportcsvrow r
    WHERE r.event_id = o.id AND r.epoch = %s AND r.codebook_version_id = %s
    AND r.event_version = o.version AND r.validated_at = o.validated_at
    AND r.revision = o.revision{jsonl}
    LIMIT 1
)
FROM (
    SELECT g.id, g.version, g.validated_at, g.revision, {run} AS run
    FROM ({events}) AS g (id, article_id, version, validated_at, revision){runs}
    ORDER BY g.id
) AS o
ORDER BY o.id"""
"""The events (and each one's latest run) are sorted by id first, narrow, and only then is each
one's stored text looked up by primary key (a subquery in the select list, evaluated per
output row): as a join, the planner fetched every text and then sorted them all (a 2 GB sort
at 1M events), or — a table just filled, with no statistics yet, estimated at a few rows —
scanned the stored table whole for every event. The outer ORDER BY is the subquery's own
order (no second sort)."""


def stored_query(
    project: Project,
    filters: ExportFilters,
    as_of: dt.datetime,
    *,
    epoch: int,
    text: str,
) -> tuple[str, tuple[Any, ...]]:
    """SQL and parameters: (event id, stored text of ``text``, a key of ``STORED_TEXT``, or
    NULL) of every event ``gold_events(project, filters, as_of)`` gives, by id."""
    events = (
        gold_events(project, filters, as_of)
        .order_by()  # ordered in the query, with the latest runs
        .values_list(
            "id", "article_id", "version", "adjudication__validated_at", "adjudication__revision"
        )
    )
    events_sql, events_params = events.query.sql_with_params()
    jsonl = text == "jsonl"
    sql = _QUERY.format(
        text=STORED_TEXT[text],
        events=events_sql,
        run="COALESCE(run.id, 0)" if jsonl else "0",
        runs=_LATEST_RUNS if jsonl else "",
        jsonl=" AND r.jsonl IS NOT NULL AND r.agreement_run = o.run" if jsonl else "",
    )
    params = (
        epoch,
        project.codebook_version_id,
        *events_params,
        *((project.pk,) if jsonl else ()),
    )
    return sql, params


class _Utf8Bytes(Loader):
    """A text value as its UTF-8 bytes (the connection's encoding), not decoded."""

    def load(self, data: Any) -> bytes:
        return bytes(data)


@contextmanager
def fetch_bytes(sql: str, params: tuple[Any, ...]) -> Iterator[Any]:
    """A server-side cursor over ``sql`` whose text columns come as UTF-8 ``bytes``; closed
    on leaving (before the caller's transaction ends)."""
    with connection.chunked_cursor() as cursor:
        # Django's wrapper around psycopg's server-side cursor: its own adapters map
        cursor.cursor.adapters.register_loader("text", _Utf8Bytes)
        cursor.execute(sql, params)
        yield cursor
