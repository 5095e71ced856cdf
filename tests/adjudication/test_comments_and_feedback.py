from __future__ import annotations

import pytest

from tests.world import World

pytestmark = pytest.mark.django_db


def _validate(world: World) -> None:
    sup = world.client(world.supervisor)
    base = f"/api/v1/projects/{world.project.pk}/articles/{world.article.pk}/adjudication/"
    view = sup.post(base).json()
    for cluster in view["clusters"]:
        if cluster["unmatched"]:
            body = {"kind": "reject", "cluster": cluster["key"], "reason": "not an event"}
        else:
            body = {"kind": "accept", "cluster": cluster["key"], "event": world.events_b[0]["id"]}  # type: ignore[attr-defined]
        assert sup.post(base + "decisions/", body, format="json").status_code == 201
    assert sup.post(base + "validate/", {"version": 1}, format="json").status_code == 200


def test_comments_for_supervisors_then_coders_after_adjudication(disputed: World) -> None:
    url = f"/api/v1/projects/{disputed.project.pk}/articles/{disputed.article.pk}/comments/"
    sup = disputed.client(disputed.supervisor)
    b_event = disputed.events_b[0]["id"]  # type: ignore[attr-defined]
    assert sup.post(url, {"body": "Check the fatalities"}, format="json").status_code == 201
    assert (
        sup.post(url, {"body": "B counted 7", "event": b_event}, format="json").status_code == 201
    )
    assert sup.post(url, {"body": "  "}, format="json").status_code == 422
    coder = disputed.client(disputed.coder_a)
    assert coder.get(url).status_code == 403
    assert disputed.client(disputed.outsider).get(url).status_code == 404
    _validate(disputed)
    seen = coder.get(url).json()
    # The comment on coder B's event stays hidden from coder A.
    assert [c["body"] for c in seen] == ["Check the fatalities"]
    assert coder.post(url, {"body": "Thanks", "event": b_event}, format="json").status_code == 422
    assert coder.post(url, {"body": "Thanks"}, format="json").status_code == 201


def test_feedback_precision_recall_against_gold(disputed: World) -> None:
    _validate(disputed)
    table = (
        disputed.client(disputed.supervisor)
        .get(f"/api/v1/projects/{disputed.project.pk}/feedback/")
        .json()
    )
    by_name = {row["username"]: row for row in table}
    # Gold = coder B's attack; coder A found it (with 5 dead instead of 7) and a false truce.
    assert by_name["coder_a"]["detection"] | {} == {
        "tp": 1,
        "fp": 1,
        "fn": 0,
        "precision": 0.5,
        "recall": 1.0,
        "f1": pytest.approx(2 / 3),
    }
    assert by_name["coder_a"]["fields"]["fatalities"]["tp"] == 0
    assert by_name["coder_b"]["detection"]["f1"] == 1.0
    mine = (
        disputed.client(disputed.coder_a)
        .get("/api/v1/me/feedback/", {"project": disputed.project.pk})
        .json()
    )
    assert [row["username"] for row in mine] == ["coder_a"]
    assert (
        disputed.client(disputed.coder_a)
        .get(f"/api/v1/projects/{disputed.project.pk}/feedback/")
        .status_code
        == 403
    )
    assert (
        disputed.client(disputed.supervisor)
        .get("/api/v1/me/feedback/", {"project": disputed.project.pk})
        .status_code
        == 403
    )
