"""A large refresh of stored export renderings, split into chunks any Celery worker takes.

A whole-project refresh (after a dictionary change, a recompute, or ``refresh_export_rows``)
of more than ATHAR_EXPORT_REFRESH_CHUNK_EVENTS gold events is cut into ranges of event ids,
each recorded as its own outbox row (kind ``csv_rows``, key ``project:<id>:after:<id>``,
payload ``{"project_id", "article_ids": None, "after", "last"}``) in the transaction that
plans them. After that commits, one ``coding.refresh_export_chunk`` task per row is sent,
so every worker process can take one.

Crash safety comes from the rows, not the messages: a task takes its row with
``SELECT … FOR UPDATE SKIP LOCKED``, stores the range's renderings and deletes the row in
one transaction. A worker killed mid-chunk rolls that transaction back (nothing of the
chunk is stored, the row stays); the rows are due only ATHAR_LEASE_SECONDS after planning,
so the periodic outbox drain does whatever no task did by then (a lost message, a dead
worker, a broker that was down), and never a chunk a live task holds (its row is locked).
Doing a chunk twice is harmless: the refresh only renders what is missing or stale.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from coding.export_selectors import ExportFilters, gold_events
from coding.models import OutboxItem, Project
from coding.services.export_rows import csv_rows_refresh

log = logging.getLogger(__name__)

TASK_REFRESH_CHUNK = "coding.refresh_export_chunk"


def chunk_ranges(project: Project, size: int) -> list[tuple[int, int | None]]:
    """(after, last) event-id ranges of at most ``size`` exportable gold events each, in
    id order; the last range has no upper bound (events validated meanwhile fall in it)."""
    ids = (
        gold_events(project, ExportFilters(), timezone.now())
        .order_by("id")
        .values_list("id", flat=True)
    )
    bounds = [0]
    previous = 0
    for n, pk in enumerate(ids.iterator(chunk_size=20_000)):
        if n and n % size == 0:  # a chunk is full and another event follows
            bounds.append(previous)
        previous = pk
    return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)] + [(bounds[-1], None)]


def csv_rows_refresh_project(*, project: Project) -> int:
    """A whole-project refresh, as the outbox drain does it: right here when the project has
    at most one chunk's events (returns how many were stored), else cut into chunk rows that
    workers take once this transaction commits (returns 0). Call inside a transaction."""
    ranges = chunk_ranges(project, settings.ATHAR_EXPORT_REFRESH_CHUNK_EVENTS)
    if len(ranges) == 1:
        return csv_rows_refresh(project=project)
    # Written directly, not through outbox_record: they are not due before the lease, so
    # asking a worker to drain now (once per row) would only send a hundred empty drains.
    due = timezone.now() + dt.timedelta(seconds=settings.ATHAR_LEASE_SECONDS)
    rows = OutboxItem.objects.bulk_create(
        OutboxItem(
            kind=OutboxItem.Kind.CSV_ROWS,
            key=f"project:{project.pk}:after:{after}",
            payload={"project_id": project.pk, "article_ids": None, "after": after, "last": last},
            available_at=due,
        )
        for after, last in ranges
    )
    items = [row.pk for row in rows]
    transaction.on_commit(lambda: _send(items))
    return 0


def _send(item_ids: list[int]) -> None:
    """One task per chunk row. A broker that is down delays them: the drain does the rows
    once they are due."""
    from celery import current_app

    task = current_app.tasks[TASK_REFRESH_CHUNK]
    for pk in item_ids:
        if current_app.conf.task_always_eager:
            task.delay(pk)
            continue
        try:
            task.delay(pk)
        except Exception:
            log.warning("could not send export refresh chunks; the drain will", exc_info=True)
            return


def csv_rows_chunk_take(*, item_id: int) -> int | None:
    """Do one chunk row: store its range's renderings and delete the row, in one
    transaction. None when the row is gone (done) or held by another worker right now."""
    with transaction.atomic():
        item = (
            OutboxItem.objects.select_for_update(skip_locked=True)
            .filter(pk=item_id, kind=OutboxItem.Kind.CSV_ROWS)
            .first()
        )
        if item is None:
            return None
        written = csv_rows_chunk_refresh([item.payload])
        item.delete()
    return written


def csv_rows_chunk_refresh(payloads: list[dict[str, Any]]) -> int:
    """The refresh of a chunk row's range (of coalesced rows of one key: the widest)."""
    project = (
        Project.objects.select_related("codebook_version__codebook")
        .filter(pk=int(payloads[0]["project_id"]))
        .first()
    )
    if project is None:  # deleted since: nothing to store
        return 0
    lasts: list[Any] = [payload.get("last") for payload in payloads]
    last = None if None in lasts else max(int(value) for value in lasts)
    return csv_rows_refresh(project=project, after=int(payloads[0]["after"]), last=last)
