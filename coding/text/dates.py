"""Date expressions in Arabic / French / English news text, as suggestions for coders.

``find_dates(text, anchor=...)`` runs regular expressions over the *folded* text
(:mod:`coding.text.arabic`: Eastern digits → ASCII, أ → ا, ة → ه, ى → ي, harakat and tatweel
removed, Latin case and accents folded) and maps every hit back to code-point offsets of the
original text. Each suggestion is an inclusive date interval with a precision.

Conventions (documented because coders will see the resolved dates):

* Relative expressions (أمس, الخميس الماضي, la semaine dernière, 3 days ago) and dates without
  a year are resolved against ``anchor`` (the publication date) and have ``relative=True``;
  without an anchor they are not reported.
* Weeks are ISO weeks, Monday to Sunday.
* A bare weekday is the most recent such day on or before the anchor (the anchor itself if
  it is that weekday); with الماضي/dernier/last it is strictly before; with المقبل/prochain/next
  strictly after.
* A day and month without a year take the anchor's year, unless that date is more than 7 days
  after the anchor, in which case the previous year (news mostly reports the past);
  الماضي/المقبل after the month force past/future.
* Numeric dates are day first (12/06/2022 = 12 June 2022), as in Arabic and French usage.
* Overlapping hits: the more specific pattern wins (full dates before month-year before year
  before relative words); a dual month form (يونيو/ حزيران, (حزيران) يونيو) must name the same
  month twice, otherwise it is not reported.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import regex

from coding.text.arabic import Folded, fold
from coding.text.date_patterns import (
    AGO_SINGLE,
    AGO_UNITS,
    MONTH_BY_NAME,
    NUMBERS,
    ORDINAL_BY_NAME,
    PAST,
    R_MON,
    RELATIVE_DAYS,
    RELATIVE_PERIODS,
    RX_AGO,
    RX_CROSS_MONTH_RANGE,
    RX_DAY_MONTH,
    RX_ISO,
    RX_MONTH_DAY_EN,
    RX_MONTH_ONLY,
    RX_MONTH_YEAR,
    RX_NUMERIC,
    RX_PERIOD,
    RX_REL_DAY,
    RX_WEEKDAY,
    RX_YEAR,
    WEEKDAY_BY_NAME,
    Windows,
    scan_windows,
)

__all__ = ["DateSuggestion", "Precision", "find_dates"]

Precision = Literal["day", "week", "month", "year"]


@dataclass(frozen=True, slots=True)
class DateSuggestion:
    """A date expression: ``text == original[start:end]`` (code points), resolved to the
    inclusive interval ``date_start..date_end``."""

    start: int
    end: int
    text: str
    date_start: dt.date
    date_end: dt.date
    precision: Precision
    relative: bool


_Resolved = tuple[dt.date, dt.date, Precision, bool]


# ---------------------------------------------------------------------------- resolution


_PRECISION: dict[str, Precision] = {"day": "day", "week": "week", "month": "month", "year": "year"}


def _span_precision(start: dt.date, end: dt.date) -> Precision:
    """The precision of a range the text names ("between 29 June and 3 July"): the smallest
    unit that holds it. A coder's date is then the range with that precision, never a
    single day labelled "day"."""
    days = (end - start).days + 1
    if days == 1:
        return "day"
    if days <= 7:
        return "week"
    if days <= 31:
        return "month"
    return "year"


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _shift_months(day: dt.date, months: int) -> tuple[int, int]:
    index = day.year * 12 + (day.month - 1) + months
    return index // 12, index % 12 + 1


def _week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def _period(unit: str, anchor: dt.date, offset: int) -> tuple[dt.date, dt.date]:
    """The ``unit`` (week/month/year) that is ``offset`` units from the anchor's."""
    if unit == "week":
        return _week_of(anchor + dt.timedelta(weeks=offset))
    if unit == "month":
        year, month = _shift_months(anchor, offset)
        return dt.date(year, month, 1), _month_end(year, month)
    year = anchor.year + offset
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _qualifier(m: regex.Match[str]) -> str:
    """ "past", "future" or "" from the q/q0 groups."""
    for name in ("q", "q0"):
        word = m.groupdict().get(name)
        if word:
            return "past" if word in PAST else "future"
    return ""


