"""Reads for calibration items, their scores and coder drift (issue #17, items 3 and 4).

Who may read what is decided by the caller through coding.access: supervisors and admins see
every coder; a coder sees only their own scores, and only of submitted assignments (an open
calibration assignment is never listed to anyone but managers).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Avg, Count, Q

from coding.calibration import DriftItem, DriftRule, drift_report
from coding.models import (
    Assignment,
    CalibrationAssignment,
    CalibrationItem,
    Membership,
    Project,
    User,
)
from coding.services.calibration import calibration_policy
from coding.services.feedback import gold_comparisons


def calibration_items(project: Project) -> list[dict[str, Any]]:
    """Every item of the project (active or not) with its assignment and score counts."""
    rows = (
        CalibrationItem.objects.filter(project=project)
        .annotate(
            n_assignments=Count("assignments"),
            n_scored=Count("assignments", filter=Q(assignments__status="scored")),
            mean_f1=Avg("assignments__f1", filter=Q(assignments__status="scored")),
        )
        .select_related("article", "marked_by")
        .order_by("id")
    )
    return [
        {
            "article": {"id": item.article_id, "title": item.article.title},
            "active": item.active,
            "marked_by": item.marked_by.username,
            "marked_at": item.marked_at,
            "unmarked_at": item.unmarked_at,
            "assignments": item.n_assignments,
            "scored": item.n_scored,
            "mean_f1": item.mean_f1,
        }
        for item in rows
    ]


def calibration_scores(
    project: Project, *, coder_id: int | None = None, submitted_only: bool = False
) -> list[dict[str, Any]]:
    """Calibration assignments with their scores, newest first. `coder_id`: only theirs;
    `submitted_only`: only those already submitted (what a coder may see)."""
    rows = CalibrationAssignment.objects.filter(assignment__project=project).select_related(
        "assignment__article", "assignment__coder"
    )
    if coder_id is not None:
        rows = rows.filter(assignment__coder_id=coder_id)
    if submitted_only:
        rows = rows.filter(assignment__status=Assignment.Status.SUBMITTED)
    return [
        {
            "assignment": row.assignment_id,
            "article": {"id": row.assignment.article_id, "title": row.assignment.article.title},
            "coder": {"id": row.assignment.coder_id, "username": row.assignment.coder.username},
            "assignment_status": row.assignment.status,
            "submitted_at": row.assignment.submitted_at,
            "status": row.status,
            "tp": row.tp,
            "fp": row.fp,
            "fn": row.fn,
            "f1": row.f1,
            "fields": row.fields,
            "gold_revision": row.gold_revision,
            "scored_at": row.scored_at,
        }
        for row in rows.order_by("-assignment__submitted_at", "-assignment_id")
    ]


def coder_drift(project: Project, *, coder_id: int | None = None) -> list[dict[str, Any]]:
    """Per coder (only `coder_id` if given): agreement with gold by window and the drift
    flag (rule in coding.calibration.drift, settings in the project's calibration policy).
    Items: scored calibration assignments (dated by submission) and the coder's submitted
    real work on validated articles (dated by submission)."""
    policy = calibration_policy(project)
    rule = DriftRule(
        threshold=policy.drift_threshold,
        drop=policy.drift_drop,
        min_items=policy.drift_min_items,
        window=policy.drift_window,
    )
    items: dict[int, list[DriftItem]] = defaultdict(list)
    scored = CalibrationAssignment.objects.filter(
        assignment__project=project, status=CalibrationAssignment.Status.SCORED
    )
    if coder_id is not None:
        scored = scored.filter(assignment__coder_id=coder_id)
    for coder, when, tp, fp, fn in scored.values_list(
        "assignment__coder_id", "assignment__submitted_at", "tp", "fp", "fn"
    ):
        if when is not None:  # scored means submitted
            items[coder].append(DriftItem(when, "calibration", tp or 0, fp or 0, fn or 0))
    for comparison in gold_comparisons(project, coder_id=coder_id):
        when = comparison.submitted_at
        if when is None:
            continue  # an unsubmitted assignment on a validated article (reopened since)
        n = len(comparison.pairs)
        items[comparison.coder].append(
            DriftItem(when, "adjudicated", n, len(comparison.mine) - n, len(comparison.gold) - n)
        )
    coders = Membership.objects.filter(project=project, role=Membership.Role.CODER)
    if coder_id is not None:
        coders = coders.filter(user_id=coder_id)
    ids = set(coders.values_list("user_id", flat=True)) | set(items)
    names = dict(User.objects.filter(pk__in=ids).values_list("pk", "username"))
    return [
        {
            "coder": {"id": coder, "username": names.get(coder, "")},
            "rule": {
                "threshold": rule.threshold,
                "drop": rule.drop,
                "min_items": rule.min_items,
                "window": rule.window,
            },
            **drift_report(items.get(coder, []), rule),
        }
        for coder in sorted(ids)
    ]
