"""Assignment life cycle: assigned → in_progress → submitted, reopened by a supervisor.

Only the moves in Assignment.TRANSITIONS are allowed; anything else is a Conflict (409).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from coding.codebook_runtime import event_type_codes, version_spec
from coding.errors import Conflict, ValidationFailed, counted
from coding.models import REAL_ASSIGNMENT, Assignment, CodedEvent, Membership, User
from coding.services.audit import audit_record
from coding.services.calibration import calibration_submitted, refuse_calibration
from coding.services.events import EventInput, check_event
from coding.services.gold_reopen import (
    adjudications_lock_for_recoding,
    adjudications_reopen_for_recoding,
)
from coding.services.review_queue import review_queue_follow_coding

# Called with the article id, inside the transaction, when the last coder of an article
# submits: a hook records its work there (an outbox row), so the work commits with the
# submission or not at all. The agreement service registers itself here; kept as a list so
# coding.services.workflow does not import the agreement machinery.
ON_ARTICLE_COMPLETE: list[Callable[[int], None]] = []


def _transition(assignment: Assignment, to: str) -> None:
    allowed = Assignment.TRANSITIONS.get(assignment.status, frozenset())
    if to not in allowed:
        raise Conflict(
            f"an assignment cannot go from {assignment.status} to {to}",
            code="invalid_transition",
            extra={"status": assignment.status},
        )


def submission_problems(assignment: Assignment) -> list[dict[str, object]]:
    """Every completeness or validity problem of the assignment's events, per event."""
    spec = version_spec(assignment.project.codebook_version)
    codes = event_type_codes(assignment.project.codebook_version_id)
    problems: list[dict[str, object]] = []
    events = CodedEvent.objects.filter(assignment=assignment).prefetch_related("spans")
    for event in events:
        data = EventInput(
            event_type=codes[event.event_type_id],
            event_subtype=codes[event.event_subtype_id] if event.event_subtype_id else None,
            values=event.values,
        )
        errors = check_event(spec, data, list(event.spans.all()), complete=True)
        for error in errors:
            problems.append({"event": event.pk, **error.as_dict()})
    return problems


@transaction.atomic
def assignment_submit(*, assignment: Assignment, actor: User) -> Assignment:
    # Every assignment of the article is locked (in id order: no deadlock), so of two coders
    # submitting the last two at once, the second sees the first's submission and records
    # the article's completion: it is never missed.
    siblings = Assignment.objects.select_for_update().filter(article_id=assignment.article_id)
    by_id = {a.pk: a for a in siblings.order_by("id")}
    locked = by_id.get(assignment.pk) or Assignment.objects.get(pk=assignment.pk)
    if locked.coder_id != actor.pk:
        raise Conflict("only the assigned coder may submit", code="not_your_assignment")
    _transition(locked, Assignment.Status.SUBMITTED)
    problems = submission_problems(assignment)
    if problems:
        raise ValidationFailed(
            f"{counted(len(problems), 'problem')} must be fixed before submitting",
            code="incomplete",
            errors=problems,
        )
    locked.status = Assignment.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["status", "submitted_at", "version"])
    audit_record(
        action="assignment.submit",
        actor=actor,
        project=assignment.project,
        target=locked,
        data={"article": locked.article_id},
    )
    if calibration_submitted(assignment=locked):
        return locked  # scored against the gold; it completes nothing (its article is gold)
    article_id = locked.article_id
    outstanding = Assignment.objects.filter(REAL_ASSIGNMENT, article_id=article_id).exclude(
        status=Assignment.Status.SUBMITTED
    )
    if not outstanding.exists():
        for hook in ON_ARTICLE_COMPLETE:
            hook(article_id)
    return locked


