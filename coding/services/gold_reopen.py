"""Reopening a validated adjudication: the one way its gold layer may change again.

A supervisor reopens an article on purpose (`coding.services.adjudication.adjudication_reopen`);
the workflow reopens it when a coder starts coding the article again (a coder added by
`assignments_balance`, or a submitted assignment reopened), because new coder work changes the
agreement the gold layer was decided on. Either way the article leaves the validated (and
exported) set until it is validated again, its gold events are recorded as retracted for
incremental export, and an `adjudication.reopen` audit row says who, why and at which new
revision. The database allows no other change to a validated adjudication
(coding/migrations/0010_integrity_triggers.py).

Kept apart from coding.services.adjudication so that the workflow services can call it without
importing the adjudication machinery (agreement, gold events).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.utils import timezone

from coding.models import Adjudication, GoldRetraction, User
from coding.services.audit import audit_record
from coding.services.dataset_reports import reports_withdraw
from coding.services.review_queue import review_queue_refresh


def adjudication_reopen_locked(
    *, locked: Adjudication, actor: User | None, reason: str, extra: dict[str, Any] | None = None
) -> Adjudication:
    """Reopen `locked`, a validated adjudication (audited, one new revision).

    Precondition: inside `transaction.atomic()`, the adjudication row locked (SELECT FOR
    UPDATE) and its status checked to be validated by the caller.
    """
    now = timezone.now()
    reports_withdraw(locked=locked, now=now)
    GoldRetraction.objects.bulk_create(
        GoldRetraction(
            project_id=locked.project_id,
            article_id=locked.article_id,
            event_id=event_id,
            revision=locked.revision,
            retracted_at=now,
        )
        for event_id in locked.gold_events.values_list("pk", flat=True)
    )
    locked.status = Adjudication.Status.OPEN
    locked.revision += 1
    locked.version += 1
    locked.save(update_fields=["status", "revision", "version"])
    review_queue_refresh(article_ids=[locked.article_id])
    audit_record(
        action="adjudication.reopen",
        actor=actor,
        project=locked.project,
        target=locked,
        data={"reason": reason, "revision": locked.revision, **(extra or {})},
    )
    return locked


def adjudications_lock_for_recoding(*, article_ids: Collection[int]) -> list[Adjudication]:
    """Row-lock the adjudications of these articles (whatever their status, in id order) before
    coder work on them is created or reopened. A validation running at the same time either
    finished first (and is reopened by `adjudications_reopen_for_recoding`) or waits for this
    transaction and then sees the coder's unsubmitted assignment (and refuses)."""
    if not article_ids:
        return []
    return list(
        Adjudication.objects.select_for_update(of=("self",))  # not the project's row
        .select_related("project")
        .filter(article_id__in=article_ids)
        .order_by("id")
    )


def adjudications_reopen_for_recoding(
    *, locked: Collection[Adjudication], actor: User | None, cause: str, reason: str
) -> list[int]:
    """Reopen those of the locked adjudications that are validated, because a coder is coding
    their article again (`cause`: the audit action that put the coder to work). Returns the ids
    of the articles reopened.

    Precondition: the rows were locked by `adjudications_lock_for_recoding` in this transaction.
    """
    reopened = []
    for adjudication in locked:
        if adjudication.status == Adjudication.Status.VALIDATED:
            adjudication_reopen_locked(
                locked=adjudication, actor=actor, reason=reason, extra={"cause": cause}
            )
            reopened.append(adjudication.article_id)
    return reopened
