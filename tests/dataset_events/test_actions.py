"""Linking, splitting, resolving dataset events and answering candidate pairs, through the
services on PostgreSQL: what changes, what is audited, and every refusal changing nothing."""

from __future__ import annotations

from typing import Any

import pytest

from coding.errors import Conflict, NotFound, StaleVersion, ValidationFailed
from coding.models import (
    AuditEntry,
    CodedEvent,
    DatasetEvent,
    DatasetEventReport,
    DuplicateCandidate,
)
from coding.services.adjudication import adjudication_open, adjudication_validate, decision_add
from coding.services.articles import articles_create
from coding.services.dataset_events import (
    dataset_event_resolve,
    dataset_event_split,
    dataset_events_link,
)
from coding.services.duplicate_candidates import (
    duplicate_candidate_link,
    duplicate_candidate_not_same,
)
from coding.services.events import EventInput, SpanInput
from tests.dataset_events.scene import reopen, validated_report
from tests.world import Item, World

TEXT_A = "هاجم مسلحون قاعدة للجيش في بولكيسي يوم 12 يونيو 2022 وقتلوا سبعة جنود."
TEXT_B = "Des hommes armés ont attaqué le camp de Boulkessi le 12 juin 2022 : 5 morts."
TEXT_C = "Attack on Boulkessi 🇲🇱 camp on 11–13 June 2022, 9 dead."


def _report(world: World, text: str, trigger: str, **values: Any) -> CodedEvent:
    base = {
        "actor1": {"id": world.actor.pk},
        "location": {"id": world.location.pk},
        "event_date": {"start": "2022-06-12"},
        "time_precision": "1",
    }
    return validated_report(
        project=world.project,
        supervisor=world.supervisor,
        text=text,
        trigger=trigger,
        values={**base, **values},
    )


def _state() -> list[tuple[Any, ...]]:
    """Everything the actions may change, to show that a refusal changed nothing."""
    return [
        list(
            DatasetEvent.objects.order_by("pk").values_list(
                "pk", "version", "retired_at", "merged_into_id", "resolution", "changed_at"
            )
        ),
        list(DatasetEventReport.objects.order_by("pk").values_list("pk", "dataset_event_id")),
        list(DuplicateCandidate.objects.order_by("pk").values_list("pk", "status", "reason")),
        AuditEntry.objects.filter(action__startswith="dataset_event").count(),
        AuditEntry.objects.filter(action__startswith="duplicate_candidate").count(),
    ]


def _version(pk: int) -> int:
    return DatasetEvent.objects.get(pk=pk).version


def _candidate(world: World, a: CodedEvent, b: CodedEvent) -> DuplicateCandidate:
    low, high = sorted([a, b], key=lambda e: e.pk)
    return DuplicateCandidate.objects.create(
        project=world.project, event_a=low, event_b=high, score=0.8, reasons={"same_day": True}
    )


@pytest.fixture
def trio(world: World) -> tuple[CodedEvent, CodedEvent, CodedEvent]:
    return (
        _report(world, TEXT_A, "هاجم", fatalities=7),
        _report(world, TEXT_B, "attaqué", fatalities=5, time_precision="2"),
        _report(world, TEXT_C, "Attack", fatalities=9),
    )


def test_link_keeps_the_older_id_moves_reports_and_leaves_a_tombstone(
    world: World, trio: tuple[CodedEvent, ...]
) -> None:
    a, b, c = trio
    candidate = _candidate(world, a, b)
    other = _candidate(world, b, c)
    survivor = dataset_events_link(
        project=world.project,
        event_ids=(b.pk, a.pk),
        expected_versions={a.pk: 1, b.pk: 1},
        resolution={"fatalities": {"report": b.pk}},
        actor=world.supervisor,
        reason="same attack",
    )
    assert survivor.pk == a.pk
    assert survivor.version == 2
    assert sorted(survivor.reports.values_list("gold_event_id", flat=True)) == [a.pk, b.pk]
    assert survivor.resolution["fatalities"]["report"] == b.pk
    assert survivor.resolution["fatalities"]["by"] == world.supervisor.pk
    assert survivor.resolution["fatalities"]["reason"] == "same attack"
    absorbed = DatasetEvent.objects.get(pk=b.pk)
    assert absorbed.retired_at is not None
    assert absorbed.merged_into_id == a.pk
    assert absorbed.version == 2
    candidate.refresh_from_db()
    other.refresh_from_db()
    assert candidate.status == "linked"
    assert candidate.decided_by == world.supervisor
    assert other.status == "open"
    audit = AuditEntry.objects.get(action="dataset_event.link")
    assert audit.target_id == a.pk
    assert audit.data["absorbed"] == b.pk
    assert audit.data["moved_reports"] == [b.pk]
    assert audit.data["candidates_linked"] == [candidate.pk]

    # Linking the survivor with a third event re-points the earlier tombstone at the survivor.
    dataset_events_link(
        project=world.project,
        event_ids=(c.pk, a.pk),
        expected_versions={a.pk: 2, c.pk: 1},
        actor=world.supervisor,
        reason="also",
    )
    other.refresh_from_db()
    assert other.status == "linked"
    assert DatasetEvent.objects.get(pk=c.pk).merged_into_id == a.pk


