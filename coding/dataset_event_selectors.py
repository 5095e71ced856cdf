"""Reads of dataset events and candidate pairs, always scoped to one project (the caller has
checked the user's role with coding.access.access_project).

Query counts are fixed whatever the number of reports or spans: a page of dataset events or
candidates is one query for the page plus two for the reports and their spans; a detail is
the same plus one for the tombstones merged into it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from coding.dataset_event_records import (
    fatalities_policy,
    project_fields,
    report_record,
    report_rows,
)
from coding.dedup.resolution import Report, report_value, resolution_keys, resolve
from coding.errors import NotFound
from coding.models import (
    Article,
    CodedEvent,
    DatasetEvent,
    DatasetEventReport,
    DuplicateCandidate,
    Project,
)


def dataset_events_query(
    project: Project,
    *,
    event_type: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    multi_report: bool = False,
    include_retired: bool = False,
) -> QuerySet[DatasetEvent]:
    """The project's dataset events, oldest id first. `event_type` (a type or sub-type code)
    and the date range match an event when one of its reports matches (an event whose reports
    disagree is found under each of their values); the date range keeps events with a report
    whose range overlaps it. Retired events (tombstones) only with `include_retired`."""
    query = DatasetEvent.objects.filter(project=project).annotate(report_count=Count("reports"))
    if not include_retired:
        query = query.filter(retired_at__isnull=True)
    if multi_report:
        query = query.filter(report_count__gte=2)
    gold = CodedEvent.objects.filter(dataset_report__dataset_event=OuterRef("pk"))
    if event_type:
        gold = gold.filter(Q(event_type__code=event_type) | Q(event_subtype__code=event_type))
    if date_from:
        gold = gold.filter(
            Q(date_end__gte=date_from) | Q(date_end__isnull=True, date_start__gte=date_from)
        )
    if date_to:
        gold = gold.filter(date_start__lte=date_to)
    if event_type or date_from or date_to:
        query = query.filter(Exists(gold))
    return query.order_by("pk")


def _article_dict(article: Article, *, with_text: bool = False) -> dict[str, Any]:
    found = {
        "id": article.pk,
        "title": article.title,
        "source": article.source,
        "published_at": article.published_at,
        "language": article.language,
        "direction": article.direction,
    }
    if with_text:
        found["text"] = article.text
    return found


def _report_dict(row: DatasetEventReport, record: Report, *, with_text: bool) -> dict[str, Any]:
    return {
        "gold_event": record.gold_event_id,
        "dataset_event": row.dataset_event_id,
        "article": _article_dict(row.article, with_text=with_text),
        "event_type": record.event_type,
        "event_subtype": record.event_subtype,
        "values": dict(record.values),
        "spans": [
            {"role": s.role, "start": s.start, "end": s.end, "quote": s.quote} for s in record.spans
        ],
        "added_at": row.added_at,
    }


def _event_dict(
    event: DatasetEvent, rows: list[DatasetEventReport], project: Project, *, detail: bool
) -> dict[str, Any]:
    records = [report_record(row) for row in rows]
    found: dict[str, Any] = {
        "id": event.pk,
        "version": event.version,
        "retired_at": event.retired_at,
        "merged_into": event.merged_into_id,
        "changed_at": event.changed_at,
        "report_count": len(rows),
    }
    resolved = (
        resolve(
            records,
            project_fields(project),
            event.resolution,
            fatalities_policy=fatalities_policy(project),
        )
        if records
        else None
    )
    if detail:
        found["created_at"] = event.created_at
        found["resolution"] = event.resolution
        found["reports"] = [
            _report_dict(row, record, with_text=False)
            for row, record in zip(rows, records, strict=True)
        ]
        found["resolved"] = resolved.as_json() if resolved else None
        return found
    found["reports"] = [
        {"gold_event": row.gold_event_id, "article": row.article_id, "title": row.article.title}
        for row in rows
    ]
    if resolved is None:
        found["event_type"] = found["date"] = found["fatalities"] = None
        found["differing"] = []
    else:
        fields = resolved.fields
        found["event_type"] = fields["event_type"].value
        found["date"] = fields["date"].value if "date" in fields else None
        found["fatalities"] = fields["fatalities"].value if "fatalities" in fields else None
        found["differing"] = resolved.differing
    return found


def dataset_event_rows(project: Project, events: Iterable[DatasetEvent]) -> list[dict[str, Any]]:
    """A page of the list: each event with its reports' titles and its resolved type, date,
    fatalities and differing keys (two queries for the whole page)."""
    page = list(events)
    by_event: dict[int, list[DatasetEventReport]] = {e.pk: [] for e in page}
    for row in report_rows(list(by_event)):
        by_event[row.dataset_event_id].append(row)
    return [_event_dict(e, by_event[e.pk], project, detail=False) for e in page]


def dataset_event_detail(project: Project, dataset_event_id: int) -> dict[str, Any]:
    """One dataset event of the project with its reports (article, values, spans), the
    resolved fields with their provenance, and the tombstones linked into it."""
    event = DatasetEvent.objects.filter(project=project, pk=dataset_event_id).first()
    if event is None:
        raise NotFound("no such dataset event in this project")
    found = _event_dict(event, report_rows([event.pk]), project, detail=True)
    found["absorbed"] = list(
        DatasetEvent.objects.filter(merged_into=event).order_by("pk").values_list("pk", flat=True)
    )
    return found


def candidates_query(
    project: Project, *, status: str | None = "open", min_score: float | None = None
) -> QuerySet[DuplicateCandidate]:
    """Candidate pairs ranked by score (best first); `status` None lists all."""
    query = DuplicateCandidate.objects.filter(project=project)
    if status:
        query = query.filter(status=status)
    if min_score is not None:
        query = query.filter(score__gte=min_score)
    return query.select_related(
        "event_a__article",
        "event_b__article",
        "event_a__dataset_report__dataset_event",
        "event_b__dataset_report__dataset_event",
    ).order_by("-score", "pk")


def _side(event: CodedEvent) -> dict[str, Any]:
    report = getattr(event, "dataset_report", None)
    dataset_event = report.dataset_event if report is not None else None
    return {
        "gold_event": event.pk,
        "article": _article_dict(event.article),
        "dataset_event": None
        if dataset_event is None
        else {"id": dataset_event.pk, "version": dataset_event.version},
    }


def candidate_row(candidate: DuplicateCandidate) -> dict[str, Any]:
    """A candidate as listed: score, reasons, status and the two reports' articles and
    dataset events (`dataset_event` is null when the report's article was reopened)."""
    return {
        "id": candidate.pk,
        "score": candidate.score,
        "reasons": candidate.reasons,
        "status": candidate.status,
        "found_at": candidate.found_at,
        "decided_by": candidate.decided_by_id,
        "decided_at": candidate.decided_at,
        "reason": candidate.reason,
        "a": _side(candidate.event_a),
        "b": _side(candidate.event_b),
    }


def candidate_detail(project: Project, candidate_id: int) -> dict[str, Any]:
    """The comparison page: both reports with their article text (for highlighting), values
    and spans, the field-by-field differences, and the event a link would make (the reports
    of both dataset events resolved together, the survivor's choices kept)."""
    candidate = candidates_query(project, status=None).filter(pk=candidate_id).first()
    if candidate is None:
        raise NotFound("no such candidate pair in this project")
    found = candidate_row(candidate)
    events = {
        side["dataset_event"]["id"]
        for side in (found["a"], found["b"])
        if side["dataset_event"] is not None
    }
    rows = report_rows(events)
    records = {row.gold_event_id: report_record(row) for row in rows}
    by_gold = {row.gold_event_id: row for row in rows}
    fields = project_fields(project)
    pair = []
    for side, event in (("a", candidate.event_a), ("b", candidate.event_b)):
        row = by_gold.get(event.pk)
        if row is None:  # no longer validated: its article was reopened
            found[side]["report"] = None
            continue
        found[side]["report"] = _report_dict(row, records[event.pk], with_text=True)
        pair.append(records[event.pk])
    found["fields"] = (
        [
            {
                "key": key,
                "a": report_value(pair[0], key),
                "b": report_value(pair[1], key),
                "differs": report_value(pair[0], key) != report_value(pair[1], key),
            }
            for key in resolution_keys(fields)
        ]
        if len(pair) == 2
        else []
    )
    found["linked_preview"] = None
    if len(events) == 2 and len(pair) == 2:
        sides = [candidate.event_a.dataset_report, candidate.event_b.dataset_report]
        survivor = min((r.dataset_event for r in sides), key=lambda e: e.pk)
        found["linked_preview"] = resolve(
            list(records.values()),
            fields,
            survivor.resolution,
            fatalities_policy=fatalities_policy(project),
        ).as_json()
    return found
