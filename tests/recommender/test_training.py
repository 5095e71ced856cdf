"""Training and suggesting on a generated project (PostgreSQL; tasks run in-process)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from coding.models import AuditEntry, CodebookVersion, OutboxItem, RecommenderModel
from coding.recommender_selectors import current_model, recommender_status
from coding.recommender_suggestions import machine_events
from coding.services.codebooks import codebook_version_create
from coding.services.outbox_drain import outbox_drain
from coding.services.recommender import recommender_settings_update, recommender_train_request
from tests.recommender.scene import Generated, add_validated, generated_project

# The shared scene validates 40 articles through the services: minutes on a crowded machine.
pytestmark = [pytest.mark.django_db, pytest.mark.timeout(1200)]


@pytest.fixture(scope="module")
def shared(django_db_setup: None, django_db_blocker: Any) -> Iterator[Generated]:
    """Built once for the module (40 validated articles); each test runs in a savepoint
    inside it, so what a test writes is gone before the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        made = generated_project()
        add_validated(made, 40, seed=1)
        yield made
        transaction.set_rollback(True)


@pytest.fixture
def scene(shared: Generated, db: None) -> Generated:
    shared.articles = shared.articles[:40]
    return shared


def client(user) -> APIClient:  # type: ignore[no-untyped-def]
    api = APIClient()
    api.force_authenticate(user)
    return api


_capture = None


