"""A calibration item in a coder's queue: blind before submission (no answer a coder can get
tells it from real work), scored against the gold on submit through the outbox, and then
shown to the coder with the gold."""

from __future__ import annotations

import pytest

from coding.models import (
    Adjudication,
    AuditEntry,
    CalibrationAssignment,
    CodedEvent,
    OutboxItem,
)
from coding.services.outbox_drain import outbox_drain
from tests.calibration.conftest import calibration_url, keys_of
from tests.world import World, code_and_submit, complete_event, span

pytestmark = pytest.mark.django_db


def _coder_answers(world: World, assignment_id: int) -> dict[str, object]:
    client = world.client(world.coder_c)  # type: ignore[attr-defined]
    queue = client.get("/api/v1/me/assignments/").json()
    project_list = client.get(f"/api/v1/projects/{world.project.pk}/assignments/").json()
    return {
        "queue_row": next(r for r in queue["results"] if r["id"] == assignment_id),
        "project_row": next(r for r in project_list["results"] if r["id"] == assignment_id),
        "detail": client.get(f"/api/v1/assignments/{assignment_id}/").json(),
        "adjudicated": client.get(f"/api/v1/assignments/{assignment_id}/adjudicated/"),
        "suggestions": client.get(f"/api/v1/assignments/{assignment_id}/suggestions/"),
    }


def test_a_calibration_assignment_looks_like_real_work_to_its_coder(calibrated: World) -> None:
    world = calibrated
    cal, real = world.cal_assignment, world.real_assignment  # type: ignore[attr-defined]
    client = world.client(world.coder_c)  # type: ignore[attr-defined]
    queue = client.get("/api/v1/me/assignments/").json()
    assert queue["count"] == 2
    assert {row["id"] for row in queue["results"]} == {cal.pk, real.pk}
    a, b = _coder_answers(world, cal.pk), _coder_answers(world, real.pk)
    for key in ("queue_row", "project_row"):
        assert keys_of(a[key]) == keys_of(b[key])
    assert keys_of(a["detail"]["assignment"]) == keys_of(b["detail"]["assignment"])  # type: ignore[index]
    assert (
        set(a["detail"]) == set(b["detail"]) == {"assignment", "article", "events", "events_next"}
    )  # type: ignore[arg-type]
    # Same article fields, and none that dates the article's import (an item is old).
    assert set(a["detail"]["article"]) == set(b["detail"]["article"])  # type: ignore[index]
    assert "imported_at" not in a["detail"]["article"]  # type: ignore[index]
    assert a["queue_row"]["status"] == b["queue_row"]["status"] == "assigned"
    assert a["queue_row"]["reopen_count"] == 0
    assert a["queue_row"]["n_events"] == 0
    assert a["detail"]["events"] == b["detail"]["events"] == []  # type: ignore[index]
    assert set(a["detail"]["assignment"]) == set(b["detail"]["assignment"])  # type: ignore[index]
    # The gold stays closed with the very answer real unsubmitted work gets.
    assert a["adjudicated"].status_code == b["adjudicated"].status_code == 409  # type: ignore[attr-defined]
    assert a["adjudicated"].json() == b["adjudicated"].json()  # type: ignore[attr-defined]
    assert a["suggestions"].status_code == b["suggestions"].status_code == 200  # type: ignore[attr-defined]
    comments = client.get(
        f"/api/v1/projects/{world.project.pk}/articles/{world.article.pk}/comments/"
    )
    real_comments = client.get(
        f"/api/v1/projects/{world.project.pk}/articles/{world.second.pk}/comments/"  # type: ignore[attr-defined]
    )
    assert (comments.status_code, comments.json()) == (
        real_comments.status_code,
        real_comments.json(),
    )
    # Their own figures show nothing of it, coding on it or not.
    feedback_before = client.get(f"/api/v1/me/feedback/?project={world.project.pk}").json()
    response = client.post(
        f"/api/v1/assignments/{cal.pk}/events/", complete_event(world), format="json"
    )
    assert response.status_code == 201
    assert client.get(f"/api/v1/me/feedback/?project={world.project.pk}").json() == (
        feedback_before
    )
    assert feedback_before == []
    assert client.get(calibration_url(world, "scores/")).json() == []
    drift = client.get(calibration_url(world, "drift/")).json()
    assert [w["items"] for w in drift[0]["windows"]] == []
    # Supervisors and admins do see it.
    rows = world.client(world.supervisor).get(calibration_url(world, "scores/")).json()
    assert [(r["assignment"], r["status"]) for r in rows] == [(cal.pk, "open")]


