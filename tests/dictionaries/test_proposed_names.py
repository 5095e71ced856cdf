"""The supervisors' review list of names coders proposed (GET projects/<id>/proposed-names/)."""

from __future__ import annotations

from typing import Any

import pytest

from coding.models import Actor, AuditEntry, CodedEvent, Location
from tests.api.conftest import World
from tests.factories import ActorAliasFactory
from tests.world import code_and_submit, complete_event

pytestmark = pytest.mark.django_db


def _event(world: World, actor1: dict[str, Any], location: dict[str, Any]) -> dict[str, Any]:
    body = complete_event(world)
    body["values"] = dict(body["values"]) | {"actor1": actor1, "location": location}  # type: ignore[arg-type]
    return body


def _url(world: World) -> str:
    return f"/api/v1/projects/{world.project.pk}/proposed-names/"


def test_proposals_are_grouped_by_spelling_counted_and_matched_to_entries(
    world: World, django_capture_on_commit_callbacks: Any, django_assert_max_num_queries: Any
) -> None:
    ActorAliasFactory(actor=world.actor, text="Dozo hunters militia")
    code_and_submit(
        world,
        world.assignment_a,
        world.coder_a,
        [_event(world, {"name": "Dozo"}, {"name": "قرية ديالاسوغو"})],
        django_capture_on_commit_callbacks,
    )
    client_b = world.client(world.coder_b)
    response = client_b.post(
        f"/api/v1/assignments/{world.assignment_b.pk}/events/",
        _event(world, {"name": "DOZO"}, {"id": world.location.pk}),
        format="json",
    )
    assert response.status_code == 201, response.json()
    before = (Actor.objects.count(), Location.objects.count(), AuditEntry.objects.count())

    # events, the codebook version, then one dictionary search per proposal
    with django_assert_max_num_queries(12):
        body = world.client(world.supervisor).get(_url(world)).json()

    dozo = next(p for p in body if p["kind"] == "actor")
    assert dozo["spellings"] in (["Dozo", "DOZO"], ["DOZO", "Dozo"])
    assert (dozo["events"], dozo["open_events"], dozo["fields"]) == (2, 1, ["actor1"])
    assert [c["id"] for c in dozo["candidates"]] == [world.actor.pk]  # through its alias
    assert dozo["candidates"][0]["name"] == world.actor.name
    village = next(p for p in body if p["kind"] == "location")
    assert (village["name"], village["events"], village["open_events"]) == (
        "قرية ديالاسوغو",
        1,
        0,  # coder_a submitted: no longer open
    )
    assert [p["kind"] for p in body] == ["actor", "location"]  # most used first
    # a read: nothing changed
    assert (Actor.objects.count(), Location.objects.count(), AuditEntry.objects.count()) == before


def test_only_managers_of_the_project_see_the_list(world: World) -> None:
    assert world.client(world.supervisor).get(_url(world)).json() == []
    assert world.client(world.coder_a).get(_url(world)).status_code == 403
    assert world.client(world.outsider).get(_url(world)).status_code == 404


def test_events_with_entries_only_propose_nothing(world: World) -> None:
    response = world.client(world.coder_a).post(
        f"/api/v1/assignments/{world.assignment_a.pk}/events/", complete_event(world), format="json"
    )
    assert response.status_code == 201
    assert CodedEvent.objects.count() == 1
    assert world.client(world.supervisor).get(_url(world)).json() == []