@pytest.fixture(autouse=True)
def _on_commit(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    global _capture
    _capture = django_capture_on_commit_callbacks
    yield
    _capture = None


def drain() -> None:
    """Do the due outbox work and what it sends after its commits (tasks run in-process:
    the test's transaction never commits, so the callbacks are run here)."""
    assert _capture is not None
    with _capture(execute=True):
        outbox_drain()


def trained(scene: Generated, seed: int = 0, **changes: object) -> RecommenderModel:
    if changes:
        recommender_settings_update(project=scene.project, actor=scene.supervisor, changes=changes)
    model = recommender_train_request(project=scene.project, actor=scene.supervisor, seed=seed)
    drain()
    model.refresh_from_db()
    return model


def test_train_action_trains_a_model_with_its_digest_seed_and_figures(scene: Generated) -> None:
    api = client(scene.supervisor)
    response = api.post(
        f"/api/v1/projects/{scene.project.pk}/recommender/train/", {"seed": 7}, format="json"
    )
    assert response.status_code == 202, response.json()
    assert response.json()["number"] == 1
    drain()  # eager in tests: the hand-over runs the training task in-process
    body = api.get(f"/api/v1/projects/{scene.project.pk}/recommender/").json()
    assert body["status"] == "ready"
    assert body["current"] == 1
    model = body["models"][0]
    assert model["status"] == "ready"
    assert model["seed"] == 7
    assert model["articles"] == 40
    assert len(model["training_digest"]) == 64
    assert len(model["model_sha256"]) == 64
    assert model["usable"] is True
    labels = {row["label"]: row for row in model["report"]["labels"]}
    assert labels["ATTACK"]["trained"] is True
    assert labels["ATTACK"]["gold_events"] >= 20
    assert 0.5 <= model["report"]["precision"] <= 1.0
    assert 0.5 <= model["report"]["recall"] <= 1.0
    assert AuditEntry.objects.filter(action="recommender.trained", target_id=model["id"]).exists()


def test_same_gold_and_seed_give_the_same_model(scene: Generated) -> None:
    first = trained(scene)
    second = trained(scene)
    assert second.number == 2
    assert second.training_digest == first.training_digest
    assert second.model_sha256 == first.model_sha256
    third = trained(scene, seed=3)
    assert third.training_digest != first.training_digest  # the seed is part of it


def test_too_little_data_means_no_suggestions_for_that_type_and_a_message(scene: Generated) -> None:
    model = trained(scene, min_events=25)
    labels = {row["label"]: row for row in model.report["labels"]}
    short = [label for label, row in labels.items() if row["gold_events"] < 25]
    assert short, labels
    for label in short:
        assert labels[label]["trained"] is False
        assert (
            labels[label]["message"]
            == f"{labels[label]['gold_events']} validated events, 25 needed: no suggestions"
        )
    assert "too little data" in model.report["message"]
    for article in scene.articles[:10]:
        for event in machine_events(model, article):
            assert event.event_type not in short
            assert event.event_subtype not in short


def test_nothing_to_learn_gives_a_ready_model_that_suggests_nothing() -> None:
    scene = generated_project(slug="empty")
    model = trained(scene)
    assert model.status == "ready"
    assert model.report["message"] == "no validated events to learn from (0 validated articles)"
    assert recommender_status(scene.project) == ("ready", model.report["message"])


def test_suggestions_prefill_dictionary_fields_and_a_trigger(scene: Generated) -> None:
    model = trained(scene)
    found = [e for a in scene.articles for e in machine_events(model, a)]
    assert found
    attacks = [e for e in found if e.event_type == "ATTACK"]
    assert attacks
    assert any(role == "trigger" for e in attacks for role, _, _ in e.spans)
    with_place = [e for e in found if "location" in e.values]
    assert with_place
    assert all(e.values["location"] == {"id": scene.location.pk} for e in with_place)
    for article in scene.articles:
        for e in machine_events(model, article):
            assert 0 <= e.sentence[0] < e.sentence[1] <= len(article.text)
            assert 0.0 <= e.confidence <= 1.0
            for _, start, end in e.spans:
                assert e.sentence[0] <= start < end <= e.sentence[1]


def test_a_model_of_another_codebook_version_is_not_used(scene: Generated) -> None:
    model = trained(scene)
    version = CodebookVersion.objects.get(pk=scene.project.codebook_version_id)
    newer = codebook_version_create(spec=_respec(version), publish=True)
    scene.project.codebook_version = newer
    scene.project.save(update_fields=["codebook_version"])
    assert current_model(scene.project) is None
    status, message = recommender_status(scene.project)
    assert status == "stale"
    assert "another codebook version" in message
    body = client(scene.supervisor).get(f"/api/v1/projects/{scene.project.pk}/recommender/").json()
    assert body["current"] is None
    assert body["models"][0]["number"] == model.number
    assert body["models"][0]["usable"] is False


def _respec(version: CodebookVersion):  # type: ignore[no-untyped-def]
    from coding.codebook_spec import parse_codebook

    spec = parse_codebook(version.spec)
    from dataclasses import replace

    return replace(spec, version=None)


def test_turned_off_refuses_training_and_changes_nothing(scene: Generated) -> None:
    api = client(scene.supervisor)
    url = f"/api/v1/projects/{scene.project.pk}/recommender/"
    assert api.patch(url, {"enabled": False}, format="json").status_code == 200
    before = (RecommenderModel.objects.count(), OutboxItem.objects.count())
    response = api.post(url + "train/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "recommender_off"
    assert (RecommenderModel.objects.count(), OutboxItem.objects.count()) == before
    assert api.get(url).json()["status"] == "off"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"threshold": 1.5}, "threshold"),
        ({"min_events": 0}, "min_events"),
        ({"hidden_from": [999999]}, "hidden_from"),
        ({"enabled": "maybe"}, "enabled"),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(
    scene: Generated, body: dict, field: str
) -> None:  # type: ignore[type-arg]
    api = client(scene.supervisor)
    url = f"/api/v1/projects/{scene.project.pk}/recommender/"
    before = api.get(url).json()["settings"]
    response = api.patch(url, body, format="json")
    assert response.status_code in {400, 422}
    assert field in str(response.json())
    assert api.get(url).json()["settings"] == before


def test_enough_new_gold_retrains_automatically(scene: Generated) -> None:
    first = trained(scene, retrain_after=5)
    add_validated(scene, 4, seed=2)
    _drain_all()
    assert RecommenderModel.objects.filter(project=scene.project).count() == 1
    add_validated(scene, 1, seed=3)
    _drain_all()
    models = list(RecommenderModel.objects.filter(project=scene.project).order_by("number"))
    assert [m.number for m in models] == [first.number, first.number + 1]
    assert models[1].reason == "auto"
    assert models[1].status == "ready"
    assert models[1].articles == 45


def _drain_all() -> None:
    from django.utils import timezone

    OutboxItem.objects.update(available_at=timezone.now())
    drain()
