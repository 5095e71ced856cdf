"""Access follows the current role: a coder made researcher (or supervisor) stops coding
their assignments at once, in every read and write path of the coder layer."""

from __future__ import annotations

from typing import Any

import pytest

from coding.models import Assignment, CodedEvent, EvidenceSpan
from coding.services.projects import membership_set
from tests.world import World, complete_event

pytestmark = pytest.mark.django_db


def _state(world: World) -> list[tuple[Any, ...]]:
    """Every row a coder's write could change."""
    return [
        *Assignment.objects.filter(project=world.project).values_list("pk", "status", "version"),
        *CodedEvent.objects.filter(article=world.article).values_list("pk", "version", "values"),
        *EvidenceSpan.objects.values_list("pk", "start", "end"),
    ]


def _coded(world: World) -> int:
    client = world.client(world.coder_a)
    response = client.post(
        f"/api/v1/assignments/{world.assignment_a.pk}/events/", complete_event(world), format="json"
    )
    assert response.status_code == 201
    return int(response.json()["id"])


def _calls(world: World, event_id: int) -> list[tuple[str, str, dict[str, Any]]]:
    a = world.assignment_a.pk
    return [
        ("get", f"/api/v1/assignments/{a}/", {}),
        ("get", f"/api/v1/assignments/{a}/events/", {}),
        ("post", f"/api/v1/assignments/{a}/events/", complete_event(world)),
        ("get", f"/api/v1/events/{event_id}/", {}),
        ("put", f"/api/v1/events/{event_id}/", complete_event(world) | {"version": 1}),
        ("delete", f"/api/v1/events/{event_id}/?version=1", {}),
        ("post", f"/api/v1/assignments/{a}/submit/", {}),
        ("get", f"/api/v1/assignments/{a}/adjudicated/", {}),
    ]


def test_a_coder_made_researcher_loses_their_assignments(world: World) -> None:
    event_id = _coded(world)
    membership_set(project=world.project, user=world.coder_a, role="researcher")
    before = _state(world)
    client = world.client(world.coder_a)

    for method, url, body in _calls(world, event_id):
        response = getattr(client, method)(url, body, format="json")
        expected = (
            "event not found"
            if "/events/" in url and "assignments" not in url
            else ("assignment not found")
        )
        assert (response.status_code, response.json()["detail"]) == (404, expected), url
    assert client.get("/api/v1/me/assignments/").json()["results"] == []
    assert client.get(f"/api/v1/projects/{world.project.pk}/assignments/").status_code == 403
    assert _state(world) == before

    # Made coder again, they find their work where they left it.
    membership_set(project=world.project, user=world.coder_a, role="coder")
    assert client.get(f"/api/v1/events/{event_id}/").status_code == 200
    assert [a["id"] for a in client.get("/api/v1/me/assignments/").json()["results"]] == [
        world.assignment_a.pk
    ]


def test_a_coder_made_supervisor_reads_their_assignment_but_no_longer_codes_it(
    world: World,
) -> None:
    event_id = _coded(world)
    membership_set(project=world.project, user=world.coder_a, role="supervisor")
    before = _state(world)
    client = world.client(world.coder_a)
    a = world.assignment_a.pk

    assert client.get(f"/api/v1/assignments/{a}/").status_code == 200
    denied = "only the assigned coder may change this assignment's events"
    for method, url, body in [
        ("post", f"/api/v1/assignments/{a}/events/", complete_event(world)),
        ("put", f"/api/v1/events/{event_id}/", complete_event(world) | {"version": 1}),
        ("delete", f"/api/v1/events/{event_id}/?version=1", {}),
    ]:
        response = getattr(client, method)(url, body, format="json")
        assert (response.status_code, response.json()["detail"]) == (403, denied), url
    assert client.get("/api/v1/me/assignments/").json()["results"] == []
    assert _state(world) == before
