"""How many SQL queries each list and detail endpoint makes, pinned, and the same whether the
answer has one row or dozens (no N+1).

Each endpoint is measured on the `world` as it is (one assignment per coder, one event) and
again after it grew (30 assignments per coder, 50 events with 4 evidence spans each, 25
members, a long audit log). The views after coding (agreement, disagreements, the
adjudication queue and side by side, the adjudicated version, releases) are measured on one
adjudicated article and one release, then on 22 articles, one with 12 coded events and 8
decisions, and 5 releases. Clients are force-authenticated: with a token, every request
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
from tests.world import ARTICLE_TEXT, Item, World, complete_event

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
    ("assignments/{a}/",                  "coder",      2),  # assignment+article, events as JSON
    ("assignments/{a}/",                  "supervisor", 2),  # the role in the first statement
    ("assignments/{a}/?events_limit=20",  "coder",      2),
    ("assignments/{a}/events/",           "coder",      3),
    ("assignments/{a}/events/page/",      "coder",      2),
    ("assignments/{a}/events/page/",      "supervisor", 2),
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
    assert len(large["assignments/{a}/?events_limit=20 coder"]["events"]) == 20
    page = large["assignments/{a}/events/page/ supervisor"]
    assert (len(page["events"]), page["next"]) == (50, None)
    assert {r["n_events"] for r in large["me/assignments/ coder"]["results"]} == {0, 50}
    # The detail's summary is the list's row (n_events, last_activity computed in Python).
    row = next(r for r in large["me/assignments/ coder"]["results"] if r["n_events"] == 50)
    assert detail["assignment"] == row


# --- After coding: agreement, adjudication, releases ------------------------------------------

# fmt: off
# Each project view: the project + the caller's role (access), then what is listed.
REVIEW_EXPECTED: list[tuple[str, str, int]] = [
    # the newest done run, the one in progress, its rows
    ("projects/{p}/agreement/",                    "supervisor", 5),
    ("projects/{p}/agreement/?by=coder_pair",      "researcher", 5),
    # COUNT, the page (run joined), the coders' events, the articles' texts
    ("projects/{p}/disagreements/",                "supervisor", 6),
    # COUNT, the page (severity, count, status and title as subqueries)
    ("projects/{p}/adjudication/queue/",           "supervisor", 4),
    # article, its run, coders' names, coder events, their spans, disagreements,
    # adjudication, decisions (who decided joined), gold events, their spans
    ("projects/{p}/articles/{art}/adjudication/",  "supervisor", 12),
    # releases (codebook joined), their files
    ("projects/{p}/releases/",                     "researcher", 4),
    # a coder's own: the assignment (with the coder's membership), adjudication, gold
    # events, their spans, the coder's events, their spans
    ("assignments/{a}/adjudicated/",               "coder",      6),
]
# fmt: on


def _adjudicate(world: World, article: Any, coded: Any, *, validate: bool) -> int:
    """Decide every aligned event of a coded article (accept coder_a's where both coded it,
    reject the rest); validate it if asked. Returns the number of decisions."""
    from coding.services import adjudication as adjudicating

    adjudication = adjudicating.adjudication_open(article_id=article.pk, actor=world.supervisor)
    decided = 0
    for cluster in adjudicating.article_clusters(article.pk):
        mine = cluster["events"].get(str(world.coder_a.pk))
        if mine is not None and len(cluster["events"]) == 2:
            adjudicating.decision_accept(
                adjudication=adjudication,
                actor=world.supervisor,
                cluster_key=cluster["key"],
                event_id=int(mine),
            )
        else:
            adjudicating.decision_reject(
                adjudication=adjudication,
                actor=world.supervisor,
                cluster_key=cluster["key"],
                reason="Not an event",
            )
        decided += 1
    if validate:
        adjudication.refresh_from_db()
        adjudicating.adjudication_validate(
            adjudication=adjudication, actor=world.supervisor, expected_version=adjudication.version
        )
    return decided


def _release(world: World, tag: str) -> None:
    from coding.services.releases import release_build, release_request

    release = release_request(
        project=world.project, actor=world.supervisor, tag=tag, confirm_empty=True
    )
    release_build(release_id=release.pk)


def _measure_review(
    world: World, ids: dict[str, int], django_assert_num_queries: Any
) -> dict[str, Any]:
    users = {"coder": world.coder_a, "supervisor": world.supervisor, "researcher": world.researcher}
    bodies = {}
    for endpoint, actor, queries in REVIEW_EXPECTED:
        client = world.client(users[actor])
        url = "/api/v1/" + endpoint.format(**ids)
        client.get(url)
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        bodies[endpoint] = response.json()
    return bodies


def test_review_query_counts_are_pinned_and_do_not_grow_with_the_data(
    world: World, django_assert_num_queries: Any
) -> None:
    from coding.services.agreement import project_agreement_compute
    from tests.api.review_scene import code_article, disputed_bodies

    # One disputed article, adjudicated and validated; the figures; one release.
    mine, theirs = disputed_bodies(world)
    coded = code_article(world, world.article, mine, theirs)
    assert _adjudicate(world, world.article, coded, validate=True) == 2
    project_agreement_compute(project_id=world.project.pk)
    _release(world, "v1")
    ids = {"p": world.project.pk, "art": world.article.pk, "a": world.assignment_a.pk}
    small = _measure_review(world, ids, django_assert_num_queries)
    assert small["projects/{p}/disagreements/"]["count"] == 2
    assert small["projects/{p}/adjudication/queue/"]["count"] == 1
    assert len(small["projects/{p}/articles/{art}/adjudication/"]["clusters"]) == 2
    assert len(small["projects/{p}/releases/"]) == 1
    assert len(small["assignments/{a}/adjudicated/"]["my_events"]) == 2

    # Grown: 20 more disputed articles; a big one where coder_a coded the attack 8 times and
    # coder_b 4 times, every aligned event decided and the article validated; 5 releases.
    items = [Item(f"Article {i}", ARTICLE_TEXT + f"\n({i})") for i in range(21)]
    created = articles_create(project=world.project, items=items, actor=None).created
    assignments_balance(project=world.project)
    for article in created[1:]:
        code_article(world, article, mine, theirs)
    big = created[0]
    attack = complete_event(world)
    coded = code_article(world, big, [attack] * 8, [attack] * 4)
    assert _adjudicate(world, big, coded, validate=True) == 8
    project_agreement_compute(project_id=world.project.pk)
    for number in range(2, 6):
        _release(world, f"v{number}")
    ids = {"p": world.project.pk, "art": big.pk, "a": coded.mine.pk}
    large = _measure_review(world, ids, django_assert_num_queries)
    # What the second round measured: many rows, each with what it shows.
    assert large["projects/{p}/disagreements/"]["count"] == 2 * 21 + 4
    assert large["projects/{p}/adjudication/queue/"]["count"] == 22
    view = large["projects/{p}/articles/{art}/adjudication/"]
    assert len(view["clusters"]) == 8
    assert all(c["decision"] is not None for c in view["clusters"])
    assert len(view["gold_events"]) == 4
    assert {len(e["spans"]) for e in view["gold_events"]} == {4}
    releases = large["projects/{p}/releases/"]
    assert [len(r["files"]) for r in releases] == [6] * 5  # 4 data files + the report × 2
    adjudicated = large["assignments/{a}/adjudicated/"]
    assert (len(adjudicated["gold_events"]), len(adjudicated["my_events"])) == (4, 8)
    assert large["projects/{p}/agreement/?by=coder_pair"]["results"] != []