def test_link_of_a_newer_survivor_tombstone_chain_points_at_the_live_event(
    world: World, trio: tuple[CodedEvent, ...]
) -> None:
    a, b, c = trio
    dataset_events_link(
        project=world.project,
        event_ids=(b.pk, c.pk),
        expected_versions={b.pk: 1, c.pk: 1},
        actor=world.supervisor,
        reason="x",
    )
    dataset_events_link(
        project=world.project,
        event_ids=(a.pk, b.pk),
        expected_versions={a.pk: 1, b.pk: 2},
        actor=world.supervisor,
        reason="y",
    )
    tombstone = DatasetEvent.objects.get(pk=c.pk)
    assert tombstone.merged_into_id == a.pk
    assert tombstone.version == 3
    assert DatasetEvent.objects.get(pk=a.pk).reports.count() == 3


def test_link_refusals_change_nothing(world: World, trio: tuple[CodedEvent, ...]) -> None:
    a, b, c = trio
    elsewhere = validated_report(
        project=world.other_project,
        supervisor=world.admin,
        text=TEXT_C,
        trigger="Attack",
        values={
            "actor1": {"id": world.actor.pk},
            "location": {"id": world.location.pk},
            "event_date": {"start": "2022-06-12"},
        },
    )
    before = _state()
    attempts: list[tuple[dict[str, Any], type[Exception], str]] = [
        ({"event_ids": (a.pk, a.pk)}, ValidationFailed, "same_event"),
        ({"event_ids": (a.pk, elsewhere.pk)}, NotFound, "not_found"),
        ({"event_ids": (a.pk, 999_999_999)}, NotFound, "not_found"),
        (
            {"event_ids": (a.pk, b.pk), "expected_versions": {a.pk: 1, b.pk: 7}},
            StaleVersion,
            "stale_version",
        ),
        (
            {"event_ids": (a.pk, b.pk), "expected_versions": {a.pk: 1}},
            ValidationFailed,
            "version_required",
        ),
        (
            {"event_ids": (a.pk, b.pk), "resolution": {"fatalities": {"report": c.pk}}},
            ValidationFailed,
            "invalid_choice",
        ),
        (
            {"event_ids": (a.pk, b.pk), "resolution": {"time_precision": {"report": a.pk}}},
            ValidationFailed,
            "invalid_choice",
        ),
    ]
    for kwargs, error, code in attempts:
        args = {
            "project": world.project,
            "expected_versions": {a.pk: 1, b.pk: 1},
            "actor": world.supervisor,
            "reason": "r",
            **kwargs,
        }
        with pytest.raises(error) as caught:
            dataset_events_link(**args)
        assert caught.value.code == code, kwargs
        assert _state() == before, kwargs
    with pytest.raises(StaleVersion) as stale:
        dataset_events_link(
            project=world.project,
            event_ids=(a.pk, b.pk),
            expected_versions={a.pk: 1, b.pk: 7},
            actor=world.supervisor,
            reason="r",
        )
    assert stale.value.extra == {"dataset_event": b.pk, "current_version": 1}


def test_link_refuses_a_retired_event_naming_the_survivor(
    world: World, trio: tuple[CodedEvent, ...]
) -> None:
    a, b, c = trio
    dataset_events_link(
        project=world.project,
        event_ids=(a.pk, b.pk),
        expected_versions={a.pk: 1, b.pk: 1},
        actor=world.supervisor,
        reason="x",
    )
    before = _state()
    with pytest.raises(Conflict) as caught:
        dataset_events_link(
            project=world.project,
            event_ids=(b.pk, c.pk),
            expected_versions={b.pk: 2, c.pk: 1},
            actor=world.supervisor,
            reason="late",
        )
    assert caught.value.code == "retired"
    assert caught.value.extra["merged_into"] == a.pk
    assert _state() == before


def test_link_refuses_an_event_whose_article_was_reopened(
    world: World, trio: tuple[CodedEvent, ...]
) -> None:
    a, b, _ = trio
    reopen(b.article, world.supervisor)
    before = _state()
    with pytest.raises(Conflict) as caught:
        dataset_events_link(
            project=world.project,
            event_ids=(a.pk, b.pk),
            expected_versions={a.pk: 1, b.pk: 2},
            actor=world.supervisor,
            reason="x",
        )
    assert caught.value.code == "retired"
    assert caught.value.extra["merged_into"] is None
    assert _state() == before


