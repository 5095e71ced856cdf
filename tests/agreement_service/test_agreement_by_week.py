"""Project α per field by the week in which articles' coding ended (is retraining working?)."""

from __future__ import annotations

import datetime as dt

import pytest

from coding.agreement import AlignableEvent, FieldSpec, compute_article_agreement
from coding.models import AgreementRun, Assignment
from coding.services.agreement import ALPHA_BY_WEEK, _ProjectFigures, coding_week
from tests.world import World

pytestmark = pytest.mark.django_db

FIELDS = [FieldSpec("fatalities", "ratio")]


def _article(first: int, second: int) -> object:
    events = [
        AlignableEvent(1, 10, "attack", None, (), {"fatalities": first}),
        AlignableEvent(2, 11, "attack", None, (), {"fatalities": second}),
        AlignableEvent(3, 10, "riot", None, (), {"fatalities": 0}),
        AlignableEvent(4, 11, "riot", None, (), {"fatalities": 0}),
    ]
    return compute_article_agreement(events, FIELDS, [10, 11])


def test_coding_week_is_the_iso_week_in_utc() -> None:
    late_sunday = dt.datetime(2026, 12, 6, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-3)))
    assert coding_week(late_sunday) == "2026-W50"  # already Monday 02:30 UTC
    assert coding_week(dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)) == "2026-W01"
    assert coding_week(None) is None


def test_figures_by_week_are_alpha_over_that_weeks_articles_only() -> None:
    figures = _ProjectFigures(FIELDS)
    figures.add(1, _article(5, 9), "2026-W48")  # before retraining: 5 vs 9 dead
    figures.add(2, _article(7, 8), "2026-W48")
    figures.add(3, _article(5, 5), "2026-W49")  # after: agree
    figures.add(4, _article(6, 6), "2026-W49")
    rows = figures.rows(AgreementRun(scope="project"))
    weekly = {(r.details["week"], r.field_key): r for r in rows if r.metric == ALPHA_BY_WEEK}
    assert set(weekly) == {(w, k) for w in ("2026-W48", "2026-W49") for k in ("", "fatalities")}
    first, second = weekly["2026-W48", "fatalities"], weekly["2026-W49", "fatalities"]
    alone = _ProjectFigures(FIELDS)
    alone.add(1, _article(5, 9))
    alone.add(2, _article(7, 8))
    overall_w48 = next(r for r in alone.rows(AgreementRun(scope="project"))
                       if r.metric == "alpha" and r.field_key == "fatalities"
                       and r.event_type_code == "")  # fmt: skip
    assert first.value == pytest.approx(overall_w48.value)
    assert first.value < second.value == 1.0
    assert first.n_pairable == second.n_pairable == 4
    assert first.ci_low is None  # a chart: no interval per week


def test_api_by_week(coded: World) -> None:
    submitted = Assignment.objects.filter(article=coded.article).order_by("-submitted_at")[0]
    week = coding_week(submitted.submitted_at)
    url = f"/api/v1/projects/{coded.project.pk}/agreement/"
    body = coded.client(coded.supervisor).get(url, {"by": "week"}).json()
    assert {row["week"] for row in body["results"]} == {week}
    fields = [row["field"] for row in body["results"]]
    assert fields == sorted(fields)
    assert "" in fields
    assert "fatalities" in fields
    assert all(row["detection_f1"] is None for row in body["results"])
    by_field = coded.client(coded.supervisor).get(url).json()["results"]
    assert all(row["week"] is None for row in by_field)
    refused = coded.client(coded.supervisor).get(url, {"by": "month"})
    assert refused.status_code == 422
    assert "week" in refused.json()["detail"]
