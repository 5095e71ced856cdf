"""Reports, links and splits for the dataset-event export tests.

Reports are validated through the adjudication services (tests/dataset_events/scene.py);
links, splits and resolutions go through the dataset-event services."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.utils import timezone

from coding.export_selectors import ExportFilters
from coding.export_streams import export_chunks
from coding.models import Article, CodedEvent, Project, User
from coding.models.dataset_events import DatasetEvent, DatasetEventReport
from coding.services.dataset_events import (
    dataset_event_resolve,
    dataset_event_split,
    dataset_events_link,
)
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


def link(survivor: int, absorbed: int, supervisor: User) -> None:
    """Link two dataset events through the service (the older id survives)."""
    events = {e.pk: e for e in DatasetEvent.objects.filter(pk__in=[survivor, absorbed])}
    dataset_events_link(
        project=events[survivor].project,
        event_ids=(survivor, absorbed),
        expected_versions={pk: event.version for pk, event in events.items()},
        actor=supervisor,
        reason="same attack",
    )


def split(gold_id: int, supervisor: User) -> int:
    """Split report ``gold_id`` out of its dataset event; the new dataset event's id."""
    holder = DatasetEventReport.objects.select_related("dataset_event").get(gold_event_id=gold_id)
    fresh = dataset_event_split(
        dataset_event=holder.dataset_event,
        report=gold_id,
        expected_version=holder.dataset_event.version,
        actor=supervisor,
        reason="another attack",
    )
    return fresh.pk


def resolve(dataset_id: int, field: str, choice: dict[str, Any], supervisor: User) -> None:
    event = DatasetEvent.objects.get(pk=dataset_id)
    dataset_event_resolve(
        dataset_event=event,
        field=field,
        choice=choice,
        expected_version=event.version,
        actor=supervisor,
        reason="checked",
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
        self.tombstones: dict[int, dict[str, Any]] = {}
        self.since = EPOCH

    def sync(self) -> list[dict[str, Any]]:
        as_of = timezone.now()
        filters = ExportFilters(validated_since=self.since)
        answer = records("".join(export_chunks(self.project, "jsonl", filters, as_of)))
        ids = [record["event_id"] for record in answer]
        assert len(ids) == len(set(ids)), f"an id twice in one sync: {ids}"
        for record in answer:
            if record["retracted"]:
                # a tombstone comes again when its survivor is linked into an older event
                # (merged_into then names the new survivor): deleting is idempotent
                self.rows.pop(record["event_id"], None)
                self.tombstones[record["event_id"]] = record
            else:
                self.rows[record["event_id"]] = record
        self.since = as_of
        return answer
