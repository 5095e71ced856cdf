"""Two supervisors deciding the same aligned event at once, on PostgreSQL: one wins, the
other gets a conflict, and nothing is lost or duplicated."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from coding.errors import Conflict
from coding.models import AdjudicationDecision, CodedEvent
from coding.services import adjudication as service
from coding.services.projects import membership_set
from tests.factories import UserFactory
from tests.world import World

pytestmark = pytest.mark.django_db(transaction=True)


def test_one_wins_the_other_gets_a_conflict(disputed: World) -> None:
    second = UserFactory(username="super2")
    membership_set(project=disputed.project, user=second, role="supervisor")
    adjudication = service.adjudication_open(article_id=disputed.article.pk)
    attack = next(c for c in service.article_clusters(disputed.article.pk) if len(c["events"]) == 2)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(user, event_id: int) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait(timeout=10)
            service.decision_accept(
                adjudication=adjudication, actor=user, cluster_key=attack["key"], event_id=event_id
            )
            outcomes.append("won")
        except Conflict as exc:
            outcomes.append(f"conflict:{exc.extra['decision']['kind']}")
        finally:
            connection.close()

    events = sorted(int(e) for e in attack["events"].values())
    threads = [
        threading.Thread(target=decide, args=(u, e))
        for u, e in [(disputed.supervisor, events[0]), (second, events[1])]
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict:accept", "won"]
    assert AdjudicationDecision.objects.filter(cluster_key=attack["key"], active=True).count() == 1
    assert CodedEvent.objects.filter(layer="gold").count() == 1
