"""Export rows as dataset events: gold events grouped by the dataset event they report.

An export is one row per live dataset event. Almost every dataset event is *plain*: one
report, the gold event with the same id, nothing resolved — its row is exactly the gold
event's row, so a team that never links events exports what it exported before dataset
events existed (and the stored CSV lines serve it). The few others are *grouped*: several
reports, or a fresh id (a split), or a resolution entry; their rows are combined from all
their reports' records (``coding.exporting.combine_reports``) as they are read.

The export still walks the gold events in id order, chunk by chunk; a grouped dataset event
is written where its first selected report comes (its primary report, without filters) and
its other reports are skipped. A validated gold event without a report row (only written by
hand) is a plain dataset event of its own id: nothing validated is left out.

Incremental sync (``validated_since=T``): a dataset event is sent when its ``changed_at`` is
after T (its reports, resolution or id changed), a gold event without a report row when its
article was validated after T. Tombstones: every dataset event retired after T (linked into
another: with ``merged_into``; or its last report withdrawn), then, for gold events that never
had a dataset event (retracted before dataset events existed), their ``GoldRetraction`` — one
tombstone per id and window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import F, Q

from coding.codebook_spec import CodebookSpec
from coding.dataset_event_records import fatalities_policy
from coding.export_queries import EVENT_COLUMNS, AnyOf
from coding.exporting import (
    DatasetLayout,
    ExportArticle,
    ExportCodebook,
    ExportEvent,
    ExportEventType,
    ExportProvenance,
    combine_reports,
)
from coding.models import CodedEvent, GoldRetraction, Project
from coding.models.dataset_events import DatasetEvent, DatasetEventReport

if TYPE_CHECKING:  # the reader's module imports this one
    from coding.export_reader import EventReader


@dataclass(frozen=True)
class Grouping:
    """The grouped dataset events of a project, read once per export: for each of their
    reports the dataset event it reports, and each one's resolution. Its size is the number
    of linked reports (few: most events are reported once)."""

    dataset_of: dict[int, int]
    reports_of: dict[int, tuple[int, ...]]
    resolution: dict[int, dict[str, Any]]

    def grouped(self, gold_id: int) -> bool:
        return gold_id in self.dataset_of


def grouping(project: Project) -> Grouping:
    """Read the project's grouped dataset events: those holding a report of another id
    (linked or split) and the live ones with a resolution, each found through a partial
    index that holds only them, then their reports (three queries, however large the
    project)."""
    other_id = set(
        DatasetEventReport.objects.exclude(dataset_event_id=F("gold_event_id"))
        .order_by()  # in index order: sorting by gold event would walk every report
        .values_list("dataset_event_id", flat=True)
    )
    resolved = set(
        DatasetEvent.objects.filter(project=project, retired_at__isnull=True)
        .exclude(resolution={})
        .order_by()
        .values_list("id", flat=True)
    )
    dataset_of: dict[int, int] = {}
    reports_of: dict[int, list[int]] = {}
    resolution: dict[int, dict[str, Any]] = {}
    if not other_id and not resolved:
        return Grouping(dataset_of, {}, resolution)
    rows = (
        DatasetEventReport.objects.filter(
            AnyOf(F("dataset_event_id"), other_id | resolved), dataset_event__project=project
        )
        .order_by("gold_event_id")
        .values_list("gold_event_id", "dataset_event_id", "dataset_event__resolution")
    )
    for gold_id, dataset_id, choices in rows:
        dataset_of[gold_id] = dataset_id
        reports_of.setdefault(dataset_id, []).append(gold_id)
        resolution[dataset_id] = choices or {}
    return Grouping(dataset_of, {key: tuple(ids) for key, ids in reports_of.items()}, resolution)


class DatasetCombiner:
    """Builds the rows of grouped dataset events from an ``EventReader`` (the reader turns
    gold event rows into records; the combiner merges a dataset event's records)."""

    def __init__(self, project: Project, spec: CodebookSpec, reader: EventReader) -> None:
        self.reader = reader
        self.layout = DatasetLayout.of(spec)
        self.policy = fatalities_policy(project)

    def combined(
        self, dataset_ids: Sequence[int], group: Grouping, as_of: dt.datetime
    ) -> dict[int, ExportEvent]:
        """The row of each grouped dataset event in ``dataset_ids`` (one query for all their
        reports, plus the reader's per-chunk queries)."""
        wanted = [gold for dataset_id in dataset_ids for gold in group.reports_of[dataset_id]]
        rows = list(
            CodedEvent.objects.filter(
                AnyOf(F("id"), wanted),
                layer=CodedEvent.Layer.GOLD,
                adjudication__status="validated",
                adjudication__validated_at__lte=as_of,
            )
            .order_by("id")
            .values_list(*EVENT_COLUMNS)
        )
        by_dataset: dict[int, list[ExportEvent]] = {}
        for record in self.reader.events(rows):
            by_dataset.setdefault(group.dataset_of[record.event_id], []).append(record)
        return {
            dataset_id: combine_reports(
                records,
                event_id=dataset_id,
                resolution=group.resolution.get(dataset_id, {}),
                layout=self.layout,
                fatalities_policy=self.policy,
                lookup=self.reader.typed_entries,
            )
            for dataset_id, records in by_dataset.items()
        }


def plan_chunk(
    ids: Sequence[int], group: Grouping, emitted: set[int]
) -> tuple[list[int | tuple[int]], list[int]]:
    """What to write for a chunk of gold event ids, in order: a gold id (a plain event) or
    ``(dataset_id,)`` (a grouped event, the first time one of its reports comes); and the
    grouped dataset ids to combine. ``emitted`` collects the grouped ids written so far."""
    plan: list[int | tuple[int]] = []
    fresh: list[int] = []
    for gold_id in ids:
        dataset_id = group.dataset_of.get(gold_id)
        if dataset_id is None:
            plan.append(gold_id)
        elif dataset_id not in emitted:
            emitted.add(dataset_id)
            fresh.append(dataset_id)
            plan.append((dataset_id,))
    return plan, fresh


def changed_since(since: dt.datetime) -> Q:
    """Gold events to send again after ``since``: their dataset event changed, or (no report
    row) their article was validated after it."""
    return Q(dataset_report__dataset_event__changed_at__gt=since) | Q(
        dataset_report__isnull=True, adjudication__validated_at__gt=since
    )


def tombstones(
    project: Project,
    since: dt.datetime,
    as_of: dt.datetime,
    exported: set[int],
    codebook: ExportCodebook,
) -> Iterator[ExportEvent]:
    """The tombstones of the window ``(since, as_of]``, by id; ``exported`` are the ids sent
    live in this answer."""
    retractions: dict[int, tuple[int, dt.datetime, int]] = {}
    for event_id, article_id, retracted_at, revision in (
        GoldRetraction.objects.filter(
            project=project, retracted_at__gt=since, retracted_at__lte=as_of
        )
        .order_by("event_id", "-retracted_at")
        .values_list("event_id", "article_id", "retracted_at", "revision")
    ):
        retractions.setdefault(event_id, (article_id, retracted_at, revision))
    retired = list(
        DatasetEvent.objects.filter(
            project=project,
            retired_at__isnull=False,
            changed_at__gt=since,
            changed_at__lte=as_of,
        ).values_list("id", "retired_at", "merged_into_id")
    )
    have_dataset_event = set(
        DatasetEvent.objects.filter(id__in=list(retractions)).values_list("id", flat=True)
    )
    articles = dict(
        CodedEvent.objects.filter(
            id__in=[pk for pk, _, _ in retired if pk not in retractions]
        ).values_list("id", "article_id")
    )
    stones: list[tuple[int, int, dt.datetime, int, int | None]] = []
    for pk, retired_at, merged_into in retired:
        if pk in exported or retired_at is None:
            continue
        # the article of the reopening that retired it, else of the gold event of that id
        # (0 for a split's fresh id, which no gold event has: the tombstone names no article)
        article_id, _, revision = retractions.get(pk, (articles.get(pk, 0), retired_at, 0))
        stones.append((pk, article_id, retired_at, revision, merged_into))
    for pk, (article_id, retracted_at, revision) in retractions.items():
        if pk not in exported and pk not in have_dataset_event:
            stones.append((pk, article_id, retracted_at, revision, None))
    for stone in sorted(stones, key=lambda s: s[0]):
        yield _tombstone(*stone, codebook)


_PLACEHOLDER_TYPE = ExportEventType("", {})


def _tombstone(
    pk: int,
    article_id: int,
    at: dt.datetime,
    revision: int,
    merged_into: int | None,
    codebook: ExportCodebook,
) -> ExportEvent:
    return ExportEvent(
        event_id=pk,
        article=ExportArticle(article_id, "", "", "", None, "", ""),
        codebook=codebook,
        event_type=_PLACEHOLDER_TYPE,
        event_subtype=None,
        values={},
        date_start=None,
        date_end=None,
        date_precision=None,
        geo_precision=None,
        fatalities=None,
        location=None,
        actors={},
        evidence=(),
        provenance=ExportProvenance("retracted", (), "", at, "", revision),
        validated_at=at,
        retracted=True,
        merged_into=merged_into,
    )
