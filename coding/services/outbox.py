"""Recording after-commit work: a row in the caller's transaction, then a best-effort nudge.

A service that makes work due (an article's last submission, a validation, a recompute, a
release request) calls `outbox_record` inside its transaction. The row commits with the data
or not at all, so the work can neither be lost nor done for data that was rolled back.
Once the transaction commits, `coding.drain_outbox` is sent to the broker; if the broker is
down that fails, is logged, and the caller still succeeds: the periodic drain (Celery beat)
does the work when the broker is back. This module imports no task and no other service.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from coding.models import OutboxItem

log = logging.getLogger(__name__)

DRAIN_TASK = "coding.drain_outbox"


def outbox_record(
    *, kind: str, key: str, payload: dict[str, Any], delay_seconds: float = 0.0
) -> OutboxItem:
    """Record work in the current transaction; due `delay_seconds` after now.

    Call inside the transaction whose commit makes the work due. Rows with the same
    (kind, key) coalesce: the drain does the work once for all of them.
    """
    item = OutboxItem.objects.create(
        kind=kind,
        key=key,
        payload=payload,
        available_at=timezone.now() + dt.timedelta(seconds=delay_seconds),
    )
    transaction.on_commit(outbox_kick)
    return item


def outbox_kick() -> None:
    """Ask a worker to drain now. Best effort: a broker outage is logged, never raised (the
    rows are committed and the periodic drain will find them)."""
    from celery import current_app

    task = current_app.tasks[DRAIN_TASK]
    if current_app.conf.task_always_eager:
        task.delay()  # in-process: errors are the caller's, as with any eager task
        return
    try:
        task.delay()
    except Exception:  # the broker is down or unreachable: the beat drain will do it
        log.warning("could not reach the broker to drain the outbox; the sweep will", exc_info=True)
