"""Who may do what with the machine coder: every route × method × actor with the exact
status (same form and rules as test_permission_matrix.py: reads and refusals change nothing,
an allowed write changes something; session writes need the CSRF token).

Supervisors, admins and researchers read the recommender's status, versions and figures;
only supervisors and admins change its settings or train it. Coders get 403 there; a coder
reads the machine's suggestions for their own assignment only (another coder's: 404).
Non-members: 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from coding.models import (
    Assignment,
    CodedEvent,
    OutboxItem,
    RecommenderModel,
    RecommenderSettings,
    User,
)
from coding.services.projects import membership_set
from tests.api.test_permission_matrix import route_key, snapshot
from tests.factories import UserFactory
from tests.world import World

READ = {
    "anonymous": 401,
    "coder": 403,
    "other_coder": 403,
    "supervisor": 200,
    "researcher": 200,
    "admin": 200,
    "outsider": 404,
    "superuser": 200,
    "ex_coder": 404,
}
MANAGE = {**READ, "researcher": 403}
OWN_ASSIGNMENT = {
    "anonymous": 401,
    "coder": 200,
    "other_coder": 404,
    "supervisor": 200,
    "researcher": 404,
    "admin": 200,
    "outsider": 404,
    "superuser": 200,
    "ex_coder": 404,
}


def _rows(method: str, endpoint: str, answers: dict[str, int], ok: int = 200) -> list[Any]:
    return [
        (method, endpoint, actor, ok if status == 200 else status)
        for actor, status in answers.items()
    ]


# fmt: off
RECOMMENDER_MATRIX: list[tuple[str, str, str, int]] = [
    *_rows("GET",   "projects/{p}/recommender/",                 READ),
    ("GET",         "projects/{q}/recommender/",                 "supervisor", 404),
    ("GET",         "projects/{q}/recommender/",                 "outsider",   403),
    *_rows("PATCH", "projects/{p}/recommender/",                 MANAGE),
    ("PATCH",       "projects/{q}/recommender/",                 "admin",      404),
    *_rows("POST",  "projects/{p}/recommender/train/",           MANAGE, 202),
    ("POST",        "projects/{q}/recommender/train/",           "supervisor", 404),
    *_rows("GET",   "projects/{p}/recommender/origins/",         MANAGE),
    ("GET",         "projects/{q}/recommender/origins/",         "supervisor", 404),
    *_rows("GET",   "assignments/{a}/machine-suggestions/",      OWN_ASSIGNMENT),
    ("GET",         "assignments/{a_q}/machine-suggestions/",    "coder",      404),
    ("GET",         "assignments/{a_q}/machine-suggestions/",    "supervisor", 404),
    # Accepting needs a ready model and a suggestion: that path is in
    # tests/recommender/test_accept.py; here, with no model, the coder gets 409, nothing written.
    *_rows("POST",  "assignments/{a}/machine-suggestions/accept/", {
        **OWN_ASSIGNMENT, "coder": 409, "supervisor": 403, "admin": 403, "superuser": 403}),
    ("POST",        "assignments/{a_q}/machine-suggestions/accept/", "coder",   404),
]
# fmt: on


def recommender_snapshot() -> dict[str, list[tuple[Any, ...]]]:
    return {
        **snapshot(),
        "recommender_model": list(
            RecommenderModel.objects.order_by("pk").values_list("pk", "status", "number")
        ),
        "recommender_settings": list(
            RecommenderSettings.objects.order_by("pk").values_list(
                "pk", "enabled", "min_events", "threshold"
            )
        ),
        "outbox": list(OutboxItem.objects.order_by("pk").values_list("pk", "kind", "key")),
        "origin": list(
            CodedEvent.objects.order_by("pk").values_list("pk", "suggested_by_id", "suggestion_key")
        ),
    }


REQUESTS: dict[tuple[str, str], Callable[[World], dict[str, Any]]] = {
    ("PATCH", "projects/#/recommender/"): lambda w: {"data": {"enabled": False}},
    ("POST", "projects/#/recommender/train/"): lambda w: {"data": {"seed": 1}},
    ("POST", "assignments/#/machine-suggestions/accept/"): lambda w: {"data": {"key": "m1:0:X"}},
}


def _users(world: World) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "coder": world.coder_a,
        "other_coder": world.coder_b,
        "supervisor": world.supervisor,
        "researcher": world.researcher,
        "admin": world.admin,
        "outsider": world.outsider,
        "superuser": UserFactory(username="root", is_superuser=True, is_staff=True),
        "ex_coder": world.coder_a,
    }


def _ids(world: World) -> dict[str, int]:
    return {
        "p": world.project.pk,
        "q": world.other_project.pk,
        "a": world.assignment_a.pk,
        "a_b": world.assignment_b.pk,
        "a_q": Assignment.objects.get(project=world.other_project).pk,
    }


def _request(world: World, method: str, endpoint: str) -> tuple[str, dict[str, Any]]:
    build = REQUESTS.get((method, route_key(endpoint)))
    request = build(world) if build else {}
    if method != "GET":
        request.setdefault("format", "json")
    return "/api/v1/" + endpoint.format(**_ids(world)), request


def _row_id(row: tuple[str, str, str, int]) -> str:
    method, endpoint, actor, expected = row
    return f"{method} {endpoint} as {actor} -> {expected}"


@pytest.mark.parametrize(
    ("method", "endpoint", "actor", "expected"),
    RECOMMENDER_MATRIX,
    ids=map(_row_id, RECOMMENDER_MATRIX),
)
def test_recommender_permission_matrix(
    world: World, method: str, endpoint: str, actor: str, expected: int
) -> None:
    users = _users(world)
    if actor == "ex_coder":
        membership_set(project=world.project, user=world.coder_a, role="coder", is_active=False)
    before = recommender_snapshot()
    client = APIClient()
    user = users[actor]
    if user is not None:
        client.force_authenticate(user)
    url, request = _request(world, method, endpoint)
    response = getattr(client, method.lower())(url, **request)
    assert response.status_code == expected, response.content[:500]
    after = recommender_snapshot()
    if method == "GET" or expected >= 400:
        assert after == before
    else:
        assert after != before, "an allowed write changed nothing"
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"
    if expected >= 400:
        assert set(response.json()) >= {"detail"}


WRITES = sorted(
    {
        (method, endpoint, actor)
        for method, endpoint, actor, expected in RECOMMENDER_MATRIX
        if method != "GET" and 200 <= expected < 300
    }
)


@pytest.mark.parametrize(("method", "endpoint", "actor"), WRITES, ids=[" ".join(w) for w in WRITES])
def test_session_writes_need_the_csrf_token(
    world: World, method: str, endpoint: str, actor: str
) -> None:
    user = _users(world)[actor]
    assert user is not None
    url, request = _request(world, method, endpoint)
    refused = APIClient(enforce_csrf_checks=True)
    refused.force_login(user)
    before = recommender_snapshot()
    response = getattr(refused, method.lower())(url, **request)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed")
    assert recommender_snapshot() == before
    csrf = "a" * 32
    refused.cookies["csrftoken"] = csrf
    response = getattr(refused, method.lower())(url, headers={"X-CSRFToken": csrf}, **request)
    assert response.status_code < 300, response.content[:300]
    assert recommender_snapshot() != before
