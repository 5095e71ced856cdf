"""The dashboard's figures on a generated project, against a plain computation from the
generator's own plan (no code shared with coding/throughput_selectors.py), and its CSV."""

from __future__ import annotations

import csv
import io
import statistics
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coding.models import Assignment
from tests.factories import ArticleFactory, AssignmentFactory
from tests.time_on_task.generated import Plan, generate


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def expected_rows(
    plan: Plan, first: date | None = None, last: date | None = None
) -> dict[tuple[int, date], dict[str, Any]]:
    def inside(day: date) -> bool:
        return (first is None or day >= first) and (last is None or day <= last)

    rows: dict[tuple[int, date], dict[str, Any]] = {}

    def row(user: int, week: date) -> dict[str, Any]:
        return rows.setdefault(
            (user, week),
            {
                "articles": 0,
                "events": 0,
                "coding": 0.0,
                "review": 0.0,
                "per_article": [],
                "per_event": [],
            },
        )

    for coder, _created, submitted, n_events, seconds in plan.assignments.values():
        if submitted is None or not inside(submitted.date()):
            continue
        r = row(coder, monday(submitted.date()))
        r["articles"] += 1
        r["events"] += n_events
        if seconds is not None:
            r["per_article"].append(seconds / 60)
            if n_events:
                r["per_event"].append(seconds / n_events / 60)
    for (user, day, activity), seconds in plan.days.items():
        if inside(day):
            row(user, monday(day))[activity] += seconds / 60
    for (user, week), r in rows.items():
        end = week + timedelta(days=6)
        mine = [
            (created, submitted, plan.articles_of[aid])  # type: ignore[attr-defined]
            for aid, (coder, created, submitted, _, _) in plan.assignments.items()
            if coder == user
        ]
        existing = [(c, s, v) for c, s, v in mine if c.date() <= end]
        done = [(c, s, v) for c, s, v in existing if s is not None and s.date() <= end]
        valid = [1 for _, _, v in done if v is not None and v.date() <= end]
        r["share_submitted"] = len(done) / len(existing) if existing else None
        r["share_adjudicated"] = len(valid) / len(done) if done else None
    return rows


def expected_progress(plan: Plan, week: date) -> dict[str, int]:
    end = week + timedelta(days=6)
    counts = {"to_code": 0, "submitted": 0, "in_adjudication": 0, "validated": 0}
    for aid, (imported, opened, validated) in plan.articles.items():
        if imported.date() > end:
            continue
        mine = [
            submitted
            for a, (_, _, submitted, _, _) in plan.assignments.items()
            if plan.article_of[a] == aid  # type: ignore[attr-defined]
        ]
        if validated and validated.date() <= end:
            counts["validated"] += 1
        elif opened and opened.date() <= end:
            counts["in_adjudication"] += 1
        elif mine and all(s is not None and s.date() <= end for s in mine):
            counts["submitted"] += 1
        else:
            counts["to_code"] += 1
    return counts


def _index(plan: Plan) -> None:
    """Which article each assignment is on, and each assignment's validation time."""
    article_of = dict(
        Assignment.objects.filter(project=plan.project).values_list("pk", "article_id")
    )
    plan.article_of = article_of  # type: ignore[attr-defined]
    plan.articles_of = {a: plan.articles[article_of[a]][2] for a in article_of}  # type: ignore[attr-defined]


@pytest.fixture
def plan(db: None) -> Plan:
    plan = generate()
    _index(plan)
    return plan


def _close(actual: dict[str, Any], wanted: dict[str, Any]) -> None:
    assert actual["articles"] == wanted["articles"]
    assert actual["events"] == wanted["events"]
    assert actual["active_minutes"] == pytest.approx(wanted["coding"])
    assert actual["review_minutes"] == pytest.approx(wanted["review"])
    for key, values in (
        ("median_minutes_per_article", wanted["per_article"]),
        ("median_minutes_per_event", wanted["per_event"]),
    ):
        if values:
            assert actual[key] == pytest.approx(statistics.median(values)), key
        else:
            assert actual[key] is None, key
    for key in ("share_submitted", "share_adjudicated"):
        if wanted[key] is None:
            assert actual[key] is None, key
        else:
            assert actual[key] == pytest.approx(wanted[key]), key


def test_figures_match_a_plain_computation(plan: Plan) -> None:
    client = _client(plan.supervisor)
    body = client.get(f"/api/v1/projects/{plan.project.pk}/throughput/").json()
    wanted = expected_rows(plan)
    got = {(r["user"], date.fromisoformat(r["week"])): r for r in body["rows"]}
    assert set(got) == set(wanted)
    for key, row in got.items():
        _close(row, wanted[key])
    assert sum(r["articles"] for r in body["rows"]) == sum(
        1 for a in plan.assignments.values() if a[2]
    )
    weeks = [date.fromisoformat(p["week"]) for p in body["progress"]]
    assert weeks[0] == monday(min(i for i, _, _ in plan.articles.values()).date())
    for p in body["progress"]:
        assert {
            k: p[k] for k in ("to_code", "submitted", "in_adjudication", "validated")
        } == expected_progress(plan, date.fromisoformat(p["week"]))
    assert sum(
        body["progress"][-1][k] for k in ("to_code", "submitted", "in_adjudication", "validated")
    ) == len(plan.articles)


