"""api.authentication.TokenAuthentication answers exactly as DRF's, in one query."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api.authentication import TokenAuthentication
from tests.api.conftest import World, complete_event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _answer(auth: Any, key: str) -> Any:
    try:
        user, token = auth.authenticate_credentials(key)
    except exceptions.AuthenticationFailed as exc:
        return "failed", str(exc.detail)
    return user.pk, user.username, user.is_active, user.is_superuser, token.pk, token.user_id


def test_same_answers_as_drf(django_assert_num_queries: Any) -> None:
    active, inactive = UserFactory(), UserFactory(is_active=False)
    keys = [Token.objects.create(user=u).key for u in (active, inactive)] + ["0" * 40, ""]
    for key in keys:
        with django_assert_num_queries(1):
            ours = _answer(TokenAuthentication(), key)
        assert ours == _answer(authentication.TokenAuthentication(), key)
    assert _answer(TokenAuthentication(), keys[0])[0] == active.pk
    assert _answer(TokenAuthentication(), keys[1]) == ("failed", "User inactive or deleted.")
    assert _answer(TokenAuthentication(), keys[2]) == ("failed", "Invalid token.")


def test_the_user_is_a_complete_user(world: World) -> None:
    key = Token.objects.create(user=world.coder_a).key
    user, token = TokenAuthentication().authenticate_credentials(key)
    assert user == world.coder_a
    assert (user.username, user.email, user.password) == (
        world.coder_a.username,
        world.coder_a.email,
        world.coder_a.password,
    )
    assert token.user is user
    assert token.created is not None


def test_event_endpoints_over_a_token(world: World) -> None:
    url = f"/api/v1/assignments/{world.assignment_a.pk}/events/"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + Token.objects.create(user=world.coder_a).key)
    created = client.post(url, complete_event(world), format="json")
    assert created.status_code == 201
    assert client.get(f"/api/v1/events/{created.json()['id']}/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token " + "f" * 40)
    refused = client.post(url, complete_event(world), format="json")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Token"
    assert refused.json()["detail"] == "Invalid token."


def test_every_api_view_authenticates_tokens_with_the_one_query_class() -> None:
    from rest_framework.settings import api_settings

    from api.views.events import AssignmentEventsView
    from api.views.exports import ExportView

    assert api_settings.DEFAULT_AUTHENTICATION_CLASSES[0] is TokenAuthentication
    for view in (AssignmentEventsView, ExportView):
        assert view.authentication_classes[0] is TokenAuthentication
