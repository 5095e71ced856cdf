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

# The shared scene validates 24 articles through the services: minutes on a crowded machine.
pytestmark = [pytest.mark.django_db, pytest.mark.timeout(1200)]


@pytest.fixture(scope="module")
def shared(django_db_setup: None, django_db_blocker: Any) -> Iterator[Generated]:
    with django_db_blocker.unblock(), transaction.atomic():
        made = generated_project(slug="acc")
        add_validated(made, 24, seed=1)
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


def test_measured_like_a_coder_on_gold_validated_after_training(scene: Generated) -> None:
    from coding.services.adjudication import (
        adjudication_open,
        adjudication_validate,
        decision_add,
        decision_reject,
        undecided_clusters,
    )
    from coding.services.events import EventInput, SpanInput, event_create
    from coding.services.recommender_measure import recommender_evaluate
    from tests.factories import AssignmentFactory

    shown, hidden = scene.coders
    recommender_settings_update(
        project=scene.project, actor=scene.supervisor, changes={"hidden_from": [hidden.pk]}
    )
    mine = coder_article(scene, shown, seed=7)
    theirs = AssignmentFactory(article=mine.article, coder=hidden)
    url = f"/api/v1/assignments/{mine.pk}/machine-suggestions/"
    # The attack the gold below also has (which sentence the model ranks first depends on the
    # articles its hash split kept for training, i.e. on their ids).
    suggestions = api(shown).get(url).json()["suggestions"]
    first = next(s for s in suggestions if s["event_type"] == "ATTACK")
    assert api(shown).post(url + "accept/", {"key": first["key"]}, format="json").status_code == 201
    text = mine.article.text
    start = text.index("فجر")
    event_create(
        assignment=theirs,
        actor=hidden,
        data=EventInput(
            event_type="ATTACK",
            event_subtype="DRONE_STRIKE",
            values={},
            spans=[SpanInput("trigger", start, start + 3, "فجر")],
        ),
    )
    # Submitted as they are (the mini codebook requires a date neither coder gave; the
    # checklist is not what this test is about).
    from django.utils import timezone

    from coding.models import Assignment

    Assignment.objects.filter(pk__in=[mine.pk, theirs.pk]).update(
        status="submitted", submitted_at=timezone.now()
    )
    adjudication = adjudication_open(article_id=mine.article_id)
    for word, subtype in (("هاجم", "ARMED_ASSAULT"), ("فجر", "DRONE_STRIKE")):
        at = text.index(word)
        decision_add(
            adjudication=adjudication,
            actor=scene.supervisor,
            data=EventInput(
                event_type="ATTACK",
                event_subtype=subtype,
                values={
                    "actor1": {"id": scene.actor.pk},
                    "location": {"id": scene.location.pk},
                    "event_date": {"start": "2022-06-12"},
                },
                spans=[SpanInput("trigger", at, at + len(word), word)],
            ),
        )
    for cluster in undecided_clusters(adjudication):  # the coders' events: gold was typed
        decision_reject(
            adjudication=adjudication,
            actor=scene.supervisor,
            cluster_key=cluster,
            reason="typed as gold instead",
        )
    adjudication.refresh_from_db()
    adjudication_validate(
        adjudication=adjudication, actor=scene.supervisor, expected_version=adjudication.version
    )
    model = RecommenderModel.objects.get(project=scene.project, number=1)
    measured = recommender_evaluate(model_id=model.pk)
    assert measured is not None
    evaluation = measured.evaluation
    assert evaluation["articles"] == 1  # the training articles are never measured on
    vs_gold = evaluation["machine_vs_gold"]
    assert vs_gold["articles"] == 1
    assert vs_gold["detection"]["true_positives"] >= 1
    assert 0 < vs_gold["detection"]["f1"] <= 1
    fields = {row["field"]: row for row in vs_gold["fields"]}
    assert fields["event_type"]["n_pairable"] >= 1
    assert [c["coder"] for c in evaluation["machine_vs_coders"]] == sorted([shown.pk, hidden.pk])
    anchoring = evaluation["anchoring"]
    assert anchoring["coder_events"] == 2
    assert anchoring["suggested"]["events"] == 1
    assert anchoring["own"]["events"] == 1
    assert anchoring["suggested_share"] == 0.5
    assert anchoring["suggested"]["matched_gold"] == 1
    assert anchoring["control"]["hidden_coders"] == [hidden.pk]
    assert anchoring["control"]["hidden"]["articles"] == 1
    assert anchoring["control"]["shown"]["articles"] == 1
    # shown on the recommender's API, in the model's own figures
    body = api(scene.supervisor).get(f"/api/v1/projects/{scene.project.pk}/recommender/").json()
    assert body["models"][0]["evaluation"]["machine_vs_gold"] == vs_gold
