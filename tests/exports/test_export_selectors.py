"""The export selector: deleted dictionary entries, release row counts, the read snapshot."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from coding.export_selectors import ExportFilters, iter_export_events
from coding.exporting import ExportEvent
from coding.models import Actor, CodedEvent, DatasetRelease
from coding.services import releases
from coding.services.releases import release_build, release_request
from tests.exports.test_export_api import _adjudicate, _body, _export
from tests.exports.test_export_csv_rows import reopened
from tests.world import World

pytestmark = pytest.mark.django_db


def _csv_rows(world: World) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_body(_export(world)), newline="")))


def _gold(world: World) -> CodedEvent:
    return CodedEvent.objects.get(article=world.article, layer=CodedEvent.Layer.GOLD)


def test_a_deleted_actor_is_exported_as_a_placeholder(disputed: World) -> None:
    _adjudicate(disputed)
    actor_id = disputed.actor.pk
    Actor.objects.filter(pk=actor_id).delete()

    (row,) = _csv_rows(disputed)
    assert row["actor1"] == f"(deleted actor {actor_id})"
    record = json.loads(_body(_export(disputed, format="jsonl")))
    assert record["actors"]["actor1"] == [
        {
            "id": actor_id,
            "name": f"(deleted actor {actor_id})",
            "actor_type": None,
            "country": "",
            "aliases": [],
            "external_id": "",
        }
    ]


def test_a_deleted_place_is_a_placeholder_without_coordinates(disputed: World) -> None:
    _adjudicate(disputed)
    gold = _gold(disputed)
    # The typed column keeps its (protected) place; the stored value names one that is gone.
    with reopened(gold.article_id):
        CodedEvent.objects.filter(pk=gold.pk).update(
            values={**gold.values, "location": {"id": 987654}}
        )

    (row,) = _csv_rows(disputed)
    assert row["location"] == "(deleted location 987654)"
    record = json.loads(_body(_export(disputed, format="jsonl")))
    assert record["places"]["location"] == [
        {
            "id": 987654,
            "name": "(deleted location 987654)",
            "country": "",
            "iso3": None,
            "iso_numeric": None,
            "admin1": "",
            "admin2": "",
            "latitude": None,
            "longitude": None,
            "aliases": [],
            "external_id": "",
        }
    ]
    assert record["location"]["id"] == disputed.location.pk


def test_release_row_count_is_the_number_of_csv_rows(
    disputed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _adjudicate(disputed)
    real = releases.iter_export_events

    def with_a_tombstone(*args: Any) -> Iterator[ExportEvent]:
        events = list(real(*args))
        yield from events
        yield replace(events[0], event_id=events[0].event_id + 1000, retracted=True)

    monkeypatch.setattr(releases, "iter_export_events", with_a_tombstone)
    release = release_request(project=disputed.project, actor=disputed.supervisor, tag="r1")
    built = release_build(release_id=release.pk)

    texts = {}
    for record in built.files.filter(format__in=["csv", "jsonl"]):
        with record.file.open("rb") as stored:
            texts[record.format] = stored.read().decode("utf-8")
    csv_text, jsonl_lines = texts["csv"], texts["jsonl"].splitlines()
    assert built.row_count == len(list(csv.DictReader(io.StringIO(csv_text, newline="")))) == 1
    assert [json.loads(line)["retracted"] for line in jsonl_lines] == [False, True]
    assert DatasetRelease.objects.get(pk=release.pk).status == "ready"


@pytest.mark.django_db(transaction=True)
def test_an_export_reads_in_its_own_read_only_transaction(disputed: World) -> None:
    _adjudicate(disputed)
    assert connection.get_autocommit()
    events = iter_export_events(disputed.project, ExportFilters(), timezone.now())
    first = next(events)
    assert connection.in_atomic_block  # the export's snapshot, held while it streams
    with connection.cursor() as cursor:
        cursor.execute("SHOW transaction_isolation")
        assert cursor.fetchone() == ("repeatable read",)
    assert list(events) == []
    assert first.event_id == _gold(disputed).pk
    assert not connection.in_atomic_block
    assert connection.get_autocommit()
    # Stopping early ends the transaction too.
    events = iter_export_events(disputed.project, ExportFilters(), timezone.now())
    next(events)
    events.close()
    assert not connection.in_atomic_block
    assert connection.get_autocommit()
