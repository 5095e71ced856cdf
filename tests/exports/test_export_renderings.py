"""Stored renderings in every format (issue 19 item 2): an export streamed from them is byte
for byte the rendered export — CSV guarded, exact and with BOM, JSONL and its incremental
sync, GeoJSON — whatever is stored, missing or stale; and a stored text is never served once
what it shows changed (an edit in a reopen, a link, a new agreement run, an alias, a user's
name, coordinates removed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import F
from django.utils import timezone

from coding import export_streams
from coding.export_selectors import ExportFilters, iter_export_events
from coding.export_streams import current_epoch, export_chunks
from coding.exporting import csv_chunks, geojson_chunks, jsonl_chunks
from coding.models import (
    ActorAlias,
    AgreementResult,
    AgreementRun,
    CodedEvent,
    ExportCsvRow,
    Location,
    Project,
    User,
)
from coding.models.dataset_events import DatasetEventReport
from coding.services.export_rows import csv_rows_refresh
from tests.exports.dataset_scene import link, report
from tests.exports.test_export_api import _body, _export
from tests.exports.test_export_csv_rows import _validated_articles, reopened, with_risky_remarks
from tests.world import World

pytestmark = pytest.mark.django_db

SINCE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

# (format, export options, filters): every variant an export can stream.
VARIANTS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("csv", {}, {}),
    ("csv", {"formula_guard": False}, {}),
    ("csv", {"bom": True}, {}),
    ("jsonl", {}, {}),
    ("jsonl", {}, {"validated_since": SINCE}),
    ("geojson", {}, {}),
    ("csv", {}, {"event_type": "DRONE_STRIKE"}),
    ("jsonl", {}, {"actor": -1}),  # replaced by a real actor id in the test
]
IDS = ["csv", "csv-exact", "csv-bom", "jsonl", "jsonl-sync", "geojson", "csv-type", "jsonl-actor"]


def rendered(project: Project, fmt: str, options: dict[str, Any], **filters: Any) -> str:
    """The export with every event rendered by the writers (no stored text at all)."""
    spec = export_streams.version_spec(project.codebook_version)
    events = iter_export_events(project, ExportFilters(**filters), timezone.now())
    if fmt == "csv":
        return "".join(csv_chunks(events, spec, **options))
    writer = {"jsonl": jsonl_chunks, "geojson": geojson_chunks}[fmt]
    return "".join(writer(events, spec))


def stored(project: Project, fmt: str, options: dict[str, Any], **filters: Any) -> str:
    return "".join(export_chunks(project, fmt, ExportFilters(**filters), timezone.now(), **options))


def refuse_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any) -> dict[int, str]:
        raise AssertionError("an event was rendered although its stored text is valid")

    monkeypatch.setattr(export_streams, "render_pieces", refuse)


def every_variant_matches(project: Project, **extra: Any) -> None:
    for fmt, options, filters in VARIANTS:
        if filters.get("actor") == -1:
            filters = {"actor": extra["actor"]}
        assert stored(project, fmt, options, **filters) == rendered(
            project, fmt, options, **filters
        ), (fmt, options, filters)


@pytest.mark.parametrize(("fmt", "options", "filters"), VARIANTS, ids=IDS)
def test_each_format_from_stored_renderings_is_the_rendered_export(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
    options: dict[str, Any],
    filters: dict[str, Any],
) -> None:
    gold = with_risky_remarks(_validated_articles(world))
    if filters.get("actor") == -1:
        filters = {"actor": world.actor.pk}
    # One place without coordinates: its events have no GeoJSON feature ("" stored).
    Location.objects.filter(pk=gold[1].values["location"]["id"]).update(
        latitude=None, longitude=None
    )
    expected = rendered(world.project, fmt, options, **filters)
    assert len(expected) > 500  # rows, not only a header
    assert stored(world.project, fmt, options, **filters) == expected  # nothing stored

    assert csv_rows_refresh(project=world.project) == len(gold)
    rows = {row.event_id: row for row in ExportCsvRow.objects.all()}
    assert {rows[event.pk].geojson == "" for event in gold} == {True, False}
    assert all(row.jsonl and row.plover is None for row in rows.values())
    ExportCsvRow.objects.filter(event_id=gold[2].pk).delete()  # one missing: rendered
    assert stored(world.project, fmt, options, **filters) == expected
    csv_rows_refresh(project=world.project)
    refuse_rendering(monkeypatch)
    assert stored(world.project, fmt, options, **filters) == expected
    if not filters:  # through the endpoint as well
        params = {"format": fmt} | {k: str(v).lower() for k, v in options.items()}
        assert _body(_export(world, **params)) == expected


def _agreement_run(article_id: int, project: Project, alpha: float) -> AgreementRun:
    run = AgreementRun.objects.create(
        project=project,
        article_id=article_id,
        scope="article",
        status="done",
        input_digest=f"digest-{alpha}",
    )
    AgreementResult.objects.create(run=run, metric="alpha", field_key="fatalities", value=alpha)
    return run


def _edit_in_reopen(world: World, gold: list[CodedEvent]) -> str:
    with reopened(gold[0].article_id):
        CodedEvent.objects.filter(pk=gold[0].pk).update(
            values={**gold[0].values, "notes_text": "edited while reopened"},
            version=F("version") + 1,
        )
    return "edited while reopened"


def _new_agreement_run(world: World, gold: list[CodedEvent]) -> str:
    _agreement_run(gold[0].article_id, world.project, 0.123)
    return '"fatalities":0.123'


def _run_deleted(world: World, gold: list[CodedEvent]) -> str:
    AgreementRun.objects.filter(article_id=gold[0].article_id).delete()
    return '"agreement":{}'


def _alias_added(world: World, gold: list[CodedEvent]) -> str:
    ActorAlias.objects.create(actor=world.actor, text="جماعة نصرة الإسلام", lang="ar")
    return "جماعة نصرة الإسلام"


def _coordinates_removed(world: World, gold: list[CodedEvent]) -> str:
    Location.objects.filter(pk=world.location.pk).update(latitude=None, longitude=None)
    return '"latitude":null'


CHANGES: dict[str, Callable[[World, list[CodedEvent]], str]] = {
    "edit in a reopen": _edit_in_reopen,
    "new agreement run": _new_agreement_run,
    "agreement run deleted": _run_deleted,
    "alias added": _alias_added,
    "coordinates removed": _coordinates_removed,
}


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_a_stored_text_is_never_served_once_what_it_shows_changed(
    world: World, change: str
) -> None:
    gold = _validated_articles(world)
    _agreement_run(gold[0].article_id, world.project, 0.5)
    csv_rows_refresh(project=world.project)
    every_variant_matches(world.project, actor=world.actor.pk)

    shown = CHANGES[change](world, gold)
    jsonl = stored(world.project, "jsonl", {})
    assert shown in jsonl
    assert jsonl == rendered(world.project, "jsonl", {})
    every_variant_matches(world.project, actor=world.actor.pk)
    assert csv_rows_refresh(project=world.project) >= 1  # stored again
    every_variant_matches(world.project, actor=world.actor.pk)


def test_a_user_rename_raises_the_epoch_a_sign_in_does_not(world: World) -> None:
    _validated_articles(world)
    csv_rows_refresh(project=world.project)
    epoch = current_epoch()
    User.objects.filter(pk=world.supervisor.pk).update(last_login=timezone.now())
    assert current_epoch() == epoch
    assert csv_rows_refresh(project=world.project) == 0
    User.objects.filter(pk=world.supervisor.pk).update(username="supervisor-renamed")
    assert current_epoch() == epoch + 1
    every_variant_matches(world.project, actor=world.actor.pk)


def test_a_cascade_deleting_no_alias_keeps_the_epoch(world: World) -> None:
    """Statement triggers fire on a DELETE that removes nothing; the alias ones look first."""
    epoch = current_epoch()
    ActorAlias.objects.filter(pk=-1).delete()
    ActorAlias.objects.bulk_create([])
    assert current_epoch() == epoch


def test_linked_reports_are_combined_never_served_from_their_stored_rows(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    common = {"project": world.project, "supervisor": world.supervisor}
    first = report(
        **common,
        actor_id=world.actor.pk,
        location_id=world.location.pk,
        text="هاجم مسلحون قرية بولكيسي فجرا",
        trigger="هاجم",
        source="Wire A",
        fatalities=3,
    )
    second = report(
        **common,
        actor_id=world.actor.pk,
        location_id=world.location.pk,
        text="Des hommes armés ont attaqué Boulkessi",
        trigger="attaqué",
        source="Wire B",
        fatalities=5,
    )
    csv_rows_refresh(project=world.project)
    assert ExportCsvRow.objects.count() == 2
    before = timezone.now()
    every_variant_matches(world.project, actor=world.actor.pk)

    holders = dict(
        DatasetEventReport.objects.filter(gold_event_id__in=[first.pk, second.pk]).values_list(
            "gold_event_id", "dataset_event_id"
        )
    )
    link(min(holders.values()), max(holders.values()), world.supervisor)
    assert csv_rows_refresh(project=world.project) == 0  # the rows stay valid, unused
    every_variant_matches(world.project, actor=world.actor.pk)
    jsonl = stored(world.project, "jsonl", {})
    assert jsonl.count("\n") == 1
    assert '"number_of_sources":2' in jsonl
    sync = stored(world.project, "jsonl", {}, validated_since=before)
    assert '"merged_into"' in sync  # the absorbed dataset event's tombstone
    assert sync == rendered(world.project, "jsonl", {}, validated_since=before)


def test_only_a_newer_finished_article_run_makes_a_stored_jsonl_line_stale(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """JSONL shows the article's latest done article run (one grouped pass over the runs in
    the export's query): queued, running or failed runs and project runs change nothing —
    the stored lines are served, nothing rendered — and a newer done run is never missed,
    through the endpoint's bytes either."""
    gold = _validated_articles(world)
    _agreement_run(gold[0].article_id, world.project, 0.5)
    csv_rows_refresh(project=world.project)
    expected = rendered(world.project, "jsonl", {})
    for status in ("queued", "running", "failed"):
        AgreementRun.objects.create(
            project=world.project,
            article_id=gold[0].article_id,
            scope="article",
            status=status,
            input_digest=f"digest-{status}",
        )
    AgreementRun.objects.create(
        project=world.project, scope="project", status="done", input_digest="digest-project"
    )
    with monkeypatch.context() as patched:
        refuse_rendering(patched)
        assert stored(world.project, "jsonl", {}) == expected
        assert _body(_export(world, format="jsonl")) == expected

    _agreement_run(gold[0].article_id, world.project, 0.321)
    jsonl = _body(_export(world, format="jsonl"))
    assert '"fatalities":0.321' in jsonl
    assert '"fatalities":0.5' not in jsonl
    assert jsonl == rendered(world.project, "jsonl", {}) == stored(world.project, "jsonl", {})
