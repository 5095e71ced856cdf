"""Every validated gold event reports exactly one dataset event: validation makes it its own
(same id), reopening withdraws it (a tombstone, or a smaller linked event), and PostgreSQL
refuses a report that is not validated gold of the same project."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from coding.models import CodedEvent, DatasetEvent, DatasetEventReport
from coding.services.projects import project_create
from tests.dataset_events.scene import reopen, revalidate, validated_report
from tests.world import World, mini_version

TEXT_A = "هاجم مسلحون قاعدة للجيش في بولكيسي يوم 12 يونيو 2022."
TEXT_B = "Des hommes armés ont attaqué le camp de Boulkessi le 12 juin 2022."


def _values(world: World) -> dict:  # type: ignore[type-arg]
    return {
        "actor1": {"id": world.actor.pk},
        "location": {"id": world.location.pk},
        "event_date": {"start": "2022-06-12"},
        "time_precision": "1",
    }


def _report(world: World, text: str, trigger: str) -> CodedEvent:
    return validated_report(
        project=world.project,
        supervisor=world.supervisor,
        text=text,
        trigger=trigger,
        values=_values(world),
    )


def test_validation_makes_each_gold_event_its_own_dataset_event_with_its_id(world: World) -> None:
    gold = _report(world, TEXT_A, "هاجم")
    dataset_event = DatasetEvent.objects.get(pk=gold.pk)
    assert dataset_event.project_id == world.project.pk
    assert dataset_event.retired_at is None
    assert dataset_event.merged_into_id is None
    assert [r.gold_event_id for r in dataset_event.reports.all()] == [gold.pk]
    assert dataset_event.reports.get().article_id == gold.article_id


def test_reopening_retires_a_lone_report_and_validation_brings_the_same_id_back(
    world: World,
) -> None:
    gold = _report(world, TEXT_A, "هاجم")
    reopen(gold.article, world.supervisor)
    tombstone = DatasetEvent.objects.get(pk=gold.pk)
    assert tombstone.retired_at is not None
    assert tombstone.merged_into_id is None
    assert not DatasetEventReport.objects.filter(gold_event=gold).exists()

    revalidate(gold.article, world.supervisor)
    back = DatasetEvent.objects.get(pk=gold.pk)
    assert back.retired_at is None
    assert back.version == tombstone.version + 1
    assert back.changed_at > tombstone.changed_at
    assert back.reports.get().gold_event_id == gold.pk


def test_reopening_one_report_of_a_linked_event_keeps_the_rest_published(world: World) -> None:
    older = _report(world, TEXT_A, "هاجم")
    newer = _report(world, TEXT_B, "attaqué")
    # Linked by hand (the link service is tested on its own): the older id survives.
    DatasetEventReport.objects.filter(gold_event=newer).update(dataset_event_id=older.pk)
    DatasetEvent.objects.filter(pk=newer.pk).update(
        merged_into_id=older.pk, retired_at=DatasetEvent.objects.get(pk=older.pk).changed_at
    )
    DatasetEvent.objects.filter(pk=older.pk).update(
        resolution={"fatalities": {"report": older.pk}, "date": {"value": {}, "rule": "union"}}
    )

    reopen(older.article, world.supervisor)
    survivor = DatasetEvent.objects.get(pk=older.pk)
    assert survivor.retired_at is None
    assert [r.gold_event_id for r in survivor.reports.all()] == [newer.pk]
    # the choice that came from the withdrawn report goes; the supervisor's own rule stays
    assert survivor.resolution == {"date": {"value": {}, "rule": "union"}}

    revalidate(older.article, world.supervisor)
    report = DatasetEventReport.objects.get(gold_event=older)
    assert report.dataset_event_id not in (older.pk, newer.pk)  # its old id is taken: a new one
    assert report.dataset_event_id > max(CodedEvent.objects.values_list("pk", flat=True))
    assert DatasetEvent.objects.get(pk=older.pk).reports.get().gold_event_id == newer.pk


def _insert_report(dataset_event_id: int, gold_event_id: int, article_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO coding_dataseteventreport (dataset_event_id, gold_event_id, article_id,"
            " added_at) VALUES (%s, %s, %s, now())",
            [dataset_event_id, gold_event_id, article_id],
        )


def test_the_database_refuses_a_report_that_is_not_validated_gold_of_the_project(
    world: World, disputed: World
) -> None:
    gold = _report(world, TEXT_A, "هاجم")
    other = _report(world, TEXT_B, "attaqué")
    coder_event = CodedEvent.objects.filter(layer="coder").first()
    assert coder_event is not None
    before = list(DatasetEventReport.objects.values_list("pk", "dataset_event_id", "gold_event_id"))

    elsewhere = project_create(
        slug="elsewhere", name="Elsewhere", codebook_version=mini_version(), overlap=1
    )
    foreign = DatasetEvent.objects.create(
        id=10**12, project=elsewhere, changed_at=DatasetEvent.objects.get(pk=gold.pk).changed_at
    )
    refused = [
        (gold.pk, coder_event.pk, coder_event.article_id),  # a coder's event
        (foreign.pk, other.pk, other.article_id),  # another project's dataset event
        (gold.pk, other.pk, gold.article_id),  # the wrong article
    ]
    for dataset_event_id, event_id, article_id in refused:
        DatasetEventReport.objects.filter(gold_event_id=event_id).delete()
        with pytest.raises(IntegrityError), transaction.atomic():
            _insert_report(dataset_event_id, event_id, article_id)
    reopen(other.article, world.supervisor)  # a gold event whose article is open again
    with pytest.raises(IntegrityError), transaction.atomic():
        _insert_report(gold.pk, other.pk, other.article_id)
    after = list(DatasetEventReport.objects.values_list("pk", "dataset_event_id", "gold_event_id"))
    assert [row for row in before if row[2] != other.pk] == after


def test_the_migration_gives_gold_validated_before_it_a_dataset_event_each(world: World) -> None:
    import importlib

    from django.apps import apps

    from tests.exports.test_export_csv_rows import _validated_articles

    migration = importlib.import_module("coding.migrations.0015_dataset_events_backfill_guard")
    gold = _validated_articles(world, count=3)  # written as rows, before dataset events existed
    open_gold = _report(world, TEXT_A, "هاجم")
    reopen(open_gold.article, world.supervisor)
    DatasetEvent.objects.all().delete()
    migration._backfill(apps, None)
    made = {
        report.gold_event_id: (report.dataset_event_id, report.dataset_event.changed_at)
        for report in DatasetEventReport.objects.select_related("dataset_event")
    }
    assert made == {
        event.pk: (event.pk, event.adjudication.validated_at)  # type: ignore[union-attr]
        for event in CodedEvent.objects.filter(pk__in=[g.pk for g in gold]).select_related(
            "adjudication"
        )
    }


def test_a_gold_event_deleted_while_its_article_is_open_takes_its_candidate_pairs(
    world: World,
) -> None:
    """The references to gold events cascade in PostgreSQL itself (Django issues no query for
    them when it deletes an event, so deleting a coder's event costs nothing more)."""
    from coding.models import DuplicateCandidate

    older = _report(world, TEXT_A, "هاجم")
    newer = _report(world, TEXT_B, "attaqué")
    DuplicateCandidate.objects.create(
        project=world.project, event_a=older, event_b=newer, score=0.9, reasons={}
    )
    reopen(newer.article, world.supervisor)
    CodedEvent.objects.filter(pk=newer.pk).delete()  # an undone decision, while open
    assert not DuplicateCandidate.objects.exists()
    assert DatasetEventReport.objects.filter(gold_event=older).exists()
