"""A real Celery worker trains the machine coder of a generated project: the train action
commits a queued model and an outbox row; the drain (sent on commit) hands it to the worker,
which trains it from the committed gold and stores it; the API then reports it ready."""

from __future__ import annotations

import time

import pytest
from rest_framework.test import APIClient

from coding.models import RecommenderModel
from tests.recommender.scene import add_validated, generated_project

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(1200)]


def test_a_real_worker_trains_the_model(celery_worker_process) -> None:  # type: ignore[no-untyped-def]
    scene = generated_project(slug="wk")
    add_validated(scene, 24, seed=5)
    api = APIClient()
    api.force_authenticate(scene.supervisor)
    url = f"/api/v1/projects/{scene.project.pk}/recommender/"
    response = api.post(url + "train/", {"seed": 11}, format="json")
    assert response.status_code == 202, response.json()
    model_id = response.json()["id"]
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        status = RecommenderModel.objects.values_list("status", flat=True).get(pk=model_id)
        if status in {"ready", "failed"}:
            break
        time.sleep(0.5)
    model = RecommenderModel.objects.get(pk=model_id)
    assert model.status == "ready", model.error
    assert model.articles == 24
    assert model.seed == 11
    assert model.lease_token == ""
    body = api.get(url).json()
    assert body["status"] == "ready"
    assert body["models"][0]["model_sha256"] == model.model_sha256
    labels = {row["label"]: row["trained"] for row in body["models"][0]["report"]["labels"]}
    assert labels["ATTACK"] is True
