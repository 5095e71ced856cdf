"""When agreement is computed: after an article's last submission, and the project's
figures once per burst of completed articles (debounced), not once per article.

Both are outbox rows written in the caller's transaction (coding.services.outbox): the work
survives a broker outage and is never done for a submission that rolled back.
"""

from __future__ import annotations

from django.conf import settings

from coding.models import OutboxItem
from coding.services.outbox import outbox_record


def enqueue_article_agreement(article_id: int) -> None:
    """Registered in services.workflow.ON_ARTICLE_COMPLETE (called inside the transaction of
    the article's last submission)."""
    outbox_record(
        kind=OutboxItem.Kind.ARTICLE_AGREEMENT,
        key=f"article:{article_id}",
        payload={"article_id": article_id},
    )


def project_agreement_schedule(*, project_id: int) -> None:
    """The project's figures, once per burst: every request within
    ATHAR_AGREEMENT_DEBOUNCE_SECONDS of the first coalesces into one run."""
    outbox_record(
        kind=OutboxItem.Kind.PROJECT_AGREEMENT,
        key=f"project:{project_id}",
        payload={"project_id": project_id},
        delay_seconds=settings.ATHAR_AGREEMENT_DEBOUNCE_SECONDS,
    )
