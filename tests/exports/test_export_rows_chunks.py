"""A large refresh of stored renderings is cut into chunks (outbox rows) that any worker
takes (coding/services/export_rows_chunks.py): the ranges cover every event once; each chunk
stores its range and deletes its row in one transaction; a chunk done, held or failing
changes nothing; the drain does chunks no task took; and a published recompute asks for
the renderings its new article runs made stale."""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from coding.codebook_runtime import version_spec
from coding.export_selectors import ExportFilters, iter_export_events
from coding.export_streams import export_chunks
from coding.exporting import csv_chunks, geojson_chunks, jsonl_chunks
from coding.models import AgreementRun, CodedEvent, ExportCsvRow, OutboxItem, Project
from coding.services import export_rows, export_rows_chunks
from coding.services.export_rows import csv_rows_refresh, csv_rows_schedule_after_run
from coding.services.export_rows_chunks import chunk_ranges, csv_rows_chunk_take
from coding.services.outbox_drain import HANDLERS, outbox_drain
from tests.exports.test_export_csv_rows import _validated_articles, reopened
from tests.world import World

pytestmark = pytest.mark.django_db

FORMATS = ("csv", "jsonl", "geojson")


def rendered(project: Project, fmt: str) -> str:
    """The export with every event rendered by the writers (no stored text at all)."""
    spec = version_spec(project.codebook_version)
    events = iter_export_events(project, ExportFilters(), timezone.now())
    writer = {"csv": csv_chunks, "jsonl": jsonl_chunks, "geojson": geojson_chunks}[fmt]
    return "".join(writer(events, spec))


def exported(project: Project, fmt: str) -> str:
    return "".join(export_chunks(project, fmt, ExportFilters(), timezone.now()))


def _chunk_rows() -> list[OutboxItem]:
    return list(OutboxItem.objects.filter(kind="csv_rows", payload__has_key="after"))


def _plan(world: World, settings: Any, size: int, capture: Any) -> list[Any]:
    """Ask for a whole-project refresh as the drain does it; returns the on-commit callbacks
    (not run: the chunk tasks are not sent)."""
    settings.ATHAR_EXPORT_REFRESH_CHUNK_EVENTS = size
    with capture(execute=False) as callbacks:
        HANDLERS["csv_rows"]([{"project_id": world.project.pk, "article_ids": None}])
    return callbacks


