"""A proposed name resolved after its article was validated: the frozen gold keeps the typed
name, and every export shows the entry (CSV from stored lines or rendered, JSONL, GeoJSON,
incremental sync). Also the review list's pages and its resolved names."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.contrib.admin.sites import site
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from coding.export_streams import current_epoch
from coding.models import (
    Actor,
    AuditEntry,
    CodedEvent,
    DatasetEvent,
    Location,
    OutboxItem,
    ProposalLink,
)
from coding.services.export_rows import csv_rows_refresh
from tests.exports.test_export_api import _adjudicate, _body, _export
from tests.factories import ActorFactory
from tests.world import World, code_and_submit, complete_event

pytestmark = pytest.mark.django_db

PROPOSED_ACTOR = "كتيبة ماسينا"
PROPOSED_PLACE = "قرية ديالاسوغو"


def _list_url(world: World, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/api/v1/projects/{world.project.pk}/proposed-names/" + (f"?{query}" if query else "")


def _resolve(world: World, body: dict[str, Any]) -> dict[str, Any]:
    response = world.client(world.supervisor).post(
        f"/api/v1/projects/{world.project.pk}/proposed-names/resolve/", body, format="json"
    )
    assert response.status_code == 200, response.json()
    result: dict[str, Any] = response.json()
    return result


def _validated_with_proposals(world: World, capture: Any) -> CodedEvent:
    """Both coders code the attack by a proposed actor (spelt with harakat by coder_b) at a
    proposed place; the article is adjudicated and validated. Returns the gold event."""
    event = complete_event(world)
    base = dict(event["values"])  # type: ignore[call-overload]
    event["values"] = base | {
        "actor1": {"name": PROPOSED_ACTOR},
        "location": {"name": PROPOSED_PLACE},
    }
    world.events_a = code_and_submit(  # type: ignore[attr-defined]
        world, world.assignment_a, world.coder_a, [event], capture
    )
    event_b = dict(event)
    event_b["values"] = dict(event["values"]) | {"actor1": {"name": "كَتِيبَة ماسينا"}}  # type: ignore[call-overload]
    world.events_b = code_and_submit(  # type: ignore[attr-defined]
        world, world.assignment_b, world.coder_b, [event_b], capture
    )
    _adjudicate(world)
    gold = CodedEvent.objects.get(layer=CodedEvent.Layer.GOLD, article=world.article)
    assert gold.values["actor1"] == {"name": PROPOSED_ACTOR}
    assert gold.location_id is None
    return gold


def test_exports_show_the_entry_a_frozen_proposal_was_resolved_into(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    gold = _validated_with_proposals(world, django_capture_on_commit_callbacks)
    first = _export(world, format="jsonl")
    since = first["X-Athar-As-Of"]
    (before,) = [json.loads(line) for line in _body(first).splitlines()]
    assert before["actors"]["actor1"] == [{"id": None, "name": PROPOSED_ACTOR, "proposed": True}]
    assert before["places"]["location"] == [{"id": None, "name": PROPOSED_PLACE, "proposed": True}]
    assert before["location"] is None
    assert _body(_export(world, format="jsonl", validated_since=since)) == ""
    csv_rows_refresh(project=world.project)
    epoch = current_epoch()

    with django_capture_on_commit_callbacks(execute=True):
        done = _resolve(
            world, {"kind": "actor", "name": PROPOSED_ACTOR, "entry_id": world.actor.pk}
        )
        place = _resolve(
            world,
            {
                "kind": "location",
                "name": PROPOSED_PLACE,
                "new_entry": {
                    "name": "Diallassagou",
                    "country": "ML",
                    "latitude": 14.1,
                    "longitude": -3.6,
                },
            },
        )
    assert (done["events_rewritten"], done["frozen_events"]) == (0, 3)  # 2 coders + gold
    assert current_epoch() > epoch  # every stored line is stale
    gold.refresh_from_db()
    assert gold.values["actor1"] == {"name": PROPOSED_ACTOR}  # frozen gold keeps the name
    assert gold.location_id is None

    (row,) = csv.DictReader(io.StringIO(_body(_export(world))))
    assert row["actor1"] == world.actor.name
    assert row["location"] == "Diallassagou"
    (record,) = [json.loads(line) for line in _body(_export(world, format="jsonl")).splitlines()]
    assert [a["id"] for a in record["actors"]["actor1"]] == [world.actor.pk]
    assert record["places"]["location"][0]["id"] == place["entry_id"]
    assert record["location"]["name"] == "Diallassagou"
    assert record["values"]["actor1"] == {"id": world.actor.pk}
    geo = json.loads(_body(_export(world, format="geojson")))
    assert geo["features"][0]["geometry"]["coordinates"] == [-3.6, 14.1]
    # an incremental sync sends the event again, with the entry
    (resent,) = [
        json.loads(line)
        for line in _body(_export(world, format="jsonl", validated_since=since)).splitlines()
    ]
    assert resent["event_id"] == gold.pk
    assert resent["actors"]["actor1"][0]["id"] == world.actor.pk
    # stored again in the background, the lines are the rendered ones
    assert csv_rows_refresh(project=world.project) == 0  # the outbox already stored them
    (stored,) = csv.DictReader(io.StringIO(_body(_export(world))))
    assert stored == row


def test_resolving_again_moves_the_link_and_unlinked_names_stay_proposed(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _validated_with_proposals(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        _resolve(world, {"kind": "actor", "name": PROPOSED_ACTOR, "entry_id": world.actor.pk})
    other = ActorFactory(name="Katiba Macina")
    with django_capture_on_commit_callbacks(execute=True):
        _resolve(world, {"kind": "actor", "name": "كتيبه ماسينا", "entry_id": other.pk})
    link = ProposalLink.objects.get(project=world.project, kind="actor")
    assert link.actor_id == other.pk
    (row,) = csv.DictReader(io.StringIO(_body(_export(world))))
    assert row["actor1"] == "Katiba Macina"
    assert row["location"] == PROPOSED_PLACE  # never resolved: still the typed name
    assert ProposalLink.objects.count() == 1


def test_deleting_the_entry_drops_the_link_and_the_export_shows_the_name_again(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _validated_with_proposals(world, django_capture_on_commit_callbacks)
    entry = ActorFactory(name="Katiba Macina")
    with django_capture_on_commit_callbacks(execute=True):
        _resolve(world, {"kind": "actor", "name": PROPOSED_ACTOR, "entry_id": entry.pk})
    Actor.objects.filter(pk=entry.pk).delete()
    assert not ProposalLink.objects.exists()
    (row,) = csv.DictReader(io.StringIO(_body(_export(world))))
    assert row["actor1"] == PROPOSED_ACTOR


def test_the_sync_resends_only_dataset_events_of_frozen_gold_carrying_the_name(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    gold = _validated_with_proposals(world, django_capture_on_commit_callbacks)
    changed = dict(DatasetEvent.objects.values_list("id", "changed_at"))
    assert list(changed) == [gold.pk]
    with django_capture_on_commit_callbacks(execute=True):
        _resolve(world, {"kind": "actor", "name": PROPOSED_ACTOR, "entry_id": world.actor.pk})
    assert DatasetEvent.objects.get(pk=gold.pk).changed_at > changed[gold.pk]
    assert OutboxItem.objects.filter(kind="csv_rows").count() == 0  # drained on commit


def test_the_review_list_pages_and_lists_resolved_names_apart(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    events = []
    for n in range(23):
        event = complete_event(world)
        event["values"] = dict(event["values"]) | {"actor1": {"name": f"Groupe {n:02d}"}}  # type: ignore[call-overload]
        events.append(event)
    code_and_submit(
        world, world.assignment_a, world.coder_a, events, django_capture_on_commit_callbacks
    )
    sup = world.client(world.supervisor)
    first = sup.get(_list_url(world)).json()
    assert (first["count"], len(first["results"]), first["previous"]) == (23, 20, None)
    second = sup.get(first["next"]).json()
    assert len(second["results"]) == 3
    names = [p["name"] for p in first["results"] + second["results"]]
    assert sorted(names) == [f"Groupe {n:02d}" for n in range(23)]
    assert all(p["linked_entry"] is None for p in first["results"])

    with django_capture_on_commit_callbacks(execute=True):
        _resolve(world, {"kind": "actor", "name": "Groupe 07", "entry_id": world.actor.pk})
    assert sup.get(_list_url(world)).json()["count"] == 22
    linked = sup.get(_list_url(world, status="linked")).json()["results"]
    assert [(p["name"], p["linked_entry"]) for p in linked] == [
        ("Groupe 07", {"id": world.actor.pk, "name": world.actor.name})
    ]
    assert sup.get(_list_url(world, status="all")).json()["count"] == 23


def test_a_bad_status_is_refused_and_changes_nothing(world: World) -> None:
    before = (ProposalLink.objects.count(), AuditEntry.objects.count())
    response = world.client(world.supervisor).get(_list_url(world, status="closed"))
    assert response.status_code in (400, 422)
    assert "status" in json.dumps(response.json())
    assert (ProposalLink.objects.count(), AuditEntry.objects.count()) == before


def test_postgresql_refuses_a_link_to_an_entry_of_the_other_kind(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalLink.objects.create(
            project=world.project, kind="actor", key="x", name="x", location=world.location
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalLink.objects.create(
            project=world.project, kind="location", key="", name="", location=world.location
        )
    assert not ProposalLink.objects.exists()
    assert Location.objects.filter(pk=world.location.pk).exists()


def test_admin_shows_links_read_only(world: World) -> None:
    admin = site._registry[ProposalLink]
    request = RequestFactory().get("/admin/")
    request.user = world.supervisor
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)
