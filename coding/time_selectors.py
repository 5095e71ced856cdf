"""Reads of active time on task for the people who spent it (no writes): a user's own time
per task and per day, and one task's days. See coding/services/time_on_task.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Sum

from coding.models import TimeDay, TimeLedger, User

MY_TASKS = 100


def my_time(
    user: User, *, project_id: int | None = None, article_id: int | None = None
) -> list[dict[str, Any]]:
    """The user's active time per task (assignment or reviewed article), the ``MY_TASKS``
    most recently worked on first."""
    query = TimeLedger.objects.filter(user=user)
    if project_id is not None:
        query = query.filter(project_id=project_id)
    if article_id is not None:
        query = query.filter(article_id=article_id)
    rows = query.order_by("-updated_at", "-id").values(
        "project_id", "article_id", "assignment_id", "activity", "seconds", "updated_at"
    )[:MY_TASKS]
    return [dict(row) for row in rows]


def my_days(user: User, *, project_id: int | None, since: date) -> list[dict[str, Any]]:
    """The user's active seconds per day and activity from ``since`` on, all tasks summed."""
    query = TimeDay.objects.filter(user=user, day__gte=since)
    if project_id is not None:
        query = query.filter(project_id=project_id)
    rows = query.values("day", "activity").annotate(seconds=Sum("seconds")).order_by("day")
    return [dict(row) for row in rows]


def task_days(ledger_filter: dict[str, Any]) -> list[dict[str, Any]]:
    """Per-day seconds of the tasks matching ``ledger_filter`` (a TimeLedger filter)."""
    rows = (
        TimeDay.objects.filter(**{f"ledger__{k}": v for k, v in ledger_filter.items()})
        .order_by("day")
        .values("day", "activity", "seconds")
    )
    return [dict(row) for row in rows]
