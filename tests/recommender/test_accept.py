"""Suggestions on a coder's assignment and accepting one (PostgreSQL; tasks in-process).

Nothing is the coder's work until they accept: reading suggestions writes nothing; an
accepted suggestion becomes the coder's own event (through the event service), marked with
the model, the confidence and the key; refusals change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from coding.models import AuditEntry, CodedEvent, RecommenderModel
from coding.services.outbox_drain import outbox_drain
from coding.services.recommender import recommender_settings_update, recommender_train_request
from tests.recommender.scene import Generated, add_validated, coder_article, generated_project

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shared(django_db_setup: None, django_db_blocker: Any) -> Iterator[Generated]:
    with django_db_blocker.unblock(), transaction.atomic():
        made = generated_project(slug="acc")
        add_validated(made, 40, seed=1)
        recommender_settings_update(
            project=made.project, actor=made.supervisor, changes={"min_events": 5}
        )
        model = recommender_train_request(project=made.project, actor=made.supervisor)
        from coding.services.recommender import recommender_train

        outbox_drain()  # hands it over (the task's send waits for a commit that never comes)
        recommender_train(model_id=model.pk)
        yield made
        transaction.set_rollback(True)


@pytest.fixture
def scene(shared: Generated, db: None) -> Generated:
    return shared


def api(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def events_snapshot() -> list[tuple[Any, ...]]:
    return list(
        CodedEvent.objects.order_by("pk").values_list(
            "pk", "assignment_id", "suggested_by_id", "suggestion_key", "version"
        )
    )


def test_reading_suggestions_writes_nothing(scene: Generated) -> None:
    coder = scene.coders[0]
    assignment = coder_article(scene, coder)
    before = events_snapshot()
    body = api(coder).get(f"/api/v1/assignments/{assignment.pk}/machine-suggestions/").json()
    assert body["status"] == "ready"
    assert body["model"] == 1
    types = [s["event_type"] for s in body["suggestions"]]
    assert "ATTACK" in types
    first = body["suggestions"][0]
    assert 0 < first["confidence"] <= 1
    text = assignment.article.text
    for span in first["spans"]:
        assert span["quote"] == text[span["start"] : span["end"]]
    assert events_snapshot() == before


def test_accepting_makes_it_the_coders_own_event_marked_as_suggested(scene: Generated) -> None:
    coder = scene.coders[0]
    assignment = coder_article(scene, coder, seed=2)
    url = f"/api/v1/assignments/{assignment.pk}/machine-suggestions/"
    first = api(coder).get(url).json()["suggestions"][0]
    response = api(coder).post(url + "accept/", {"key": first["key"]}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["event_type"] == first["event_type"]
    assert body["version"] == 1
    event = CodedEvent.objects.get(pk=body["id"])
    assert event.assignment_id == assignment.pk
    assert event.layer == "coder"
    assert event.created_by_id == coder.pk
    assert event.suggested_by == RecommenderModel.objects.get(project=scene.project, number=1)
    assert event.suggestion_confidence == first["confidence"]
    assert event.suggestion_key == first["key"]
    assert AuditEntry.objects.filter(action="recommender.accept", target_id=event.pk).exists()
    # it is no longer suggested, and accepting it again is refused without a change
    keys = [s["key"] for s in api(coder).get(url).json()["suggestions"]]
    assert first["key"] not in keys
    before = events_snapshot()
    again = api(coder).post(url + "accept/", {"key": first["key"]}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "suggestion_accepted"
    assert events_snapshot() == before
    # editable like any other event of the coder
    edited = api(coder).put(
        f"/api/v1/events/{event.pk}/",
        {"event_type": "TRUCE", "values": {}, "spans": [], "version": 1},
        format="json",
    )
    assert edited.status_code == 200, edited.json()
    event.refresh_from_db()
    assert event.suggestion_key == first["key"]  # it still began from the suggestion
    # supervisors see where it came from
    origins = api(scene.supervisor).get(
        f"/api/v1/projects/{scene.project.pk}/recommender/origins/?article={assignment.article_id}"
    )
    assert origins.json() == [
        {
            "event": event.pk,
            "article": assignment.article_id,
            "assignment": assignment.pk,
            "coder": coder.pk,
            "model": 1,
            "confidence": first["confidence"],
            "key": first["key"],
        }
    ]


@pytest.mark.parametrize("key", ["m1:0:NOPE", "m9:0:ATTACK", ""])
def test_an_unknown_key_is_refused_and_changes_nothing(scene: Generated, key: str) -> None:
    coder = scene.coders[0]
    assignment = coder_article(scene, coder, seed=3)
    before = events_snapshot()
    response = api(coder).post(
        f"/api/v1/assignments/{assignment.pk}/machine-suggestions/accept/",
        {"key": key},
        format="json",
    )
    assert response.status_code in {404, 422}
    assert events_snapshot() == before


def test_the_control_group_sees_nothing_and_cannot_accept(scene: Generated) -> None:
    hidden, shown = scene.coders
    recommender_settings_update(
        project=scene.project, actor=scene.supervisor, changes={"hidden_from": [hidden.pk]}
    )
    mine = coder_article(scene, hidden, seed=4)
    theirs = coder_article(scene, shown, seed=5)
    body = api(hidden).get(f"/api/v1/assignments/{mine.pk}/machine-suggestions/").json()
    off = {"status": "off", "message": "the machine coder is turned off for this project"}
    assert body == {**off, "model": None, "suggestions": []}
    assert (
        api(shown)
        .get(f"/api/v1/assignments/{theirs.pk}/machine-suggestions/")
        .json()["suggestions"]
    )
    before = events_snapshot()
    response = api(hidden).post(
        f"/api/v1/assignments/{mine.pk}/machine-suggestions/accept/",
        {"key": "m1:0:ATTACK"},
        format="json",
    )
    assert response.status_code == 409
    assert events_snapshot() == before


def test_a_supervisor_reads_a_coders_suggestions_but_cannot_accept(scene: Generated) -> None:
    assignment = coder_article(scene, scene.coders[0], seed=6)
    url = f"/api/v1/assignments/{assignment.pk}/machine-suggestions/"
    first = api(scene.supervisor).get(url).json()["suggestions"][0]
    before = events_snapshot()
    response = api(scene.supervisor).post(url + "accept/", {"key": first["key"]}, format="json")
    assert response.status_code == 403
    assert events_snapshot() == before
