"""A dataset event's fields resolved from its reports, on plain data (no Django).

The value of each field is the value of the **primary report** (the report with the smallest
gold event id) unless the dataset event's `resolution` names another source for its key:

* ``{"report": gold_event_id}`` — that report's value (and its evidence for the field's role);
* ``{"rule": "intersection" | "union"}`` — key ``date`` only: the range rule over the reports'
  date ranges, with the resulting precision (see coding.dedup.rules);
* ``{"rule": "conservative" | "low_best_high"}`` — key ``fatalities`` only;
* ``{"rule": "typed", "value": v}`` — a value the supervisor typed (it brings no evidence).

Rules are recomputed over the current reports (a stored ``value`` records what the rule gave
when it was chosen); an entry that no longer applies (it names a report that left, or the
ranges stopped overlapping) falls back to the default and is listed in `ignored`, never
dropped silently. Without an entry, ``fatalities`` of an event with several reports follows
the project's `fatalities_policy` ("conservative", ACLED's default, or "low_best_high").

Resolution keys: ``event_type`` (type and sub-type together), ``date`` (the field with typed
column ``date`` together with the one with ``date_precision``), ``fatalities`` (the field with
typed column ``fatalities``), and every other codebook field by its own key.

Evidence follows the value, as in adjudication's merge: the spans of the role a field collects
evidence in come from the report(s) its value came from; roles no field is bound to (the
trigger, …) follow the event type's report. Offsets are code points into that report's
article, so every span carries the gold event id of its report.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .rules import (
    DATE_RULES,
    FATALITIES_POLICIES,
    FATALITIES_RULES,
    DateRange,
    RuleNotApplicable,
    date_rule,
    fatalities_conservative,
    fatalities_low_best_high,
)

EVENT_TYPE = "event_type"
DATE = "date"
FATALITIES = "fatalities"


@dataclass(frozen=True)
class FieldInfo:
    """A codebook field as far as resolution needs it."""

    key: str
    kind: str
    evidence_role: str | None = None
    typed_column: str | None = None


@dataclass(frozen=True)
class Span:
    role: str
    start: int
    end: int
    quote: str


@dataclass(frozen=True)
class Report:
    """A validated gold event reporting the dataset event, as stored on CodedEvent."""

    gold_event_id: int
    event_type: str
    event_subtype: str | None
    values: Mapping[str, Any]
    date_start: dt.date | None = None
    date_end: dt.date | None = None
    date_precision: int | None = None
    fatalities: int | None = None
    spans: Sequence[Span] = ()


@dataclass(frozen=True)
class ReportSpan:
    """An evidence span and the report (gold event id) whose article its offsets are in."""

    report: int
    role: str
    start: int
    end: int
    quote: str

    def as_json(self) -> dict[str, Any]:
        return {
            "report": self.report,
            "role": self.role,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
        }


@dataclass(frozen=True)
class ResolvedField:
    """One resolution key: its value, where it came from, whether the reports disagree on it,
    whether a supervisor's entry decided it, and the evidence that follows it."""

    key: str
    value: Any
    source: dict[str, Any]
    differs: bool
    chosen: bool
    evidence: tuple[ReportSpan, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "value": self.value,
            "source": self.source,
            "differs": self.differs,
            "chosen": self.chosen,
            "evidence": [s.as_json() for s in self.evidence],
        }


@dataclass(frozen=True)
class ResolvedEvent:
    primary: int
    fields: dict[str, ResolvedField]
    values: dict[str, Any]
    spans: tuple[ReportSpan, ...]
    ignored: tuple[str, ...] = field(default=())

    @property
    def differing(self) -> list[str]:
        return [key for key, f in self.fields.items() if f.differs]

    def as_json(self) -> dict[str, Any]:
        return {
            "primary": self.primary,
            "fields": [f.as_json() for f in self.fields.values()],
            "values": self.values,
            "differing": self.differing,
            "spans": [s.as_json() for s in self.spans],
            "ignored": list(self.ignored),
        }


