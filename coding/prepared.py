"""A cursor whose statements PostgreSQL prepares once per connection, for the few hand-written
queries of the hottest requests (creating, changing and deleting coded events).

Django sends every query with its values spelled into the SQL text (psycopg's client-side
binding) and turns psycopg's prepared statements off, so PostgreSQL parses and plans each
statement anew. For event creation that planning was half of PostgreSQL's CPU: prepared,
PostgreSQL's time per request went from about 1.4 ms to 0.7 ms (and Python's down by
0.2 ms) in an in-process replay. This cursor binds values on the server and asks psycopg to
prepare the statement (psycopg keeps the prepared statements per connection; connections
persist, CONN_MAX_AGE).

It is Django's own cursor wrapper around another psycopg cursor class, so query logging,
`django_assert_num_queries`, execute wrappers and database-error wrapping all see these
queries as any other. Elsewhere (the SQLite demo) it is a plain Django cursor.

Caveats: a statement stays prepared for the connection's life, so a migration that changes a
table it reads needs the app restarted (deploys do). A connection pooler in transaction mode
(PgBouncer before 1.21, or without `max_prepared_statements`) does not keep prepared
statements across transactions; behind one, use a plain `connection.cursor()` instead.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper


def _prepared_cursor_class() -> type:
    import psycopg

    class PreparedCursor(psycopg.Cursor):
        """Server-side binding; every statement prepared (on its first use already)."""

        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            kwargs["prepare"] = True
            return super().execute(query, params, **kwargs)

    return PreparedCursor


_CURSOR_CLASS: type | None = None
# psycopg prepares a statement by itself after this many executions; ours say prepare=True.
_NEVER_BY_COUNT = 2**31 - 1


def prepared_cursor() -> CursorWrapper:
    """A Django cursor on the default connection whose statements are prepared (PostgreSQL);
    use as `with prepared_cursor() as cursor:`. Placeholders are `%s`, as usual."""
    global _CURSOR_CLASS
    if connection.vendor != "postgresql":
        return connection.cursor()
    if _CURSOR_CLASS is None:
        _CURSOR_CLASS = _prepared_cursor_class()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    pg = connection.connection
    if pg.prepare_threshold is None:
        # Django sets None ("never prepare"), which psycopg applies even to an explicit
        # prepare=True. Only cursors binding on the server can prepare, and Django's own bind
        # on the client, so this changes nothing for them; ours prepare on first use anyway.
        pg.prepare_threshold = _NEVER_BY_COUNT
    with connection.wrap_database_errors:
        raw = _CURSOR_CLASS(pg)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)
