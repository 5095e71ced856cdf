"""The adjudication queue over HTTP: pages by cursor forward and back in the queue's order,
counts from the stored counters under every filter, the old `?page=` links, bad cursors."""

from __future__ import annotations

from typing import Any

import pytest

from coding.models import ReviewQueueCount, ReviewQueueEntry, ReviewQueueKey
from tests.adjudication.queue_scene import queued_articles
from tests.world import World

pytestmark = pytest.mark.django_db
N = 40


@pytest.fixture
def scene(world: World) -> World:
    queued_articles(world.project, [world.coder_a, world.coder_b], N)
    return world


def _url(world: World) -> str:
    return f"/api/v1/projects/{world.project.pk}/adjudication/queue/"


def _walk(world: World, params: dict[str, Any]) -> tuple[list[int], list[dict[str, Any]]]:
    """Every page forward from the first, then back with `previous`; the article ids seen
    forward and each page's body."""
    client = world.client(world.supervisor)
    answer = client.get(_url(world), params)
    assert answer.status_code == 200, answer.json()
    bodies = [answer.json()]
    while bodies[-1]["next"]:
        answer = client.get(bodies[-1]["next"])
        assert answer.status_code == 200, answer.json()
        bodies.append(answer.json())
    seen = [row["article_id"] for body in bodies for row in body["results"]]
    back = [bodies[-1]]
    while back[-1]["previous"]:
        back.append(client.get(back[-1]["previous"]).json())
    assert [[r["article_id"] for r in b["results"]] for b in reversed(back)] == [
        [r["article_id"] for r in b["results"]] for b in bodies
    ]
    return seen, bodies


def _expected(world: World, unanimous: bool = False, **where: Any) -> list[int]:
    """The queue's order computed here from the entries: severity, then disagreements
    (both descending), then article id."""
    entries = ReviewQueueEntry.objects.filter(project=world.project, unanimous=unanimous)
    if not unanimous:
        entries = entries.exclude(n_disagreements=0, n_coders__gte=2)
    rows = sorted(
        entries.filter(**where).values_list("top_severity", "n_disagreements", "article_id"),
        key=lambda r: (-r[0], -r[1], r[2]),
    )
    return [article_id for _, _, article_id in rows]


def test_pages_forward_and_back_in_the_queue_order(scene: World) -> None:
    seen, bodies = _walk(scene, {"page_size": 7})
    assert seen == _expected(scene)
    # Every seventh article has no disagreement: unanimous when two coders coded it (0, 14,
    # 28), listed last here when one did (7, 21, 35).
    assert len(seen) == N - 3 == 37
    assert [len(b["results"]) for b in bodies] == [7, 7, 7, 7, 7, 2]
    assert {(b["count"], b["count_exact"]) for b in bodies} == {(37, True)}
    assert bodies[0]["previous"] is None
    assert bodies[-1]["next"] is None
    first = bodies[0]["results"][0]
    assert set(first) == {
        "article_id",
        "title",
        "max_severity",
        "n_disagreements",
        "adjudication_status",
        "finished_at",
    }
    assert (first["max_severity"], first["adjudication_status"]) == (5, None)


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"unanimous": "true"}, {}),
        ({"min_severity": "4"}, {"top_severity__gte": 4}),
        ({"status": "none"}, {"adjudication_state": ""}),
        ({"event_type": "TRUCE"}, {}),
        ({"event_type": "ARMED_ASSAULT", "min_severity": "3"}, {"top_severity__gte": 3}),
        ({"coder": "coder_b"}, {"article__title__regex": r"[02468]$"}),
    ],
)
def test_each_filter_pages_and_counts_exactly(
    scene: World, params: dict[str, str], where: dict[str, Any]
) -> None:
    if params.get("coder") == "coder_b":
        params = {"coder": str(scene.coder_b.pk)}
    unanimous = params.get("unanimous") == "true"
    expected = _expected(scene, unanimous, **where)
    if params.get("event_type") == "TRUCE":  # every third article (i % 3 == 0)
        expected = [a for a in expected if int(_title(a)[-3:]) % 3 == 0]
    if params.get("event_type") == "ARMED_ASSAULT":
        expected = [a for a in expected if int(_title(a)[-3:]) % 3 != 0]
    assert expected  # the scene has some of each
    seen, bodies = _walk(scene, params | {"page_size": "5"})
    assert seen == expected
    assert {(b["count"], b["count_exact"]) for b in bodies} == {(len(expected), True)}


def _title(article_id: int) -> str:
    return ReviewQueueEntry.objects.get(article_id=article_id).article.title


def test_event_type_and_coder_together_page_and_count_exactly_from_their_own_key(
    scene: World,
) -> None:
    params = {"event_type": "ATTACK", "coder": str(scene.coder_b.pk), "page_size": "2"}
    seen, bodies = _walk(scene, params)
    expected = [
        a for a in _expected(scene) if int(_title(a)[-3:]) % 3 != 0 and int(_title(a)[-3:]) % 2 == 0
    ]
    assert seen == expected
    assert len(expected) > 3
    assert {(b["count"], b["count_exact"]) for b in bodies} == {(len(expected), True)}
    pair = f"{scene.coder_b.pk}:ATTACK"
    keyed = ReviewQueueKey.objects.filter(kind="pair", value=pair, unanimous=False)
    assert sorted(keyed.values_list("article_id", flat=True)) == sorted(expected)


def test_old_page_links_answer_the_first_page_or_a_clear_error(scene: World) -> None:
    client = scene.client(scene.supervisor)
    first = client.get(_url(scene)).json()
    assert client.get(_url(scene), {"page": "1"}).json() == first
    before = _state()
    for page in ("2", "0", "abc"):
        answer = client.get(_url(scene), {"page": page})
        assert answer.status_code == 422
        body = answer.json()
        assert "no longer paged by number" in body["detail"]
        assert body["errors"] == [{"field": "page", "code": "page_numbers_gone", "message": page}]
    assert _state() == before


# Not base64 of ASCII; "p=abc" (a position that is not an order key); "p=" + 20 digits
# (beyond a bigint).
@pytest.mark.parametrize("cursor", ["nonsense", "cD1hYmM=", "cD0xMDAwMDAwMDAwMDAwMDAwMDAwMDAw"])
def test_a_bad_cursor_is_refused_clearly(scene: World, cursor: str) -> None:
    before = _state()
    answer = scene.client(scene.supervisor).get(_url(scene), {"cursor": cursor})
    assert answer.status_code == 422
    body = answer.json()
    assert body["detail"].startswith("invalid cursor")
    assert body["errors"][0]["field"] == "cursor"
    assert _state() == before


def _state() -> tuple[int, int, int]:
    return (
        ReviewQueueEntry.objects.count(),
        ReviewQueueKey.objects.count(),
        ReviewQueueCount.objects.count(),
    )


def test_another_projects_entries_never_show(scene: World) -> None:
    queued_articles(scene.other_project, [scene.outsider], 3)
    seen, _ = _walk(scene, {})
    assert seen == _expected(scene)
    theirs = set(
        ReviewQueueEntry.objects.filter(project=scene.other_project).values_list(
            "article_id", flat=True
        )
    )
    assert theirs
    assert not theirs & set(seen)
