"""Issue 13 item 10: when PostgreSQL (or a pooler) has dropped a worker's persistent
connection, the next request reconnects (CONN_HEALTH_CHECKS) instead of failing with a 500.

The requests go through Django's WSGI handler, as under gunicorn: request_started runs
close_old_connections, which the test client would skip."""

from __future__ import annotations

import io
import time

import psycopg
import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory


def _get(handler: WSGIHandler, path: str, token: str) -> int:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "HTTP_AUTHORIZATION": f"Token {token}",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }
    statuses: list[str] = []
    response = handler(environ, lambda status, headers, exc_info=None: statuses.append(status))
    b"".join(response)
    response.close()  # request_finished: the connection is kept (CONN_MAX_AGE=None)
    return int(statuses[0].split()[0])


def _terminate(pid: int) -> None:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):
            row = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid]
            ).fetchone()
            if row is not None and row[0] == 0:
                return
            time.sleep(0.05)
    raise AssertionError(f"backend {pid} is still there")


def test_production_settings_check_connections() -> None:
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db(transaction=True)
def test_a_request_after_the_connection_was_dropped_is_answered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = Token.objects.create(user=UserFactory()).key
    # Persistent connections, as in production (CONN_MAX_AGE=60 there).
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", None)
    connection.close()  # the next connection is opened with the settings above
    handler = WSGIHandler()
    assert _get(handler, "/api/v1/me/assignments/", token) == 200
    assert connection.connection is not None
    pid = connection.connection.info.backend_pid
    _terminate(pid)
    assert _get(handler, "/api/v1/me/assignments/", token) == 200
    assert connection.connection.info.backend_pid != pid
