"""The coding screen's read of one assignment (GET /api/v1/assignments/{id}/): who may read it
and what it shows of the assignment, its coder and its article, in one prepared statement.

`access_assignment_for_read(user, assignment_id)` answers as
`coding.access.access_assignment(user, assignment_id)` (the same rules, the same 404s; see
that module for blind coding): the assigned coder while an active coder of the project (or a
superuser), the project's supervisors and admins. On PostgreSQL it is one statement, prepared
once per connection: the assignment, its coder's username, every column of its article that
the coding screen shows, whether the coder is an active coder of the project, and the reader's
own active role in it (a supervisor's role was one more query). Through the ORM the same read
cost ~2 ms of Python per request to build and compile its SQL (select_related over four tables
and an EXISTS annotation), the project's and codebook version's columns (with the version's
~29 KB spec, parsed per request) included, which the read never used.

The returned Assignment has `article` (every field but `imported_at`, `paragraphs` and
`metadata` parsed as JSONField reads them) and `coder` (id and username) attached; its project
is not loaded (reading `assignment.project` costs a query). Elsewhere (the SQLite demo) it is
`access_assignment` itself.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection

from coding.access import ADMIN, CODER, MANAGERS, access_assignment
from coding.errors import NotFound
from coding.models import Article, Assignment, Membership, User
from coding.prepared import prepared_cursor

_ASSIGNMENT_FIELDS = [f.attname for f in Assignment._meta.concrete_fields]
# The article's columns: all but its import time, which the coding screen does not show. In the
# model's order, which is the order Model.from_db takes the values in.
_ARTICLE = [f for f in Article._meta.concrete_fields if f.attname != "imported_at"]
_ARTICLE_FIELDS = [f.attname for f in _ARTICLE]
_JSON_FIELDS = {"paragraphs", "metadata"}


# Table and column names come from the models; the values are parameters (%s: the reader's
# id, then the assignment's).
_READ_SQL = f"""
SELECT {", ".join(f"a.{f.column}" for f in Assignment._meta.concrete_fields)},
       u.{User._meta.get_field("username").column},
       {", ".join(f"art.{f.column}" for f in _ARTICLE[1:])},
       EXISTS (
           SELECT 1 FROM {Membership._meta.db_table} m
           WHERE m.project_id = a.project_id AND m.user_id = a.coder_id AND m.is_active
             AND m.role = '{CODER.value}'
       ),
       (SELECT r.role FROM {Membership._meta.db_table} r
        WHERE r.project_id = a.project_id AND r.user_id = %s AND r.is_active)
FROM {Assignment._meta.db_table} a
JOIN {User._meta.db_table} u ON u.id = a.coder_id
JOIN {Article._meta.db_table} art ON art.id = a.article_id
WHERE a.id = %s
"""  # noqa: S608


def _json_field(raw: Any) -> Any:
    """A jsonb column's text as JSONField reads it (json.loads: orjson would read integers
    beyond 64 bits as floats)."""
    return json.loads(raw) if isinstance(raw, str | bytes) else raw


def access_assignment_for_read(user: User, assignment_id: int) -> Assignment:
    """The assignment for `user` to read, with its article and coder loaded (see the module);
    NotFound("assignment not found") exactly where `access_assignment` says so."""
    if connection.vendor != "postgresql":
        return access_assignment(user, assignment_id)
    with prepared_cursor() as cursor:
        cursor.execute(_READ_SQL, [user.pk, assignment_id])
        row = cursor.fetchone()
    if row is None:
        raise NotFound("assignment not found")
    n = len(_ASSIGNMENT_FIELDS)
    assignment = Assignment.from_db(connection.alias, _ASSIGNMENT_FIELDS, row[:n])
    username, *article_values = row[n:-2]
    coder_is_coder, reader_role = row[-2:]
    # The rules of access_assignment(user, assignment_id), on the row read.
    own = assignment.coder_id == user.pk
    if not (own and (coder_is_coder or user.is_superuser)):
        role = ADMIN if user.is_superuser else reader_role
        if role not in MANAGERS:
            raise NotFound("assignment not found")
    values = [assignment.article_id, *article_values]
    assignment.article = Article.from_db(
        connection.alias,
        _ARTICLE_FIELDS,
        [
            _json_field(v) if name in _JSON_FIELDS else v
            for name, v in zip(_ARTICLE_FIELDS, values, strict=True)
        ],
    )
    assignment.coder = User.from_db(
        connection.alias, ["id", "username"], [assignment.coder_id, username]
    )
    return assignment