def _months_named(m: regex.Match[str], group: str = "mg") -> int | None:
    """The month named in ``group``; None if a dual form names two different months."""
    names = regex.findall(R_MON, m.group(group))
    months = {MONTH_BY_NAME[n] for n in names}
    return months.pop() if len(months) == 1 else None


def _day_number(token: str) -> int:
    return int(token.rstrip("abcdefghijklmnopqrstuvwxyz"))


def _infer_day_year(month: int, day: int, anchor: dt.date, qualifier: str) -> dt.date:
    """Year of a day-month without a year (see the module docstring)."""
    candidates = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        raise ValueError(f"no year has {day}/{month}")
    if qualifier == "past":
        return max(c for c in candidates if c < anchor)
    if qualifier == "future":
        return min(c for c in candidates if c > anchor)
    return max(c for c in candidates if c <= anchor + dt.timedelta(days=7))


def _resolve_day_month(m: regex.Match[str], anchor: dt.date | None) -> _Resolved | None:
    month = _months_named(m)
    if month is None:
        return None
    first = _day_number(m.group("d")) if m.group("d") else ORDINAL_BY_NAME[m.group("od")]
    last = _day_number(m.group("d2")) if m.group("d2") else first
    if last < first:
        return None
    if m.group("y"):
        year = int(m.group("y"))
        start, end = dt.date(year, month, first), dt.date(year, month, last)
        return start, end, _span_precision(start, end), False
    if anchor is None:
        return None
    start = _infer_day_year(month, first, anchor, _qualifier(m))
    end = dt.date(start.year, month, last)
    return start, end, _span_precision(start, end), True


def _resolve_cross_month_range(m: regex.Match[str], anchor: dt.date | None) -> _Resolved | None:
    first_month, last_month = _months_named(m, "mg"), _months_named(m, "mg2")
    if first_month is None or last_month is None:
        return None
    first_day, last_day = _day_number(m.group("d")), _day_number(m.group("d2"))
    first_year = int(m.group("y")) if m.group("y") else None
    last_year = int(m.group("y2")) if m.group("y2") else first_year
    relative = last_year is None
    if last_year is None:
        if anchor is None:
            return None
        last_year = _infer_day_year(last_month, last_day, anchor, "").year
    if first_year is None:
        # The range ends in last_year; it starts in the same year unless it wraps over New Year.
        wraps = (first_month, first_day) > (last_month, last_day)
        first_year = last_year - 1 if wraps else last_year
    start = dt.date(first_year, first_month, first_day)
    end = dt.date(last_year, last_month, last_day)
    if end < start:
        return None
    return start, end, _span_precision(start, end), relative


def _resolve_numeric(m: regex.Match[str], anchor: dt.date | None) -> _Resolved | None:
    day = dt.date(int(m.group("y")), int(m.group("mn")), int(m.group("d")))
    return day, day, "day", False


def _resolve_month_year(m: regex.Match[str], anchor: dt.date | None) -> _Resolved | None:
    month = _months_named(m)
    if month is None:
        return None
    year = int(m.group("y"))
    return dt.date(year, month, 1), _month_end(year, month), "month", False


def _resolve_month_only(m: regex.Match[str], anchor: dt.date | None) -> _Resolved | None:
    month = _months_named(m)
    if month is None or anchor is None:
        return None
    qualifier = _qualifier(m)
    year = anchor.year
    if qualifier == "past":
        year -= 1 if month >= anchor.month else 0
    elif qualifier == "future":
        year += 1 if month <= anchor.month else 0
    elif month > anchor.month:
        year -= 1
    return dt.date(year, month, 1), _month_end(year, month), "month", True


def _resolve_year(m: regex.Match[str], anchor: dt.date | None) -> _Resolved | None:
    year = int(m.group("y"))
    return dt.date(year, 1, 1), dt.date(year, 12, 31), "year", False


def _resolve_ago(m: regex.Match[str], anchor: dt.date | None) -> _Resolved | None:
    if anchor is None:
        return None
    if m.group("one"):
        unit, count = AGO_SINGLE[m.group("one")]
    else:
        unit = AGO_UNITS[m.group("u")]
        count = int(m.group("n")) if m.group("n") else NUMBERS[m.group("nw")]
    if unit == "day":
        day = anchor - dt.timedelta(days=count)
        return day, day, "day", True
    start, end = _period(unit, anchor, -count)
    return start, end, _PRECISION[unit], True


