"""Migration 0033's backfill: the "pair" keys (event type and coder together) and their
counts it writes from the stored type and coder keys equal those the service writes."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from coding.models import ReviewQueueCount, ReviewQueueKey
from tests.adjudication.queue_scene import queued_articles
from tests.adjudication.test_review_queue import _stored_state
from tests.world import World

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("coding.migrations.0033_queuescale_pair_keys")


def test_backfill_writes_the_pairs_and_counts_the_service_writes(world: World) -> None:
    queued_articles(world.project, [world.coder_a, world.coder_b], 24)
    kept = _stored_state(world.project)
    pairs = ReviewQueueKey.objects.filter(kind="pair")
    assert pairs.count() > 24  # every queued article has at least two coders and a type
    pairs.delete()
    ReviewQueueCount.objects.filter(kind="pair").delete()
    assert _stored_state(world.project) != kept
    with connection.cursor() as cursor:
        for statement in backfill.PAIRS, backfill.PAIR_COUNTS:
            cursor.execute(statement)
    assert _stored_state(world.project) == kept


def test_backfill_reversed_removes_only_the_pairs(world: World) -> None:
    queued_articles(world.project, [world.coder_a, world.coder_b], 6)
    others = list(ReviewQueueKey.objects.exclude(kind="pair").values_list("pk", flat=True))
    counts = list(ReviewQueueCount.objects.exclude(kind="pair").values_list("pk", "n"))
    with connection.cursor() as cursor:
        for statement in backfill.NO_PAIRS:
            cursor.execute(statement)
    assert not ReviewQueueKey.objects.filter(kind="pair").exists()
    assert not ReviewQueueCount.objects.filter(kind="pair").exists()
    assert list(ReviewQueueKey.objects.values_list("pk", flat=True).order_by("pk")) == sorted(
        others
    )
    assert sorted(ReviewQueueCount.objects.values_list("pk", "n")) == sorted(counts)
