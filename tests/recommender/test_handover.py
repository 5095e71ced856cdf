"""Handing a training to a worker: the watch re-sends a model whose worker's lease passed,
gives up after ATHAR_WORK_MAX_ATTEMPTS, leaves a live worker alone; a second delivery of the
training task changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from coding.models import OutboxItem, RecommenderModel
from coding.services.recommender import (
    recommender_hand_over,
    recommender_train,
    recommender_train_request,
)
from tests.recommender.scene import generated_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def model() -> RecommenderModel:
    scene = generated_project(slug="ho")
    return recommender_train_request(project=scene.project, actor=scene.supervisor)


def test_a_request_records_the_hand_over_and_a_second_request_returns_the_same_model(
    model: RecommenderModel,
) -> None:
    assert model.status == "queued"
    (item,) = OutboxItem.objects.filter(kind="recommender_train")
    assert item.payload == {"model_id": model.pk}
    again = recommender_train_request(project=model.project, actor=None)
    assert again.pk == model.pk
    assert RecommenderModel.objects.filter(project=model.project).count() == 1


def test_hand_over_leases_and_watches(model: RecommenderModel) -> None:
    OutboxItem.objects.all().delete()
    recommender_hand_over(model_id=model.pk)
    model.refresh_from_db()
    assert model.status == "queued"
    assert model.attempts == 1
    assert model.lease_until is not None
    (watch,) = OutboxItem.objects.filter(kind="recommender_train")
    assert watch.available_at >= model.lease_until


def test_a_live_worker_is_left_alone(model: RecommenderModel) -> None:
    until = timezone.now() + dt.timedelta(seconds=120)
    RecommenderModel.objects.filter(pk=model.pk).update(
        status="training", lease_token="t" * 32, lease_until=until, attempts=1
    )
    OutboxItem.objects.all().delete()
    recommender_hand_over(model_id=model.pk)
    model.refresh_from_db()
    assert (model.status, model.lease_token, model.attempts) == ("training", "t" * 32, 1)
    assert OutboxItem.objects.filter(kind="recommender_train").count() == 1
    # a second delivery of the task while the lease holds does nothing
    assert recommender_train(model_id=model.pk) is None
    model.refresh_from_db()
    assert model.lease_token == "t" * 32


def test_a_lost_worker_is_replaced_then_given_up_on(model: RecommenderModel) -> None:
    past = timezone.now() - dt.timedelta(seconds=1)
    RecommenderModel.objects.filter(pk=model.pk).update(
        status="training", lease_token="dead", lease_until=past, attempts=1
    )
    recommender_hand_over(model_id=model.pk)
    model.refresh_from_db()
    assert (model.status, model.lease_token, model.attempts) == ("queued", "", 2)
    RecommenderModel.objects.filter(pk=model.pk).update(
        status="training", lease_until=past, attempts=settings.ATHAR_WORK_MAX_ATTEMPTS
    )
    recommender_hand_over(model_id=model.pk)
    model.refresh_from_db()
    assert model.status == "failed"
    assert "lost" in model.error
    assert recommender_train(model_id=model.pk) is None  # failed stays failed
