"""Two writers on PostgreSQL: exactly one wins, the other gets 412, no update is lost."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from coding.models import CodedEvent
from coding.services.events import EventInput, event_create, event_update
from tests.api.conftest import World, complete_event

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_updates_with_the_same_version(world: World) -> None:
    body = complete_event(world)
    data = EventInput(event_type="ATTACK", event_subtype="ARMED_ASSAULT", values=body["values"])  # type: ignore[arg-type]
    event = event_create(assignment=world.assignment_a, actor=world.coder_a, data=data)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def writer(fatalities: int) -> None:
        try:
            values = {**body["values"], "fatalities": fatalities}  # type: ignore[dict-item]
            barrier.wait(timeout=10)
            event_update(
                event=event,
                actor=world.coder_a,
                expected_version=1,
                data=EventInput(event_type="ATTACK", event_subtype="ARMED_ASSAULT", values=values),
            )
            outcomes.append(f"won:{fatalities}")
        except Exception as exc:  # the loser's StaleVersion is the point of the test
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in (10, 20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(o.split(":")[0] for o in outcomes) == ["StaleVersion", "won"]
    winner = int(next(o for o in outcomes if o.startswith("won")).split(":")[1])
    stored = CodedEvent.objects.get(pk=event.pk)
    assert (stored.fatalities, stored.version) == (winner, 2)
