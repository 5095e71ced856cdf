"""Keeping every validated gold event the report of exactly one dataset event.

Validation makes each gold event of the article a dataset event of its own (its id is the gold
event's id, so a team that never links events exports the same ids as before). Reopening
withdraws the article's reports: a dataset event left with no report becomes a tombstone; one
that still has reports from other articles stays published without it (and its `changed_at`
moves, so the incremental sync sends it again).

Both run inside the validating or reopening transaction, with the adjudication row locked.
Linking, splitting and resolving fields are in coding.services.dataset_events.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Max

from coding.models import Adjudication, CodedEvent
from coding.models.dataset_events import DatasetEvent, DatasetEventReport


def dataset_event_fresh_id() -> int:
    """An id no gold event and no dataset event has or will have.

    On PostgreSQL it is drawn from the gold events' own sequence, so a later gold event can
    never get it. The SQLite demo takes one past both tables' largest id; a gold event created
    later may then get the same number, and `reports_attach_validated` gives that gold event a
    fresh dataset id instead of its own.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence('coding_codedevent', 'id'))")
            return int(cursor.fetchone()[0])
    top_event = CodedEvent.objects.aggregate(m=Max("id"))["m"] or 0
    top_dataset = DatasetEvent.objects.aggregate(m=Max("id"))["m"] or 0
    return max(top_event, top_dataset) + 1


def reports_attach_validated(*, locked: Adjudication, now: dt.datetime) -> list[int]:
    """Make each gold event of this just-validated adjudication a dataset event of its own.
    Returns the ids of the dataset events it made live.

    The dataset event takes the gold event's id; if that id is a tombstone the event had
    before its article was reopened, the tombstone comes back to life (the sync sends it as
    an upsert again, as it did before dataset events existed). If the id is held by a live
    dataset event (the report was the oldest of a linked event when its article was reopened)
    or by a tombstone merged into another event, it gets a fresh id.
    """
    gold = list(
        CodedEvent.objects.filter(adjudication_id=locked.pk, dataset_report__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if not gold:
        return []
    existing = {
        row.pk: row
        for row in DatasetEvent.objects.select_for_update().filter(pk__in=gold).order_by("pk")
    }
    made = []
    for event_id in gold:
        holder = existing.get(event_id)
        if holder is None:
            dataset_event = DatasetEvent.objects.create(
                id=event_id, project_id=locked.project_id, changed_at=now
            )
        elif holder.retired_at is not None and holder.merged_into_id is None:
            holder.retired_at = None
            holder.resolution = {}
            holder.version += 1
            holder.changed_at = now
            holder.save(update_fields=["retired_at", "resolution", "version", "changed_at"])
            dataset_event = holder
        else:
            dataset_event = DatasetEvent.objects.create(
                id=dataset_event_fresh_id(), project_id=locked.project_id, changed_at=now
            )
        DatasetEventReport.objects.create(
            dataset_event=dataset_event, gold_event_id=event_id, article_id=locked.article_id
        )
        made.append(dataset_event.pk)
    return made


def reports_withdraw(*, locked: Adjudication, now: dt.datetime) -> list[int]:
    """Take this adjudication's gold events out of their dataset events, as the article is
    being reopened. Returns the ids of the dataset events that changed (retired or reduced).

    A resolution entry that took its value from a withdrawn report is dropped (the field
    falls back to the primary report); one typed or computed by the supervisor stays.
    """
    # Locked before they are read: a link or split moving one of them (they lock reports,
    # then dataset events, as this does) has committed by then, so the dataset events read
    # here are the ones they are in.
    reports = list(
        DatasetEventReport.objects.select_for_update(of=("self",))
        .filter(gold_event__adjudication_id=locked.pk)
        .order_by("id")
        .values_list("dataset_event_id", "gold_event_id")
    )
    if not reports:
        return []
    withdrawn = {gold_id for _, gold_id in reports}
    touched = sorted({dataset_id for dataset_id, _ in reports})
    DatasetEventReport.objects.filter(gold_event_id__in=withdrawn).delete()
    left = set(
        DatasetEventReport.objects.filter(dataset_event_id__in=touched).values_list(
            "dataset_event_id", flat=True
        )
    )
    for dataset_event in DatasetEvent.objects.select_for_update().filter(pk__in=touched):
        dataset_event.version += 1
        dataset_event.changed_at = now
        if dataset_event.pk in left:
            dataset_event.resolution = {
                key: choice
                for key, choice in dataset_event.resolution.items()
                if not (isinstance(choice, dict) and choice.get("report") in withdrawn)
            }
        else:
            dataset_event.retired_at = now
        dataset_event.save(update_fields=["version", "changed_at", "resolution", "retired_at"])
    return touched
