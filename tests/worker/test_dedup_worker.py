"""With a real worker on the real broker: validating an article makes its "same event?"
candidates appear after the commit (outbox row → drain task → search), without anyone
draining by hand."""

from __future__ import annotations

import time

import pytest

from coding.models import OutboxItem
from coding.models.dataset_events import DuplicateCandidate
from tests.dataset_events.scene import validated_report
from tests.world import World

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def _validate(world: World, text: str, trigger: str) -> int:
    gold = validated_report(
        project=world.project,
        supervisor=world.supervisor,
        text=text,
        trigger=trigger,
        values={
            "actor1": {"id": world.actor.pk},
            "location": {"id": world.location.pk},
            "event_date": {"start": "2022-06-12"},
            "time_precision": "1",
        },
    )
    return gold.pk


def test_a_validated_article_gets_its_candidates_from_a_real_worker(
    world: World,
    celery_worker_process,  # type: ignore[no-untyped-def]  # started after `world`
) -> None:
    first = _validate(world, "هاجم مسلحون معسكر بولكيسي فجر الأحد.", "هاجم مسلحون")
    second = _validate(world, "هَاجَمَ مُسلَّحون معسكر بولكيسى.", "هَاجَمَ مُسلَّحون")
    deadline = time.monotonic() + 60
    while not DuplicateCandidate.objects.filter(event_a_id=first, event_b_id=second).exists():
        assert time.monotonic() < deadline, "the worker stored no candidate"
        time.sleep(0.2)
    row = DuplicateCandidate.objects.get()
    assert row.status == "open"
    assert row.project_id == world.project.pk
    assert row.reasons["summary"].startswith("same day, same place, 1 of 1 actor")
    while OutboxItem.objects.filter(kind="dedup_article").exists():
        assert time.monotonic() < deadline, "the worker left the search rows behind"
        time.sleep(0.2)
