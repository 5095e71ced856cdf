"""coding.prepared: statements prepared once per connection, seen by Django like any other."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.utils import ProgrammingError

from coding.models import Project
from coding.prepared import prepared_cursor

pytestmark = pytest.mark.django_db


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_statements_are_prepared_and_answer_as_usual(django_assert_num_queries: Any) -> None:
    sql = "SELECT %s::int + 1, %s::text WHERE %s::bigint[] @> ARRAY[2::bigint] -- prepared test"
    with django_assert_num_queries(3):  # logged like any query
        for _ in range(3):
            with prepared_cursor() as cursor:
                cursor.execute(sql, [41, "هاجم", [1, 2, 3]])
                assert cursor.fetchone() == (42, "هاجم")
    assert [s for s in _prepared_statements() if "prepared test" in s] == [
        sql.replace("%s", "$1", 1).replace("%s", "$2", 1).replace("%s", "$3", 1)
    ]


def test_djangos_own_queries_stay_unprepared() -> None:
    with prepared_cursor() as cursor:  # switches the connection's threshold on
        cursor.execute("SELECT 1")
    for _ in range(10):
        list(Project.objects.filter(slug="nothing-here"))
    assert not [s for s in _prepared_statements() if "coding_project" in s]


def test_errors_are_djangos() -> None:
    with pytest.raises(ProgrammingError), prepared_cursor() as cursor:
        cursor.execute("SELECT no_such_column FROM coding_project")
