"""Blind coding after submission, and the researcher's boundaries, asserted beyond the status
codes of the permission tables: what a coder can and cannot learn about the other coder's
work from agreement, adjudication and comments; that a researcher of one project learns
nothing of another's data; that researchers neither release nor adjudicate.

On the scene of tests/api/review_scene.py (built once for the module).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from coding.models import Comment
from coding.services.projects import membership_set
from tests.api.review_scene import ReviewScene, clusters, scene_in_transaction
from tests.api.test_permission_matrix import snapshot
from tests.factories import UserFactory
from tests.world import complete_event

NOT_THERE = 2_000_000_000  # an id that exists nowhere


@pytest.fixture(scope="module")
def shared_scene(django_db_setup: None, django_db_blocker: Any) -> Iterator[ReviewScene]:
    yield from scene_in_transaction(django_db_blocker, snapshot)


@pytest.fixture
def scene(shared_scene: ReviewScene, db: None) -> ReviewScene:
    assert snapshot() == shared_scene.baseline, "a previous test's writes leaked"
    return shared_scene


def _answer(response: Any) -> tuple[int, Any]:
    return response.status_code, response.json()


def test_a_coder_gets_no_agreement_or_adjudication_view(scene: ReviewScene) -> None:
    """Both coders of the disputed article, on every view of the coders' layers; the answer
    is the same for an article that does not exist, so it reveals nothing either."""
    p = scene.world.project.pk
    views = [
        ("get", f"projects/{p}/agreement/"),
        ("get", f"projects/{p}/agreement/?by=coder_pair"),
        ("get", f"projects/{p}/agreement/runs/{scene.run.pk}/"),
        ("get", f"projects/{p}/disagreements/"),
        ("get", f"projects/{p}/adjudication/queue/"),
        ("get", f"projects/{p}/feedback/"),
        ("get", "projects/{p}/articles/{art}/agreement/"),
        ("get", "projects/{p}/articles/{art}/adjudication/"),
        ("post", "projects/{p}/articles/{art}/adjudication/"),
        ("post", "projects/{p}/articles/{art}/adjudication/decisions/"),
        ("post", "projects/{p}/articles/{art}/adjudication/validate/"),
    ]
    denied = {
        "code": "permission_denied",
        "detail": "your role in this project (coder) does not allow this",
    }
    before = snapshot()
    for coder in (scene.world.coder_a, scene.world.coder_b):
        client = scene.world.client(coder)
        for method, url in views:
            for article in (scene.disputed.article.pk, NOT_THERE):
                target = "/api/v1/" + url.format(p=p, art=article)
                response = getattr(client, method)(target, {}, format="json")
                assert _answer(response) == (403, denied), (coder, target)
    assert snapshot() == before


def test_comments_open_to_a_coder_only_on_their_validated_article(scene: ReviewScene) -> None:
    world = scene.world
    p = world.project.pk

    def comments(user: Any, article_id: int) -> tuple[int, Any]:
        return _answer(
            world.client(user).get(f"/api/v1/projects/{p}/articles/{article_id}/comments/")
        )

    not_validated = scene.disputed.article.pk
    assert comments(world.coder_a, not_validated) == (
        403,
        {
            "code": "permission_denied",
            "detail": "comments open to a coder once their assignment is submitted and the "
            "article validated",
        },
    )
    assert comments(world.coder_b, not_validated)[0] == 403
    # A coder of the project who did not code the article: as if it did not exist.
    stranger = UserFactory(username="coder_c")
    membership_set(project=world.project, user=stranger, role="coder")
    for article in (not_validated, scene.settled.article.pk, NOT_THERE):
        assert comments(stranger, article) == (
            404,
            {"code": "not_found", "detail": "article not found"},
        )
    assert comments(world.researcher, scene.settled.article.pk)[0] == 403
    assert comments(world.researcher, NOT_THERE)[0] == 403


def test_after_validation_a_coder_sees_the_gold_and_only_their_own_events(
    scene: ReviewScene,
) -> None:
    settled = scene.settled
    gold = [e.pk for e in scene.settled_gold]
    assert len(gold) == 1  # the attack, accepted from coder_b; the truce was rejected
    fields = {"id", "event_type", "event_subtype", "values", "memo", "version", "spans"}
    for coder, own, own_events, other_events in [
        (scene.world.coder_a, settled.mine, settled.my_events, settled.their_events),
        (scene.world.coder_b, settled.theirs, settled.their_events, settled.my_events),
    ]:
        body = scene.world.client(coder).get(f"/api/v1/assignments/{own.pk}/adjudicated/").json()
        assert body["adjudication"]["status"] == "validated"
        assert [e["id"] for e in body["gold_events"]] == gold
        assert body["gold_events"][0]["values"]["fatalities"] == 7
        assert [e["id"] for e in body["my_events"]] == [e.pk for e in own_events]
        # Nothing of the other coder's: none of their events, and no provenance (source
        # events, decisions) that would point to them.
        shown = {e["id"] for e in body["gold_events"] + body["my_events"]}
        assert shown.isdisjoint(e.pk for e in other_events)
        assert all(set(e) == fields for e in body["gold_events"] + body["my_events"])
        assert set(body) == {"adjudication", "gold_events", "my_events"}
    # The other coder's assignment answers exactly like one that does not exist.
    client = scene.world.client(scene.world.coder_b)

    def answer(assignment_id: int) -> tuple[int, bytes]:
        response = client.get(f"/api/v1/assignments/{assignment_id}/adjudicated/")
        return response.status_code, response.content

    assert answer(settled.mine.pk) == answer(NOT_THERE)
    assert answer(settled.mine.pk)[0] == 404
    # Before validation: 409, to the coder of the article only.
    mine_open = scene.world.client(scene.world.coder_a).get(
        f"/api/v1/assignments/{scene.disputed.mine.pk}/adjudicated/"
    )
    assert _answer(mine_open) == (
        409,
        {
            "code": "not_validated",
            "detail": "the adjudicated version opens once your assignment is submitted and "
            "the article validated",
        },
    )


def test_comments_on_the_other_coders_events_stay_hidden(scene: ReviewScene) -> None:
    world, settled, comments = scene.world, scene.settled, scene.comments
    url = f"/api/v1/projects/{world.project.pk}/articles/{settled.article.pk}/comments/"

    def bodies(user: Any) -> list[str]:
        return [c["body"] for c in world.client(user).get(url).json()]

    assert bodies(world.supervisor) == [
        "Check the fatalities",
        "A counted 5",
        "B counted 7",
        "B's source is the ministry",
        "Gold follows B",
    ]
    # The reply on the comment about the other coder's event is hidden with it.
    assert bodies(world.coder_a) == ["Check the fatalities", "A counted 5", "Gold follows B"]
    assert bodies(world.coder_b) == [
        "Check the fatalities",
        "B counted 7",
        "B's source is the ministry",
        "Gold follows B",
    ]
    coder_a = world.client(world.coder_a)
    before = snapshot()
    theirs = settled.their_events[0].pk
    for field, hidden in [("event", theirs), ("parent", comments["theirs"].pk)]:
        for target in (hidden, NOT_THERE):  # hidden answers like missing
            response = coder_a.post(url, {"body": "Why?", field: target}, format="json")
            assert response.status_code == 422
            assert response.json()["errors"] == [
                {"field": field, "code": "not_found", "message": str(target)}
            ]
    assert snapshot() == before
    # What coder_a may see, they may answer.
    for field, visible in [
        ("parent", comments["article"].pk),
        ("parent", comments["mine"].pk),
        ("event", scene.settled_gold[0].pk),
        ("event", settled.my_events[0].pk),
    ]:
        response = coder_a.post(url, {"body": "Noted", field: visible}, format="json")
        assert response.status_code == 201, response.json()
    assert Comment.objects.filter(article=settled.article, body="Noted").count() == 4
    assert bodies(world.coder_b).count("Noted") == 2  # on the article's thread and the gold


def test_a_researcher_of_one_project_gets_404_for_anothers_data(scene: ReviewScene) -> None:
    """research1 (p1) on p2's data, and p2's new researcher on p1's: exactly as if it did not
    exist; each still reads their own."""
    world = scene.world
    p, q = world.project.pk, world.other_project.pk
    r, r_q = scene.release.pk, scene.release_q.pk
    membership_set(project=world.other_project, user=world.outsider, role="researcher")

    def urls(project: int, release: int) -> list[str]:
        base = f"/api/v1/projects/{project}/"
        return [
            base + "export/",
            base + "export/?format=jsonl",
            base + "releases/",
            base + f"releases/{release}/",
            base + f"releases/{release}/files/csv/",
            base + f"releases/{release}/files/datapackage/",
            base + "agreement/",
        ]

    def answer(user: Any, url: str) -> tuple[int, Any]:
        response = world.client(user).get(url)
        if response.streaming:
            return response.status_code, b"".join(response.streaming_content)
        return response.status_code, response.json()

    missing = (404, {"code": "not_found", "detail": "project not found"})
    for user, own, theirs in [
        (world.researcher, (p, r), (q, r_q)),
        (world.outsider, (q, r_q), (p, r)),
    ]:
        for url in urls(*theirs):
            assert answer(user, url) == missing, url
        for url in urls(NOT_THERE, NOT_THERE):
            assert answer(user, url) == missing, url
        assert [answer(user, url)[0] for url in urls(*own)] == [200] * 7
        # Their own project, the other project's release: no such release there.
        own_project = own[0]
        for url in [
            f"/api/v1/projects/{own_project}/releases/{theirs[1]}/",
            f"/api/v1/projects/{own_project}/releases/{theirs[1]}/files/csv/",
        ]:
            assert answer(user, url)[0] == 404


def test_researchers_neither_release_nor_adjudicate(scene: ReviewScene) -> None:
    world = scene.world
    client = world.client(world.researcher)
    article = f"/api/v1/projects/{world.project.pk}/articles/"
    disputed = f"{article}{scene.disputed.article.pk}/adjudication/"
    writes: list[tuple[str, str, dict[str, Any]]] = [
        ("post", f"/api/v1/projects/{world.project.pk}/releases/", {"tag": "mine"}),
        ("post", f"/api/v1/projects/{world.project.pk}/agreement/recompute/", {}),
        ("post", f"{article}{scene.ready.article.pk}/adjudication/", {}),
        (
            "post",
            disputed + "decisions/",
            {"kind": "reject", "cluster": clusters(scene.disputed.article)[1], "reason": "x"},
        ),
        ("post", disputed + f"decisions/{scene.decision.pk}/undo/", {"version": 1}),
        (
            "put",
            disputed + f"gold-events/{scene.gold.pk}/",
            {**complete_event(world), "version": 1},
        ),
        ("post", disputed + "validate/", {"version": 1}),
        ("post", f"{article}{scene.settled.article.pk}/adjudication/reopen/", {"reason": "x"}),
        ("post", f"{article}{scene.settled.article.pk}/comments/", {"body": "x"}),
    ]
    before = snapshot()
    for method, url, body in writes:
        response = getattr(client, method)(url, body, format="json")
        assert _answer(response) == (
            403,
            {
                "code": "permission_denied",
                "detail": "your role in this project (researcher) does not allow this",
            },
        ), url
    assert snapshot() == before
    # What they may read of it: the figures and the releases, not the coder layers.
    reads = {
        url: client.get(url).status_code
        for url in [
            f"/api/v1/projects/{world.project.pk}/agreement/?by=coder_pair",
            f"/api/v1/projects/{world.project.pk}/releases/",
            f"/api/v1/projects/{world.project.pk}/disagreements/",
            f"/api/v1/projects/{world.project.pk}/adjudication/queue/",
            disputed,
        ]
    }
    assert list(reads.values()) == [200, 200, 403, 403, 403]
    releases = client.get(f"/api/v1/projects/{world.project.pk}/releases/").json()
    assert [(r["tag"], r["status"], r["row_count"]) for r in releases] == [("v1.0.0", "ready", 1)]
