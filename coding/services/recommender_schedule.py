"""Recording the machine coder's after-validation work (imported by adjudication: light)."""

from __future__ import annotations

from coding.models import OutboxItem, RecommenderModel
from coding.services.outbox import outbox_record

CHECK_DELAY_SECONDS = 5.0  # a burst of validations coalesces into one check


def recommender_check_schedule(*, project_id: int) -> None:
    """After a validation (call in its transaction): check, after the commit, whether enough
    new gold has come in to train again, and measure the current model on it
    (coding.services.recommender.recommender_check). Only for a project whose machine coder
    has been trained (or asked to train) once: a project that never used it pays one query."""
    if not RecommenderModel.objects.filter(project_id=project_id).exists():
        return
    outbox_record(
        kind=OutboxItem.Kind.RECOMMENDER_CHECK,
        key=f"project:{project_id}",
        payload={"project_id": project_id},
        delay_seconds=CHECK_DELAY_SECONDS,
    )