def test_the_ranges_cover_every_event_once(world: World) -> None:
    gold = sorted(event.pk for event in _validated_articles(world, count=3))
    for size in (1, 2, 4, 6, 7):
        ranges = chunk_ranges(world.project, size)
        covered = [pk for after, last in ranges for pk in gold if after < pk <= (last or pk)]
        assert covered == gold, size
        assert len(ranges) == -(-len(gold) // size)
        assert all(sum(after < pk <= (last or pk) for pk in gold) <= size for after, last in ranges)


def test_a_project_of_one_chunk_is_refreshed_right_there(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    gold = _validated_articles(world, count=3)
    _plan(world, settings, 6, django_capture_on_commit_callbacks)
    assert ExportCsvRow.objects.count() == len(gold)
    assert _chunk_rows() == []


def test_a_large_refresh_is_cut_into_chunk_rows_that_tasks_take(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    gold = _validated_articles(world, count=3)
    before = timezone.now()
    callbacks = _plan(world, settings, 2, django_capture_on_commit_callbacks)
    rows = _chunk_rows()
    assert ExportCsvRow.objects.count() == 0  # nothing done by the planner
    assert [(r.payload["after"], r.payload["last"]) for r in rows] == chunk_ranges(world.project, 2)
    lease = dt.timedelta(seconds=settings.ATHAR_LEASE_SECONDS)
    assert all(r.available_at >= before + lease for r in rows)  # the drain waits a lease
    for callback in callbacks:  # sends one task a row; eager here, so it runs them
        callback()
    assert _chunk_rows() == []
    assert ExportCsvRow.objects.count() == len(gold)
    for fmt in FORMATS:
        assert exported(world.project, fmt) == rendered(world.project, fmt)


def test_a_chunk_done_is_left_alone(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _validated_articles(world, count=2)
    _plan(world, settings, 2, django_capture_on_commit_callbacks)
    first = _chunk_rows()[0]
    assert csv_rows_chunk_take(item_id=first.pk) == 2
    assert csv_rows_chunk_take(item_id=first.pk) is None
    assert ExportCsvRow.objects.count() == 2


def test_a_failing_chunk_stores_nothing_and_keeps_its_row(
    world: World,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _validated_articles(world, count=2)
    _plan(world, settings, 2, django_capture_on_commit_callbacks)
    first = _chunk_rows()[0]
    real = export_rows._upsert

    def upsert_then_fail(rows: Any) -> None:
        real(rows)  # the chunk's lines are written, then the worker fails before commit
        raise RuntimeError("worker fault")

    monkeypatch.setattr(export_rows, "_upsert", upsert_then_fail)
    with pytest.raises(RuntimeError, match="worker fault"):
        csv_rows_chunk_take(item_id=first.pk)
    assert ExportCsvRow.objects.count() == 0
    assert OutboxItem.objects.get(pk=first.pk).payload == first.payload


def test_the_drain_does_the_chunks_no_task_took(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The tasks were never sent (a broker down, messages lost): once the rows are due, the
    periodic drain does them."""
    gold = _validated_articles(world, count=3)
    _plan(world, settings, 2, django_capture_on_commit_callbacks)
    assert outbox_drain() == 0  # not due yet: a live task may hold them
    OutboxItem.objects.update(available_at=timezone.now() - dt.timedelta(seconds=1))
    assert outbox_drain() == len(chunk_ranges(world.project, 2))
    assert OutboxItem.objects.count() == 0
    assert ExportCsvRow.objects.count() == len(gold)
    for fmt in FORMATS:
        assert exported(world.project, fmt) == rendered(world.project, fmt)


def test_coalesced_chunk_rows_take_the_widest_range(world: World) -> None:
    gold = sorted(event.pk for event in _validated_articles(world, count=2))
    payload = {"project_id": world.project.pk, "article_ids": None, "after": 0}
    HANDLERS["csv_rows"]([payload | {"last": gold[0]}, payload | {"last": gold[2]}])
    assert sorted(ExportCsvRow.objects.values_list("event_id", flat=True)) == gold[:3]


def _article_run(project: Project, article_id: int) -> AgreementRun:
    return AgreementRun.objects.create(
        project=project,
        article_id=article_id,
        scope="article",
        status="done",
        input_digest=f"test:{article_id}:{timezone.now().isoformat()}",
    )


def test_a_published_recompute_asks_for_the_articles_it_computed_again(world: World) -> None:
    gold = _validated_articles(world, count=3)
    older = _article_run(world.project, gold[0].article_id)  # before the recompute
    run = AgreementRun.objects.create(
        project=world.project, scope="project", status="running", input_digest="recompute"
    )
    csv_rows_schedule_after_run(run=run)
    assert OutboxItem.objects.filter(kind="csv_rows").count() == 0  # it stored no article run
    assert older.pk < run.pk
    for event in gold[2:]:  # the third and second articles, computed again
        _article_run(world.project, event.article_id)
    csv_rows_schedule_after_run(run=run)
    (item,) = OutboxItem.objects.filter(kind="csv_rows")
    assert item.key == f"project:{world.project.pk}"
    assert item.payload["article_ids"] == sorted({event.article_id for event in gold[2:]})


def test_a_recompute_of_many_articles_asks_for_the_whole_project(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    gold = _validated_articles(world, count=3)
    monkeypatch.setattr(export_rows, "ARTICLES_IN_A_REQUEST", 1)
    run = AgreementRun.objects.create(
        project=world.project, scope="project", status="running", input_digest="recompute"
    )
    for event in gold[::2]:
        _article_run(world.project, event.article_id)
    csv_rows_schedule_after_run(run=run)
    (item,) = OutboxItem.objects.filter(kind="csv_rows")
    assert item.payload == {"project_id": world.project.pk, "article_ids": None}


@pytest.mark.django_db(transaction=True)
def test_a_chunk_another_worker_holds_is_left_alone(
    world: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row is locked by another connection (a live worker doing it): the take returns at
    once and stores nothing; the row stays for its holder."""
    _validated_articles(world, count=2)
    settings.ATHAR_EXPORT_REFRESH_CHUNK_EVENTS = 2
    monkeypatch.setattr(export_rows_chunks, "_send", lambda item_ids: None)  # no task sent
    with transaction.atomic():
        export_rows_chunks.csv_rows_refresh_project(project=world.project)
    first = _chunk_rows()[0]
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}"
    with psycopg.connect(url) as holder:
        holder.execute("SELECT id FROM coding_outboxitem WHERE id = %s FOR UPDATE", [first.pk])
        assert csv_rows_chunk_take(item_id=first.pk) is None
        assert ExportCsvRow.objects.count() == 0
        holder.rollback()
    assert csv_rows_chunk_take(item_id=first.pk) == 2
    assert not OutboxItem.objects.filter(pk=first.pk).exists()


def test_gold_events_outside_the_range_are_not_stored(world: World) -> None:
    gold = sorted(event.pk for event in _validated_articles(world, count=2))
    assert csv_rows_refresh(project=world.project, after=gold[0], last=gold[2]) == 2
    assert sorted(ExportCsvRow.objects.values_list("event_id", flat=True)) == gold[1:3]
    assert CodedEvent.objects.filter(pk__in=gold).count() == 4


def test_the_refresh_command_can_leave_the_work_to_the_workers(
    world: World, capsys: pytest.CaptureFixture[str], django_capture_on_commit_callbacks: Any
) -> None:
    _validated_articles(world, count=1)
    with django_capture_on_commit_callbacks(execute=False):
        call_command("refresh_export_rows", "--project", world.project.slug, "--background")
    assert capsys.readouterr().out.strip() == "refresh requested; the workers store the lines"
    (item,) = OutboxItem.objects.filter(kind="csv_rows")
    assert item.payload == {"project_id": world.project.pk, "article_ids": None}
    assert ExportCsvRow.objects.count() == 0  # nothing stored by the command itself
    with pytest.raises(CommandError, match="no project 'nope'"):
        call_command("refresh_export_rows", "--project", "nope", "--background")
    assert OutboxItem.objects.count() == 1


def test_stored_texts_are_compressed_as_the_table_asks(world: World) -> None:
    """Long texts are stored with the column's compression (LZ4 where the server has it),
    not the staging table's default (pglz), which exports would decompress on every row."""
    _validated_articles(world, count=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attcompression FROM pg_attribute WHERE attrelid = "
            "'coding_exportcsvrow'::regclass AND attname = 'jsonl'"
        )
        method = {"l": "lz4", "p": "pglz", "": "pglz"}[cursor.fetchone()[0]]
    long_note = "ملاحظة طويلة " * 400  # compressible, far above the 2 kB toast threshold
    for event in CodedEvent.objects.filter(article__project=world.project, layer="gold"):
        with reopened(event.article_id):
            event.values = dict(event.values) | {"notes_text": long_note}
            event.save(update_fields=["values"])
    csv_rows_refresh(project=world.project)
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT pg_column_compression(jsonl) FROM coding_exportcsvrow")
        assert [row[0] for row in cursor.fetchall()] == [method]


@pytest.mark.django_db(transaction=True)
def test_an_export_reads_without_jit_and_leaves_the_setting_as_it_was() -> None:
    """The export's snapshot turns PostgreSQL's JIT off for its own transaction only (about
    1 s of compiling per export from ~100,000 rows, for expressions as trivial as a key
    comparison)."""
    from coding.export_selectors import read_snapshot

    def jit() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            return str(cursor.fetchone()[0])

    before = jit()
    assert before == "on"  # PostgreSQL's default here
    with read_snapshot():
        assert jit() == "off"
    assert jit() == before
