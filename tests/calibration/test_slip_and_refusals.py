"""The balance's blind insertion on a real project (exact bounds, no duplicates, never an
item the coder coded or adjudicated, unmarking stops it and keeps scores), and every refusal
of the calibration API and workflow, each checked to change nothing."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from coding.models import (
    Adjudication,
    Assignment,
    AuditEntry,
    CalibrationAssignment,
    CalibrationItem,
    CalibrationPolicy,
)
from coding.services.articles import articles_create
from coding.services.assignment import assignments_balance
from coding.services.projects import membership_set
from tests.calibration.conftest import calibration_url, submitted_real
from tests.dataset_events.scene import validated_report
from tests.factories import UserFactory
from tests.world import Item, World, code_and_submit, complete_event

pytestmark = pytest.mark.django_db


def _state() -> dict[str, Any]:
    return {
        "items": list(
            CalibrationItem.objects.order_by("pk").values_list("pk", "article_id", "active")
        ),
        "policy": list(CalibrationPolicy.objects.values_list("project_id", "rate", "drift_window")),
        "cal": list(CalibrationAssignment.objects.order_by("pk").values_list("pk", "status", "f1")),
        "assignments": list(
            Assignment.objects.order_by("pk").values_list("pk", "coder_id", "status", "version")
        ),
        "adjudications": list(
            Adjudication.objects.order_by("pk").values_list("pk", "status", "revision")
        ),
        "audit": AuditEntry.objects.count(),
    }


def _gold_articles(world: World, n: int, veteran: Any) -> list[int]:
    """n validated articles, each coded for real by `veteran` (their one coder; overlap 1)."""
    values = {
        "actor1": {"id": world.actor.pk},
        "location": {"id": world.location.pk},
        "event_date": {"start": "2022-06-12"},
    }
    ids = []
    for i in range(n):
        text = f"هاجم مسلحون قرية رقم {i} في بولكيسي."
        event = validated_report(
            project=world.project,
            supervisor=world.supervisor,
            text=text,
            trigger="هاجم",
            values=values,
            title=f"Gold {i}",
        )
        submitted_real(world.project, event.article_id, veteran)
        ids.append(event.article_id)
    return ids


def test_each_coder_gets_exactly_floor_rate_times_real_work_of_eligible_items(
    world: World,
) -> None:
    project = world.project
    project.overlap = 1
    project.save(update_fields=["overlap"])
    veteran = world.coder_a
    gold = _gold_articles(world, 6, veteran)
    # The supervisor who adjudicated the gold becomes a coder: they must never get it.
    membership_set(project=project, user=world.supervisor, role="coder")
    coders = [UserFactory(username=f"new{i}") for i in range(4)]
    for coder in coders:
        membership_set(project=project, user=coder, role="coder")
    sup = world.admin
    client = world.client(sup)
    for article_id in gold:
        assert (
            client.post(calibration_url(world, "items/"), {"article": article_id}).status_code
            == 201
        )
    assert client.patch(calibration_url(world), {"rate": 0.25}, format="json").status_code == 200
    articles_create(
        project=project,
        items=[Item(f"Real {i}", f"Real article number {i}.", "en") for i in range(40)],
        actor=None,
    )
    report = assignments_balance(project=project, actor=sup)
    real = Counter(
        Assignment.objects.filter(project=project, calibration__isnull=True).values_list(
            "coder_id", flat=True
        )
    )
    cal = CalibrationAssignment.objects.filter(assignment__project=project)
    cal_by_coder = Counter(cal.values_list("assignment__coder_id", flat=True))
    assert report.calibration == sum(cal_by_coder.values()) > 0
    for coder in coders:
        assert cal_by_coder[coder.pk] == min(math.floor(0.25 * real[coder.pk] + 1e-9), 6)
    assert cal_by_coder[veteran.pk] == 0  # coded every item for real
    assert cal_by_coder[world.supervisor.pk] == 0  # adjudicated every item
    pairs = list(cal.values_list("assignment__article_id", "assignment__coder_id"))
    assert len(pairs) == len(set(pairs))
    assert {a for a, _ in pairs} <= set(gold)
    # No gold was reopened by the calibration rows.
    assert set(
        Adjudication.objects.filter(article_id__in=gold).values_list("status", "revision")
    ) == {("validated", 1)}
    # A second run adds nothing (quotas met), so no item is ever given twice.
    again = assignments_balance(project=project, actor=sup)
    assert (again.created, again.calibration) == (0, 0)
    # Unmarking stops new assignments of the item; existing ones and their scores stay.
    unmarked = gold[:3]
    for article_id in unmarked:
        assert client.delete(calibration_url(world, f"items/{article_id}/")).status_code == 200
    kept = cal.count()
    assert client.patch(calibration_url(world), {"rate": 1.0}, format="json").status_code == 200
    assignments_balance(project=project, actor=sup)
    fresh = list(
        CalibrationAssignment.objects.filter(assignment__project=project)
        .order_by("pk")
        .values_list("assignment__article_id", flat=True)
    )[kept:]
    assert fresh
    assert not set(fresh) & set(unmarked)
    assert cal.count() > kept


def test_unmarking_keeps_the_score(calibrated: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    world = calibrated
    code_and_submit(
        world,
        world.cal_assignment,  # type: ignore[attr-defined]
        world.coder_c,  # type: ignore[attr-defined]
        [complete_event(world)],
        django_capture_on_commit_callbacks,
    )
    sup = world.client(world.supervisor)
    response = sup.delete(calibration_url(world, f"items/{world.article.pk}/"))
    assert response.status_code == 200
    assert response.json()["active"] is False
    assert response.json()["scored"] == 1
    scores = sup.get(calibration_url(world, "scores/")).json()
    assert [(s["status"], s["tp"], s["fn"]) for s in scores] == [("scored", 1, 0)]
    # Marking it again works and keeps the history.
    again = sup.post(calibration_url(world, "items/"), {"article": world.article.pk})
    assert again.status_code == 201
    assert (again.json()["active"], again.json()["assignments"]) == (True, 1)


def test_refusals_change_nothing(calibrated: World) -> None:
    world = calibrated
    sup = world.client(world.supervisor)
    coder = world.client(world.coder_c)  # type: ignore[attr-defined]
    cal = world.cal_assignment  # type: ignore[attr-defined]
    second = world.second  # type: ignore[attr-defined]
    other_article = world.other_project.articles.get()
    cases = [
        # not validated
        (sup.post, calibration_url(world, "items/"), {"article": second.pk}, 409),
        # already a calibration item
        (sup.post, calibration_url(world, "items/"), {"article": world.article.pk}, 409),
        # another project's article, and no such article
        (sup.post, calibration_url(world, "items/"), {"article": other_article.pk}, 404),
        (sup.post, calibration_url(world, "items/"), {"article": 10**9}, 404),
        (sup.post, calibration_url(world, "items/"), {"article": "x"}, 422),
        (sup.delete, calibration_url(world, f"items/{second.pk}/"), None, 404),
        # coders and researchers manage nothing
        (coder.post, calibration_url(world, "items/"), {"article": world.article.pk}, 403),
        (coder.patch, calibration_url(world), {"rate": 0.0}, 403),
        (coder.delete, calibration_url(world, f"items/{world.article.pk}/"), None, 403),
        (world.client(world.researcher).get, calibration_url(world, "scores/"), None, 403),
        # absurd policies
        (sup.patch, calibration_url(world), {"rate": 1.5}, 422),
        (sup.patch, calibration_url(world), {"rate": -0.1}, 422),
        (sup.patch, calibration_url(world), {"drift_window": "year"}, 422),
        (sup.patch, calibration_url(world), {"drift_min_items": 0}, 422),
        (sup.patch, calibration_url(world), {"surprise": 1}, 422),
        (sup.get, calibration_url(world, "scores/") + "?coder=abc", None, 422),
        # calibration assignments are never reassigned (nor reopened, below)
        (sup.post, f"/api/v1/assignments/{cal.pk}/reassign/", {"coder": world.coder_a.pk}, 409),
    ]
    for call, url, body, expected in cases:
        before = _state()
        response = call(url, body, format="json") if body is not None else call(url)
        assert response.status_code == expected, (url, body, response.content[:300])
        assert "detail" in response.json()
        assert _state() == before, (url, body)
    Assignment.objects.filter(pk=cal.pk).update(
        status="submitted", version=2, submitted_at=timezone.now()
    )
    before = _state()
    response = sup.post(f"/api/v1/assignments/{cal.pk}/reopen/", {"reason": "again"})
    assert response.status_code == 409
    assert response.json()["code"] == "calibration_assignment"
    assert _state() == before


def test_drift_api_flags_a_coder_below_the_threshold(
    calibrated: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    world = calibrated
    sup = world.client(world.supervisor)
    response = sup.patch(
        calibration_url(world), {"drift_min_items": 1, "drift_threshold": 0.9}, format="json"
    )
    assert response.status_code == 200
    truce = {
        "event_type": "TRUCE",
        "values": dict(complete_event(world)["values"]) | {"fatalities": None},  # type: ignore[arg-type]
        "spans": [{"role": "trigger", "start": 0, "end": 2, "quote": world.article.text[:2]}],
    }
    code_and_submit(
        world,
        world.cal_assignment,  # type: ignore[attr-defined]
        world.coder_c,  # type: ignore[attr-defined]
        [complete_event(world), truce],
        django_capture_on_commit_callbacks,
    )
    rows = {
        row["coder"]["username"]: row for row in sup.get(calibration_url(world, "drift/")).json()
    }
    c = rows["coder_c"]
    assert [
        (w["calibration"], w["adjudicated"], w["tp"], w["fp"], w["fn"]) for w in c["windows"]
    ] == [(1, 0, 1, 1, 0)]
    assert c["flag"] == {
        "flagged": True,
        "reasons": ["below_threshold"],
        "latest": pytest.approx(2 / 3),
        "baseline": None,
    }
    # coder_a: their real work on the adjudicated article (attack with 5 dead + a truce
    # against the gold attack): one match, one extra.
    a = rows["coder_a"]
    assert [(w["adjudicated"], w["tp"], w["fp"], w["fn"]) for w in a["windows"]] == [(1, 1, 1, 0)]
    # A coder reads only their own row.
    mine = world.client(world.coder_c).get(calibration_url(world, "drift/")).json()  # type: ignore[attr-defined]
    assert [row["coder"]["username"] for row in mine] == ["coder_c"]
    assert mine[0]["flag"] == c["flag"]
