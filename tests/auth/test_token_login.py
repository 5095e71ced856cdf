"""The token endpoint: X-Forwarded-For is trusted only from TRUSTED_PROXY_COUNT proxies,
throttles count per address and per account, and django-axes locks one account out of one
address."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/token/"
PASSWORD = "pw-for-tests"


def _post(client: Client, username: str, password: str, **headers: Any) -> Any:
    return client.post(
        URL,
        {"username": username, "password": password},
        content_type="application/json",
        **headers,
    )


def test_rotating_x_forwarded_for_does_not_escape_the_address_throttle(client: Client) -> None:
    """The reproduction: with no trusted proxy, a new X-Forwarded-For per guess used to give
    40 unthrottled guesses, then the right password worked."""
    UserFactory(username="victim")
    answers = [
        _post(client, "victim", f"guess-{i}", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code
        for i in range(40)
    ]
    assert answers[:9] == [422] * 9  # wrong password
    assert answers[9] == 429  # the tenth failure locks victim out of 127.0.0.1
    assert set(answers[10:]) == {429}
    right = _post(client, "victim", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert right.status_code == 429
    assert int(right["Retry-After"]) > 0
    assert not Token.objects.exists()
    # Every guess was counted against the socket address, never a forwarded one.
    assert list(AccessAttempt.objects.values_list("username", "ip_address")) == [
        ("victim", "127.0.0.1")
    ]


@pytest.fixture
def no_rate_throttles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rates far above the test's attempts, to see the lockout on its own."""
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"login": "1000/min", "login_account": "1000/min"}
    )


def test_with_one_trusted_proxy_the_address_is_the_one_the_proxy_appended(
    client: Client, settings: Any
) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    UserFactory(username="victim")
    # The client forges entries; the proxy appends the address it saw (192.0.2.9).
    answers = [
        _post(
            client,
            "victim",
            f"guess-{i}",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 192.0.2.9",
            REMOTE_ADDR="10.1.1.1",
        ).status_code
        for i in range(12)
    ]
    assert answers == [422] * 9 + [429] * 3
    assert list(AccessAttempt.objects.values_list("username", "ip_address")) == [
        ("victim", "192.0.2.9")
    ]
    # The address throttle counted 192.0.2.9, not the forged entries.
    assert (
        _post(
            client, "victim", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.9", REMOTE_ADDR="10.1.1.1"
        ).status_code
        == 429
    )


@pytest.mark.usefixtures("no_rate_throttles")
def test_the_lockout_trusts_the_same_proxies(client: Client, settings: Any) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    UserFactory(username="victim")
    answers = [
        _post(
            client,
            "victim",
            f"guess-{i}",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 192.0.2.9",
            REMOTE_ADDR="10.1.1.1",
        ).status_code
        for i in range(12)
    ]
    assert answers == [422] * 9 + [429] * 3
    assert list(AccessAttempt.objects.values_list("username", "ip_address")) == [
        ("victim", "192.0.2.9")
    ]
    # Another client behind the same proxy is another address: not locked out.
    other = _post(
        client, "victim", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.10", REMOTE_ADDR="10.1.1.1"
    )
    assert other.status_code == 200
    assert other.json()["token"] == Token.objects.get(user__username="victim").key


def test_address_throttle_counts_every_account(client: Client) -> None:
    """Ten attempts per minute from one address, whatever accounts they name (no lockout
    is reached: each account fails once)."""
    for i in range(10):
        UserFactory(username=f"user{i}")
        assert _post(client, f"user{i}", "wrong").status_code == 422
    UserFactory(username="user10")
    refused = _post(client, "user10", PASSWORD)
    assert refused.status_code == 429
    assert not Token.objects.exists()


def test_account_throttle_counts_every_address(client: Client) -> None:
    """Guesses at one account from many addresses: ten per minute, then even the right
    password from a fresh address waits."""
    UserFactory(username="victim")
    answers = [
        _post(client, "victim", f"guess-{i}", REMOTE_ADDR=f"198.51.100.{i}").status_code
        for i in range(10)
    ]
    assert answers == [422] * 10
    refused = _post(client, "victim", PASSWORD, REMOTE_ADDR="203.0.113.50")
    assert refused.status_code == 429
    assert not Token.objects.exists()
    # Other accounts are unaffected.
    UserFactory(username="bystander")
    assert _post(client, "bystander", PASSWORD, REMOTE_ADDR="203.0.113.50").status_code == 200


@pytest.mark.usefixtures("no_rate_throttles")
def test_lockout_is_per_account_and_address(client: Client) -> None:
    """With the rate throttles out of the way, django-axes still locks victim out of this
    address after LOGIN_FAILURE_LIMIT failures, and only victim and only here."""
    UserFactory(username="victim")
    UserFactory(username="colleague")
    answers = [_post(client, "victim", "wrong").status_code for _ in range(10)]
    assert answers == [422] * 9 + [429]
    locked = _post(client, "victim", PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["detail"].startswith("Too many failed sign-ins for this account")
    assert _post(client, "colleague", PASSWORD).status_code == 200
    assert _post(client, "victim", PASSWORD, REMOTE_ADDR="203.0.113.8").status_code == 200
    assert set(Token.objects.values_list("user__username", flat=True)) == {"colleague", "victim"}


def test_a_successful_token_sign_in_forgets_earlier_failures(client: Client) -> None:
    user = UserFactory(username="forgetful")
    for _ in range(5):
        assert _post(client, "forgetful", "wrong").status_code == 422
    assert AccessAttempt.objects.get(username="forgetful").failures_since_start == 5
    ok = _post(client, "forgetful", PASSWORD)
    assert ok.status_code == 200
    assert not AccessAttempt.objects.filter(username="forgetful").exists()
    user.refresh_from_db()
    assert user.last_login is not None