def test_link_refuses_two_reports_of_one_article(world: World) -> None:
    text = "هاجم مسلحون قاعدة، ثم قصفت طائرة مسيّرة القرية."
    article = articles_create(project=world.project, items=[Item("Two", text)], actor=None).created[
        0
    ]
    adjudication = adjudication_open(article_id=article.pk)
    for needle, subtype in [("هاجم", "ARMED_ASSAULT"), ("قصفت", "DRONE_STRIKE")]:
        start = text.index(needle)
        decision_add(
            adjudication=adjudication,
            actor=world.supervisor,
            data=EventInput(
                event_type="ATTACK",
                event_subtype=subtype,
                values={
                    "actor1": {"id": world.actor.pk},
                    "location": {"id": world.location.pk},
                    "event_date": {"start": "2022-06-12"},
                },
                spans=[SpanInput("trigger", start, start + len(needle), needle)],
            ),
        )
    adjudication.refresh_from_db()
    adjudication_validate(
        adjudication=adjudication, actor=world.supervisor, expected_version=adjudication.version
    )
    first, second = CodedEvent.objects.filter(adjudication=adjudication).order_by("pk")
    before = _state()
    with pytest.raises(Conflict) as caught:
        dataset_events_link(
            project=world.project,
            event_ids=(first.pk, second.pk),
            expected_versions={first.pk: 1, second.pk: 1},
            actor=world.supervisor,
            reason="x",
        )
    assert caught.value.code == "same_article"
    assert caught.value.extra["articles"] == [article.pk]
    assert _state() == before


def test_split_moves_a_report_to_a_fresh_id_and_remembers_not_same(
    world: World, trio: tuple[CodedEvent, ...]
) -> None:
    a, b, c = trio
    linked = _candidate(world, a, b)
    dataset_events_link(
        project=world.project,
        event_ids=(a.pk, b.pk),
        expected_versions={a.pk: 1, b.pk: 1},
        resolution={"actor1": {"report": b.pk}, "notes_text": {"rule": "typed", "value": "يدوي"}},
        actor=world.supervisor,
        reason="x",
    )
    dataset_events_link(
        project=world.project,
        event_ids=(a.pk, c.pk),
        expected_versions={a.pk: 2, c.pk: 1},
        actor=world.supervisor,
        reason="x",
    )
    created = dataset_event_split(
        dataset_event=DatasetEvent.objects.get(pk=a.pk),
        report=b.pk,
        expected_version=3,
        actor=world.supervisor,
        reason="different day",
    )
    assert created.pk not in (a.pk, b.pk, c.pk)
    assert created.pk > max(a.pk, b.pk, c.pk)
    assert created.version == 1
    assert list(created.reports.values_list("gold_event_id", flat=True)) == [b.pk]
    left = DatasetEvent.objects.get(pk=a.pk)
    assert left.version == 4
    assert sorted(left.reports.values_list("gold_event_id", flat=True)) == [a.pk, c.pk]
    assert set(left.resolution) == {"notes_text"}
    linked.refresh_from_db()
    assert linked.status == "not_same"
    assert linked.reason == "different day"
    made = DuplicateCandidate.objects.get(event_a=b, event_b=c)
    assert made.status == "not_same"
    assert made.reasons == {"split": True}
    audit = AuditEntry.objects.get(action="dataset_event.split")
    assert audit.data["new_dataset_event"] == created.pk
    assert audit.data["dropped_resolution"] == ["actor1"]
    assert audit.data["not_same_pairs"] == sorted([[a.pk, b.pk], [b.pk, c.pk]])


def test_split_refusals_change_nothing(world: World, trio: tuple[CodedEvent, ...]) -> None:
    a, b, c = trio
    dataset_events_link(
        project=world.project,
        event_ids=(a.pk, b.pk),
        expected_versions={a.pk: 1, b.pk: 1},
        actor=world.supervisor,
        reason="x",
    )
    before = _state()
    cases: list[tuple[int, int, int, type[Exception], str]] = [
        (c.pk, c.pk, 1, Conflict, "only_report"),
        (a.pk, c.pk, 2, ValidationFailed, "not_a_report"),
        (a.pk, b.pk, 1, StaleVersion, "stale_version"),
        (b.pk, b.pk, 2, Conflict, "retired"),
    ]
    for event_id, report, version, error, code in cases:
        with pytest.raises(error) as caught:
            dataset_event_split(
                dataset_event=DatasetEvent.objects.get(pk=event_id),
                report=report,
                expected_version=version,
                actor=world.supervisor,
                reason="r",
            )
        assert caught.value.code == code
        assert _state() == before


