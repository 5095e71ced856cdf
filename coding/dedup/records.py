"""The plain records resolution works on and gives back (no Django): a codebook field, a
report (a validated gold event as stored), evidence spans, and the resolved event. See
coding.dedup.resolution for the rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .rules import DateRange

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


def date_of(report: Report) -> DateRange | None:
    if report.date_start is None:
        return None
    return DateRange(report.date_start, report.date_end or report.date_start, report.date_precision)


def report_value(report: Report, key: str) -> Any:
    """The value a report gives for a resolution key (what `differs` compares)."""
    if key == EVENT_TYPE:
        return {"type": report.event_type, "subtype": report.event_subtype}
    if key == DATE:
        date = date_of(report)
        return None if date is None else date.as_json()
    if key == FATALITIES:
        return report.fatalities
    return report.values.get(key)