def test_submitting_scores_against_the_gold_and_opens_the_gold_to_the_coder(
    calibrated: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    world = calibrated
    cal = world.cal_assignment  # type: ignore[attr-defined]
    adjudication = Adjudication.objects.get(article=world.article)
    gold_before = list(
        CodedEvent.objects.filter(adjudication=adjudication).values_list("pk", "values", "version")
    )
    # coder_c: the attack with 5 dead (gold: 7) and a truce the gold does not have.
    truce = {
        "event_type": "TRUCE",
        "values": dict(complete_event(world)["values"]) | {"fatalities": None},  # type: ignore[arg-type]
        "spans": [span(world.article.text, "أعلنت", "trigger")],
    }
    code_and_submit(
        world,
        cal,
        world.coder_c,  # type: ignore[attr-defined]
        [complete_event(world), truce],
        django_capture_on_commit_callbacks,
    )
    row = CalibrationAssignment.objects.get(assignment=cal)
    # Worked out by hand: the attack matches the gold attack (tp 1), the truce matches
    # nothing (fp 1), every gold event is found (fn 0): F1 = 2·1 / (2·1 + 1 + 0) = 2/3.
    assert (row.status, row.tp, row.fp, row.fn) == ("scored", 1, 1, 0)
    assert row.f1 == pytest.approx(2 / 3)
    assert row.gold_revision == adjudication.revision
    assert row.fields["fatalities"] == {"agree": 0, "compared": 1}  # 5 against 7
    for key in ("event_type", "event_subtype", "actor1", "location", "event_date"):
        assert row.fields[key] == {"agree": 1, "compared": 1}, key
    assert row.fields["notes_text"] == {"agree": 0, "compared": 0}
    assert not OutboxItem.objects.filter(kind="calibration_score").exists()
    # The gold is untouched: same status, revision and events; nothing reopened it.
    adjudication.refresh_from_db()
    assert (adjudication.status, adjudication.revision) == ("validated", 1)
    assert (
        list(
            CodedEvent.objects.filter(adjudication=adjudication).values_list(
                "pk", "values", "version"
            )
        )
        == gold_before
    )
    assert not AuditEntry.objects.filter(action="adjudication.reopen").exists()
    # The coder now sees the score and the gold.
    client = world.client(world.coder_c)  # type: ignore[attr-defined]
    scores = client.get(calibration_url(world, "scores/")).json()
    assert [(s["assignment"], s["status"], s["tp"], s["fp"], s["fn"]) for s in scores] == [
        (cal.pk, "scored", 1, 1, 0)
    ]
    gold = client.get(f"/api/v1/assignments/{cal.pk}/adjudicated/")
    assert gold.status_code == 200
    assert [e["values"]["fatalities"] for e in gold.json()["gold_events"]] == [7]
    # Other coders never see coder_c's score.
    assert world.client(world.coder_a).get(calibration_url(world, "scores/")).json() == []
    # Draining again changes nothing (idempotent).
    assert outbox_drain() == 0
    row.refresh_from_db()
    assert row.f1 == pytest.approx(2 / 3)


def test_a_score_waits_while_the_gold_is_reopened_and_is_computed_once_revalidated(
    calibrated: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from tests.dataset_events.scene import reopen, revalidate

    world = calibrated
    cal = world.cal_assignment  # type: ignore[attr-defined]
    client = world.client(world.coder_c)  # type: ignore[attr-defined]
    assert (
        client.post(
            f"/api/v1/assignments/{cal.pk}/events/", complete_event(world), format="json"
        ).status_code
        == 201
    )
    reopen(world.article, world.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/api/v1/assignments/{cal.pk}/submit/").status_code == 200
    row = CalibrationAssignment.objects.get(assignment=cal)
    assert row.status == "pending"
    assert row.tp is None
    item = OutboxItem.objects.get(kind="calibration_score")
    assert item.attempts == 1
    assert "not validated" in item.last_error
    revalidate(world.article, world.supervisor)
    OutboxItem.objects.filter(pk=item.pk).update(available_at=item.created_at)
    outbox_drain()  # with the validation's own work (stored CSV lines, candidates)
    assert not OutboxItem.objects.filter(kind="calibration_score").exists()
    row.refresh_from_db()
    assert (row.status, row.tp, row.fp, row.fn) == ("scored", 1, 0, 0)
    assert row.f1 == 1.0
    assert row.gold_revision == 2
