"""What a coder can and cannot learn from event ids (issue 13, item 16; accepted risk).

Event ids come from one site-wide sequence and stay the public ids (docs/api.md, "Ids").
So the gap between two of a coder's own ids counts the events created meanwhile, anywhere
on the site. This pins that this count is all they learn: another coder's event, at any
id, answers every request exactly as an id that never existed does, and nothing a coder can
list or read names it.
"""

from __future__ import annotations

from typing import Any

import pytest

from coding.models import CodedEvent
from tests.api.conftest import World, complete_event

pytestmark = pytest.mark.django_db


def _create(world: World, coder: str) -> int:
    assignment = getattr(world, f"assignment_{coder}")
    client = world.client(getattr(world, f"coder_{coder}"))
    response = client.post(
        f"/api/v1/assignments/{assignment.pk}/events/", complete_event(world), format="json"
    )
    assert response.status_code == 201, response.json()
    return int(response.json()["id"])


def _answers(world: World, event_id: int) -> list[tuple[int, Any]]:
    """Every event request coder A can make about ``event_id``."""
    client = world.client(world.coder_a)
    url = f"/api/v1/events/{event_id}/"
    body = {**complete_event(world), "version": 1}
    answers = [
        client.get(url),
        client.put(url, body, format="json"),
        client.delete(url, HTTP_IF_MATCH='"v1"'),
    ]
    return [
        (r.status_code, r.json(), {k: v for k, v in r.items() if k not in ("Content-Length",)})
        for r in answers
    ]


def test_the_gap_counts_others_events_and_reveals_nothing_else(world: World) -> None:
    first = _create(world, "a")
    others = [_create(world, "b"), _create(world, "b")]  # same article, the other coder
    second = _create(world, "a")

    # What coder A can learn: two events were created between theirs, somewhere.
    assert second - first == 3
    assert others == [first + 1, first + 2]

    # What they cannot: whether those ids exist, whose they are, where, or anything in them.
    never = CodedEvent.objects.order_by("-pk").values_list("pk", flat=True)[0] + 100
    nowhere = _answers(world, never)
    assert [status for status, _, _ in nowhere] == [404, 404, 404]
    before = list(CodedEvent.objects.order_by("pk").values_list("pk", "version", "values"))
    for other in others:
        assert _answers(world, other) == nowhere
    assert list(CodedEvent.objects.order_by("pk").values_list("pk", "version", "values")) == (
        before
    )
    mine = world.client(world.coder_a).get(f"/api/v1/assignments/{world.assignment_a.pk}/events/")
    assert [event["id"] for event in mine.json()] == [first, second]
    queue = world.client(world.coder_a).get("/api/v1/me/assignments/").json()["results"]
    assert [(row["id"], row["n_events"]) for row in queue] == [(world.assignment_a.pk, 2)]
