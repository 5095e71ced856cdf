"""Two supervisors linking the same pair at once, in two real transactions on PostgreSQL: one
wins, the other is refused with the winner's state, and the event is linked once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from coding.errors import Conflict, StaleVersion
from coding.models import AuditEntry, DatasetEvent, DuplicateCandidate
from coding.services.dataset_events import dataset_event_split, dataset_events_link
from coding.services.duplicate_candidates import duplicate_candidate_link
from coding.services.projects import membership_set
from tests.dataset_events.scene import validated_report
from tests.factories import UserFactory
from tests.world import World

pytestmark = pytest.mark.django_db(transaction=True)


def _pair(world: World) -> tuple[int, int]:
    values = {
        "actor1": {"id": world.actor.pk},
        "location": {"id": world.location.pk},
        "event_date": {"start": "2022-06-12"},
    }
    a = validated_report(
        project=world.project,
        supervisor=world.supervisor,
        text="هاجم مسلحون قاعدة بولكيسي.",
        trigger="هاجم",
        values=values,
    )
    b = validated_report(
        project=world.project,
        supervisor=world.supervisor,
        text="Attaque du camp de Boulkessi.",
        trigger="Attaque",
        values=values,
    )
    return a.pk, b.pk


def _race(*actions) -> list[str]:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait(timeout=10)
            action()
            outcomes.append("won")
        except (Conflict, StaleVersion) as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def test_two_supervisors_linking_the_same_pair_one_wins(world: World) -> None:
    second = UserFactory(username="super2")
    membership_set(project=world.project, user=second, role="supervisor")
    a, b = _pair(world)
    candidate = DuplicateCandidate.objects.create(
        project=world.project, event_a_id=a, event_b_id=b, score=0.9
    )

    def by_pair(user):  # type: ignore[no-untyped-def]
        return lambda: dataset_events_link(
            project=world.project,
            event_ids=(a, b),
            expected_versions={a: 1, b: 1},
            actor=user,
            reason=user.username,
        )

    def by_candidate(user):  # type: ignore[no-untyped-def]
        return lambda: duplicate_candidate_link(
            candidate=candidate, expected_versions={a: 1, b: 1}, actor=user, reason=user.username
        )

    outcomes = _race(by_pair(world.supervisor), by_candidate(second))
    assert outcomes[1] == "won"
    # The loser waited for the winner's locks, then saw its change: the newer event retired
    # into the older (409 naming it) or the candidate decided (409).
    assert outcomes[0] in ("retired", "decided")
    assert AuditEntry.objects.filter(action="dataset_event.link").count() == 1
    survivor = DatasetEvent.objects.get(pk=a)
    assert survivor.version == 2
    assert survivor.reports.count() == 2
    assert DatasetEvent.objects.get(pk=b).merged_into_id == a
    candidate.refresh_from_db()
    assert candidate.status == "linked"


def test_a_split_and_a_link_at_once_do_not_deadlock(world: World) -> None:
    a, b = _pair(world)
    third = validated_report(
        project=world.project,
        supervisor=world.supervisor,
        text="Boulkessi camp attacked.",
        trigger="attacked",
        values={
            "actor1": {"id": world.actor.pk},
            "location": {"id": world.location.pk},
            "event_date": {"start": "2022-06-12"},
        },
    ).pk
    dataset_events_link(
        project=world.project,
        event_ids=(a, b),
        expected_versions={a: 1, b: 1},
        actor=world.supervisor,
        reason="x",
    )
    outcomes = _race(
        lambda: dataset_event_split(
            dataset_event=DatasetEvent.objects.get(pk=a),
            report=b,
            expected_version=2,
            actor=world.supervisor,
            reason="split",
        ),
        lambda: dataset_events_link(
            project=world.project,
            event_ids=(a, third),
            expected_versions={a: 2, third: 1},
            actor=world.supervisor,
            reason="link",
        ),
    )
    assert outcomes == ["stale_version", "won"]
    assert DatasetEvent.objects.get(pk=a).version == 3
