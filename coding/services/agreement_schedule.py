"""When agreement is computed: after an article's last submission, and the project's
figures once per burst of submissions (debounced), not once per submission."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

PROJECT_DEBOUNCE_SECONDS = 30


def _pending_key(project_id: int) -> str:
    return f"agreement:project-pending:{project_id}"


def schedule_project_agreement(project_id: int) -> bool:
    """Enqueue the project's figures unless a run is already pending; True if enqueued.

    `cache.add` is atomic in Redis, so of a burst of callers exactly one enqueues; the task
    clears the flag when it starts, so submissions during a run schedule the next one.
    """
    from coding.tasks import compute_project_agreement

    if not cache.add(_pending_key(project_id), 1, timeout=PROJECT_DEBOUNCE_SECONDS * 10):
        return False
    compute_project_agreement.apply_async((project_id,), countdown=PROJECT_DEBOUNCE_SECONDS)
    return True


def project_run_started(project_id: int) -> None:
    cache.delete(_pending_key(project_id))


def enqueue_article_agreement(article_id: int) -> None:
    """Registered in services.workflow.ON_ARTICLE_COMPLETE (called after commit)."""
    from coding.tasks import compute_article_agreement

    compute_article_agreement.delay(article_id)


def enqueue_project_recompute(project_id: int, run_id: int) -> None:
    from coding.tasks import compute_project_agreement

    transaction.on_commit(lambda: compute_project_agreement.delay(project_id, run_id))