@transaction.atomic
def assignment_reopen(*, assignment: Assignment, actor: User, reason: str) -> Assignment:
    """A supervisor sends a submitted assignment back to its coder (audited, with a reason).
    If the article was validated, its adjudication is reopened too (audited): the gold layer
    and the comments close to its coders until it is validated again."""
    if not reason.strip():
        raise ValidationFailed(
            "a reason is required to reopen",
            errors=[{"field": "reason", "code": "required", "message": "required"}],
        )
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    refuse_calibration(locked, "reopened")
    if locked.status != Assignment.Status.SUBMITTED:
        raise Conflict(
            f"only a submitted assignment can be reopened (it is {locked.status})",
            code="invalid_transition",
            extra={"status": locked.status},
        )
    adjudications = adjudications_lock_for_recoding(article_ids=[locked.article_id])
    locked.status = Assignment.Status.IN_PROGRESS
    locked.submitted_at = None
    locked.reopen_count += 1
    locked.version += 1
    locked.save(update_fields=["status", "submitted_at", "reopen_count", "version"])
    audit_record(
        action="assignment.reopen",
        actor=actor,
        project=assignment.project,
        target=locked,
        data={"reason": reason},
    )
    # The coder's changed work will change the agreement the gold layer was decided on.
    adjudications_reopen_for_recoding(
        locked=adjudications,
        actor=actor,
        cause="assignment.reopen",
        reason=f"assignment {locked.pk} reopened for its coder: {reason}",
    )
    return locked


@transaction.atomic
def assignment_reassign(
    *, assignment: Assignment, actor: User, coder_id: int, discard_drafts: bool = False
) -> Assignment:
    """Give a not-yet-submitted assignment to another active coder of the project, the user
    ``coder_id``. Any other id, whether an account or not, gets the same refusal (so the
    endpoint does not tell which accounts exist).

    The new coder starts blind: draft events of the old coder are not handed over. If there
    are any, the supervisor must say `discard_drafts=True`; they are then deleted and their
    content kept in the audit row, so nothing is lost silently.
    """
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    refuse_calibration(locked, "reassigned")
    if locked.status == Assignment.Status.SUBMITTED:
        raise Conflict(
            "a submitted assignment cannot be reassigned; reopen it first",
            code="invalid_transition",
            extra={"status": locked.status},
        )
    membership = (
        Membership.objects.select_related("user")
        .filter(project=locked.project, user_id=coder_id, role=Membership.Role.CODER)
        .filter(is_active=True)
        .first()
    )
    if membership is None:
        raise ValidationFailed(
            "the new coder must be an active coder of this project",
            errors=[
                {
                    "field": "coder",
                    "code": "not_a_coder",
                    "message": "not an active coder of this project",
                }
            ],
        )
    coder = membership.user
    if coder.pk == locked.coder_id:
        raise Conflict("the assignment is already this coder's", code="same_coder")
    if Assignment.objects.filter(article=locked.article, coder=coder).exists():
        raise Conflict("that coder already has this article", code="already_assigned")
    adjudications = adjudications_lock_for_recoding(article_ids=[locked.article_id])
    drafts = list(CodedEvent.objects.filter(assignment=locked).values("id", "values"))
    if drafts and not discard_drafts:
        raise Conflict(
            f"the assignment has {len(drafts)} draft event(s); pass "
            "discard_drafts=true to reassign anyway",
            code="has_drafts",
        )
    CodedEvent.objects.filter(assignment=locked).delete()
    previous = locked.coder_id
    locked.coder = coder
    locked.status = Assignment.Status.ASSIGNED
    locked.started_at = None
    locked.version += 1
    locked.save(update_fields=["coder", "status", "started_at", "version"])
    audit_record(
        action="assignment.reassign",
        actor=actor,
        project=locked.project,
        target=locked,
        data={"from": previous, "to": coder.pk, "discarded_events": drafts},
    )
    review_queue_follow_coding(article_ids=[locked.article_id])  # its coder filter keys
    # Only for data from before validation waited for every coder: a new coder on a
    # validated article.
    adjudications_reopen_for_recoding(
        locked=adjudications,
        actor=actor,
        cause="assignment.reassign",
        reason=f"assignment {locked.pk} given to another coder",
    )
    return locked
