"""The pure scoring and drift rule (coding.calibration), on hand-worked cases."""

from __future__ import annotations

import datetime as dt

import pytest

from coding.agreement import AlignableEvent, Span
from coding.calibration import DriftItem, DriftRule, drift_report, f1_of, score_against_gold
from coding.calibration.drift import window_of


def _event(pk: int, owner: int, kind: str, start: int, **values: object) -> AlignableEvent:
    return AlignableEvent(
        id=pk,
        coder=owner,
        event_type=kind,
        spans=(Span("trigger", start, start + 5),),
        values={"event_type": kind, **values},
    )


def test_score_counts_matches_extras_misses_and_field_agreement() -> None:
    gold = [_event(1, -1, "ATTACK", 0, deaths=7, place=3), _event(2, -1, "TRUCE", 50, place=3)]
    coded = [
        _event(10, 5, "ATTACK", 0, deaths=5, place=3),  # matches gold 1; deaths differ
        _event(11, 5, "PROTEST", 200, place=None),  # nothing like it in the gold
    ]
    score = score_against_gold(coded, gold, ["event_type", "deaths", "place"])
    assert (score.tp, score.fp, score.fn) == (1, 1, 1)
    assert score.f1 == pytest.approx(2 * 1 / (2 * 1 + 1 + 1))
    assert score.fields == {
        "event_type": {"agree": 1, "compared": 1},
        "deaths": {"agree": 0, "compared": 1},
        "place": {"agree": 1, "compared": 1},
    }


def test_f1_is_undefined_with_nothing_on_either_side() -> None:
    assert f1_of(0, 0, 0) is None
    assert f1_of(0, 2, 0) == 0.0
    assert f1_of(3, 0, 0) == 1.0
    score = score_against_gold([], [], ["x"])
    assert (score.tp, score.fp, score.fn, score.f1) == (0, 0, 0, None)


def test_windows_are_iso_weeks_or_months() -> None:
    assert window_of(dt.date(2026, 1, 1), "week") == "2026-W01"
    assert window_of(dt.date(2027, 1, 1), "week") == "2026-W53"
    assert window_of(dt.date(2026, 12, 31), "month") == "2026-12"


def _items(month: int, n: int, tp: int, fp: int, fn: int) -> list[DriftItem]:
    when = dt.datetime(2026, month, 10, tzinfo=dt.UTC)
    return [DriftItem(when, "calibration", tp, fp, fn) for _ in range(n)]


def test_drift_flags_a_drop_from_the_coders_own_past() -> None:
    rule = DriftRule(threshold=0.5, drop=0.15, min_items=3, window="month")
    items = _items(1, 3, 1, 0, 0) + _items(2, 3, 1, 0, 0) + _items(3, 4, 2, 1, 1)
    report = drift_report(items, rule)
    assert [w["window"] for w in report["windows"]] == ["2026-01", "2026-02", "2026-03"]
    assert [w["f1"] for w in report["windows"]] == [1.0, 1.0, pytest.approx(16 / 24)]
    # March: 2·8 / (2·8 + 4 + 4) = 0.667, above the threshold but 0.333 below the median 1.0.
    assert report["flag"] == {
        "flagged": True,
        "reasons": ["dropped"],
        "latest": pytest.approx(2 / 3),
        "baseline": 1.0,
    }


def test_drift_flags_a_window_below_the_threshold_and_ignores_thin_windows() -> None:
    rule = DriftRule(threshold=0.6, drop=0.5, min_items=3, window="month")
    items = _items(1, 3, 1, 1, 1) + _items(2, 2, 0, 1, 1)  # February: 2 items, too few
    report = drift_report(items, rule)
    assert [w["counts"] for w in report["windows"]] == [True, False]
    assert report["flag"] == {
        "flagged": True,
        "reasons": ["below_threshold"],
        "latest": 0.5,
        "baseline": None,
    }


def test_no_flag_when_steady_and_above_the_threshold() -> None:
    rule = DriftRule(threshold=0.6, drop=0.15, min_items=2, window="month")
    items = _items(1, 2, 3, 1, 0) + _items(2, 2, 3, 1, 1) + _items(3, 2, 3, 1, 0)
    flag = drift_report(items, rule)["flag"]
    assert flag["flagged"] is False
    assert flag["reasons"] == []
    assert drift_report([], rule) == {
        "windows": [],
        "flag": {"flagged": False, "reasons": [], "latest": None, "baseline": None},
    }