def _resolve_period(m: regex.Match[str], anchor: dt.date | None) -> _Resolved | None:
    if anchor is None:
        return None
    unit, offset = RELATIVE_PERIODS[m.group("body")]
    start, end = _period(unit, anchor, offset)
    return start, end, _PRECISION[unit], True


def _resolve_relative_day(m: regex.Match[str], anchor: dt.date | None) -> _Resolved | None:
    if anchor is None:
        return None
    day = anchor + dt.timedelta(days=RELATIVE_DAYS[m.group("body")])
    return day, day, "day", True


def _resolve_weekday(m: regex.Match[str], anchor: dt.date | None) -> _Resolved | None:
    if anchor is None:
        return None
    weekday = WEEKDAY_BY_NAME[m.group("wd")]
    qualifier = _qualifier(m)
    if qualifier == "future":
        day = anchor + dt.timedelta(days=(weekday - anchor.weekday()) % 7 or 7)
    else:
        back = (anchor.weekday() - weekday) % 7
        if back == 0 and qualifier == "past":
            back = 7
        day = anchor - dt.timedelta(days=back)
    return day, day, "day", True


_Resolver = Callable[[regex.Match[str], "dt.date | None"], "_Resolved | None"]

# Most specific first: a later pattern never overrides an earlier hit that overlaps it.
# The third item is the trigger category whose scan windows the pattern needs.
_PASSES: tuple[tuple[regex.Pattern[str], _Resolver, str], ...] = (
    (RX_NUMERIC, _resolve_numeric, "digit"),
    (RX_ISO, _resolve_numeric, "digit"),
    (RX_CROSS_MONTH_RANGE, _resolve_cross_month_range, "month"),
    (RX_DAY_MONTH, _resolve_day_month, "month"),
    (RX_MONTH_DAY_EN, _resolve_day_month, "month"),
    (RX_MONTH_YEAR, _resolve_month_year, "month"),
    (RX_MONTH_ONLY, _resolve_month_only, "month"),
    (RX_YEAR, _resolve_year, "digit"),
    (RX_AGO, _resolve_ago, "ago"),
    (RX_PERIOD, _resolve_period, "period"),
    (RX_REL_DAY, _resolve_relative_day, "relative_day"),
    (RX_WEEKDAY, _resolve_weekday, "weekday"),
)


def find_dates(
    text: str, *, anchor: dt.date | None = None, folded: Folded | None = None
) -> list[DateSuggestion]:
    """Date expressions in ``text``, sorted by start (code-point offsets into ``text``).

    ``anchor`` is the publication date used for relative expressions and missing years; a
    ``datetime`` is accepted and its date used. ``folded`` may pass ``fold(text)`` when the
    caller already has it. Suggestions are proposals for a coder.
    """
    if folded is None:
        folded = fold(text)
    elif folded.source != text:
        raise ValueError("folded must be fold(text)")
    return _find(folded, anchor, scan_windows(folded.text))


def _find(folded: Folded, anchor: dt.date | None, windows: Windows | None) -> list[DateSuggestion]:
    """Run the passes over their scan windows (``None``: over the whole text)."""
    if isinstance(anchor, dt.datetime):
        anchor = anchor.date()
    text = folded.source
    occupied = bytearray(len(folded.text) + 1)
    found: list[DateSuggestion] = []
    whole = [(0, len(folded.text))]
    for pattern, resolve, category in _PASSES:
        for lo, hi in whole if windows is None else windows[category]:
            for m in pattern.finditer(folded.text, lo, hi):
                i, j = m.span("body")
                if i == j or occupied.find(1, i, j) != -1:
                    continue
                try:
                    resolved = resolve(m, anchor)
                except ValueError:  # 31 February, or no candidate year
                    continue
                if resolved is None:
                    continue
                occupied[i:j] = b"\x01" * (j - i)
                start, end = folded.original_span(i, j)
                date_start, date_end, precision, relative = resolved
                found.append(
                    DateSuggestion(
                        start, end, text[start:end], date_start, date_end, precision, relative
                    )
                )
    found.sort(key=lambda s: (s.start, s.end))
    return found
