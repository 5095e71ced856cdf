"""Stored CSV lines: an export from them is byte for byte the rendered export, whatever is
stored, stale or missing; what makes a line stale; who stores them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.utils import timezone

from coding import export_streams
from coding.export_selectors import ExportFilters, iter_export_events
from coding.export_streams import current_epoch, export_chunks
from coding.exporting import csv_chunks
from coding.models import (
    Actor,
    Adjudication,
    Article,
    CodedEvent,
    EventType,
    ExportCsvRow,
    Location,
    Project,
)
from coding.services.articles import articles_create
from coding.services.dictionaries import actors_load
from coding.services.events import EventInput, SpanInput
from coding.services.export_rows import csv_rows_refresh
from coding.services.gold import gold_event_create
from tests.exports.test_export_api import _adjudicate, _body, _export
from tests.factories import ActorFactory, LocationFactory
from tests.world import Item, World

pytestmark = pytest.mark.django_db

TEXTS = [
    '🇲🇱 هاجم مسلحو JNIM قرية بولكيسي بـ"الطائرات" يوم ١٢ يونيو/ حزيران 2022، وقتل 5.',
    "Des hommes armés ont attaqué Gao, « selon la MINUSMA », le 13 juin 2022.\nDeux morts.",
    "Drone strike near Ménaka 🔥 — ZWNJ: می‌خواهم; tatweel: هـــجوم; harakat: هَاجَمَ.",
]
NOTES = [
    '=SUM(A1) he said, "twice";\nsecond line',
    "",
    "-5 is not a formula, @here might be",
]


@contextmanager
def reopened(article_id: int) -> Iterator[None]:
    """Reopen the article's validated adjudication for the block and validate it again (raw
    rows, as reopen and validate write them): its gold events may change only in between (a
    trigger refuses them otherwise)."""
    Adjudication.objects.filter(article_id=article_id).update(
        status=Adjudication.Status.OPEN, revision=F("revision") + 1
    )
    yield
    Adjudication.objects.filter(article_id=article_id).update(status=Adjudication.Status.VALIDATED)


def with_risky_remarks(gold: list[CodedEvent]) -> list[CodedEvent]:
    """Give the gold events the RISKY remarks, each inside a reopen of its article."""
    for event, remark in zip(gold, RISKY, strict=True):
        with reopened(event.article_id):
            CodedEvent.objects.filter(pk=event.pk).update(
                values={**event.values, "notes_text": remark}
            )
    return gold


def _span(text: str, needle: str, role: str) -> SpanInput:
    start = text.index(needle)
    return SpanInput(role, start, start + len(needle), needle)


def _validated_articles(world: World, count: int = 3) -> list[CodedEvent]:
    """``count`` articles of ``world.project``, each validated with 2 gold events of varied
    values (multi-line and formula-like notes, no fatalities, other actors and places)."""
    actors = [world.actor, ActorFactory(name='Katiba "Macina", centre'), ActorFactory(name="قوات")]
    places = [world.location, LocationFactory(name="Gao"), LocationFactory(name="ميناكا")]
    items = [Item(f"Article {i}", TEXTS[i % 3] + f" #{i}") for i in range(count)]
    articles = articles_create(project=world.project, items=items, actor=None).created
    gold = []
    for i, article in enumerate(articles):
        # Gold events are written while the adjudication is open (a trigger refuses them once
        # it is validated), then it is validated.
        adjudication = Adjudication.objects.create(project=world.project, article=article)
        first_word = article.text.split()[1]
        for j in range(2):
            values: dict[str, Any] = {
                "actor1": {"id": actors[(i + j) % 3].pk},
                "location": {"id": places[(i + 2 * j) % 3].pk},
                "event_date": {"start": f"2022-06-{10 + i + j:02d}"},
                "time_precision": str(1 + (i + j) % 3),
            }
            if j == 0:
                values["fatalities"] = i * 3
            if NOTES[i % 3]:
                values["notes_text"] = NOTES[(i + j) % 3] or "plain"
            data = EventInput(
                event_type="ATTACK",
                event_subtype="ARMED_ASSAULT" if j == 0 else "DRONE_STRIKE",
                values=values,
                spans=[_span(article.text, first_word, "trigger")],
            )
            gold.append(
                gold_event_create(adjudication=adjudication, actor=world.supervisor, data=data)
            )
        Adjudication.objects.filter(pk=adjudication.pk).update(
            status=Adjudication.Status.VALIDATED,
            validated_at=timezone.now() - dt.timedelta(minutes=count - i),
            validated_by=world.supervisor,
        )
    return gold


def _stored_export(project: Project, **filters: Any) -> str:
    chunks = export_chunks(project, "csv", ExportFilters(**filters), timezone.now())
    return "".join(chunks)


def _rendered_export(project: Project, **filters: Any) -> str:
    """Every row rendered from the events: the export without stored lines."""
    spec = export_streams.version_spec(project.codebook_version)
    events = iter_export_events(project, ExportFilters(**filters), timezone.now())
    return "".join(csv_chunks(events, spec))


def _no_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any) -> dict[int, str]:
        raise AssertionError("a line was rendered although a valid one is stored")

    monkeypatch.setattr(export_streams, "render_pieces", refuse)


def test_an_export_from_stored_lines_is_the_rendered_export(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    gold = _validated_articles(world)
    rendered = _rendered_export(world.project)
    assert rendered.count("\r\n") > len(gold)  # header + rows, some with a line break inside
    assert _stored_export(world.project) == rendered  # nothing stored yet: all rendered

    assert csv_rows_refresh(project=world.project) == len(gold)
    assert ExportCsvRow.objects.count() == len(gold)
    assert csv_rows_refresh(project=world.project) == 0  # idempotent
    _no_rendering(monkeypatch)
    assert _stored_export(world.project) == rendered
    # Through the endpoint and the command as well.
    assert _body(_export(world)) == rendered


def test_stored_missing_and_filtered_lines_mix_in_event_order(world: World) -> None:
    gold = _validated_articles(world, count=4)
    csv_rows_refresh(project=world.project)
    ExportCsvRow.objects.filter(event_id__in=[gold[1].pk, gold[4].pk, gold[7].pk]).delete()
    assert _stored_export(world.project) == _rendered_export(world.project)
    for filters in [
        {"event_type": "DRONE_STRIKE"},
        {"date_from": dt.date(2022, 6, 12), "date_to": dt.date(2022, 6, 13)},
        {"actor": world.actor.pk},
        {"validated_since": timezone.now() - dt.timedelta(minutes=2, seconds=30)},
    ]:
        stored = _stored_export(world.project, **filters)
        assert stored == _rendered_export(world.project, **filters), filters
        assert 1 < stored.count("\n") < _rendered_export(world.project).count("\n")


def test_a_dictionary_change_makes_every_stored_line_stale(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    gold = _validated_articles(world)
    csv_rows_refresh(project=world.project)
    epoch = current_epoch()

    Actor.objects.filter(pk=world.actor.pk).update(name="JNIM (renamed)")
    assert current_epoch() == epoch + 1
    assert "JNIM (renamed)" in _stored_export(world.project)
    assert _stored_export(world.project) == _rendered_export(world.project)
    assert csv_rows_refresh(project=world.project) == len(gold)

    Location.objects.filter(pk=world.location.pk).update(latitude=14.5, longitude=-3.25)
    Actor.objects.filter(pk=world.actor.pk).delete()
    assert current_epoch() == epoch + 3
    export = _stored_export(world.project)
    assert f"(deleted actor {world.actor.pk})" in export
    assert export == _rendered_export(world.project)
    csv_rows_refresh(project=world.project)
    _no_rendering(monkeypatch)
    assert _stored_export(world.project) == export


def test_an_update_that_changes_nothing_keeps_the_lines(world: World) -> None:
    _validated_articles(world)
    csv_rows_refresh(project=world.project)
    epoch = current_epoch()
    Actor.objects.filter(pk=world.actor.pk).update(name=world.actor.name)
    actors_load(records=[])  # a load with no entries
    assert current_epoch() == epoch
    assert csv_rows_refresh(project=world.project) == 0


@pytest.mark.parametrize(
    "change",
    [
        lambda a: Article.objects.filter(pk=a.pk).update(source="Another wire"),
        lambda a: Article.objects.filter(pk=a.pk).update(metadata={"source_scale": "National"}),
        lambda a: EventType.objects.filter(code="ATTACK").update(labels={"en": "Assault"}),
        lambda a: a.project.codebook_version.codebook.__class__.objects.update(slug="mini2"),
    ],
    ids=["article source", "article metadata", "event type label", "codebook slug"],
)
def test_other_data_shown_in_lines_makes_them_stale(world: World, change: Any) -> None:
    gold = _validated_articles(world)
    csv_rows_refresh(project=world.project)
    change(gold[0].article)
    assert _stored_export(world.project) == _rendered_export(world.project)
    assert csv_rows_refresh(project=world.project) == len(gold)


def test_a_new_validation_or_event_version_is_not_served_an_old_line(world: World) -> None:
    gold = _validated_articles(world)
    csv_rows_refresh(project=world.project)
    first = gold[0]
    # Revalidated after a reopen in which the event changed (version up, new validated_at).
    with reopened(first.article_id):
        CodedEvent.objects.filter(pk=first.pk).update(
            values={**first.values, "notes_text": "changed while reopened"}, version=2
        )
    assert "changed while reopened" in _stored_export(world.project)
    later = gold[2]
    with reopened(later.article_id):
        Adjudication.objects.filter(article_id=later.article_id).update(validated_at=timezone.now())
        CodedEvent.objects.filter(pk=later.pk).update(values={**later.values, "fatalities": 99})
    assert _stored_export(world.project) == _rendered_export(world.project)
    assert ",99," in _stored_export(world.project)
    # Both reopened articles were revalidated with a new revision: their two events each.
    assert csv_rows_refresh(project=world.project) == 2 + 2


def test_deleting_a_gold_event_deletes_its_line(world: World) -> None:
    gold = _validated_articles(world, count=1)
    csv_rows_refresh(project=world.project)
    with reopened(gold[0].article_id):
        gold[0].delete()
    assert list(ExportCsvRow.objects.values_list("event_id", flat=True)) == [gold[1].pk]


def test_validating_an_article_stores_its_lines(
    disputed: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _adjudicate(disputed)
    gold = CodedEvent.objects.get(article=disputed.article, layer=CodedEvent.Layer.GOLD)
    row = ExportCsvRow.objects.get()
    assert row.event_id == gold.pk
    assert row.event_version == gold.version
    assert row.validated_at == Adjudication.objects.get(article=disputed.article).validated_at
    _header, line = _rendered_export(disputed.project).split("\r\n", 1)
    assert row.line == line


def test_a_dictionary_load_that_changes_entries_stores_lines_again(
    disputed: World, django_capture_on_commit_callbacks: Any
) -> None:
    from coding.dictionary_files import read_actors

    with django_capture_on_commit_callbacks(execute=True):
        _adjudicate(disputed)
    before = ExportCsvRow.objects.get()
    text = f"actors:\n  - key: {disputed.actor.key}\n    name: JNIM (reloaded)\n"
    records = read_actors(text, "yaml")
    with django_capture_on_commit_callbacks(execute=True):
        actors_load(records=records)
    after = ExportCsvRow.objects.get()
    assert after.epoch > before.epoch
    assert "JNIM (reloaded)" in after.line


def test_refresh_command(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    gold = _validated_articles(world, count=1)
    call_command("refresh_export_rows", "--project", world.project.slug)
    assert capsys.readouterr().out.strip() == f"{len(gold)} CSV line(s) stored"
    call_command("refresh_export_rows")
    assert capsys.readouterr().out.strip() == "0 CSV line(s) stored"
    with pytest.raises(CommandError, match="no project 'nope'"):
        call_command("refresh_export_rows", "--project", "nope")


# Remarks a spreadsheet would run as formulas (issue 13 item 17), and one it would not.
RISKY = [" =1+1", "\n=1+1", "\uff1d1+1", "\t@x", "\u200f-2+3", "-12.5"]


def _remarks(text: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    column = rows[0].index("remarks")
    return [row[column] for row in rows[1:]]


def test_guarded_exports_stream_stored_lines_unguarded_ones_render(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    gold = with_risky_remarks(_validated_articles(world))
    guarded = _rendered_export(world.project)
    assert _remarks(guarded) == ["' =1+1", "'\n=1+1", "'\uff1d1+1", "'\t@x", "'\u200f-2+3", "-12.5"]
    spec = export_streams.version_spec(world.project.codebook_version)
    events = iter_export_events(world.project, ExportFilters(), timezone.now())
    exact = "".join(csv_chunks(events, spec, formula_guard=False))
    assert _remarks(exact) == RISKY

    assert csv_rows_refresh(project=world.project) == len(gold)
    # The exact line is stored only where the guard changed something.
    exact_lines = dict(ExportCsvRow.objects.values_list("event_id", "csv_exact"))
    assert [exact_lines[event.pk] is not None for event in gold] == [True] * 5 + [False]
    _no_rendering(monkeypatch)
    unguarded = export_chunks(
        world.project, "csv", ExportFilters(), timezone.now(), formula_guard=False
    )
    assert "".join(unguarded) == exact  # stored: the exact lines, else the guarded ones
    assert _stored_export(world.project) == guarded
    with_bom = export_chunks(world.project, "csv", ExportFilters(), timezone.now(), bom=True)
    assert "".join(with_bom) == "\ufeff" + guarded


def test_a_row_stored_before_every_format_gives_no_exact_line(world: World) -> None:
    """A row stored by an older version holds only the guarded line (``jsonl`` NULL): the
    unguarded export renders it rather than take the guarded line for the exact one."""
    gold = with_risky_remarks(_validated_articles(world))
    spec = export_streams.version_spec(world.project.codebook_version)
    events = iter_export_events(world.project, ExportFilters(), timezone.now())
    exact = "".join(csv_chunks(events, spec, formula_guard=False))
    csv_rows_refresh(project=world.project)
    ExportCsvRow.objects.update(csv_exact=None, jsonl=None, geojson=None)
    unguarded = export_chunks(
        world.project, "csv", ExportFilters(), timezone.now(), formula_guard=False
    )
    assert "".join(unguarded) == exact
    assert csv_rows_refresh(project=world.project) == len(gold)  # every row stored again


def test_the_epoch_triggers_exist_on_postgresql() -> None:
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_object_table, event_manipulation FROM information_schema.triggers "
            "WHERE trigger_name LIKE 'athar_export_epoch_%' ORDER BY 1, 2"
        )
        found = cursor.fetchall()
    tables = ["coding_actor", "coding_article", "coding_codebook", "coding_eventtype"]
    expected = [(t, op) for t in [*tables, "coding_location"] for op in ("DELETE", "UPDATE")]
    aliases = ["coding_actoralias", "coding_locationalias"]
    expected += [(t, op) for t in aliases for op in ("DELETE", "INSERT", "UPDATE")]
    expected += [("coding_user", "UPDATE")]
    expected += [("coding_proposallink", op) for op in ("DELETE", "INSERT", "UPDATE")]
    assert found == sorted(expected)
