"""The supervisors' review list of names coders proposed (GET projects/<id>/proposed-names/)."""

from __future__ import annotations

from typing import Any

import pytest

from coding.models import Actor, ActorAlias, AuditEntry, CodedEvent, Location
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
    with django_assert_max_num_queries(14):
        body = world.client(world.supervisor).get(_url(world)).json()["results"]

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
    assert world.client(world.supervisor).get(_url(world)).json()["results"] == []
    assert world.client(world.coder_a).get(_url(world)).status_code == 403
    assert world.client(world.outsider).get(_url(world)).status_code == 404


def test_events_with_entries_only_propose_nothing(world: World) -> None:
    response = world.client(world.coder_a).post(
        f"/api/v1/assignments/{world.assignment_a.pk}/events/", complete_event(world), format="json"
    )
    assert response.status_code == 201
    assert CodedEvent.objects.count() == 1
    assert world.client(world.supervisor).get(_url(world)).json()["count"] == 0


# ---- resolving a proposal ------------------------------------------------------------------


def _resolve_url(world: World) -> str:
    return f"/api/v1/projects/{world.project.pk}/proposed-names/resolve/"


def _two_coders_propose(world: World, capture: Any) -> int:
    """coder_a proposes "Dozo" and submits (frozen); coder_b proposes "DOZO" (open) and the
    place "قرية ديالاسوغو". Returns coder_b's event id."""
    code_and_submit(
        world,
        world.assignment_a,
        world.coder_a,
        [_event(world, {"name": "Dozo"}, {"id": world.location.pk})],
        capture,
    )
    response = world.client(world.coder_b).post(
        f"/api/v1/assignments/{world.assignment_b.pk}/events/",
        _event(world, {"name": "DOZO"}, {"name": "قرية ديالاسوغو"}),
        format="json",
    )
    assert response.status_code == 201, response.json()
    event_id: int = response.json()["id"]
    return event_id


def _state() -> tuple[Any, ...]:
    return (
        list(CodedEvent.objects.order_by("pk").values_list("values", "version", "location_id")),
        Actor.objects.count(),
        Location.objects.count(),
        sorted(ActorAlias.objects.values_list("text", flat=True)),
        AuditEntry.objects.count(),
    )


def test_merging_a_proposal_adds_aliases_and_rewrites_only_open_events(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    open_id = _two_coders_propose(world, django_capture_on_commit_callbacks)
    audits = AuditEntry.objects.count()
    response = world.client(world.supervisor).post(
        _resolve_url(world),
        {"kind": "actor", "name": "dozo", "entry_id": world.actor.pk},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "kind": "actor",
        "entry_id": world.actor.pk,
        "created": False,
        "aliases_added": 2,
        "events_rewritten": 1,
        "frozen_events": 1,
    }
    assert set(ActorAlias.objects.filter(actor=world.actor).values_list("text", flat=True)) >= {
        "Dozo",
        "DOZO",
    }
    rewritten = CodedEvent.objects.get(pk=open_id)
    assert rewritten.values["actor1"] == {"id": world.actor.pk}
    assert rewritten.version == 2
    frozen = CodedEvent.objects.get(assignment=world.assignment_a)
    assert frozen.values["actor1"] == {"name": "Dozo"}
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)[audits:])
    assert actions == ["event.update", "dictionary.proposal_merge"]
    # resolved: off the review list; listed as linked, with the frozen use only
    listed = world.client(world.supervisor).get(_url(world)).json()["results"]
    assert [p["kind"] for p in listed] == ["location"]
    linked = world.client(world.supervisor).get(_url(world) + "?status=linked").json()["results"]
    (dozo,) = linked
    assert (dozo["events"], dozo["open_events"]) == (1, 0)
    assert dozo["linked_entry"] == {"id": world.actor.pk, "name": world.actor.name}


def test_creating_an_entry_from_a_proposed_place_sets_the_events_location(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    open_id = _two_coders_propose(world, django_capture_on_commit_callbacks)
    response = world.client(world.supervisor).post(
        _resolve_url(world),
        {
            "kind": "location",
            "name": "قرية ديالاسوغو",
            "new_entry": {
                "name": "Diallassagou",
                "country": "ml",
                "latitude": 14.1,
                "longitude": -3.6,
            },
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["created"], body["events_rewritten"], body["frozen_events"]) == (True, 1, 0)
    place = Location.objects.get(pk=body["entry_id"])
    assert (place.name, place.country, place.status, place.latitude) == (
        "Diallassagou",
        "ML",
        "proposed",
        14.1,
    )
    assert place.proposed_by == world.coder_b
    event = CodedEvent.objects.get(pk=open_id)
    assert event.values["location"] == {"id": place.pk}
    assert event.location_id == place.pk  # the typed column follows


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"kind": "actor", "name": "Dozo"}, 422),  # neither target
        ({"kind": "actor", "name": "Dozo", "entry_id": 1, "new_entry": {"name": "X"}}, 422),
        ({"kind": "actor", "name": "Dozo", "entry_id": 987654}, 404),  # no such entry
        ({"kind": "actor", "name": "Nobody proposed this", "entry_id": 0}, 404),
        ({"kind": "event", "name": "Dozo", "entry_id": 1}, 422),
        ({"kind": "actor", "name": "  ", "entry_id": 1}, 422),
        (
            {
                "kind": "location",
                "name": "قرية ديالاسوغو",
                "new_entry": {"name": "D", "latitude": 95, "longitude": 0},
            },
            422,
        ),
        (
            {
                "kind": "location",
                "name": "قرية ديالاسوغو",
                "new_entry": {"name": "D", "latitude": 14},
            },
            422,
        ),
        ({"kind": "actor", "name": "Dozo", "new_entry": {"name": "D", "actor_type": 9}}, 422),
    ],
)
def test_refused_resolutions_change_nothing(
    world: World, django_capture_on_commit_callbacks: Any, body: dict[str, Any], status: int
) -> None:
    _two_coders_propose(world, django_capture_on_commit_callbacks)
    before = _state()
    response = world.client(world.supervisor).post(_resolve_url(world), body, format="json")
    assert response.status_code == status, response.json()
    assert "message" in response.json() or "detail" in response.json()
    assert _state() == before


def test_coders_cannot_resolve(world: World, django_capture_on_commit_callbacks: Any) -> None:
    _two_coders_propose(world, django_capture_on_commit_callbacks)
    before = _state()
    body = {"kind": "actor", "name": "Dozo", "entry_id": world.actor.pk}
    assert (
        world.client(world.coder_b).post(_resolve_url(world), body, format="json").status_code
        == 403
    )
    assert _state() == before
