"""Calibration items: marking and unmarking them, the project's policy, slipping them into
queues (called by coding.services.assignment.assignments_balance) and recording their scoring
on submit (called by coding.services.workflow.assignment_submit).

The scoring itself is coding.services.calibration_scoring, run by the outbox drain.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from coding.calibration import plan_calibration
from coding.errors import Conflict, NotFound, ValidationFailed
from coding.models import (
    REAL_ASSIGNMENT,
    Adjudication,
    AdjudicationDecision,
    Article,
    Assignment,
    CalibrationAssignment,
    CalibrationItem,
    CalibrationPolicy,
    OutboxItem,
    Project,
    User,
)
from coding.services.audit import audit_record
from coding.services.outbox import outbox_record

POLICY_FIELDS = ("rate", "drift_threshold", "drift_drop", "drift_min_items", "drift_window")


def calibration_policy(project: Project) -> CalibrationPolicy:
    """The project's policy, or an unsaved one with the defaults."""
    return CalibrationPolicy.objects.filter(project=project).first() or CalibrationPolicy(
        project=project
    )


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        f"{field}: {message}", errors=[{"field": field, "code": "invalid", "message": message}]
    )


@transaction.atomic
def calibration_policy_update(
    *, project: Project, actor: User, changes: dict[str, Any]
) -> CalibrationPolicy:
    """Change some of the policy's settings (audited). Every value is checked before anything
    is written; the database checks the ranges again."""
    unknown = sorted(set(changes) - set(POLICY_FIELDS))
    if unknown:
        raise _invalid(unknown[0], "not a calibration setting")
    for key in ("rate", "drift_threshold", "drift_drop"):
        if key in changes:
            value = changes[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise _invalid(key, "must be a number from 0 to 1")
    if "drift_min_items" in changes:
        value = changes["drift_min_items"]
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
            raise _invalid("drift_min_items", "must be an integer from 1 to 1000")
    if "drift_window" in changes and changes["drift_window"] not in ("week", "month"):
        raise _invalid("drift_window", "must be week or month")
    policy, _ = CalibrationPolicy.objects.select_for_update().get_or_create(project=project)
    before = {key: getattr(policy, key) for key in POLICY_FIELDS}
    for key, value in changes.items():
        setattr(
            policy, key, float(value) if key in ("rate", "drift_threshold", "drift_drop") else value
        )
    policy.save()
    audit_record(
        action="calibration.policy",
        actor=actor,
        project=project,
        target=policy,
        data={"before": before, "after": {key: getattr(policy, key) for key in POLICY_FIELDS}},
    )
    return policy


@transaction.atomic
def calibration_item_mark(*, project: Project, article_id: int, actor: User) -> CalibrationItem:
    """Mark a validated article of the project as a calibration item (audited). Its gold is
    frozen while validated (PostgreSQL triggers); the adjudication row is locked here so a
    concurrent reopen either happened first (refused: not validated) or waits."""
    article = Article.objects.filter(pk=article_id, project=project).first()
    if article is None:
        raise NotFound("article not found")
    adjudication = Adjudication.objects.select_for_update().filter(article=article).first()
    if adjudication is None or adjudication.status != Adjudication.Status.VALIDATED:
        raise Conflict(
            "only a validated article (with its gold layer) can be a calibration item",
            code="not_validated",
        )
    item = CalibrationItem.objects.select_for_update().filter(article=article).first()
    if item is not None and item.active:
        raise Conflict("the article is already a calibration item", code="already_calibration")
    now = timezone.now()
    if item is None:
        item = CalibrationItem.objects.create(
            project=project, article=article, marked_by=actor, marked_at=now
        )
    else:
        item.active, item.unmarked_at, item.marked_by, item.marked_at = True, None, actor, now
        item.save(update_fields=["active", "unmarked_at", "marked_by", "marked_at"])
    audit_record(
        action="calibration.mark",
        actor=actor,
        project=project,
        target=item,
        data={"article": article.pk, "gold_revision": adjudication.revision},
    )
    return item


@transaction.atomic
def calibration_item_unmark(*, project: Project, article_id: int, actor: User) -> CalibrationItem:
    """Remove the mark (audited): no new calibration assignments of the article; its open
    and submitted calibration assignments and their scores stay."""
    item = (
        CalibrationItem.objects.select_for_update()
        .filter(project=project, article_id=article_id, active=True)
        .first()
    )
    if item is None:
        raise NotFound("calibration item not found")
    item.active, item.unmarked_at = False, timezone.now()
    item.save(update_fields=["active", "unmarked_at"])
    audit_record(
        action="calibration.unmark",
        actor=actor,
        project=project,
        target=item,
        data={"article": article_id},
    )
    return item


def _adjudicators(article_ids: list[int]) -> dict[int, set[int]]:
    """Who decided or validated each article's gold: they never get it as calibration."""
    found: dict[int, set[int]] = defaultdict(set)
    for article_id, user_id in AdjudicationDecision.objects.filter(
        adjudication__article_id__in=article_ids
    ).values_list("adjudication__article_id", "decided_by_id"):
        found[article_id].add(user_id)
    for article_id, user_id in Adjudication.objects.filter(
        article_id__in=article_ids, validated_by__isnull=False
    ).values_list("article_id", "validated_by_id"):
        found[article_id].add(user_id)
    return found


def calibration_plan_rows(
    *,
    project: Project,
    coder_ids: list[int],
    new_rows: list[tuple[int, int]],
    real_load: Counter[int],
    taken: dict[int, set[int]],
) -> list[tuple[int, int, bool]]:
    """The balance run's rows with calibration rows slipped in: (article, coder, is
    calibration). `real_load` is each coder's real assignments once `new_rows` are in;
    `taken` every coder (real or calibration) already on each article.

    Eligible for a coder: an active item whose article is validated now, not already in the
    coder's queue (whatever the kind of assignment), and not adjudicated by the coder.
    Precondition: the project row is locked (assignments_balance)."""
    policy = CalibrationPolicy.objects.filter(project=project).first()
    if policy is None or policy.rate <= 0 or not coder_ids:
        return [(a, c, False) for a, c in new_rows]
    items = list(
        CalibrationItem.objects.filter(
            project=project,
            active=True,
            article__adjudication__status=Adjudication.Status.VALIDATED,
        ).values_list("article_id", flat=True)
    )
    adjudicators = _adjudicators(items)
    existing = Counter(
        dict(
            CalibrationAssignment.objects.filter(assignment__project=project)
            .values("assignment__coder_id")
            .annotate(n=Count("pk"))
            .values_list("assignment__coder_id", "n")
        )
    )
    eligible = {
        coder: [
            a for a in items if coder not in taken.get(a, set()) and coder not in adjudicators[a]
        ]
        for coder in coder_ids
    }
    return plan_calibration(
        seed=project.assignment_seed,
        rate=policy.rate,
        new_rows=new_rows,
        real_totals=real_load,
        existing=existing,
        eligible=eligible,
    )


def calibration_link(*, project: Project, pairs: list[tuple[int, int]]) -> int:
    """Write the calibration side of the just-inserted assignments (article, coder)."""
    if not pairs:
        return 0
    items = dict(
        CalibrationItem.objects.filter(
            project=project, article_id__in={a for a, _ in pairs}
        ).values_list("article_id", "pk")
    )
    wanted = set(pairs)
    ids = [
        (pk, article_id)
        for pk, article_id, coder_id in Assignment.objects.filter(
            project=project,
            article_id__in={a for a, _ in pairs},
            coder_id__in={c for _, c in pairs},
        ).values_list("pk", "article_id", "coder_id")
        if (article_id, coder_id) in wanted
    ]
    CalibrationAssignment.objects.bulk_create(
        CalibrationAssignment(assignment_id=pk, item_id=items[article_id]) for pk, article_id in ids
    )
    return len(ids)


def calibration_submitted(*, assignment: Assignment) -> bool:
    """Called by assignment_submit inside its transaction, the assignment locked and just
    submitted. For a calibration assignment: record its scoring (an outbox row that commits
    with the submission) and say True; for real work, False."""
    updated = CalibrationAssignment.objects.filter(
        assignment_id=assignment.pk, status=CalibrationAssignment.Status.OPEN
    ).update(status=CalibrationAssignment.Status.PENDING)
    if not updated:
        return CalibrationAssignment.objects.filter(assignment_id=assignment.pk).exists()
    outbox_record(
        kind=OutboxItem.Kind.CALIBRATION_SCORE,
        key=f"assignment:{assignment.pk}",
        payload={"assignment_id": assignment.pk},
    )
    return True


def is_calibration(assignment: Assignment) -> bool:
    return not Assignment.objects.filter(REAL_ASSIGNMENT, pk=assignment.pk).exists()


def refuse_calibration(assignment: Assignment, what: str) -> None:
    """Reopen and reassign keep to real work: a calibration assignment's coder has seen the
    gold once it is submitted, and its article's gold must not be reopened."""
    if is_calibration(assignment):
        raise Conflict(
            f"a calibration assignment cannot be {what}",
            code="calibration_assignment",
        )
