"""Users list and revoke their API tokens; a password change or a deactivation revokes them
(in PostgreSQL, so also through the admin); API_TOKEN_TTL_DAYS makes them expire."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api.authentication import TokenAuthentication
from coding.models import AuditEntry, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"


def _token_client(token: Token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_a_user_lists_their_own_tokens_only() -> None:
    me, other = UserFactory(), UserFactory()
    mine = Token.objects.create(user=me)
    Token.objects.create(user=other)
    listed = _token_client(mine).get("/api/v1/me/tokens/")
    assert listed.status_code == 200
    assert listed.json() == [
        {
            "id": mine.key[:8],
            "created": mine.created.isoformat().replace("+00:00", "Z"),
            "expires": None,
            "expired": False,
            "current": True,
        }
    ]
    session = APIClient()
    session.force_authenticate(other)
    assert [t["current"] for t in session.get("/api/v1/me/tokens/").json()] == [False]


def test_a_user_revokes_their_token_and_it_stops_working() -> None:
    me = UserFactory()
    token = Token.objects.create(user=me)
    client = _token_client(token)
    assert client.delete(f"/api/v1/me/tokens/{token.key[:8]}/").status_code == 204
    assert not Token.objects.filter(user=me).exists()
    entry = AuditEntry.objects.get(action="token.revoke")
    assert (entry.actor_id, entry.target_id, entry.data) == (me.pk, me.pk, {"token": token.key[:8]})
    refused = client.get("/api/v1/me/tokens/")
    assert refused.status_code == 401
    assert refused.json()["detail"] == "Invalid token."


@pytest.mark.parametrize("token_id", ["other", "short", "x" * 40])
def test_revoking_another_users_or_a_missing_token_is_404_and_changes_nothing(
    token_id: str,
) -> None:
    me, other = UserFactory(), UserFactory()
    theirs = Token.objects.create(user=other)
    ident = theirs.key[:8] if token_id == "other" else token_id
    client = APIClient()
    client.force_authenticate(me)
    before = list(Token.objects.values_list("key", "user_id"))
    response = client.delete(f"/api/v1/me/tokens/{ident}/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "no such token"}
    assert list(Token.objects.values_list("key", "user_id")) == before
    assert not AuditEntry.objects.filter(action="token.revoke").exists()


def test_token_endpoints_need_a_signed_in_user() -> None:
    client = APIClient()
    assert client.get("/api/v1/me/tokens/").status_code == 401
    assert client.delete("/api/v1/me/tokens/abcdefgh/").status_code == 401


def test_a_password_change_revokes_the_token() -> None:
    user = UserFactory()
    Token.objects.create(user=user)
    bystander = Token.objects.create(user=UserFactory())
    user.set_password("a-brand-new-passphrase")
    user.save()
    assert list(Token.objects.values_list("key", flat=True)) == [bystander.key]


def test_saving_other_fields_keeps_the_token() -> None:
    user = UserFactory()
    token = Token.objects.create(user=user)
    user.display_name = "Renamed"
    user.save()
    User.objects.filter(pk=user.pk).update(last_login=timezone.now(), is_active=True)
    assert list(Token.objects.values_list("key", flat=True)) == [token.key]


def test_deactivation_revokes_the_token_for_good() -> None:
    user = UserFactory()
    Token.objects.create(user=user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert not Token.objects.filter(user=user).exists()
    User.objects.filter(pk=user.pk).update(is_active=True)
    assert not Token.objects.filter(user=user).exists()  # reactivating brings nothing back


def test_a_password_set_in_the_admin_revokes_the_token() -> None:
    root = UserFactory(is_staff=True, is_superuser=True)
    user = UserFactory()
    Token.objects.create(user=user)
    client = Client()
    client.force_login(root)
    new = "Another-passphrase-41"
    response = client.post(
        f"/admin/coding/user/{user.pk}/password/",
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert not Token.objects.filter(user=user).exists()


def _age(token: Token, days: float) -> None:
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - dt.timedelta(days=days))


def test_tokens_never_expire_by_default() -> None:
    token = Token.objects.create(user=UserFactory())
    _age(token, 3650)
    assert _token_client(token).get("/api/v1/me/tokens/").status_code == 200


def test_an_expired_token_is_refused_in_the_same_single_query(
    settings: Any, django_assert_num_queries: Any
) -> None:
    settings.API_TOKEN_TTL_DAYS = 30
    fresh = Token.objects.create(user=UserFactory())
    old = Token.objects.create(user=UserFactory())
    _age(fresh, 29.9)
    _age(old, 30.1)
    with django_assert_num_queries(1):
        user, _token = TokenAuthentication().authenticate_credentials(fresh.key)
    assert user.pk == fresh.user_id
    refused = _token_client(old).get("/api/v1/me/tokens/")
    assert refused.status_code == 401
    assert refused.json()["detail"] == "Token has expired."
    listed = _token_client(fresh).get("/api/v1/me/tokens/").json()
    assert listed[0]["expired"] is False
    assert listed[0]["expires"] is not None


def test_signing_in_again_replaces_an_expired_token(settings: Any) -> None:
    settings.API_TOKEN_TTL_DAYS = 30
    user = UserFactory(username="script")
    old = Token.objects.create(user=user)
    _age(old, 31)

    def sign_in() -> str:
        response = APIClient().post(
            "/api/v1/auth/token/", {"username": "script", "password": PASSWORD}, format="json"
        )
        assert response.status_code == 200
        return str(response.json()["token"])

    new_key = sign_in()
    assert new_key != old.key
    assert list(Token.objects.filter(user=user).values_list("key", flat=True)) == [new_key]
    assert sign_in() == new_key  # a valid token is handed out again, not replaced