class ChoiceRefused(ValueError):
    """A resolution choice that cannot be applied to these reports; `code` names why."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def resolution_key(fdef: FieldInfo) -> str:
    if fdef.typed_column in ("date", "date_precision"):
        return DATE
    if fdef.typed_column == "fatalities":
        return FATALITIES
    return fdef.key


def resolution_keys(fields: Sequence[FieldInfo]) -> list[str]:
    """`event_type`, then each key once, in codebook order."""
    return list(dict.fromkeys([EVENT_TYPE, *(resolution_key(f) for f in fields)]))


def _date_of(report: Report) -> DateRange | None:
    if report.date_start is None:
        return None
    return DateRange(report.date_start, report.date_end or report.date_start, report.date_precision)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def report_value(report: Report, key: str) -> Any:
    """The value a report gives for a resolution key (what `differs` compares)."""
    if key == EVENT_TYPE:
        return {"type": report.event_type, "subtype": report.event_subtype}
    if key == DATE:
        date = _date_of(report)
        return None if date is None else date.as_json()
    if key == FATALITIES:
        return report.fatalities
    return report.values.get(key)


def _rule_result(key: str, rule: str, reports: Sequence[Report]) -> tuple[Any, list[int]]:
    """A computed rule's value and the reports it came from (whose evidence follows it)."""
    if key == DATE and rule in DATE_RULES:
        dated = [(r.gold_event_id, d) for r in reports if (d := _date_of(r)) is not None]
        result = date_rule(rule, [d for _, d in dated])
        return result.as_json(), [gid for gid, _ in dated]
    if key == FATALITIES and rule in FATALITIES_RULES:
        counted = [(r.gold_event_id, r.fatalities) for r in reports if r.fatalities is not None]
        figures = [n for _, n in counted]
        if rule == "conservative":
            lowest = fatalities_conservative(figures)
            return lowest, [gid for gid, n in counted if n == lowest]
        return fatalities_low_best_high(figures), [gid for gid, _ in counted]
    raise ChoiceRefused(f"the rule {rule!r} does not apply to {key!r}", code="rule_not_allowed")


def _typed_problem(key: str, value: Any) -> str | None:
    if key == EVENT_TYPE:
        return "the event type is taken from a report, not typed"
    if key == DATE:
        try:
            start = dt.date.fromisoformat(value["start"])
            end = dt.date.fromisoformat(value.get("end") or value["start"])
        except (TypeError, KeyError, ValueError, AttributeError):
            return "a typed date needs start (and end) as YYYY-MM-DD"
        if end < start:
            return "the date's end is before its start"
        precision = value.get("precision")
        if precision is not None and (not isinstance(precision, int) or precision < 1):
            return "the date's precision is a positive integer code"
        return None
    if key == FATALITIES:
        if isinstance(value, bool):
            return "fatalities are a whole number"
        if isinstance(value, int):
            return None if value >= 0 else "fatalities cannot be negative"
        if isinstance(value, dict) and set(value) == {"low", "best", "high"}:
            figures = [value["low"], value["best"], value["high"]]
            whole = all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in figures)
            if whole and figures[0] <= figures[1] <= figures[2]:
                return None
            return "low ≤ best ≤ high, whole numbers ≥ 0"
        return "fatalities are a whole number or {low, best, high}"
    return None


def choice_entry(
    reports: Sequence[Report], fields: Sequence[FieldInfo], key: str, choice: Mapping[str, Any]
) -> dict[str, Any]:
    """The resolution entry to store for `choice` on `key` (without who/when/why), the value
    of a computed rule included; raises ChoiceRefused when it cannot apply. Checking a typed
    value against the codebook (choices, dictionary ids) is the caller's business."""
    if key not in resolution_keys(fields):
        raise ChoiceRefused(f"{key!r} is not a field of this codebook", code="unknown_field")
    if "report" in choice:
        report_id = choice["report"]
        if isinstance(report_id, bool) or not isinstance(report_id, int):
            raise ChoiceRefused("report is a gold event id", code="invalid")
        if report_id not in {r.gold_event_id for r in reports}:
            raise ChoiceRefused(
                f"{report_id} is not a report of this dataset event", code="not_a_report"
            )
        return {"report": report_id}
    rule = choice.get("rule")
    if rule == "typed":
        if "value" not in choice:
            raise ChoiceRefused("a typed choice needs a value", code="invalid")
        problem = _typed_problem(key, choice["value"])
        if problem:
            raise ChoiceRefused(problem, code="invalid_value")
        return {"rule": "typed", "value": choice["value"]}
    if not isinstance(rule, str):
        raise ChoiceRefused("a choice is {report} or {rule}", code="invalid")
    try:
        value, _ = _rule_result(key, rule, reports)
    except RuleNotApplicable as exc:
        raise ChoiceRefused(str(exc), code="rule_not_applicable") from exc
    return {"rule": rule, "value": value}


def _source_of(
    key: str,
    entry: Any,
    reports: Sequence[Report],
    primary: Report,
    fatalities_policy: str,
) -> tuple[Any, dict[str, Any], list[int], bool]:
    """(value, source, origin reports, chosen) for `key`; raises ChoiceRefused or
    RuleNotApplicable when the entry no longer applies."""
    by_id = {r.gold_event_id: r for r in reports}
    if isinstance(entry, Mapping):
        if "report" in entry:
            report = by_id.get(entry["report"])
            if report is None:
                raise ChoiceRefused("the report left", code="not_a_report")
            return (
                report_value(report, key),
                {"report": report.gold_event_id},
                [report.gold_event_id],
                True,
            )
        if entry.get("rule") == "typed":
            return entry.get("value"), {"rule": "typed"}, [], True
        if isinstance(entry.get("rule"), str):
            value, origins = _rule_result(key, entry["rule"], reports)
            return value, {"rule": entry["rule"]}, origins, True
        raise ChoiceRefused("unreadable entry", code="invalid")
    if key == FATALITIES and len(reports) > 1:
        try:
            value, origins = _rule_result(key, fatalities_policy, reports)
            return value, {"rule": fatalities_policy}, origins, False
        except RuleNotApplicable:
            pass  # no report gives a figure: the primary's (none) it is
    primary_id = primary.gold_event_id
    return report_value(primary, key), {"report": primary_id}, [primary_id], False


