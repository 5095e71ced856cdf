"""A supervisor's answer to a candidate pair ("same event?"): link the dataset events of its two
reports, or remember that they are not the same event (never proposed again).

Same lock order as coding.services.dataset_events: the reports and the dataset events first
(found through the candidate read without a lock), then the candidate itself, whose status and
reports are checked again under its lock.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from coding.errors import Conflict
from coding.models import DatasetEvent, DatasetEventReport, DuplicateCandidate, User
from coding.services.audit import audit_record
from coding.services.dataset_events import link_locked, lock_dataset_events


def _lock_pair(candidate: DuplicateCandidate) -> tuple[DuplicateCandidate, dict[int, DatasetEvent]]:
    """Lock the dataset events the candidate's two reports belong to, then the candidate;
    refuse a decided candidate or one whose report is no longer validated."""
    owners = dict(
        DatasetEventReport.objects.filter(
            gold_event_id__in=[candidate.event_a_id, candidate.event_b_id]
        ).values_list("gold_event_id", "dataset_event_id")
    )
    events = lock_dataset_events(project=candidate.project, ids=set(owners.values()))
    locked = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
    if locked.status != DuplicateCandidate.Status.OPEN:
        raise Conflict(
            f"this pair was already decided: {locked.get_status_display().lower()}",
            code="decided",
            extra={"status": locked.status, "decided_by": locked.decided_by_id},
        )
    # Read again under the locks: a link or a reopening may have moved a report meanwhile.
    owners = dict(
        DatasetEventReport.objects.filter(
            gold_event_id__in=[locked.event_a_id, locked.event_b_id]
        ).values_list("gold_event_id", "dataset_event_id")
    )
    for gold_id in (locked.event_a_id, locked.event_b_id):
        if gold_id not in owners:
            raise Conflict(
                f"report {gold_id} is no longer validated (its article was reopened)",
                code="not_validated",
                extra={"report": gold_id},
            )
        if owners[gold_id] not in events:
            raise Conflict(
                f"report {gold_id} moved to another dataset event meanwhile; reload",
                code="moved",
                extra={"report": gold_id, "dataset_event": owners[gold_id]},
            )
    return locked, events


@transaction.atomic
def duplicate_candidate_link(
    *,
    candidate: DuplicateCandidate,
    expected_versions: Mapping[int, int],
    actor: User,
    reason: str,
    resolution: Mapping[str, Any] | None = None,
) -> DatasetEvent:
    """Link the dataset events of the candidate's two reports (see `dataset_events_link`: the
    older id survives); the candidate becomes `linked`. `expected_versions` maps each of the
    two dataset event ids to the version the supervisor saw."""
    locked, events = _lock_pair(candidate)
    if len(events) == 1:
        (only,) = events
        raise Conflict(
            f"both reports are already in dataset event {only}",
            code="already_linked",
            extra={"dataset_event": only},
        )
    return link_locked(
        project=candidate.project,
        locked=events,
        expected_versions=expected_versions,
        actor=actor,
        reason=reason,
        resolution=resolution or {},
        extra={"candidate": locked.pk},
    )


@transaction.atomic
def duplicate_candidate_not_same(
    *, candidate: DuplicateCandidate, actor: User, reason: str
) -> DuplicateCandidate:
    """Remember that the pair is not the same event; it is never proposed again. Refused when
    the two reports are already one dataset event (split it instead)."""
    locked, events = _lock_pair(candidate)
    if len(events) == 1:
        (only,) = events
        raise Conflict(
            f"both reports are in dataset event {only}; split it to separate them",
            code="already_linked",
            extra={"dataset_event": only},
        )
    locked.status = DuplicateCandidate.Status.NOT_SAME
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.reason = reason
    locked.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    audit_record(
        action="duplicate_candidate.not_same",
        actor=actor,
        project=candidate.project,
        target=locked,
        data={"event_a": locked.event_a_id, "event_b": locked.event_b_id, "reason": reason},
    )
    return locked
