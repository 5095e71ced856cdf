"""Dataset events' reports as the plain records coding.dedup.resolution works on (reads only).

Shared by the dataset-event services (to check a resolution choice) and the selectors (to show
the resolved event). A fixed number of queries whatever the number of reports: one for the
reports with their gold events, one for the evidence spans.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Prefetch

from coding.codebook_runtime import event_type_codes, version_spec
from coding.codebook_spec import CodebookSpec
from coding.dedup.resolution import FieldInfo, Report, Span
from coding.dedup.rules import FATALITIES_POLICIES
from coding.models import EvidenceSpan, Project
from coding.models.dataset_events import DatasetEventReport

DEFAULT_FATALITIES_POLICY = "conservative"


def fatalities_policy(project: Project) -> str:
    """The project's default fatalities rule for events with several reports: ACLED's
    "conservative" unless the project's settings name "low_best_high" (UCDP)."""
    chosen = project.settings.get("fatalities_policy", DEFAULT_FATALITIES_POLICY)
    return chosen if chosen in FATALITIES_POLICIES else DEFAULT_FATALITIES_POLICY


def codebook_fields(spec: CodebookSpec) -> list[FieldInfo]:
    return [
        FieldInfo(f.key, f.kind, f.evidence_role or None, f.typed_column or None)
        for f in spec.fields
    ]


def project_fields(project: Project) -> list[FieldInfo]:
    return codebook_fields(version_spec(project.codebook_version))


def report_rows(dataset_event_ids: Collection[int]) -> list[DatasetEventReport]:
    """The reports of these dataset events with their gold events, articles and spans (two
    queries), in gold event id order."""
    spans = Prefetch("gold_event__spans", queryset=EvidenceSpan.objects.order_by("start", "id"))
    return list(
        DatasetEventReport.objects.filter(dataset_event_id__in=dataset_event_ids)
        .select_related("gold_event", "article")
        .prefetch_related(spans)
        .order_by("gold_event_id")
    )


def report_record(row: DatasetEventReport) -> Report:
    event = row.gold_event
    codes = event_type_codes(event.codebook_version_id)
    return Report(
        gold_event_id=event.pk,
        event_type=codes[event.event_type_id],
        event_subtype=codes[event.event_subtype_id] if event.event_subtype_id else None,
        values=event.values,
        date_start=event.date_start,
        date_end=event.date_end,
        date_precision=event.date_precision,
        fatalities=event.fatalities,
        spans=tuple(Span(s.role, s.start, s.end, s.quote) for s in event.spans.all()),
    )


def report_records(dataset_event_ids: Collection[int]) -> dict[int, list[Report]]:
    """dataset event id → its reports as plain records, primary first."""
    found: dict[int, list[Report]] = {pk: [] for pk in dataset_event_ids}
    for row in report_rows(dataset_event_ids):
        found[row.dataset_event_id].append(report_record(row))
    return found
