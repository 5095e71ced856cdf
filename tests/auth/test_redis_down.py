"""Signing in does not depend on Redis: with the cache unreachable the rate throttles step
aside with a logged warning, and the lockout (in PostgreSQL) still holds."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"
# Nothing listens on port 1: connecting is refused at once.
UNREACHABLE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1.0},
    }
}


@pytest.fixture
def redis_down(settings: Any) -> None:
    settings.CACHES = UNREACHABLE


@pytest.mark.usefixtures("redis_down")
def test_token_login_works_while_redis_is_down(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    user = UserFactory(username="script")
    with caplog.at_level(logging.WARNING, logger="api.throttling"):
        response = client.post(
            "/api/v1/auth/token/",
            {"username": "script", "password": PASSWORD},
            content_type="application/json",
        )
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=user).key
    warnings = [r for r in caplog.records if r.name == "api.throttling"]
    assert [r.levelno for r in warnings] == [logging.WARNING, logging.WARNING]
    assert "cache is unreachable" in warnings[0].getMessage()


@pytest.mark.usefixtures("redis_down")
def test_session_login_works_while_redis_is_down() -> None:
    UserFactory(username="coder9")
    client = Client()
    response = client.post("/login/", {"username": "coder9", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.usefixtures("redis_down")
def test_the_lockout_still_holds_while_redis_is_down(client: Client) -> None:
    UserFactory(username="victim")
    answers = [
        client.post(
            "/api/v1/auth/token/",
            {"username": "victim", "password": "wrong"},
            content_type="application/json",
        ).status_code
        for _ in range(11)
    ]
    assert answers == [422] * 9 + [429] * 2
    right = client.post(
        "/api/v1/auth/token/",
        {"username": "victim", "password": PASSWORD},
        content_type="application/json",
    )
    assert right.status_code == 429
    assert not Token.objects.exists()
