"""Exports, releases and incremental sync are one row per live dataset event (issue 14).

A team that never links exports exactly what it exported when rows were gold events; linked
reports become one row (the oldest id), split reports a new id, and the sync tells a client
every change exactly."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coding import export_selectors, export_streams
from coding.codebook_runtime import version_spec
from coding.dataset_event_selectors import dataset_event_detail
from coding.export_queries import EVENT_COLUMNS
from coding.export_selectors import EventReader, ExportFilters, gold_events, iter_export_events
from coding.export_streams import export_chunks
from coding.exporting import csv_chunks, geojson_chunks, jsonl_chunks
from coding.models import CodedEvent, GoldRetraction, Project
from coding.models.dataset_events import DatasetEvent
from coding.services.export_rows import csv_rows_refresh
from coding.services.releases import release_build, release_request
from tests.dataset_events.scene import reopen, revalidate
from tests.exports.dataset_scene import (
    EPOCH,
    SyncClient,
    export_text,
    link,
    records,
    report,
    resolve,
    split,
)
from tests.world import World

pytestmark = pytest.mark.django_db

ARABIC = "هاجم مسلحون قاعدة للجيش في بولكيسي يوم 12 يونيو 2022 وقتلوا خمسة جنود 🔥."
FRENCH = "Des hommes armés ont attaqué le camp de Boulkessi le 12 juin 2022 : 3 morts."
ENGLISH = "Gunmen attacked the army base at Boulkessi on 12 June; seven soldiers died."
OTHER = "تظاهر السكان في غاو يوم 20 يونيو 2022."


def _report(world: World, text: str, trigger: str, source: str, **more: Any) -> CodedEvent:
    return report(
        project=world.project,
        supervisor=world.supervisor,
        actor_id=world.actor.pk,
        location_id=world.location.pk,
        text=text,
        trigger=trigger,
        source=source,
        **more,
    )


def _gold_rendering(world: World, fmt: str, **options: Any) -> str:
    """The export as it was made before dataset events: every validated gold event rendered
    on its own, in id order."""
    spec = version_spec(world.project.codebook_version)
    rows = list(
        gold_events(world.project, ExportFilters(), timezone.now()).values_list(*EVENT_COLUMNS)
    )
    events = EventReader(world.project, spec).events(rows)
    if fmt == "csv":
        return "".join(csv_chunks(events, spec, **options))
    writer = {"jsonl": jsonl_chunks, "geojson": geojson_chunks}[fmt]
    return "".join(writer(events, spec))


def test_a_project_that_never_links_exports_the_same_bytes_as_gold_events(world: World) -> None:
    first = _report(world, ARABIC, "هاجم", "Sahel Wire", fatalities=5)
    _report(world, FRENCH, "attaqué", "RFI", fatalities=3)
    third = _report(world, ENGLISH, "attacked", "BBC", fatalities=7)
    reopen(first.article, world.supervisor)
    revalidate(first.article, world.supervisor)  # revived with its own id
    reopen(third.article, world.supervisor)  # a tombstone
    assert DatasetEvent.objects.filter(retired_at__isnull=True).count() == 2

    for fmt, options in [
        ("csv", {}),
        ("csv", {"bom": True}),
        ("csv", {"formula_guard": False}),
        ("jsonl", {}),
        ("geojson", {}),
    ]:
        assert export_text(world.project, fmt, **options) == _gold_rendering(
            world, fmt, **options
        ), (fmt, options)
    csv_rows_refresh(project=world.project)  # now from the stored lines
    assert export_text(world.project, "csv") == _gold_rendering(world, "csv")

    # the sync: the live events, and the reopened one as the same tombstone as before
    retraction = GoldRetraction.objects.get(event_id=third.pk)
    stone = records(export_text(world.project, "jsonl", since=EPOCH))[-1]
    assert stone == {
        "event_id": third.pk,
        "retracted": True,
        "retracted_at": retraction.retracted_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "article": {"id": third.article_id},
    }


def test_linked_reports_are_one_row_with_every_source_and_evidence(world: World) -> None:
    older = _report(world, ARABIC, "هاجم", "Sahel Wire", fatalities=5)
    newer = _report(world, FRENCH, "attaqué", "RFI", fatalities=3)
    alone = _report(world, OTHER, "تظاهر", "Sahel Wire")
    link(older.pk, newer.pk, world.supervisor)

    rows = list(csv.DictReader(io.StringIO(export_text(world.project, "csv"), newline="")))
    assert [int(row["athar_event_id"]) for row in rows] == [older.pk, alone.pk]
    merged = rows[0]
    assert merged["fatalities"] == "3"  # the project's default: the conservative figure
    assert merged["athar_article_id"] == str(older.article_id)
    evidence = json.loads(merged["athar_evidence"])
    assert [(e["quote"], e["report"], e["article"]) for e in evidence] == [
        ("هاجم", older.pk, older.article_id),
        ("attaqué", newer.pk, newer.article_id),
    ]
    for span in evidence:  # every offset still points at its words
        text = older.article.text if span["report"] == older.pk else newer.article.text
        assert text[span["start"] : span["end"]] == span["quote"]

    (record, plain) = records(export_text(world.project, "jsonl"))
    assert record["event_id"] == older.pk
    assert record["number_of_sources"] == 2
    assert [(r["gold_event_id"], r["article"]["source"]) for r in record["reports"]] == [
        (older.pk, "Sahel Wire"),
        (newer.pk, "RFI"),
    ]
    assert record["reports"][1]["evidence"] == [
        {
            "role": "trigger",
            "start": FRENCH.index("attaqué"),
            "end": FRENCH.index("attaqué") + len("attaqué"),
            "quote": "attaqué",
        }
    ]
    assert "reports" not in plain

    # the stored lines serve the plain rows; the linked one is rendered, with the same bytes
    csv_rows_refresh(project=world.project)
    assert export_text(world.project, "csv") == "".join(
        csv_chunks(
            _live(world),
            version_spec(world.project.codebook_version),
        )
    )


def _live(world: World) -> list[Any]:
    return list(iter_export_events(world.project, ExportFilters(), timezone.now()))


def test_a_resolution_entry_picks_the_value_and_the_words_of_its_report(world: World) -> None:
    older = _report(world, ARABIC, "هاجم", "Sahel Wire", fatalities=5)
    newer = _report(world, ENGLISH, "attacked", "BBC", fatalities=7)
    link(older.pk, newer.pk, world.supervisor)
    resolve(older.pk, "fatalities", {"report": newer.pk}, world.supervisor)
    resolve(older.pk, "notes_text", {"rule": "typed", "value": "Two reports"}, world.supervisor)
    (record,) = records(export_text(world.project, "jsonl"))
    assert record["fatalities"] == 7
    assert record["values"]["fatalities"] == 7
    assert record["values"]["notes_text"] == "Two reports"


def test_a_release_has_one_row_per_dataset_event(world: World) -> None:
    older = _report(world, ARABIC, "هاجم", "Sahel Wire")
    newer = _report(world, FRENCH, "attaqué", "RFI")
    alone = _report(world, OTHER, "تظاهر", "Sahel Wire")
    link(older.pk, newer.pk, world.supervisor)
    release = release_request(project=world.project, actor=world.supervisor, tag="r1")
    built = release_build(release_id=release.pk)
    assert built.row_count == 2
    with built.files.get(format="jsonl").file.open("rb") as stored:
        lines = stored.read().decode("utf-8").splitlines()
    assert [json.loads(line)["event_id"] for line in lines] == [older.pk, alone.pk]
    assert json.loads(lines[0])["number_of_sources"] == 2


def test_sync_through_link_split_reopen_and_revalidation_ends_equal_to_a_full_export(
    world: World,
) -> None:
    client = SyncClient(world.project)
    a = _report(world, ARABIC, "هاجم", "Sahel Wire", fatalities=5)
    b = _report(world, FRENCH, "attaqué", "RFI", fatalities=3)
    assert _ids(client.sync()) == [(a.pk, False), (b.pk, False)]

    link(a.pk, b.pk, world.supervisor)
    answer = client.sync()
    assert _ids(answer) == [(a.pk, False), (b.pk, True)]
    assert answer[1]["merged_into"] == a.pk
    assert answer[0]["number_of_sources"] == 2

    fresh = split(b.pk, world.supervisor)
    answer = client.sync()
    assert _ids(answer) == [(a.pk, False), (fresh, False)]  # b's report comes at b's place
    assert "reports" not in answer[0]  # a is a plain event again
    assert [r["gold_event_id"] for r in answer[1]["reports"]] == [b.pk]
    assert fresh not in (a.pk, b.pk)

    reopen(a.article, world.supervisor)  # a's last report: a tombstone, once
    assert _ids(client.sync()) == [(a.pk, True)]
    revalidate(a.article, world.supervisor)  # the same id comes back
    assert _ids(client.sync()) == [(a.pk, False)]

    link(a.pk, fresh, world.supervisor)
    assert _ids(client.sync()) == [(a.pk, False), (fresh, True)]
    reopen(b.article, world.supervisor)  # a report of a linked event: the rest is re-sent
    answer = client.sync()
    assert _ids(answer) == [(a.pk, False)]
    assert "reports" not in answer[0]
    revalidate(b.article, world.supervisor)  # b's id is a tombstone of a link: a new id
    answer = client.sync()
    (newest,) = answer
    assert newest["event_id"] not in (a.pk, b.pk, fresh)
    assert client.sync() == []  # nothing changed since

    full = {record["event_id"]: record for record in records(export_text(world.project, "jsonl"))}
    assert client.rows == full
    assert sorted(full) == [a.pk, newest["event_id"]]

    # a survivor linked into an older event: its earlier tombstones come again, redirected
    c = _report(world, ENGLISH, "attacked", "BBC")
    client.sync()
    link(newest["event_id"], c.pk, world.supervisor)
    client.sync()
    link(a.pk, newest["event_id"], world.supervisor)
    answer = client.sync()
    assert _ids(answer) == [(a.pk, False), (newest["event_id"], True), (c.pk, True)]
    assert {r["event_id"]: r.get("merged_into") for r in answer if r["retracted"]} == {
        newest["event_id"]: a.pk,
        c.pk: a.pk,
    }
    assert answer[0]["number_of_sources"] == 3
    full = {record["event_id"]: record for record in records(export_text(world.project, "jsonl"))}
    assert client.rows == full
    assert sorted(full) == [a.pk]


def _ids(answer: list[dict[str, Any]]) -> list[tuple[int, bool]]:
    return [(record["event_id"], record["retracted"]) for record in answer]


def test_a_filter_matching_any_report_exports_the_whole_event_once(world: World) -> None:
    older = _report(world, ARABIC, "هاجم", "Sahel Wire", fatalities=5)
    newer = _report(world, FRENCH, "attaqué", "RFI", fatalities=3)
    link(older.pk, newer.pk, world.supervisor)
    for source in ("RFI", "Sahel Wire"):
        answer = records(
            "".join(
                export_chunks(world.project, "jsonl", ExportFilters(source=source), timezone.now())
            )
        )
        assert [(r["event_id"], r["number_of_sources"]) for r in answer] == [(older.pk, 2)]


def _export_queries(world: World) -> int:
    with CaptureQueriesContext(connection) as queries:
        export_text(world.project, "jsonl")
    return len(queries)


def test_linked_events_cost_a_fixed_number_of_queries(world: World) -> None:
    """Per chunk: the plain rows' queries, and one more set for all its combined rows."""
    texts = [ARABIC, FRENCH, ENGLISH, OTHER]
    texts += [text + " (2)" for text in texts]
    gold = [_report(world, text, text.split()[0], f"S{i}") for i, text in enumerate(texts)]
    link(gold[0].pk, gold[1].pk, world.supervisor)
    _export_queries(world)  # warms the per-process caches (codebook, event types)
    one_link = _export_queries(world)
    link(gold[2].pk, gold[3].pk, world.supervisor)
    link(gold[4].pk, gold[5].pk, world.supervisor)
    assert _export_queries(world) == one_link
    assert len(records(export_text(world.project, "jsonl"))) == 5


