"""Refreshes of the adjudication queue from several threads at once, on PostgreSQL: new
agreement runs, opened adjudications and status changes on overlapping articles, in
multi-article chunks as agreement workers store them. None waits forever or deadlocks, and
afterwards the entries, filter keys and counts equal a from-scratch rebuild."""

from __future__ import annotations

import random
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from coding.errors import Conflict, StaleVersion
from coding.models import Adjudication, AgreementRun, Disagreement, ReviewQueueCount
from coding.services import adjudication as adjudicating
from coding.services.review_queue import review_queue_refresh
from tests.adjudication.queue_scene import queued_articles
from tests.adjudication.test_review_queue import assert_equal_to_rebuild
from tests.world import World

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 4
STEPS = 12


def _new_run(article_id: int, project_id: int, rng: random.Random, coders: list[int]) -> None:
    """What the agreement service stores for a rerun: a newer done run, its disagreements,
    and the queue refresh, in one transaction."""
    run = AgreementRun.objects.create(
        project_id=project_id,
        article_id=article_id,
        scope=AgreementRun.Scope.ARTICLE,
        status=AgreementRun.Status.DONE,
        input_digest=f"rerun-{article_id}-{rng.random()}",
        params={"coders": coders, "clusters": []},
        finished_at=timezone.now(),
    )
    Disagreement.objects.bulk_create(
        Disagreement(
            run=run,
            article_id=article_id,
            kind=Disagreement.Kind.SPAN,
            severity=rng.randint(1, 5),
            cluster_key=f"r{j}",
        )
        for j in range(rng.randint(0, 3))
    )


def _next_status(article_id: int, world: World) -> None:
    """Open the article's adjudication, validate it or reopen it, through the services; a
    refusal because another thread changed it first (stale version, not open) is fine."""
    adjudication = Adjudication.objects.filter(article_id=article_id).first()
    try:
        with transaction.atomic():
            if adjudication is None:
                adjudicating.adjudication_open(article_id=article_id, actor=world.supervisor)
            elif adjudication.status == Adjudication.Status.OPEN:
                adjudicating.adjudication_validate(
                    adjudication=adjudication,
                    actor=world.supervisor,
                    expected_version=adjudication.version,
                )
            else:
                adjudicating.adjudication_reopen(
                    adjudication=adjudication, actor=world.supervisor, reason="recheck"
                )
    except (Conflict, StaleVersion):
        pass


def test_concurrent_refreshes_keep_counts_equal_to_a_rebuild(world: World) -> None:
    articles = [a.pk for a in queued_articles(world.project, [world.coder_a, world.coder_b], 24)]
    coders = sorted([world.coder_a.pk, world.coder_b.pk])
    counted_before = ReviewQueueCount.objects.count()
    barrier = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def work(seed: int) -> None:
        rng = random.Random(seed)
        try:
            barrier.wait(timeout=30)
            for _ in range(STEPS):
                chunk = rng.sample(articles, rng.randint(1, 8))
                kind = rng.choice(["rerun", "open", "status", "status"])
                with transaction.atomic():
                    if kind == "rerun":
                        for article_id in chunk:
                            _new_run(article_id, world.project.pk, rng, coders)
                        review_queue_refresh(article_ids=chunk)
                    elif kind == "open":
                        adjudicating.adjudication_open(article_id=chunk[0], actor=world.supervisor)
                    else:
                        _next_status(chunk[0], world)
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []
    assert counted_before > 0
    assert_equal_to_rebuild(world.project)
    assert Adjudication.objects.filter(project=world.project).exists()
