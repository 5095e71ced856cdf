"""Resolving a dataset event's fields from its reports (coding.dedup.resolution), on plain
records with hand-computed expectations."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coding.dedup.resolution import (
    ChoiceRefused,
    FieldInfo,
    Report,
    ReportSpan,
    Span,
    choice_entry,
    resolution_keys,
    resolve,
)
from coding.dedup.rules import DateRange, RuleNotApplicable, date_rule

D = dt.date
FIELDS = [
    FieldInfo("event_date", "date", "date", "date"),
    FieldInfo("time_precision", "choice", None, "date_precision"),
    FieldInfo("actor1", "actor", "actor1", None),
    FieldInfo("location", "location", "location", "location"),
    FieldInfo("fatalities", "integer", "fatalities", "fatalities"),
    FieldInfo("notes", "text", None, None),
]

# Report 11 (the primary: smallest id) in an Arabic article, 12 and 15 in others.
R11 = Report(
    11,
    "battles",
    "armed_clash",
    {
        "event_date": {"start": "2024-03-01", "end": "2024-03-03"},
        "time_precision": "2",
        "actor1": {"id": 4},
        "location": {"id": 9},
        "fatalities": 7,
        "notes": "اشتباك",
    },
    D(2024, 3, 1),
    D(2024, 3, 3),
    2,
    7,
    (
        Span("trigger", 0, 6, "اشتباكـ"),
        Span("actor1", 10, 14, "الجيش"),
        Span("date", 20, 25, "الجمعة"),
        Span("fatalities", 30, 34, "سبعة"),
    ),
)
R12 = Report(
    12,
    "battles",
    "armed_clash",
    {
        "event_date": {"start": "2024-03-02", "end": "2024-03-02"},
        "time_precision": "1",
        "actor1": {"id": 4},
        "location": {"id": 10},
        "fatalities": 5,
    },
    D(2024, 3, 2),
    D(2024, 3, 2),
    1,
    5,
    (
        Span("trigger", 3, 8, "heurt"),
        Span("location", 40, 45, "Douma"),
        Span("fatalities", 1, 2, "5"),
    ),
)
R15 = Report(
    15,
    "violence_against_civilians",
    "attack",
    {
        "event_date": {"start": "2024-02-28", "end": "2024-03-02"},
        "time_precision": "2",
        "actor1": {"id": 4},
        "location": {"id": 9},
        "fatalities": 12,
    },
    D(2024, 2, 28),
    D(2024, 3, 2),
    2,
    12,
    (Span("fatalities", 50, 52, "12"), Span("date", 0, 4, "😀جمعة")),
)


def test_one_report_is_its_own_values_and_evidence() -> None:
    event = resolve([R11], FIELDS, {})
    assert event.primary == 11
    assert event.values == dict(R11.values)
    assert event.differing == []
    assert event.ignored == ()
    assert all(f.source == {"report": 11} and not f.chosen for f in event.fields.values())
    assert [s.role for s in event.spans] == ["trigger", "actor1", "date", "fatalities"]
    assert event.fields["fatalities"].value == 7


def test_keys_group_date_and_precision_and_take_fatalities_by_its_column() -> None:
    assert resolution_keys(FIELDS) == [
        "event_type",
        "date",
        "actor1",
        "location",
        "fatalities",
        "notes",
    ]


def test_primary_is_the_smallest_id_whatever_the_order_and_fatalities_follow_policy() -> None:
    event = resolve([R15, R12, R11], FIELDS, {})
    assert event.primary == 11
    assert event.fields["event_type"].value == {"type": "battles", "subtype": "armed_clash"}
    assert event.fields["event_type"].differs is True
    assert event.fields["date"].value == {
        "start": "2024-03-01",
        "end": "2024-03-03",
        "precision": 2,
    }
    assert event.fields["location"].value == {"id": 9}
    # conservative by default: the lowest figure, 5, from report 12, with 12's evidence
    assert event.fields["fatalities"].value == 5
    assert event.fields["fatalities"].source == {"rule": "conservative"}
    assert event.fields["fatalities"].chosen is False
    assert event.fields["fatalities"].evidence == (ReportSpan(12, "fatalities", 1, 2, "5"),)
    assert event.values["fatalities"] == 5
    assert event.differing == ["event_type", "date", "location", "fatalities", "notes"]
    assert event.fields["actor1"].differs is False


def test_low_best_high_takes_min_lower_median_max_with_all_figures_evidence() -> None:
    event = resolve([R11, R12, R15], FIELDS, {}, fatalities_policy="low_best_high")
    assert event.fields["fatalities"].value == {"low": 5, "best": 7, "high": 12}
    assert event.values["fatalities"] == 7
    assert [s.report for s in event.fields["fatalities"].evidence] == [11, 12, 15]
    two = resolve([R11, R12], FIELDS, {}, fatalities_policy="low_best_high")
    assert two.fields["fatalities"].value == {"low": 5, "best": 5, "high": 7}


def test_a_report_choice_brings_that_reports_value_and_evidence_for_the_role() -> None:
    resolution = {"location": {"report": 12, "by": 3, "at": "2024-04-01T10:00:00Z", "reason": "x"}}
    event = resolve([R11, R12], FIELDS, resolution)
    assert event.values["location"] == {"id": 10}
    assert event.fields["location"].source == {"report": 12}
    assert event.fields["location"].chosen is True
    assert event.fields["location"].evidence == (ReportSpan(12, "location", 40, 45, "Douma"),)
    # the trigger (bound to no field) follows the event type: report 11's, not 12's
    assert [(s.report, s.role) for s in event.spans] == [
        (11, "trigger"),
        (11, "actor1"),
        (11, "date"),
        (12, "location"),
        (12, "fatalities"),
    ]


def test_event_type_from_another_report_brings_its_trigger() -> None:
    event = resolve([R11, R12], FIELDS, {"event_type": {"report": 12}})
    assert event.fields["event_type"].evidence == (ReportSpan(12, "trigger", 3, 8, "heurt"),)
    assert not any(s.report == 11 and s.role == "trigger" for s in event.spans)


def test_date_intersection_and_union_with_resulting_precision() -> None:
    inter = resolve([R11, R15], FIELDS, {"date": {"rule": "intersection"}})
    assert inter.fields["date"].value == {
        "start": "2024-03-01",
        "end": "2024-03-02",
        "precision": 2,
    }
    assert inter.values["event_date"] == {"start": "2024-03-01", "end": "2024-03-02"}
    assert inter.values["time_precision"] == "2"
    assert {s.report for s in inter.fields["date"].evidence} == {11, 15}
    union = resolve([R11, R12, R15], FIELDS, {"date": {"rule": "union"}})
    assert union.fields["date"].value == {
        "start": "2024-02-28",
        "end": "2024-03-03",
        "precision": 2,
    }
    # a single day is precision 1, whatever the reports said
    one_day = resolve([R11, R12, R15], FIELDS, {"date": {"rule": "intersection"}})
    assert one_day.fields["date"].value == {
        "start": "2024-03-02",
        "end": "2024-03-02",
        "precision": 1,
    }


def test_typed_values_bring_no_evidence() -> None:
    resolution = {
        "notes": {"rule": "typed", "value": "مكتوب"},
        "fatalities": {"rule": "typed", "value": {"low": 1, "best": 2, "high": 3}},
    }
    event = resolve([R11, R12], FIELDS, resolution)
    assert event.values["notes"] == "مكتوب"
    assert event.fields["fatalities"].value == {"low": 1, "best": 2, "high": 3}
    assert event.values["fatalities"] == 2
    assert event.fields["fatalities"].evidence == ()
    assert not any(s.role == "fatalities" for s in event.spans)


def test_entries_that_no_longer_apply_fall_back_and_are_listed() -> None:
    resolution = {"location": {"report": 99}, "date": {"rule": "intersection"}}
    disjoint = Report(20, "battles", None, {}, D(2024, 5, 1), D(2024, 5, 2), 1, None)
    event = resolve([R11, disjoint], FIELDS, resolution)
    assert event.ignored == ("date", "location")
    assert event.fields["location"].source == {"report": 11}
    assert event.fields["date"].source == {"report": 11}


def test_choice_entry_computes_rule_values_and_refuses_what_cannot_apply() -> None:
    assert choice_entry([R11, R15], FIELDS, "date", {"rule": "intersection"}) == {
        "rule": "intersection",
        "value": {"start": "2024-03-01", "end": "2024-03-02", "precision": 2},
    }
    assert choice_entry([R11, R12], FIELDS, "fatalities", {"rule": "conservative"}) == {
        "rule": "conservative",
        "value": 5,
    }
    assert choice_entry([R11, R12], FIELDS, "actor1", {"report": 12}) == {"report": 12}
    refused = [
        ("nope", {"report": 11}, "unknown_field"),
        ("actor1", {"report": 99}, "not_a_report"),
        ("actor1", {"report": True}, "invalid"),
        ("actor1", {"rule": "union"}, "rule_not_allowed"),
        ("fatalities", {"rule": "union"}, "rule_not_allowed"),
        (
            "date",
            {"rule": "typed", "value": {"start": "2024-03-05", "end": "2024-03-01"}},
            "invalid_value",
        ),
        ("fatalities", {"rule": "typed", "value": -1}, "invalid_value"),
        (
            "fatalities",
            {"rule": "typed", "value": {"low": 3, "best": 2, "high": 4}},
            "invalid_value",
        ),
        ("event_type", {"rule": "typed", "value": "x"}, "invalid_value"),
        ("notes", {"rule": "typed"}, "invalid"),
        ("notes", {}, "invalid"),
    ]
    for key, choice, code in refused:
        with pytest.raises(ChoiceRefused) as caught:
            choice_entry([R11, R12], FIELDS, key, choice)
        assert caught.value.code == code, (key, choice)
    disjoint = Report(20, "battles", None, {}, D(2024, 5, 1), D(2024, 5, 2), 1, None)
    with pytest.raises(ChoiceRefused) as caught:
        choice_entry([R11, disjoint], FIELDS, "date", {"rule": "intersection"})
    assert caught.value.code == "rule_not_applicable"


def test_no_report_gives_fatalities_then_the_primary_none() -> None:
    a = Report(1, "t", None, {}, None, None, None, None)
    b = Report(2, "t", None, {}, None, None, None, None)
    event = resolve([a, b], FIELDS, {})
    assert event.fields["fatalities"].value is None
    assert event.fields["fatalities"].source == {"report": 1}
    assert "fatalities" not in event.values
    assert event.fields["date"].value is None


dates = st.dates(min_value=D(2020, 1, 1), max_value=D(2026, 12, 31))


@st.composite
def date_ranges(draw: st.DrawFn) -> DateRange:
    start = draw(dates)
    days = draw(st.integers(min_value=0, max_value=40))
    return DateRange(start, start + dt.timedelta(days=days), draw(st.sampled_from([None, 1, 2, 3])))


@settings(max_examples=200, deadline=None)
@given(st.lists(date_ranges(), min_size=1, max_size=5))
def test_union_contains_every_range_and_intersection_is_inside_every_range(
    ranges: list[DateRange],
) -> None:
    union = date_rule("union", ranges)
    assert all(union.start <= r.start and r.end <= union.end for r in ranges)
    try:
        inter = date_rule("intersection", ranges)
    except RuleNotApplicable:
        assert max(r.start for r in ranges) > min(r.end for r in ranges)
        return
    assert all(r.start <= inter.start and inter.end <= r.end for r in ranges)
    codes = [r.precision for r in ranges if r.precision is not None]
    if codes:
        assert inter.precision is not None
        assert union.precision is not None
        assert inter.precision <= union.precision


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=500), min_size=2, max_size=6))
def test_fatalities_rules_stay_within_the_reported_figures(figures: list[int]) -> None:
    reports = [
        Report(i + 1, "t", None, {"fatalities": n}, fatalities=n) for i, n in enumerate(figures)
    ]
    low = resolve(reports, FIELDS, {}).fields["fatalities"].value
    lbh = resolve(reports, FIELDS, {}, fatalities_policy="low_best_high").fields["fatalities"].value
    assert low == min(figures) == lbh["low"]
    assert lbh["low"] <= lbh["best"] <= lbh["high"] == max(figures)
    assert lbh["best"] in figures
