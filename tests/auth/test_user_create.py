"""POST /users/ applies AUTH_PASSWORD_VALIDATORS; a refused password creates nothing."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from coding.models import AuditEntry, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_api() -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        ("password12", ["password_too_common"]),
        ("4815162342", ["password_too_common", "password_entirely_numeric"]),
        ("maryam.haddad", ["password_too_similar"]),
    ],
)
def test_a_weak_password_is_refused_and_nothing_is_created(
    admin_api: APIClient, password: str, codes: list[str]
) -> None:
    before = list(User.objects.order_by("pk").values_list("pk", "username", "password"))
    response = admin_api.post(
        "/api/v1/users/",
        {"username": "maryam.haddad", "email": "maryam.haddad@example.org", "password": password},
        format="json",
    )
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["detail"]) == ("invalid", "the password is too weak")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("password", c) for c in codes]
    assert all(e["message"] for e in body["errors"])
    assert list(User.objects.order_by("pk").values_list("pk", "username", "password")) == before
    assert not AuditEntry.objects.filter(action="user.create").exists()


def test_a_strong_password_creates_the_user(admin_api: APIClient) -> None:
    response = admin_api.post(
        "/api/v1/users/",
        {"username": "maryam.haddad", "display_name": "Maryam", "password": "Qasr-al-Hayr-1932"},
        format="json",
    )
    assert response.status_code == 201
    user = User.objects.get(username="maryam.haddad")
    assert response.json()["id"] == user.pk
    assert "password" not in response.json()
    assert user.display_name == "Maryam"
    assert user.check_password("Qasr-al-Hayr-1932")
    assert AuditEntry.objects.get(action="user.create").target_id == user.pk
