from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.world import ARTICLE_TEXT, World, complete_event, span


def code_and_submit(world: World, assignment, coder, events, capture) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    client = world.client(coder)
    created = []
    for body in events:
        response = client.post(f"/api/v1/assignments/{assignment.pk}/events/", body, format="json")
        assert response.status_code == 201, response.json()
        created.append(response.json())
    with capture(execute=True):
        assert client.post(f"/api/v1/assignments/{assignment.pk}/submit/").status_code == 200
    return created


@pytest.fixture
def disputed(world: World, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """coder_a: the attack (5 dead) and a truce; coder_b: the attack with 7 dead."""
    cache.clear()
    truce = {
        "event_type": "TRUCE",
        "values": dict(complete_event(world)["values"])
        | {  # type: ignore[arg-type]
            "fatalities": None
        },
        "spans": [span(ARTICLE_TEXT, "أعلنت", "trigger")],
    }
    other = complete_event(world)
    other["values"] = dict(other["values"]) | {"fatalities": 7}  # type: ignore[arg-type]
    world.events_a = code_and_submit(  # type: ignore[attr-defined]
        world,
        world.assignment_a,
        world.coder_a,
        [complete_event(world), truce],
        django_capture_on_commit_callbacks,
    )
    world.events_b = code_and_submit(  # type: ignore[attr-defined]
        world, world.assignment_b, world.coder_b, [other], django_capture_on_commit_callbacks
    )
    return world
