"""The lean write path of event creation: one query for access and row lock, one for both
dictionaries, one statement for event + spans + audit row, and a response built from what
was written. Each shortcut must answer exactly as the long way did."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from coding.access import (
    access_assignment,
    access_assignment_for_write,
    access_coder_event,
    access_coder_event_for_write,
)
from coding.errors import Conflict, NotFound
from coding.models import (
    Actor,
    Assignment,
    AuditEntry,
    CodedEvent,
    EvidenceSpan,
    Location,
    Membership,
)
from coding.services.events import EventInput, SpanInput, event_create_locked
from coding.services.workflow import assignment_submit
from tests.access_answers import access_answer, every_kind_of_user
from tests.api.conftest import World, complete_event

pytestmark = pytest.mark.django_db


def _url(world: World) -> str:
    return f"/api/v1/assignments/{world.assignment_a.pk}/events/"


def _state() -> tuple[Any, ...]:
    return (
        list(CodedEvent.objects.values_list("id", "version")),
        list(EvidenceSpan.objects.values_list("id", "event_id")),
        AuditEntry.objects.count(),
        list(Assignment.objects.order_by("id").values_list("id", "status", "started_at")),
    )


# --- The response: built from what was written, identical to reading it back -----------------


def test_created_body_is_byte_for_byte_the_stored_event(world: World) -> None:
    body = complete_event(world)
    # Keys in an order jsonb does not keep (it orders keys by length, then bytes), and the
    # spans out of text order: the body must show both as stored and as read.
    body["values"] = {
        "fatalities": 5,
        "event_date": {"start": "2022-06-12", "end": "2022-06-13"},
        "location": {"id": world.location.pk},
        "actor1": {"id": world.actor.pk},
        "time_precision": "1",
    }
    body["spans"] = list(reversed(body["spans"]))  # type: ignore[call-overload]
    client = world.client(world.coder_a)
    created = client.post(_url(world), body, format="json")
    assert created.status_code == 201, created.json()
    read = client.get(f"/api/v1/events/{created.json()['id']}/")
    assert read.status_code == 200
    assert created.content == read.content
    assert created["ETag"] == read["ETag"] == '"v1"'
    data = created.json()
    assert list(data["values"]) == [
        "actor1",
        "location",
        "event_date",
        "fatalities",
        "time_precision",
    ]
    assert list(data["values"]["event_date"]) == ["end", "start"]
    assert [s["role"] for s in data["spans"]] == ["trigger", "actor1", "location", "date"]
    stored = list(EvidenceSpan.objects.filter(event_id=data["id"]).values_list("id", flat=True))
    assert [s["id"] for s in data["spans"]] == stored


def test_an_event_without_spans_or_references(world: World) -> None:
    client = world.client(world.coder_a)
    created = client.post(_url(world), {"event_type": "ATTACK"}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["spans"] == []
    assert created.json()["values"] == {}
    read = client.get(f"/api/v1/events/{created.json()['id']}/")
    assert created.content == read.content


def test_the_audit_row_is_the_one_audit_record_writes(world: World) -> None:
    response = world.client(world.coder_a).post(_url(world), complete_event(world), format="json")
    assert response.status_code == 201
    entry = AuditEntry.objects.get(action="event.create")
    assert (entry.actor_id, entry.project_id) == (world.coder_a.pk, world.project.pk)
    assert (entry.target_type, entry.target_id) == ("codedevent", response.json()["id"])
    assert entry.data == {"assignment": world.assignment_a.pk, "spans": 4}
    event = CodedEvent.objects.get(pk=response.json()["id"])
    assert event.created_by_id == world.coder_a.pk
    assert (event.layer, event.assignment_id, event.article_id) == (
        "coder",
        world.assignment_a.pk,
        world.article.pk,
    )
    assert event.codebook_version_id == world.project.codebook_version_id


# --- Query counts ------------------------------------------------------------------------------


def test_event_creation_query_count_is_pinned(world: World, django_assert_num_queries: Any) -> None:
    """Force-authenticated (a token adds its lookup). In a test the view's transaction is a
    savepoint: SAVEPOINT and RELEASE are counted. Then: access + row lock, both dictionaries,
    event + spans + audit in one statement, which also says whether the article is in the
    adjudication queue (its filter keys follow the coder events:
    coding.services.review_queue.review_queue_follow_coding); the first event also marks the
    assignment started."""
    # Warm the per-process codebook caches (a running server has them) on coder_b's side.
    warm = world.client(world.coder_b).post(
        f"/api/v1/assignments/{world.assignment_b.pk}/events/", complete_event(world), format="json"
    )
    assert warm.status_code == 201
    client = world.client(world.coder_a)
    with django_assert_num_queries(6):
        first = client.post(_url(world), complete_event(world), format="json")
    assert first.status_code == 201
    with django_assert_num_queries(5):
        second = client.post(_url(world), complete_event(world), format="json")
    assert second.status_code == 201
    with django_assert_num_queries(4):  # no references: no dictionary lookup
        third = client.post(_url(world), {"event_type": "ATTACK"}, format="json")
    assert third.status_code == 201


# --- Dictionary references, both kinds in one query -------------------------------------------


def test_unknown_references_of_both_kinds_are_reported_exactly(world: World) -> None:
    missing_actor = max(Actor.objects.values_list("id", flat=True)) + 1000
    missing_place = max(Location.objects.values_list("id", flat=True)) + 2000
    body = complete_event(world)
    body["values"]["actor1"] = {"id": missing_actor}  # type: ignore[index]
    body["values"]["location"] = {"id": missing_place}  # type: ignore[index]
    before = _state()
    response = world.client(world.coder_a).post(_url(world), body, format="json")
    assert response.status_code == 422
    assert [(e["field"], e["code"], e["message"]) for e in response.json()["errors"]] == [
        ("actor1", "unknown_reference", f"actor {missing_actor} does not exist"),
        ("location", "unknown_reference", f"location {missing_place} does not exist"),
    ]
    assert _state() == before


# --- access_assignment_for_write: the same answers as access_assignment(write=True) -----------


def test_for_write_answers_like_access_assignment(world: World) -> None:
    for user in every_kind_of_user(world):
        for assignment_id in (world.assignment_a.pk, 10**9):
            expected = access_answer(
                lambda u=user, a=assignment_id: access_assignment(u, a, write=True)
            )
            actual = access_answer(
                lambda u=user, a=assignment_id: access_assignment_for_write(u, a)
            )
            assert actual == expected, (user.username, assignment_id)
    assert access_answer(
        lambda: access_assignment_for_write(world.coder_a, world.assignment_a.pk)
    ) == (
        "ok",
        world.assignment_a.pk,
    )
    assert access_answer(
        lambda: access_assignment_for_write(world.supervisor, world.assignment_a.pk)
    )[0] == ("PermissionDenied")
    assert access_answer(lambda: access_assignment_for_write(world.coder_b, world.assignment_a.pk))[
        0
    ] == ("NotFound")


def test_for_write_deactivated_coder_gets_404_unless_superuser(world: World) -> None:
    Membership.objects.filter(project=world.project, user=world.coder_a).update(is_active=False)
    with pytest.raises(NotFound), transaction.atomic():
        access_assignment_for_write(world.coder_a, world.assignment_a.pk)
    world.coder_a.is_superuser = True
    world.coder_a.save()
    with transaction.atomic():
        assert access_assignment_for_write(world.coder_a, world.assignment_a.pk).pk == (
            world.assignment_a.pk
        )


def test_for_write_loads_what_the_service_needs_in_one_query(
    world: World, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1), transaction.atomic(savepoint=False):
        assignment = access_assignment_for_write(world.coder_a, world.assignment_a.pk)
        assert assignment.article.text == world.article.text
        assert (assignment.article.len_cp, assignment.article.len_u16) == (
            world.article.len_cp,
            world.article.len_u16,
        )
        assert assignment.project.codebook_version.is_published
        assert assignment.project.codebook_version_id == world.project.codebook_version_id
        assert (assignment.status, assignment.coder_id) == ("assigned", world.coder_a.pk)
    # The spec was left out of the query; it is still there on demand.
    assert assignment.project.codebook_version.spec == world.project.codebook_version.spec


def test_locked_service_refuses_a_submitted_assignment(
    world: World,
) -> None:
    data = EventInput(event_type="ATTACK")
    assignment_submit(assignment=world.assignment_a, actor=world.coder_a)
    before = _state()
    with transaction.atomic():
        locked = access_assignment_for_write(world.coder_a, world.assignment_a.pk)
        with pytest.raises(Conflict) as refused:
            event_create_locked(assignment=locked, actor=world.coder_a, data=data)
    assert refused.value.code == "assignment_submitted"
    assert _state() == before


def test_submitted_assignment_is_409_and_an_invalid_body_there_still_422(world: World) -> None:
    assignment_submit(assignment=world.assignment_a, actor=world.coder_a)
    client = world.client(world.coder_a)
    before = _state()
    assert client.post(_url(world), complete_event(world), format="json").status_code == 409
    # The body is validated before the status is checked, as before the lean path.
    assert client.post(_url(world), {"spans": "x"}, format="json").status_code == 422
    assert _state() == before


def test_refusals_write_nothing(world: World) -> None:
    before = _state()
    body = complete_event(world)
    assert world.client(world.coder_b).post(_url(world), body, format="json").status_code == 404
    assert world.client(world.supervisor).post(_url(world), body, format="json").status_code == 403
    Membership.objects.filter(project=world.project, user=world.coder_a).update(is_active=False)
    assert world.client(world.coder_a).post(_url(world), body, format="json").status_code == 404
    assert _state() == before


def test_service_with_spans_and_no_view(world: World) -> None:
    body = complete_event(world)
    with transaction.atomic():
        locked = access_assignment_for_write(world.coder_a, world.assignment_a.pk)
        created = event_create_locked(
            assignment=locked,
            actor=world.coder_a,
            data=EventInput(
                event_type="ATTACK",
                event_subtype="ARMED_ASSAULT",
                values=body["values"],  # type: ignore[arg-type]
                spans=[SpanInput(**s) for s in body["spans"]],  # type: ignore[arg-type,attr-defined]
            ),
        )
    stored = CodedEvent.objects.get(pk=created.event.pk)
    assert list(stored.spans.all()) == created.spans
    assert [(s.role, s.start, s.end, s.quote) for s in created.spans] == [
        (s.role, s.start, s.end, s.quote) for s in stored.spans.all()
    ]
    assert (stored.created_at, stored.updated_at) == (
        created.event.created_at,
        created.event.updated_at,
    )
    world.assignment_a.refresh_from_db()
    assert world.assignment_a.status == "in_progress"


# --- The lock is really held -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_for_write_holds_the_assignment_row_lock_until_commit(world: World) -> None:
    locked = threading.Event()
    release = threading.Event()

    def holder() -> None:
        try:
            with transaction.atomic():
                access_assignment_for_write(world.coder_a, world.assignment_a.pk)
                locked.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert locked.wait(timeout=10)
        with pytest.raises(DatabaseError), transaction.atomic():
            Assignment.objects.select_for_update(nowait=True).get(pk=world.assignment_a.pk)
        # Other rows (coder_b's assignment, the article, the project) are not locked.
        with transaction.atomic():
            Assignment.objects.select_for_update(nowait=True).get(pk=world.assignment_b.pk)
    finally:
        release.set()
        thread.join(timeout=10)
    with transaction.atomic():
        Assignment.objects.select_for_update(nowait=True).get(pk=world.assignment_a.pk)


@pytest.mark.django_db(transaction=True)
def test_locked_service_refuses_to_run_outside_a_transaction(world: World) -> None:
    with transaction.atomic():
        assignment = access_assignment_for_write(world.coder_a, world.assignment_a.pk)
    before = _state()
    with pytest.raises(RuntimeError):
        event_create_locked(
            assignment=assignment, actor=world.coder_a, data=EventInput(event_type="ATTACK")
        )
    assert _state() == before


def test_prefetched_references_answer_exactly_even_for_ids_not_collected(
    world: World, django_assert_num_queries: Any
) -> None:
    from coding.codebook_runtime import version_spec
    from coding.services.events import _PrefetchedRefs

    spec = version_spec(world.project.codebook_version)
    with django_assert_num_queries(1):
        refs = _PrefetchedRefs(spec, {"actor1": {"id": world.actor.pk}, "location": [{"id": 1}]})
        assert refs("actor", {world.actor.pk}) == {world.actor.pk}
    missing = max(Location.objects.values_list("id", flat=True)) + 1
    with django_assert_num_queries(1):  # not collected up front: asked on its own
        assert refs("location", {world.location.pk, missing}) == {world.location.pk}
    with django_assert_num_queries(0):
        assert _PrefetchedRefs(spec, {"fatalities": 3, "actor1": {"name": "X"}}).known == {
            "actor": set(),
            "location": set(),
        }


# --- Update and delete: the same lock-and-access query, found through the event ---------------


def _created(world: World) -> dict[str, Any]:
    response = world.client(world.coder_a).post(_url(world), complete_event(world), format="json")
    assert response.status_code == 201
    return response.json()  # type: ignore[no-any-return]


def test_event_for_write_answers_like_access_coder_event(world: World) -> None:
    event_id = _created(world)["id"]
    for user in every_kind_of_user(world):
        for target in (event_id, 10**9):
            expected = access_answer(lambda u=user, e=target: access_coder_event(u, e, write=True))
            actual = access_answer(lambda u=user, e=target: access_coder_event_for_write(u, e))
            assert actual == expected, (user.username, target)
    with transaction.atomic():
        event = access_coder_event_for_write(world.coder_a, event_id)
        assert event.assignment is not None
        assert (event.pk, event.assignment.pk, event.article_id) == (
            event_id,
            world.assignment_a.pk,
            world.article.pk,
        )
        assert event.assignment.article.text == world.article.text
    Membership.objects.filter(project=world.project, user=world.coder_a).update(is_active=False)
    assert access_answer(lambda: access_coder_event_for_write(world.coder_a, event_id)) == (
        "NotFound",
        "event not found",
    )


def test_event_for_write_finds_coder_layer_events_only(world: World) -> None:
    from coding.services import adjudication as adjudicating
    from tests.api.review_scene import clusters, code_article, disputed_bodies

    mine, theirs = disputed_bodies(world)
    coded = code_article(world, world.article, mine, theirs)
    adjudication = adjudicating.adjudication_open(
        article_id=world.article.pk, actor=world.supervisor
    )
    matched, _ = clusters(world.article)
    decision = adjudicating.decision_accept(
        adjudication=adjudication,
        actor=world.supervisor,
        cluster_key=matched,
        event_id=coded.my_events[0].pk,
    )
    gold_id = decision.gold_event_id
    assert CodedEvent.objects.get(pk=gold_id).layer == "gold"
    for user in (world.coder_a, world.supervisor):
        assert access_answer(lambda u=user: access_coder_event_for_write(u, gold_id)) == (
            "NotFound",
            "event not found",
        )


def test_updated_body_is_byte_for_byte_the_stored_event(
    world: World, django_assert_num_queries: Any
) -> None:
    created = _created(world)
    client = world.client(world.coder_a)
    body = complete_event(world)
    body["values"]["fatalities"] = 9  # type: ignore[index]
    body["spans"] = list(reversed(body["spans"][:2]))  # type: ignore[index]
    body["version"] = 1
    url = f"/api/v1/events/{created['id']}/"
    # SAVEPOINT, access + lock, dictionaries, UPDATE, DELETE spans, INSERT spans, audit,
    # the event as stored, is the article queued (filter keys), RELEASE.
    with django_assert_num_queries(10):
        updated = client.put(url, body, format="json")
    assert updated.status_code == 200, updated.json()
    read = client.get(url)
    assert updated.content == read.content
    assert updated["ETag"] == read["ETag"] == '"v2"'
    assert [s["role"] for s in updated.json()["spans"]] == ["trigger", "actor1"]
    assert AuditEntry.objects.filter(action="event.update", target_id=created["id"]).count() == 1


def test_stale_or_refused_update_and_delete_change_nothing(world: World) -> None:
    created = _created(world)
    url = f"/api/v1/events/{created['id']}/"
    stale = {**complete_event(world), "version": 7}
    before = _state()
    assert world.client(world.coder_a).put(url, stale, format="json").status_code == 412
    assert world.client(world.coder_a).delete(url + "?version=7").status_code == 412
    current = {**complete_event(world), "version": 1}
    assert world.client(world.supervisor).put(url, current, format="json").status_code == 403
    assert world.client(world.supervisor).delete(url + "?version=1").status_code == 403
    assert world.client(world.coder_b).put(url, current, format="json").status_code == 404
    assert world.client(world.coder_b).delete(url + "?version=1").status_code == 404
    assignment_submit(assignment=world.assignment_a, actor=world.coder_a)
    before = _state()
    assert world.client(world.coder_a).put(url, current, format="json").status_code == 409
    assert world.client(world.coder_a).delete(url + "?version=1").status_code == 409
    assert _state() == before


def test_delete_query_count_is_pinned(world: World, django_assert_num_queries: Any) -> None:
    created = _created(world)
    client = world.client(world.coder_a)
    # SAVEPOINT, access + lock, the event FOR UPDATE, audit, then Django's delete collector
    # (comments, spans, decision sources, decisions' gold link, the event), is the article
    # queued (filter keys), RELEASE. Dataset-event reports and candidate pairs cascade in
    # PostgreSQL itself (migration 0016).
    with django_assert_num_queries(11):
        response = client.delete(f"/api/v1/events/{created['id']}/?version=1")
    assert response.status_code == 204
    assert not CodedEvent.objects.filter(pk=created["id"]).exists()
    assert AuditEntry.objects.filter(action="event.delete", target_id=created["id"]).count() == 1
