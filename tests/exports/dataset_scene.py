"""Reports, links and splits for the dataset-event export tests.

Reports are validated through the adjudication services (tests/dataset_events/scene.py); links
and splits are written as coding/models/dataset_events.py defines them (the oldest id
survives, the absorbed one becomes a tombstone with ``merged_into``; a split report gets a
fresh id), each moving ``changed_at`` of every dataset event it touches."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from coding.export_selectors import ExportFilters
from coding.export_streams import export_chunks
from coding.models import Article, CodedEvent, Project, User
from coding.models.dataset_events import DatasetEvent, DatasetEventReport
from coding.services.dataset_reports import dataset_event_fresh_id
from tests.dataset_events.scene import validated_report

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def report(
    *,
    project: Project,
    supervisor: User,
    actor_id: int,
    location_id: int,
    text: str,
    trigger: str,
    source: str,
    fatalities: int | None = None,
    day: str = "2022-06-12",
) -> CodedEvent:
    """A validated article from ``source`` with one gold event (its trigger as evidence)."""
    values: dict[str, Any] = {
        "actor1": {"id": actor_id},
        "location": {"id": location_id},
        "event_date": {"start": day},
        "time_precision": "1",
    }
    if fatalities is not None:
        values["fatalities"] = fatalities
    gold = validated_report(
        project=project, supervisor=supervisor, text=text, trigger=trigger, values=values
    )
    Article.objects.filter(pk=gold.article_id).update(source=source)
    return gold


@transaction.atomic
def link(survivor: int, absorbed: int) -> None:
    """Move the reports of dataset event ``absorbed`` into ``survivor`` (the older)."""
    now = timezone.now()
    DatasetEventReport.objects.filter(dataset_event_id=absorbed).update(dataset_event_id=survivor)
    DatasetEvent.objects.filter(pk=absorbed).update(
        merged_into_id=survivor, retired_at=now, changed_at=now, version=F("version") + 1
    )
    DatasetEvent.objects.filter(pk=survivor).update(changed_at=now, version=F("version") + 1)


@transaction.atomic
def split(gold_id: int) -> int:
    """Move report ``gold_id`` out into a dataset event of its own with a fresh id."""
    now = timezone.now()
    moved = DatasetEventReport.objects.select_related("dataset_event").get(gold_event_id=gold_id)
    left = moved.dataset_event
    fresh = DatasetEvent.objects.create(
        id=dataset_event_fresh_id(), project_id=left.project_id, changed_at=now
    )
    DatasetEventReport.objects.filter(pk=moved.pk).update(dataset_event=fresh)
    DatasetEvent.objects.filter(pk=left.pk).update(changed_at=now, version=F("version") + 1)
    return fresh.pk


def resolve(dataset_id: int, resolution: dict[str, Any]) -> None:
    DatasetEvent.objects.filter(pk=dataset_id).update(
        resolution=resolution, changed_at=timezone.now(), version=F("version") + 1
    )


def export_text(project: Project, fmt: str, **options: Any) -> str:
    filters = ExportFilters(validated_since=options.pop("since", None))
    return "".join(export_chunks(project, fmt, filters, timezone.now(), **options))


def records(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


class SyncClient:
    """A researcher's script: keeps the rows by id, asks for what changed since its last
    sync, applies upserts and tombstones."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.rows: dict[int, dict[str, Any]] = {}
        self.since = EPOCH

    def sync(self) -> list[dict[str, Any]]:
        as_of = timezone.now()
        filters = ExportFilters(validated_since=self.since)
        answer = records("".join(export_chunks(self.project, "jsonl", filters, as_of)))
        ids = [record["event_id"] for record in answer]
        assert len(ids) == len(set(ids)), f"an id twice in one sync: {ids}"
        for record in answer:
            if record["retracted"]:
                assert record["event_id"] in self.rows, "a tombstone for a row never sent"
                del self.rows[record["event_id"]]
            else:
                self.rows[record["event_id"]] = record
        self.since = as_of
        return answer