def test_filters_by_coder_and_dates(plan: Plan) -> None:
    client = _client(plan.supervisor)
    coder = plan.coders[1]
    first, last = date(2026, 2, 9), date(2026, 2, 22)
    body = client.get(
        f"/api/v1/projects/{plan.project.pk}/throughput/",
        {"coder": str(coder.pk), "from": first.isoformat(), "to": last.isoformat()},
    ).json()
    wanted = {k: v for k, v in expected_rows(plan, first, last).items() if k[0] == coder.pk}
    got = {(r["user"], date.fromisoformat(r["week"])): r for r in body["rows"]}
    assert set(got) == set(wanted)
    assert got
    for key, row in got.items():
        _close(row, wanted[key])
    assert [p["week"] for p in body["progress"]] == ["2026-02-09", "2026-02-16"]


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2026, 2, 11), date(2026, 2, 19)),  # both cut a week (read from the day rows)
        (date(2026, 2, 10), date(2026, 2, 12)),  # inside one week
        (date(2026, 2, 9), date(2026, 2, 18)),  # a whole week, then a cut one
        (date(2026, 2, 12), None),  # a cut week, then every whole week after
        (None, date(2026, 2, 17)),
    ],
)
def test_periods_that_cut_weeks_count_only_their_days(
    plan: Plan, first: date | None, last: date | None
) -> None:
    params = {k: v.isoformat() for k, v in (("from", first), ("to", last)) if v}
    body = _client(plan.supervisor).get(f"/api/v1/projects/{plan.project.pk}/throughput/", params)
    wanted = expected_rows(plan, first, last)
    got = {(r["user"], date.fromisoformat(r["week"])): r for r in body.json()["rows"]}
    assert set(got) == set(wanted)
    assert got
    for key, row in got.items():
        _close(row, wanted[key])


@pytest.mark.parametrize(
    "params",
    [
        {"coder": "x"},
        {"coder": "1;2"},
        {"from": "2026-13-01"},
        {"from": "2026-03-02", "to": "2026-03-01"},
        {"to": "yesterday"},
    ],
)
def test_bad_filters_are_refused(plan: Plan, params: dict[str, str]) -> None:
    answer = _client(plan.supervisor).get(f"/api/v1/projects/{plan.project.pk}/throughput/", params)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] in {"coder", "from", "to"}


def test_csv_has_the_same_figures(plan: Plan) -> None:
    client = _client(plan.supervisor)
    url = f"/api/v1/projects/{plan.project.pk}/throughput/"
    body = client.get(url).json()
    answer = client.get(url + "csv/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        answer["Content-Disposition"]
        == f'attachment; filename="{plan.project.slug}-throughput.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8"))))
    assert len(rows) == len(body["rows"])
    for line, row in zip(rows, body["rows"], strict=True):
        assert line["week"] == row["week"]
        assert int(line["user"]) == row["user"]
        assert line["username"] == row["username"]
        assert int(line["articles"]) == row["articles"]
        assert float(line["active_minutes"]) == pytest.approx(row["active_minutes"], abs=1e-4)
        median = row["median_minutes_per_article"]
        assert line["median_minutes_per_article"] == (
            "" if median is None else line["median_minutes_per_article"]
        )
        if median is not None:
            assert float(line["median_minutes_per_article"]) == pytest.approx(median, abs=1e-4)


def test_csv_guards_a_username_a_spreadsheet_would_run(plan: Plan) -> None:
    client = _client(plan.supervisor)
    url = f"/api/v1/projects/{plan.project.pk}/throughput/"
    first, second = sorted({r["user"] for r in client.get(url).json()["rows"]})[:2]
    type(plan.supervisor).objects.filter(pk=first).update(username="-2+3")
    type(plan.supervisor).objects.filter(pk=second).update(username="@SUM")
    text = client.get(url + "csv/").content.decode()
    names = {line["username"] for line in csv.DictReader(io.StringIO(text))}
    assert {"'@SUM", "'-2+3"} <= names
    assert not {"@SUM", "-2+3"} & names


def test_the_dashboard_takes_a_fixed_number_of_queries(plan: Plan) -> None:
    client = _client(plan.supervisor)
    url = f"/api/v1/projects/{plan.project.pk}/throughput/"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    generate(seed=11, n_articles=10)  # another project's rows change nothing
    more = ArticleFactory(project=plan.project)
    AssignmentFactory(article=more, coder=plan.coders[0])
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(small) == len(large) <= 12


def _client(user: Any) -> Any:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client
