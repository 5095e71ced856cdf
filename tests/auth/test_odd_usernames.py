"""Usernames no account can have are refused like wrong passwords, never with a 500 (django-
axes stores the name it counts failures under in a 255-character column)."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db

LONG = "ش" * 300  # longer than any account name (150) and than django-axes' column (255)


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_a_very_long_username_is_a_failed_sign_in(path: str) -> None:
    client = Client()
    answers = [
        client.post(path, {"username": LONG, "password": "x"}).status_code for _ in range(10)
    ]
    assert answers == [200] * 9 + [429]
    assert "_auth_user_id" not in client.session
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [
        (LONG[:150], 10)
    ]


def test_a_very_long_username_is_refused_by_the_token_endpoint() -> None:
    response = Client().post(
        "/api/v1/auth/token/",
        {"username": LONG, "password": "x"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("username", "max_length")
    ]
    assert not AccessAttempt.objects.exists()
    assert not Token.objects.exists()


def test_a_nul_in_the_username_is_refused_before_any_count() -> None:
    response = Client().post(
        "/api/v1/auth/token/",
        {"username": "a\x00b", "password": "x"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "null_characters_not_allowed"
    assert Client().post("/login/", {"username": "a\x00b", "password": "x"}).status_code == 200
    assert not AccessAttempt.objects.exists()
