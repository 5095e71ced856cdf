"""The pure arithmetic of coding/throughput: interval unions and weekly series, against
brute force on generated inputs (no database)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from coding.throughput.intervals import merge, seconds_by_day, uncovered
from coding.throughput.weekly import (
    ArticleWeeks,
    ShareCounts,
    ShareCurve,
    progress_series,
    weeks_between,
)

Group = tuple[date, date | None, date | None, int]  # created, submitted, validated, n

stretch = st.tuples(st.integers(0, 200), st.integers(1, 40)).map(lambda p: (p[0], p[0] + p[1]))


def covered_seconds(intervals: list[tuple[float, float]]) -> set[int]:
    return {s for a, b in intervals for s in range(int(a), int(b))}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(stretch, max_size=5), max_size=6))
def test_reports_add_exactly_the_union(reports: list[list[tuple[int, int]]]) -> None:
    """However reports overlap (two tabs), what they add up to is the union's length."""
    union: list[tuple[float, float]] = []
    added = 0.0
    for report in reports:
        mine = merge((float(a), float(b)) for a, b in report)
        new = uncovered(mine, union)
        assert covered_seconds(new).isdisjoint(covered_seconds(union))
        added += sum(b - a for a, b in new)
        union = merge(union + mine)
    assert added == len(covered_seconds([(a, b) for r in reports for a, b in r]))
    assert all(b < c for (_, b), (c, _) in itertools.pairwise(union))


def test_seconds_are_split_at_midnight() -> None:
    midnight = datetime(2026, 3, 5, tzinfo=UTC).timestamp()
    assert seconds_by_day([(midnight - 90, midnight + 30)]) == {
        date(2026, 3, 4): 90.0,
        date(2026, 3, 5): 30.0,
    }


MONDAYS = [date(2026, 1, 5) + timedelta(weeks=k) for k in range(8)]
week = st.sampled_from(MONDAYS)
maybe_week = st.none() | week


@st.composite
def assignment_groups(draw: st.DrawFn) -> Group:
    created = draw(week)
    submitted = draw(st.none() | st.sampled_from([m for m in MONDAYS if m >= created]))
    validated = draw(st.none() | week) if submitted else None
    return created, submitted, validated, draw(st.integers(1, 5))


@settings(max_examples=200, deadline=None)
@given(st.lists(assignment_groups(), max_size=12))
def test_share_curve_matches_counting_at_each_week(groups: list[Group]) -> None:
    counts = ShareCounts()
    for created, submitted, validated, n in groups:
        counts.add(created, submitted, validated, n)
    curve = ShareCurve(counts)
    for monday in MONDAYS:
        existing = sum(n for c, _, _, n in groups if c <= monday)
        done = [(s, v, n) for c, s, v, n in groups if c <= monday and s and s <= monday]
        validated = sum(n for _, v, n in done if v and v <= monday)
        submitted = sum(n for _, _, n in done)
        assert curve.at(monday) == (
            submitted / existing if existing else None,
            validated / submitted if submitted else None,
        )


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.builds(ArticleWeeks, week, maybe_week, maybe_week, maybe_week, st.integers(1, 4)),
        max_size=12,
    )
)
def test_progress_series_matches_the_state_rule_at_each_week(groups: list[ArticleWeeks]) -> None:
    series = progress_series(groups, MONDAYS)
    for monday, counts in zip(MONDAYS, series, strict=True):
        wanted = {"to_code": 0, "submitted": 0, "in_adjudication": 0, "validated": 0}
        for g in groups:
            if g.imported > monday:
                continue
            if g.validated and g.validated <= monday:
                wanted["validated"] += g.n
            elif g.opened and g.opened <= monday:
                wanted["in_adjudication"] += g.n
            elif g.complete and g.complete <= monday:
                wanted["submitted"] += g.n
            else:
                wanted["to_code"] += g.n
        assert counts == wanted


def test_weeks_between_starts_on_the_first_monday() -> None:
    assert weeks_between(date(2026, 1, 7), date(2026, 1, 19)) == [
        date(2026, 1, 5),
        date(2026, 1, 12),
        date(2026, 1, 19),
    ]