def _field_value(fdef: FieldInfo, key_value: Any, source: Mapping[str, Any], reports: Any) -> Any:
    """The value of one codebook field (as CodedEvent.values holds it) under its key's value."""
    if "report" in source:
        return reports[source["report"]].values.get(fdef.key)
    if key_value is None:
        return None
    if fdef.typed_column == "date":
        return {"start": key_value["start"], "end": key_value.get("end") or key_value["start"]}
    if fdef.typed_column == "date_precision":
        code = key_value.get("precision")
        if code is None:
            return None
        return str(code) if fdef.kind == "choice" else int(code)
    if fdef.typed_column == "fatalities" and isinstance(key_value, Mapping):
        return key_value["best"]
    return key_value


def resolve(
    reports: Sequence[Report],
    fields: Sequence[FieldInfo],
    resolution: Mapping[str, Any],
    *,
    fatalities_policy: str = "conservative",
) -> ResolvedEvent:
    """The dataset event with these reports and this `resolution` (see the module doc)."""
    if not reports:
        raise ValueError("a dataset event has at least one report")
    if fatalities_policy not in FATALITIES_POLICIES:
        raise ValueError(f"unknown fatalities policy {fatalities_policy!r}")
    ordered = sorted(reports, key=lambda r: r.gold_event_id)
    primary = ordered[0]
    by_id = {r.gold_event_id: r for r in ordered}
    resolved: dict[str, ResolvedField] = {}
    origins: dict[str, list[int]] = {}
    ignored: list[str] = []
    for key in resolution_keys(fields):
        entry = resolution.get(key)
        try:
            value, source, origin, chosen = _source_of(
                key, entry, ordered, primary, fatalities_policy
            )
        except (ChoiceRefused, RuleNotApplicable):
            ignored.append(key)
            value, source, origin, chosen = _source_of(
                key, None, ordered, primary, fatalities_policy
            )
        seen = {_canonical(report_value(r, key)) for r in ordered}
        resolved[key] = ResolvedField(key, value, source, len(seen) > 1, chosen)
        origins[key] = origin
    values: dict[str, Any] = {}
    for fdef in fields:
        key = resolution_key(fdef)
        found = _field_value(fdef, resolved[key].value, resolved[key].source, by_id)
        if found is not None:
            values[fdef.key] = found
    spans, evidence = _evidence(ordered, fields, origins)
    for key, spans_of_key in evidence.items():
        old = resolved[key]
        resolved[key] = ResolvedField(
            old.key, old.value, old.source, old.differs, old.chosen, tuple(spans_of_key)
        )
    return ResolvedEvent(primary.gold_event_id, resolved, values, tuple(spans), tuple(ignored))


def _evidence(
    reports: Sequence[Report], fields: Sequence[FieldInfo], origins: Mapping[str, list[int]]
) -> tuple[list[ReportSpan], dict[str, list[ReportSpan]]]:
    """All spans of the resolved event, and those of each key, role by role from the reports
    the role's fields took their values from (a role shared by fields taken from two reports
    gets both reports' spans of it)."""
    role_reports: dict[str, set[int]] = {}
    role_keys: dict[str, list[str]] = {}
    for fdef in fields:
        if fdef.evidence_role:
            key = resolution_key(fdef)
            role_reports.setdefault(fdef.evidence_role, set()).update(origins[key])
            role_keys.setdefault(fdef.evidence_role, []).append(key)
    unbound_from = set(origins[EVENT_TYPE])
    spans: list[ReportSpan] = []
    evidence: dict[str, list[ReportSpan]] = {}
    for report in reports:
        for span in report.spans:
            bound = span.role in role_reports
            if bound and report.gold_event_id not in role_reports[span.role]:
                continue
            if not bound and report.gold_event_id not in unbound_from:
                continue
            found = ReportSpan(report.gold_event_id, span.role, span.start, span.end, span.quote)
            if found in spans:
                continue
            spans.append(found)
            keys = role_keys.get(span.role, [EVENT_TYPE])
            for key in dict.fromkeys(keys):
                if report.gold_event_id in origins[key]:
                    evidence.setdefault(key, []).append(found)
    return spans, evidence
