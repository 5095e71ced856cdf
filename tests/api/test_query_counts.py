"""How many SQL queries each list and detail endpoint makes, pinned, and the same whether the
answer has one row or dozens (no N+1).

Each endpoint is measured on the `world` as it is (one assignment per coder, one event) and
again after it grew (30 assignments per coder, 50 events with 4 evidence spans each, 25
members, a long audit log). Clients are force-authenticated: with a token, every request
makes one more query (the token lookup). Each URL is requested once before measuring, to warm
the per-process codebook caches (coding.codebook_runtime), as a running server has them.
"""

from __future__ import annotations

from typing import Any

import pytest

from coding.services.articles import articles_create
from coding.services.assignment import assignments_balance
from coding.services.events import EventInput, SpanInput, event_create
from coding.services.projects import membership_set
from tests.factories import UserFactory
from tests.world import Item, World, complete_event

pytestmark = pytest.mark.django_db

# fmt: off
# endpoint ({placeholders} filled from the world), as whom, queries. Why that many:
#   lists: the project + the caller's role (access), COUNT, the page (related rows joined)
#   details: the object with what it shows (joined) + the caller's role if not their own
#            + one query per prefetched relation (events → spans)
EXPECTED: list[tuple[str, str, int]] = [
    ("me/assignments/",                   "coder",      2),  # COUNT, page
    ("projects/{p}/assignments/",         "coder",      4),
    ("projects/{p}/assignments/",         "supervisor", 4),
    ("projects/{p}/articles/",            "supervisor", 4),
    ("projects/{p}/members/",             "supervisor", 4),
    ("projects/{p}/audit/",               "supervisor", 4),
    ("projects/",                         "coder",      3),  # COUNT, page, roles
    ("assignments/{a}/",                  "coder",      3),  # assignment+article, events, spans
    ("assignments/{a}/",                  "supervisor", 4),  # + role
    ("assignments/{a}/events/",           "coder",      3),
    ("events/{e}/",                       "coder",      4),  # event, assignment; event, spans
    ("events/{e}/",                       "supervisor", 5),  # + role
]
# fmt: on


def _event(world: World) -> Any:
    complete = complete_event(world)
    return event_create(
        assignment=world.assignment_a,
        actor=world.coder_a,
        data=EventInput(
            event_type="ATTACK",
            event_subtype="ARMED_ASSAULT",
            values=complete["values"],  # type: ignore[arg-type]
            spans=[SpanInput(**s) for s in complete["spans"]],  # type: ignore[arg-type,attr-defined]
        ),
    )


def _grow(world: World) -> None:
    items = [Item(f"Article {i}", f"Text of article number {i}.", "en") for i in range(29)]
    articles_create(project=world.project, items=items, actor=world.supervisor)
    assignments_balance(project=world.project, actor=world.supervisor)  # overlap 2: a and b
    for _ in range(49):
        _event(world)
    for _ in range(20):
        membership_set(project=world.project, user=UserFactory(), role="coder", actor=world.admin)


def _measure(world: World, event_id: int, django_assert_num_queries: Any) -> dict[str, Any]:
    """Assert every pinned count; return the bodies (to check what was measured)."""
    users = {"coder": world.coder_a, "supervisor": world.supervisor}
    ids = {"p": world.project.pk, "a": world.assignment_a.pk, "e": event_id}
    bodies = {}
    for endpoint, actor, queries in EXPECTED:
        client = world.client(users[actor])
        url = "/api/v1/" + endpoint.format(**ids)
        client.get(url)
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        bodies[f"{endpoint} {actor}"] = response.json()
    return bodies


def test_query_counts_are_pinned_and_do_not_grow_with_the_data(
    world: World, django_assert_num_queries: Any
) -> None:
    event = _event(world)
    small = _measure(world, event.pk, django_assert_num_queries)
    assert small["me/assignments/ coder"]["count"] == 1
    assert len(small["assignments/{a}/ coder"]["events"]) == 1

    _grow(world)
    large = _measure(world, event.pk, django_assert_num_queries)
    # What the second round measured: many rows, each with what it shows.
    assert large["me/assignments/ coder"]["count"] == 30
    assert large["projects/{p}/assignments/ supervisor"]["count"] == 60
    assert large["projects/{p}/articles/ supervisor"]["count"] == 30
    assert large["projects/{p}/members/ supervisor"]["count"] == 25
    assert large["projects/{p}/audit/ supervisor"]["count"] >= 70
    detail = large["assignments/{a}/ supervisor"]
    assert (detail["assignment"]["n_events"], len(detail["events"])) == (50, 50)
    assert {len(e["spans"]) for e in detail["events"]} == {4}
    assert len(large["assignments/{a}/events/ coder"]) == 50
    assert {r["n_events"] for r in large["me/assignments/ coder"]["results"]} == {0, 50}
    # The detail's summary is the list's row (n_events, last_activity computed in Python).
    row = next(r for r in large["me/assignments/ coder"]["results"] if r["n_events"] == 50)
    assert detail["assignment"] == row
