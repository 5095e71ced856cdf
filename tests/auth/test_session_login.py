"""The sign-in form and /admin/login/ lock out one account from one address (django-axes),
never the address: a colleague behind the same address still signs in."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"


def _sign_in(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post("/login/", {"username": username, "password": password}, **extra)


def test_lockout_keeps_the_attacker_out_but_not_a_colleague_behind_the_same_address() -> None:
    """The reproduction: ten failures on one account used to make every sign-in from that
    address answer 429 (behind a proxy: everyone's)."""
    UserFactory(username="victim")
    UserFactory(username="colleague")
    attacker = Client()
    answers = [_sign_in(attacker, "victim", f"guess-{i}").status_code for i in range(10)]
    assert answers == [200] * 9 + [429]
    locked = _sign_in(attacker, "victim", PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-ins for this account" in locked.content.decode()
    assert "_auth_user_id" not in attacker.session

    colleague = Client()  # same address (127.0.0.1), another account
    signed_in = _sign_in(colleague, "colleague", PASSWORD)
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/"
    assert colleague.get("/").status_code == 200

    elsewhere = Client(REMOTE_ADDR="203.0.113.5")  # the victim, from their own address
    assert _sign_in(elsewhere, "victim", PASSWORD).status_code == 302
    assert list(AccessAttempt.objects.values_list("username", "ip_address")) == [
        ("victim", "127.0.0.1")
    ]


def test_forwarded_for_does_not_choose_the_address_without_a_trusted_proxy() -> None:
    UserFactory(username="victim")
    client = Client()
    answers = [
        _sign_in(client, "victim", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code
        for i in range(12)
    ]
    assert answers == [200] * 9 + [429] * 3
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["127.0.0.1"]


def test_admin_login_is_locked_out_after_repeated_failures() -> None:
    """The reproduction: 40 wrong superuser passwords at /admin/login/, then the right one,
    used to answer 302 into the admin."""
    UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    answers = [
        client.post(
            "/admin/login/?next=/admin/", {"username": "root", "password": f"guess-{i}"}
        ).status_code
        for i in range(40)
    ]
    assert answers == [200] * 9 + [429] * 31
    right = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD})
    assert right.status_code == 429
    assert int(right["Retry-After"]) == 15 * 60
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still signed out
    # The failures made while locked out were not counted (they do not extend the lockout).
    assert AccessAttempt.objects.get(username="root").failures_since_start == 10


def test_a_successful_sign_in_forgets_earlier_failures() -> None:
    UserFactory(username="forgetful")
    client = Client()
    for _ in range(5):
        assert _sign_in(client, "forgetful", "wrong").status_code == 200
    assert _sign_in(client, "forgetful", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="forgetful").exists()
