"""Recording active time on task (the one writer of coding.models.time_on_task).

A time report comes with the screens' autosave requests (or alone, when a tab is hidden or
closed): a browser tab id and the stretches of time it was active, relative to the moment it
was sent (coding.throughput.intervals). Only time that no earlier report covered is added, to
the task's total and to its calendar days, so a second tab on the same task adds nothing for
the minutes both were open. Reports are not audited: the interval rows are their record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from coding.errors import Conflict, PermissionDenied, ValidationFailed
from coding.models import (
    Activity,
    Article,
    Assignment,
    Project,
    TimeDay,
    TimeInterval,
    TimeLedger,
    TimeTab,
    User,
)
from coding.throughput.intervals import (
    TimeReportError,
    check_report,
    merge,
    seconds_by_day,
    uncovered,
)

DEFAULT_IDLE_SECONDS = 60
_TAB = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def idle_seconds(project: Project) -> int:
    """Seconds without input after which the screens stop counting (project setting
    ``idle_seconds``, 5 to 3600; a CheckConstraint keeps it in range)."""
    value = project.settings.get("idle_seconds", DEFAULT_IDLE_SECONDS)
    return int(value)


@dataclass(frozen=True)
class TimeTarget:
    """Whose time on what: a coder's assignment, or a supervisor reviewing an article."""

    project_id: int
    article_id: int
    user: User
    activity: str
    assignment_id: int | None
    not_before: datetime


def coding_target(assignment: Assignment, user: User) -> TimeTarget:
    """The coder's own assignment. Refused: anyone else (403), a submitted assignment (409;
    the screen sends its last report with the submit)."""
    if assignment.coder_id != user.pk:
        raise PermissionDenied("only the assigned coder reports time on this assignment")
    if assignment.status == Assignment.Status.SUBMITTED:
        raise Conflict("the assignment is submitted; no more time is counted on it")
    return TimeTarget(
        project_id=assignment.project_id,
        article_id=assignment.article_id,
        user=user,
        activity=Activity.CODING,
        assignment_id=assignment.pk,
        not_before=assignment.created_at,
    )


def review_target(project: Project, article: Article, user: User) -> TimeTarget:
    """A supervisor's review of an article (the caller checked the role)."""
    return TimeTarget(
        project_id=project.pk,
        article_id=article.pk,
        user=user,
        activity=Activity.REVIEW,
        assignment_id=None,
        not_before=article.imported_at,
    )


@dataclass(frozen=True)
class TimeReportResult:
    added_seconds: float
    total_seconds: float


def _refuse(message: str, field: str) -> ValidationFailed:
    return ValidationFailed(
        f"time report refused: {message}",
        code="time_report_refused",
        errors=[{"field": field, "code": "invalid", "message": message}],
    )


def _ledger(target: TimeTarget) -> TimeLedger:
    """The task's ledger row, created if new, locked FOR UPDATE (two reports of one task,
    from two tabs, are counted one after the other)."""
    TimeLedger.objects.bulk_create(
        [
            TimeLedger(
                project_id=target.project_id,
                user=target.user,
                article_id=target.article_id,
                assignment_id=target.assignment_id,
                activity=target.activity,
            )
        ],
        ignore_conflicts=True,
    )
    return TimeLedger.objects.select_for_update().get(
        user=target.user, article_id=target.article_id, activity=target.activity
    )


def _stamp(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


@transaction.atomic
def time_report_record(
    *, target: TimeTarget, tab: object, intervals: object, received_at: datetime | None = None
) -> TimeReportResult:
    """Add the active time of one report to its task, counting only time not yet counted.

    ``tab``: the browser tab's id (8 to 64 letters, digits, ``-`` or ``_``). ``intervals``:
    ``[[start, end], ...]`` in seconds relative to sending (``start < end <= 0``), in order.
    A report that is not believable (coding.throughput.intervals.check_report) is refused
    with ValidationFailed (code ``time_report_refused``) and changes nothing.
    """
    if not isinstance(tab, str) or not _TAB.match(tab):
        raise _refuse("tab must be 8 to 64 letters, digits, - or _", "tab")
    now = received_at or timezone.now()
    ledger = _ledger(target)
    tab_row = TimeTab.objects.filter(ledger=ledger, tab=tab).first()
    try:
        checked = check_report(
            intervals,
            received_at=now.timestamp(),
            previous_report_at=tab_row.last_report_at.timestamp() if tab_row else None,
            not_before=target.not_before.timestamp(),
        )
    except TimeReportError as error:
        raise _refuse(str(error), error.field) from None
    added = _add_intervals(ledger, checked.intervals)
    if tab_row is None:
        TimeTab.objects.create(ledger=ledger, tab=tab, last_report_at=now)
    else:
        TimeTab.objects.filter(pk=tab_row.pk).update(last_report_at=now)
    return TimeReportResult(added_seconds=added, total_seconds=ledger.seconds)


def _add_intervals(ledger: TimeLedger, intervals: list[tuple[float, float]]) -> float:
    """Merge ``intervals`` into the ledger's union and add the newly covered seconds to the
    ledger and its days. Precondition: the ledger row is locked."""
    if not intervals:
        return 0.0
    low, high = _stamp(intervals[0][0]), _stamp(intervals[-1][1])
    touching = list(
        TimeInterval.objects.filter(ledger=ledger, start__lte=high, end__gte=low).order_by("start")
    )
    covered = [(row.start.timestamp(), row.end.timestamp()) for row in touching]
    new = uncovered(intervals, covered)
    if not new:
        return 0.0
    TimeInterval.objects.filter(pk__in=[row.pk for row in touching]).delete()
    TimeInterval.objects.bulk_create(
        TimeInterval(ledger=ledger, start=_stamp(s), end=_stamp(e))
        for s, e in merge(covered + intervals)
    )
    added = 0.0
    for day, seconds in seconds_by_day(new, timezone.get_default_timezone()).items():
        added += seconds
        updated = TimeDay.objects.filter(ledger=ledger, day=day).update(
            seconds=F("seconds") + seconds
        )
        if not updated:
            TimeDay.objects.create(
                ledger=ledger,
                project_id=ledger.project_id,
                user_id=ledger.user_id,
                activity=ledger.activity,
                day=day,
                seconds=seconds,
            )
    ledger.seconds += added
    TimeLedger.objects.filter(pk=ledger.pk).update(seconds=F("seconds") + added)
    return added
