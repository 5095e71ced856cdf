"""Active time on task on PostgreSQL: what counts once, what is refused, and that a refused
report changes nothing. Idle and hidden-tab time never reaches the server (the screen does
not report it: tests/browser/test_time_on_task.py); here, the server's side of the contract.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coding.errors import Conflict, ValidationFailed
from coding.models import Assignment, TimeDay, TimeInterval, TimeLedger, TimeTab
from coding.services.time_on_task import coding_target, time_report_record
from tests.world import World, complete_event

TAB_1 = "tab-one-1111"
TAB_2 = "tab-two-2222"
NOON = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def _rows() -> dict[str, list[tuple[Any, ...]]]:
    return {
        "ledger": list(TimeLedger.objects.order_by("pk").values_list("pk", "seconds")),
        "day": list(TimeDay.objects.order_by("pk").values_list("pk", "day", "seconds")),
        "interval": list(TimeInterval.objects.order_by("pk").values_list("start", "end")),
        "tab": list(TimeTab.objects.order_by("pk").values_list("tab", "last_report_at")),
    }


def _old(assignment: Assignment) -> None:
    """The assignment was created a day before NOON (reports may reach back to it)."""
    Assignment.objects.filter(pk=assignment.pk).update(created_at=NOON - timedelta(days=1))
    assignment.refresh_from_db()


def _report(world: World, tab: str, intervals: list[list[float]], at: datetime) -> float:
    target = coding_target(world.assignment_a, world.coder_a)
    return time_report_record(
        target=target, tab=tab, intervals=intervals, received_at=at
    ).added_seconds


def test_reports_add_up_per_assignment_and_day(world: World) -> None:
    _old(world.assignment_a)
    assert _report(world, TAB_1, [[-60, -30], [-20, 0]], NOON) == 50
    assert _report(world, TAB_1, [[-30, -10]], NOON + timedelta(seconds=60)) == 20
    ledger = TimeLedger.objects.get(assignment=world.assignment_a)
    assert (ledger.user_id, ledger.activity, ledger.seconds) == (world.coder_a.pk, "coding", 70)
    assert list(TimeDay.objects.values_list("day", "seconds")) == [(date(2026, 3, 4), 70)]


def test_two_tabs_on_one_assignment_count_the_shared_minutes_once(world: World) -> None:
    _old(world.assignment_a)
    # Tab 1 active 11:58:00–12:00:00, tab 2 11:59:00–12:00:30: the union is 150 s, not 210.
    assert _report(world, TAB_1, [[-120, 0]], NOON) == 120
    assert _report(world, TAB_2, [[-90, 0]], NOON + timedelta(seconds=30)) == 30
    # Tab 1 again, 12:00:00–12:01:00, half of it already covered by tab 2.
    assert _report(world, TAB_1, [[-60, 0]], NOON + timedelta(seconds=60)) == 30
    assert TimeLedger.objects.get().seconds == 180
    assert list(TimeInterval.objects.values_list("start", "end")) == [
        (NOON - timedelta(seconds=120), NOON + timedelta(seconds=60))
    ]
    assert TimeDay.objects.get().seconds == 180


def test_an_interval_across_midnight_is_split_by_day(world: World) -> None:
    _old(world.assignment_a)
    midnight = datetime(2026, 3, 5, tzinfo=UTC)
    _report(world, TAB_1, [[-100, 0]], midnight + timedelta(seconds=40))
    assert dict(TimeDay.objects.values_list("day", "seconds")) == {
        date(2026, 3, 4): 60,
        date(2026, 3, 5): 40,
    }


REFUSED = [
    ("negative duration", TAB_1, [[-10, -20]]),
    ("empty duration", TAB_1, [[-10, -10]]),
    ("in the future", TAB_1, [[-10, 30]]),
    ("overlapping pairs", TAB_1, [[-50, -20], [-30, -10]]),
    ("out of order", TAB_1, [[-20, -10], [-50, -40]]),
    ("longer than a day", TAB_1, [[-90000, -10]]),
    ("before the assignment existed", TAB_1, [[-86400 - 100, -86400 - 50]]),
    ("not a pair", TAB_1, [[-10]]),
    ("not numbers", TAB_1, [["-10", "-5"]]),
    ("not finite", TAB_1, [[float("-inf"), -5]]),
    ("booleans", TAB_1, [[True, False]]),
    ("not a list", TAB_1, {"start": -10}),
    ("bad tab id", "no", [[-10, -5]]),
    ("tab id not text", 12345678, [[-10, -5]]),
]


@pytest.mark.parametrize(("why", "tab", "intervals"), REFUSED, ids=[r[0] for r in REFUSED])
def test_absurd_reports_are_refused_and_change_nothing(
    world: World, why: str, tab: Any, intervals: Any
) -> None:
    _old(world.assignment_a)
    _report(world, TAB_1, [[-30, -20]], NOON - timedelta(seconds=100))
    before = _rows()
    with pytest.raises(ValidationFailed) as refused:
        _report(world, tab, intervals, NOON)
    assert refused.value.code == "time_report_refused"
    assert _rows() == before


def test_more_time_than_the_wall_clock_since_the_tabs_last_report_is_refused(
    world: World,
) -> None:
    _old(world.assignment_a)
    _report(world, TAB_1, [[-30, 0]], NOON)
    before = _rows()
    # 60 s later the same tab claims 5 minutes: more than the 60 s of wall time since.
    with pytest.raises(ValidationFailed, match="previous report"):
        _report(world, TAB_1, [[-300, 0]], NOON + timedelta(seconds=60))
    assert _rows() == before
    # Another tab may report that stretch (it was open too); only new time counts.
    assert _report(world, TAB_2, [[-300, 0]], NOON + timedelta(seconds=60)) == 270


def test_a_submitted_assignment_takes_no_more_time(world: World) -> None:
    Assignment.objects.filter(pk=world.assignment_a.pk).update(
        status="submitted", submitted_at=NOON
    )
    world.assignment_a.refresh_from_db()
    with pytest.raises(Conflict, match="submitted"):
        coding_target(world.assignment_a, world.coder_a)


# -- through the API --------------------------------------------------------------------------


def _header(tab: str, intervals: list[list[float]]) -> dict[str, str]:
    return {"Athar-Time": json.dumps({"tab": tab, "intervals": intervals})}


def test_the_autosave_carries_the_time_with_the_event_write(world: World) -> None:
    client = world.client(world.coder_a)
    url = f"/api/v1/assignments/{world.assignment_a.pk}/events/"
    created = client.post(
        url, complete_event(world), format="json", headers=_header(TAB_1, [[-3, -1]])
    )
    assert created.status_code == 201, created.content
    assert TimeLedger.objects.get(assignment=world.assignment_a).seconds == pytest.approx(2)
    event_id = created.json()["id"]
    updated = client.put(
        f"/api/v1/events/{event_id}/",
        {**complete_event(world), "version": 1},
        format="json",
        headers=_header(TAB_1, [[-0.5, 0]]),
    )
    assert updated.status_code == 200, updated.content
    answer = client.get(f"/api/v1/assignments/{world.assignment_a.pk}/time/").json()
    assert answer["total_seconds"] == pytest.approx(2.5)
    assert answer["idle_seconds"] == 60
    assert len(answer["days"]) == 1


def test_a_refused_time_header_refuses_the_write_and_changes_nothing(world: World) -> None:
    client = world.client(world.coder_a)
    url = f"/api/v1/assignments/{world.assignment_a.pk}/events/"
    before = (_rows(), world.assignment_a.events.count())
    for header in (
        _header(TAB_1, [[-1, -3]]),
        {"Athar-Time": "not json"},
        {"Athar-Time": json.dumps({"tab": TAB_1})},
    ):
        answer = client.post(url, complete_event(world), format="json", headers=header)
        assert answer.status_code == 422
        assert answer.json()["code"] == "time_report_refused"
        assert (_rows(), world.assignment_a.events.count()) == before


def test_a_refused_write_keeps_no_time(world: World) -> None:
    client = world.client(world.coder_a)
    url = f"/api/v1/assignments/{world.assignment_a.pk}/events/"
    answer = client.post(
        url, {"event_type": "NO_SUCH_TYPE"}, format="json", headers=_header(TAB_1, [[-3, -1]])
    )
    assert answer.status_code == 422
    assert _rows() == {"ledger": [], "day": [], "interval": [], "tab": []}


def test_the_final_report_and_its_refusals(world: World) -> None:
    url = f"/api/v1/assignments/{world.assignment_a.pk}/time/"
    coder = world.client(world.coder_a)
    ok = coder.post(url, {"tab": TAB_1, "intervals": [[-4, -1]]}, format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json() == {"added_seconds": pytest.approx(3), "total_seconds": pytest.approx(3)}
    before = _rows()
    for body in ({"tab": TAB_1}, {"tab": TAB_1, "intervals": [[-1, -2]], "x": 1}, [1, 2]):
        refused = coder.post(url, body, format="json")
        assert refused.status_code == 422, refused.content
        assert refused.json()["code"] == "time_report_refused"
    # The supervisor reads it but cannot report on the coder's behalf; the other coder sees
    # nothing.
    assert (
        world.client(world.supervisor)
        .post(url, {"tab": TAB_2, "intervals": []}, format="json")
        .status_code
        == 403
    )
    assert world.client(world.coder_b).get(url).status_code == 404
    assert world.client(world.supervisor).get(url).json()["total_seconds"] == pytest.approx(3)
    assert _rows() == before
    mine = coder.get("/api/v1/me/time/").json()
    assert [(r["assignment"], r["activity"]) for r in mine["tasks"]] == [
        (world.assignment_a.pk, "coding")
    ]
    assert [(d["activity"], d["seconds"]) for d in mine["days"]] == [("coding", pytest.approx(3))]
    assert world.client(world.coder_b).get("/api/v1/me/time/").json() == {"days": [], "tasks": []}


def test_the_idle_setting_is_kept_in_range_by_postgresql(world: World) -> None:
    from django.db import IntegrityError, transaction

    from coding.models import Project

    for bad in (0, 4, 3601, "60", True):
        with pytest.raises(IntegrityError), transaction.atomic():
            Project.objects.filter(pk=world.project.pk).update(settings={"idle_seconds": bad})
    Project.objects.filter(pk=world.project.pk).update(settings={"idle_seconds": 5})


def test_recording_a_report_takes_a_bounded_number_of_queries(world: World) -> None:
    _old(world.assignment_a)
    _report(world, TAB_1, [[-30, -20]], NOON)
    with CaptureQueriesContext(connection) as queries:
        _report(world, TAB_1, [[-10, -5], [-4, -1]], NOON + timedelta(seconds=20))
    assert len(queries) <= 10


@pytest.mark.parametrize("idle", [2, 4000, "60", 7.5, True])
def test_the_api_refuses_an_idle_setting_out_of_range(world: World, idle: Any) -> None:
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    answer = world.client(root).post(
        "/api/v1/projects/",
        {
            "slug": "p-idle",
            "name": "Idle",
            "codebook_version": world.project.codebook_version_id,
            "settings": {"idle_seconds": idle},
        },
        format="json",
    )
    assert answer.status_code == 422, answer.content
    assert answer.json()["errors"][0]["field"] == "settings"
