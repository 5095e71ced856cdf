"""The coded article shared by the agreement service tests."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from coding.models import AgreementRun
from tests.world import ARTICLE_TEXT, World, complete_event, span


def _code_and_submit(world: World, assignment, coder, events, capture) -> None:  # type: ignore[no-untyped-def]
    client = world.client(coder)
    for body in events:
        response = client.post(f"/api/v1/assignments/{assignment.pk}/events/", body, format="json")
        assert response.status_code == 201, response.json()
    with capture(execute=True):
        assert client.post(f"/api/v1/assignments/{assignment.pk}/submit/").status_code == 200


@pytest.fixture
def coded(world: World, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """coder_a codes the attack (5 dead) and a truce; coder_b the attack with 7 dead."""
    cache.clear()
    truce = {
        "event_type": "TRUCE",
        "values": complete_event(world)["values"] | {"fatalities": None},
        "spans": [span(ARTICLE_TEXT, "أعلنت", "trigger")],
    }
    other = complete_event(world)
    other["values"] = dict(other["values"]) | {"fatalities": 7}  # type: ignore[arg-type]
    _code_and_submit(
        world,
        world.assignment_a,
        world.coder_a,
        [complete_event(world), truce],
        django_capture_on_commit_callbacks,
    )
    assert not AgreementRun.objects.exists()  # coder_b has not submitted yet
    _code_and_submit(
        world, world.assignment_b, world.coder_b, [other], django_capture_on_commit_callbacks
    )
    return world