def test_reports_of_one_event_in_different_chunks_make_one_row(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _report(world, ARABIC, "هاجم", "Sahel Wire", fatalities=5)
    between = _report(world, OTHER, "تظاهر", "Sahel Wire")
    last = _report(world, FRENCH, "attaqué", "RFI", fatalities=3)
    link(first.pk, last.pk, world.supervisor)
    expected = {fmt: export_text(world.project, fmt) for fmt in ("csv", "jsonl")}
    monkeypatch.setattr(export_selectors, "CHUNK", 1)
    monkeypatch.setattr(export_streams, "STORED_CHUNK", 1)
    for fmt in ("csv", "jsonl"):
        assert export_text(world.project, fmt) == expected[fmt]
    csv_rows_refresh(project=world.project)
    assert export_text(world.project, "csv") == expected["csv"]
    assert [r["event_id"] for r in records(expected["jsonl"])] == [first.pk, between.pk]


def test_a_low_best_high_project_exports_what_the_dataset_event_api_shows(world: World) -> None:
    Project.objects.filter(pk=world.project.pk).update(
        settings={"fatalities_policy": "low_best_high"}
    )
    world.project.refresh_from_db()
    first = _report(world, ARABIC, "هاجم", "Sahel Wire", fatalities=7)
    second = _report(world, FRENCH, "attaqué", "RFI", fatalities=3)
    third = _report(world, ENGLISH, "attacked", "BBC", fatalities=12)
    link(first.pk, second.pk, world.supervisor)
    link(first.pk, third.pk, world.supervisor)
    resolve(first.pk, "actor1", {"report": third.pk}, world.supervisor)

    (record,) = records(export_text(world.project, "jsonl"))
    shown = dataset_event_detail(world.project, first.pk)["resolved"]
    assert record["values"] == shown["values"]
    assert record["fatalities"] == 7  # best: the lower median of 3, 7, 12
    assert record["number_of_sources"] == 3
    exported = {(e["report"], e["role"], e["start"], e["end"]) for e in record["evidence"]}
    api = {(s["report"], s["role"], s["start"], s["end"]) for s in shown["spans"]}
    assert api <= exported  # the export adds every report's trigger words
    assert {(report, role) for report, role, _, _ in exported - api} <= {
        (second.pk, "trigger"),
        (third.pk, "trigger"),
    }
    (row,) = csv.DictReader(io.StringIO(export_text(world.project, "csv"), newline=""))
    assert row["fatalities"] == "7"
