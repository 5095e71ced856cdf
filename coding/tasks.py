"""Celery tasks: thin wrappers that take ids and call services.

Tasks are enqueued with transaction.on_commit, are idempotent (a re-delivered task changes
nothing), and retry only on transient database/broker errors, a bounded number of times.
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError, connection

TRANSIENT_ERRORS = (OperationalError, ConnectionError, TimeoutError)


@shared_task(name="coding.ping", acks_late=True, ignore_result=False)
def ping(token: str) -> dict[str, str]:
    """Round trip through broker, worker and database; used by the health tests."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"pong": token, "vendor": connection.vendor}
