"""Linking, splitting and resolving dataset events (a supervisor's decisions).

Lock order, the same in every writer (so two never wait on each other): the report rows of the
dataset events concerned, then the dataset events in id order, then candidate pairs. Reopening
an article (coding.services.dataset_reports.reports_withdraw) also deletes its reports before
it locks their dataset events.

Every refusal raises before anything is written: a dataset event that is not in the project
(NotFound), a retired one (Conflict `retired`, naming the event it was merged into), a stale
version (StaleVersion, with the current version), or a rule of the domain (ValidationFailed /
Conflict with a code). Keeping reports validated gold of the project is also PostgreSQL's job
(the report trigger of migration 0015).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from coding.codebook_runtime import version_spec
from coding.dataset_event_records import codebook_fields
from coding.dedup.resolution import resolution_keys
from coding.errors import Conflict, NotFound, StaleVersion, ValidationFailed
from coding.models import DatasetEvent, DatasetEventReport, DuplicateCandidate, Project, User
from coding.services.audit import audit_record
from coding.services.dataset_reports import dataset_event_fresh_id
from coding.services.dataset_resolution import resolution_entries


def lock_dataset_events(*, project: Project, ids: Collection[int]) -> dict[int, DatasetEvent]:
    """Lock these dataset events of `project` (their reports first, then the events in id
    order). Raises NotFound naming the first id that is not a dataset event of the project."""
    wanted = sorted(set(ids))
    list(
        DatasetEventReport.objects.select_for_update()
        .filter(dataset_event_id__in=wanted)
        .order_by("id")
        .values_list("id", flat=True)
    )
    found = {
        row.pk: row
        for row in DatasetEvent.objects.select_for_update()
        .filter(pk__in=wanted, project=project)
        .order_by("pk")
    }
    for pk in wanted:
        if pk not in found:
            raise NotFound(f"no dataset event {pk} in this project")
    return found


def check_current(event: DatasetEvent, expected_version: int) -> None:
    """Refuse a retired dataset event (409, with where it went) or a stale version (412)."""
    check_live(event)
    if event.version != expected_version:
        raise StaleVersion(
            f"dataset event {event.pk} changed since version {expected_version}",
            extra={"dataset_event": event.pk, "current_version": event.version},
        )


def check_live(event: DatasetEvent) -> None:
    """Refuse a retired dataset event (409), naming the event it was linked into."""
    state = {"dataset_event": event.pk, "current_version": event.version}
    if event.retired_at is not None:
        if event.merged_into_id is not None:
            raise Conflict(
                f"dataset event {event.pk} was linked into {event.merged_into_id}",
                code="retired",
                extra={**state, "merged_into": event.merged_into_id},
            )
        raise Conflict(
            f"dataset event {event.pk} has no report left (its article was reopened)",
            code="retired",
            extra={**state, "merged_into": None},
        )


def _bump(event: DatasetEvent, now: dt.datetime, *fields: str) -> None:
    event.version += 1
    event.changed_at = now
    event.save(update_fields=["version", "changed_at", *fields])


@transaction.atomic
def dataset_events_link(
    *,
    project: Project,
    event_ids: tuple[int, int],
    expected_versions: Mapping[int, int],
    actor: User,
    reason: str,
    resolution: Mapping[str, Any] | None = None,
) -> DatasetEvent:
    """Link two dataset events of `project` into one: the older id (the smaller) survives, the
    other's reports move into it and it becomes a tombstone pointing at the survivor (as do
    earlier tombstones that pointed at it). The survivor keeps its resolution entries, updated
    by `resolution` (checked against the reports of both). Open candidate pairs between the
    reports of the linked event become `linked`. Audited as `dataset_event.link`."""
    first, second = event_ids
    if first == second:
        raise ValidationFailed("a dataset event cannot be linked with itself", code="same_event")
    locked = lock_dataset_events(project=project, ids=event_ids)
    return link_locked(
        project=project,
        locked=locked,
        expected_versions=expected_versions,
        actor=actor,
        reason=reason,
        resolution=resolution or {},
    )


def link_locked(
    *,
    project: Project,
    locked: Mapping[int, DatasetEvent],
    expected_versions: Mapping[int, int],
    actor: User,
    reason: str,
    resolution: Mapping[str, Any],
    extra: dict[str, Any] | None = None,
) -> DatasetEvent:
    """`dataset_events_link` with its two dataset events locked by `lock_dataset_events`."""
    survivor_id, absorbed_id = sorted(locked)
    for _, event in sorted(locked.items()):
        check_live(event)  # a lost race is told where the event went, before its version
    for pk, event in sorted(locked.items()):
        if pk not in expected_versions:
            raise ValidationFailed(
                f"the version of dataset event {pk} is required",
                code="version_required",
                errors=[{"field": f"versions.{pk}", "code": "required", "message": "required"}],
            )
        check_current(event, expected_versions[pk])
    survivor, absorbed = locked[survivor_id], locked[absorbed_id]
    articles = DatasetEventReport.objects.filter(dataset_event_id__in=[survivor_id, absorbed_id])
    by_article: dict[int, set[int]] = {}
    for article_id, dataset_id in articles.values_list("article_id", "dataset_event_id"):
        by_article.setdefault(article_id, set()).add(dataset_id)
    shared = sorted(a for a, owners in by_article.items() if len(owners) > 1)
    if shared:
        raise Conflict(
            f"both dataset events have a report in article {shared[0]}; one article reports an "
            "event once (split or correct the gold first)",
            code="same_article",
            extra={"articles": shared},
        )
    now = timezone.now()
    entries = resolution_entries(
        project=project,
        dataset_event_ids=[survivor_id, absorbed_id],
        choices=resolution,
        actor=actor,
        now=now,
        reason=reason,
    )
    moved = list(
        DatasetEventReport.objects.filter(dataset_event_id=absorbed_id).values_list(
            "gold_event_id", flat=True
        )
    )
    DatasetEventReport.objects.filter(dataset_event_id=absorbed_id).update(
        dataset_event_id=survivor_id
    )
    earlier = list(DatasetEvent.objects.select_for_update().filter(merged_into_id=absorbed_id))
    for tombstone in earlier:
        tombstone.merged_into_id = survivor_id
        _bump(tombstone, now, "merged_into")
    absorbed.retired_at = now
    absorbed.merged_into_id = survivor_id
    _bump(absorbed, now, "retired_at", "merged_into")
    survivor.resolution = {**survivor.resolution, **entries}
    _bump(survivor, now, "resolution")
    gold_ids = list(
        DatasetEventReport.objects.filter(dataset_event_id=survivor_id).values_list(
            "gold_event_id", flat=True
        )
    )
    candidates = list(
        DuplicateCandidate.objects.select_for_update()
        .filter(
            project=project,
            status=DuplicateCandidate.Status.OPEN,
            event_a_id__in=gold_ids,
            event_b_id__in=gold_ids,
        )
        .order_by("id")
        .values_list("id", flat=True)
    )
    DuplicateCandidate.objects.filter(pk__in=candidates).update(
        status=DuplicateCandidate.Status.LINKED, decided_by=actor, decided_at=now, reason=reason
    )
    audit_record(
        action="dataset_event.link",
        actor=actor,
        project=project,
        target=survivor,
        data={
            "survivor": survivor_id,
            "absorbed": absorbed_id,
            "moved_reports": moved,
            "resolution": entries,
            "candidates_linked": candidates,
            "reason": reason,
            **(extra or {}),
        },
    )
    return survivor


@transaction.atomic
def dataset_event_split(
    *, dataset_event: DatasetEvent, report: int, expected_version: int, actor: User, reason: str
) -> DatasetEvent:
    """Move the report `report` (a gold event id) out of `dataset_event` into a new dataset
    event with a fresh id; returns the new one. The pairs of that report with the reports left
    behind are remembered as `not_same` (the supervisor just said so), so they are never
    proposed again. Resolution entries taking their value from it are dropped."""
    project = dataset_event.project
    locked = lock_dataset_events(project=project, ids=[dataset_event.pk])[dataset_event.pk]
    check_current(locked, expected_version)
    gold_ids = list(
        DatasetEventReport.objects.filter(dataset_event_id=locked.pk).values_list(
            "gold_event_id", flat=True
        )
    )
    if report not in gold_ids:
        raise ValidationFailed(
            f"{report} is not a report of dataset event {locked.pk}",
            code="not_a_report",
            errors=[{"field": "report", "code": "not_a_report", "message": str(report)}],
        )
    if len(gold_ids) == 1:
        raise Conflict(
            f"{report} is the only report of dataset event {locked.pk}; there is nothing to "
            "split it from",
            code="only_report",
        )
    now = timezone.now()
    created = DatasetEvent.objects.create(
        id=dataset_event_fresh_id(), project=project, changed_at=now
    )
    DatasetEventReport.objects.filter(gold_event_id=report).update(dataset_event=created)
    dropped = sorted(
        key
        for key, entry in locked.resolution.items()
        if isinstance(entry, Mapping) and entry.get("report") == report
    )
    locked.resolution = {k: v for k, v in locked.resolution.items() if k not in dropped}
    _bump(locked, now, "resolution")
    remembered = _remember_not_same(
        project=project,
        report=report,
        others=[g for g in gold_ids if g != report],
        actor=actor,
        now=now,
        reason=reason,
    )
    audit_record(
        action="dataset_event.split",
        actor=actor,
        project=project,
        target=locked,
        data={
            "report": report,
            "new_dataset_event": created.pk,
            "dropped_resolution": dropped,
            "not_same_pairs": remembered,
            "reason": reason,
        },
    )
    return created


def _remember_not_same(
    *,
    project: Project,
    report: int,
    others: list[int],
    actor: User,
    now: dt.datetime,
    reason: str,
) -> list[list[int]]:
    pairs = sorted((min(report, o), max(report, o)) for o in others)
    known = set(
        DuplicateCandidate.objects.select_for_update()
        .filter(event_a_id__in=[a for a, _ in pairs], event_b_id__in=[b for _, b in pairs])
        .values_list("event_a_id", "event_b_id")
    )
    DuplicateCandidate.objects.filter(
        event_a_id__in=[a for a, _ in pairs], event_b_id__in=[b for _, b in pairs]
    ).update(
        status=DuplicateCandidate.Status.NOT_SAME, decided_by=actor, decided_at=now, reason=reason
    )
    DuplicateCandidate.objects.bulk_create(
        DuplicateCandidate(
            project=project,
            event_a_id=a,
            event_b_id=b,
            score=0.0,
            reasons={"split": True},
            status=DuplicateCandidate.Status.NOT_SAME,
            decided_by=actor,
            decided_at=now,
            reason=reason,
        )
        for a, b in pairs
        if (a, b) not in known
    )
    return [list(p) for p in pairs]


@transaction.atomic
def dataset_event_resolve(
    *,
    dataset_event: DatasetEvent,
    field: str,
    choice: Mapping[str, Any] | None,
    expected_version: int,
    actor: User,
    reason: str,
) -> DatasetEvent:
    """Decide where `field` (a resolution key) takes its value from; `choice` None goes back
    to the default (the primary report, or the project's fatalities policy)."""
    project = dataset_event.project
    locked = lock_dataset_events(project=project, ids=[dataset_event.pk])[dataset_event.pk]
    check_current(locked, expected_version)
    now = timezone.now()
    before = locked.resolution.get(field)
    if choice is None:
        keys = resolution_keys(codebook_fields(version_spec(project.codebook_version)))
        if field not in keys:
            raise ValidationFailed(
                f"{field!r} is not a field of this codebook",
                code="invalid_choice",
                errors=[{"field": "field", "code": "unknown_field", "message": field}],
            )
        locked.resolution = {k: v for k, v in locked.resolution.items() if k != field}
        after = None
    else:
        after = resolution_entries(
            project=project,
            dataset_event_ids=[locked.pk],
            choices={field: choice},
            actor=actor,
            now=now,
            reason=reason,
        )[field]
        locked.resolution = {**locked.resolution, field: after}
    _bump(locked, now, "resolution")
    audit_record(
        action="dataset_event.resolve",
        actor=actor,
        project=project,
        target=locked,
        data={"field": field, "before": before, "after": after, "reason": reason},
    )
    return locked
