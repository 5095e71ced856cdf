"""POST /api/v1/projects/{id}/duplicate-candidates/find/: a supervisor (or project admin)
queues a whole-project candidate pass (202, one outbox row, one audit row); anyone else is
refused with the API's error shape and nothing is recorded."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from coding.models import AuditEntry, OutboxItem, User
from tests.world import World

pytestmark = pytest.mark.django_db


def _url(project_id: int) -> str:
    return f"/api/v1/projects/{project_id}/duplicate-candidates/find/"


def _client(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def _recorded() -> tuple[list[tuple[str, str, dict]], list[str]]:  # type: ignore[type-arg]
    outbox = list(OutboxItem.objects.order_by("id").values_list("kind", "key", "payload"))
    audit = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    return outbox, audit


@pytest.mark.parametrize("who", ["supervisor", "admin"])
def test_a_manager_queues_a_whole_project_pass(world: World, who: str) -> None:
    OutboxItem.objects.all().delete()
    response = _client(getattr(world, who)).post(_url(world.project.pk))
    assert response.status_code == 202
    assert response.json() == {"project_id": world.project.pk, "status": "queued"}
    outbox = list(OutboxItem.objects.values_list("kind", "key", "payload"))
    assert outbox == [
        (
            "dedup_project",
            f"project:{world.project.pk}",
            {"project_id": world.project.pk, "after": None},
        )
    ]
    entry = AuditEntry.objects.get(action="duplicate_candidates.find")
    assert entry.actor_id == getattr(world, who).pk
    assert entry.project_id == world.project.pk


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("coder_a", 403, "permission_denied"),
        ("researcher", 403, "permission_denied"),
        ("outsider", 404, "not_found"),
        (None, 401, "not_authenticated"),
    ],
)
def test_anyone_else_is_refused_and_nothing_is_recorded(
    world: World, who: str | None, status: int, code: str
) -> None:
    before = _recorded()
    user = getattr(world, who) if who else None
    response = _client(user).post(_url(world.project.pk))
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert body["detail"]
    assert _recorded() == before


def test_an_unknown_project_is_not_found_and_nothing_is_recorded(world: World) -> None:
    before = _recorded()
    response = _client(world.supervisor).post(_url(world.project.pk + 1000))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert _recorded() == before


def test_get_is_not_allowed(world: World) -> None:
    before = _recorded()
    response = _client(world.supervisor).get(_url(world.project.pk))
    assert response.status_code == 405
    assert _recorded() == before