def test_resolve_records_the_choice_and_refuses_what_cannot_apply(
    world: World, trio: tuple[CodedEvent, ...]
) -> None:
    a, b, _ = trio
    dataset_events_link(
        project=world.project,
        event_ids=(a.pk, b.pk),
        expected_versions={a.pk: 1, b.pk: 1},
        actor=world.supervisor,
        reason="x",
    )
    event = DatasetEvent.objects.get(pk=a.pk)
    resolved = dataset_event_resolve(
        dataset_event=event,
        field="date",
        choice={"rule": "union"},
        expected_version=2,
        actor=world.supervisor,
        reason="both days",
    )
    entry = resolved.resolution["date"]
    assert entry["rule"] == "union"
    assert entry["value"] == {"start": "2022-06-12", "end": "2022-06-12", "precision": 1}
    assert entry["reason"] == "both days"
    assert resolved.version == 3
    audit = AuditEntry.objects.get(action="dataset_event.resolve")
    assert audit.data["field"] == "date"
    assert audit.data["before"] is None
    assert audit.data["after"] == entry

    before = _state()
    refusals: list[tuple[str, Any, int, type[Exception], str]] = [
        ("date", {"rule": "union"}, 2, StaleVersion, "stale_version"),
        ("nope", {"report": a.pk}, 3, ValidationFailed, "invalid_choice"),
        ("location", {"rule": "union"}, 3, ValidationFailed, "invalid_choice"),
        (
            "notes_text",
            {"rule": "typed", "value": "x" * 201},
            3,
            ValidationFailed,
            "invalid_choice",
        ),
        (
            "date",
            {"rule": "typed", "value": {"start": "2022-06-12", "precision": 9}},
            3,
            ValidationFailed,
            "invalid_choice",
        ),
        (
            "actor1",
            {"rule": "typed", "value": {"id": 987654321}},
            3,
            ValidationFailed,
            "invalid_choice",
        ),
        ("nope", None, 3, ValidationFailed, "invalid_choice"),
    ]
    for field, choice, version, error, code in refusals:
        with pytest.raises(error) as caught:
            dataset_event_resolve(
                dataset_event=event,
                field=field,
                choice=choice,
                expected_version=version,
                actor=world.supervisor,
                reason="r",
            )
        assert caught.value.code == code, (field, choice)
        assert _state() == before, (field, choice)

    cleared = dataset_event_resolve(
        dataset_event=event,
        field="date",
        choice=None,
        expected_version=3,
        actor=world.supervisor,
        reason="back to the primary",
    )
    assert "date" not in cleared.resolution


def test_candidate_link_and_not_same(world: World, trio: tuple[CodedEvent, ...]) -> None:
    a, b, c = trio
    pair = _candidate(world, a, b)
    survivor = duplicate_candidate_link(
        candidate=pair,
        expected_versions={a.pk: 1, b.pk: 1},
        actor=world.supervisor,
        reason="same",
    )
    assert survivor.pk == a.pk
    pair.refresh_from_db()
    assert pair.status == "linked"
    assert AuditEntry.objects.get(action="dataset_event.link").data["candidate"] == pair.pk

    not_same = _candidate(world, b, c)
    decided = duplicate_candidate_not_same(candidate=not_same, actor=world.supervisor, reason="no")
    assert decided.status == "not_same"
    assert decided.decided_by == world.supervisor
    assert decided.decided_at is not None
    assert AuditEntry.objects.get(action="duplicate_candidate.not_same").data["reason"] == "no"

    before = _state()
    for call in (
        lambda: duplicate_candidate_not_same(
            candidate=not_same, actor=world.supervisor, reason="x"
        ),
        lambda: duplicate_candidate_link(
            candidate=pair, expected_versions={a.pk: 2}, actor=world.supervisor, reason="x"
        ),
    ):
        with pytest.raises(Conflict) as caught:
            call()
        assert caught.value.code == "decided"
        assert _state() == before


def test_candidate_refusals_already_linked_and_reopened(
    world: World, trio: tuple[CodedEvent, ...]
) -> None:
    a, b, c = trio
    dataset_events_link(
        project=world.project,
        event_ids=(a.pk, b.pk),
        expected_versions={a.pk: 1, b.pk: 1},
        actor=world.supervisor,
        reason="x",
    )
    late = _candidate(world, a, b)  # found after the link, e.g. by an older finder pass
    gone = _candidate(world, a, c)
    reopen(c.article, world.supervisor)
    before = _state()
    for candidate, code in [(late, "already_linked"), (gone, "not_validated")]:
        for call in (
            lambda candidate=candidate: duplicate_candidate_not_same(
                candidate=candidate, actor=world.supervisor, reason="x"
            ),
            lambda candidate=candidate: duplicate_candidate_link(
                candidate=candidate,
                expected_versions={a.pk: 2, c.pk: 2},
                actor=world.supervisor,
                reason="x",
            ),
        ):
            with pytest.raises(Conflict) as caught:
                call()
            assert caught.value.code == code
            assert _state() == before
