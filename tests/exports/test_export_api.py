"""Researchers export validated events: formats, filters, incremental sync, releases."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from coding.models import DatasetRelease
from tests.world import World, code_and_submit, complete_event

pytestmark = pytest.mark.django_db


def _adjudicate(world: World, *, reopen_reason: str | None = None) -> None:
    sup = world.client(world.supervisor)
    base = f"/api/v1/projects/{world.project.pk}/articles/{world.article.pk}/adjudication/"
    view = sup.post(base).json()
    for cluster in view["clusters"]:
        body = (
            {"kind": "reject", "cluster": cluster["key"], "reason": "not an event"}
            if cluster["unmatched"]
            else {
                "kind": "merge",
                "cluster": cluster["key"],
                "base_event": world.events_a[0]["id"],  # type: ignore[attr-defined]
                "fields": {"fatalities": {"from": world.events_b[0]["id"]}},
            }
        )  # type: ignore[attr-defined]
        if cluster["decision"] is None:
            assert sup.post(base + "decisions/", body, format="json").status_code == 201
    version = sup.get(base).json()["adjudication"]["version"]
    assert sup.post(base + "validate/", {"version": version}, format="json").status_code == 200


def _export(world: World, user=None, **params):  # type: ignore[no-untyped-def]
    client = world.client(user or world.researcher)
    return client.get(f"/api/v1/projects/{world.project.pk}/export/", params)


def _body(response) -> str:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content).decode("utf-8")


def test_csv_export_has_one_row_per_gold_event_with_evidence(disputed: World) -> None:
    assert _body(_export(disputed)).count("\n") == 1  # header only before validation
    _adjudicate(disputed)
    response = _export(disputed)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(_body(response))))
    assert len(rows) == 1
    row = rows[0]
    assert row["fatalities"] == "7"
    assert row["athar_article_id"] == str(disputed.article.pk)
    assert row["athar_codebook"] == "mini@1"
    evidence = json.loads(row["athar_evidence"])
    text = disputed.article.text
    assert all(text[e["start"] : e["end"]] == e["quote"] for e in evidence)
    assert {e["quote"] for e in evidence} >= {"JNIM", "بولكيسي"}


def test_spreadsheet_csv_starts_with_a_bom_and_keeps_arabic(disputed: World) -> None:
    _adjudicate(disputed)
    raw = b"".join(_export(disputed, bom="true").streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "بولكيسي" in raw.decode("utf-8-sig")


def test_jsonl_carries_provenance_and_geojson_coordinates(disputed: World) -> None:
    _adjudicate(disputed)
    record = json.loads(_body(_export(disputed, format="jsonl")).splitlines()[0])
    assert record["provenance"]["decision"] == "merge"
    assert sorted(record["provenance"]["source_events"]) == sorted(
        [disputed.events_a[0]["id"], disputed.events_b[0]["id"]]
    )  # type: ignore[attr-defined]
    collection = json.loads(_body(_export(disputed, format="geojson")))
    assert collection["type"] == "FeatureCollection"
    point = collection["features"][0]["geometry"]["coordinates"]
    assert point == [disputed.location.longitude, disputed.location.latitude]


def test_filters(disputed: World) -> None:
    _adjudicate(disputed)

    def count(**params: str) -> int:
        return len(list(csv.DictReader(io.StringIO(_body(_export(disputed, **params))))))

    assert count(date_from="2022-06-01", date_to="2022-06-30") == 1
    assert count(date_from="2023-01-01") == 0
    assert count(event_type="ARMED_ASSAULT") == 1
    assert count(event_type="TRUCE") == 0
    assert count(actor=str(disputed.actor.pk)) == 1
    assert count(actor="999999") == 0
    assert count(location=str(disputed.location.pk)) == 1
    assert count(country="ml") == 1
    assert count(country="NE") == 0
    assert count(source="Sahel Wire") == 1
    assert count(source="Other") == 0
    assert _export(disputed, date_from="June").status_code == 422
    assert _export(disputed, format="xlsx").status_code == 422
    assert _export(disputed, format="plover").status_code == 422


def test_incremental_sync_reports_retractions_after_a_reopen(disputed: World) -> None:
    _adjudicate(disputed)
    first = _export(disputed, format="jsonl")
    since = first["X-Athar-As-Of"]
    gold_id = json.loads(_body(first).splitlines()[0])["event_id"]
    assert _body(_export(disputed, format="jsonl", validated_since=since)) == ""
    sup = disputed.client(disputed.supervisor)
    base = f"/api/v1/projects/{disputed.project.pk}/articles/{disputed.article.pk}/adjudication/"
    assert sup.post(base + "reopen/", {"reason": "new source"}, format="json").status_code == 200
    after_reopen = _export(disputed, format="jsonl", validated_since=since)
    tombstones = [json.loads(line) for line in _body(after_reopen).splitlines()]
    assert [(t["event_id"], t["retracted"], t["article"]["id"]) for t in tombstones] == [
        (gold_id, True, disputed.article.pk)
    ]
    since = after_reopen["X-Athar-As-Of"]
    _adjudicate(disputed)  # validated again, same decisions
    again = [
        json.loads(line)
        for line in _body(_export(disputed, format="jsonl", validated_since=since)).splitlines()
    ]
    assert [(r["event_id"], r.get("retracted", False)) for r in again] == [(gold_id, False)]


def test_export_access(disputed: World) -> None:
    _adjudicate(disputed)
    assert _export(disputed, user=disputed.coder_a).status_code == 403
    assert _export(disputed, user=disputed.outsider).status_code == 404
    assert _export(disputed, user=disputed.supervisor).status_code == 200


def test_releases_are_immutable_checksummed_and_scoped(
    disputed: World,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    _adjudicate(disputed)
    url = f"/api/v1/projects/{disputed.project.pk}/releases/"
    assert disputed.client(disputed.researcher).post(url, {"tag": "v1"}).status_code == 403
    sup = disputed.client(disputed.supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        created = sup.post(url, {"tag": "v1.0.0", "notes": "First release"}, format="json")
    assert created.status_code == 202
    listed = disputed.client(disputed.researcher).get(url).json()
    release = listed[0]
    assert release["status"] == "ready"
    assert release["row_count"] == 1
    assert {f["format"] for f in release["files"]} == {
        "csv",
        "jsonl",
        "geojson",
        "datapackage",
        "reliability_json",
        "reliability_html",
    }
    csv_file = next(f for f in release["files"] if f["format"] == "csv")
    download = disputed.client(disputed.researcher).get(csv_file["url"])
    content = b"".join(download.streaming_content)
    assert (
        hashlib.sha256(content).hexdigest() == csv_file["sha256"] == download["X-Checksum-SHA256"]
    )
    assert sup.post(url, {"tag": "v1.0.0"}, format="json").status_code == 409
    assert sup.post(url, {"tag": "../etc"}, format="json").status_code == 422
    # The data changes (reopen, different merge): the release does not.
    base = f"/api/v1/projects/{disputed.project.pk}/articles/{disputed.article.pk}/adjudication/"
    sup.post(base + "reopen/", {"reason": "recount"}, format="json")
    again = disputed.client(disputed.researcher).get(csv_file["url"])
    assert hashlib.sha256(b"".join(again.streaming_content)).hexdigest() == csv_file["sha256"]
    assert DatasetRelease.objects.get(tag="v1.0.0").row_count == 1
    # Another project's researcher gets 404 for this release and its files.
    from coding.services.projects import membership_set

    membership_set(project=disputed.other_project, user=disputed.outsider, role="researcher")
    assert disputed.client(disputed.outsider).get(csv_file["url"]).status_code == 404
    assert (
        disputed.client(disputed.outsider)
        .get(f"/api/v1/projects/{disputed.project.pk}/releases/{release['id']}/")
        .status_code
        == 404
    )


def test_export_dataset_command(disputed: World, capsys) -> None:  # type: ignore[no-untyped-def]
    _adjudicate(disputed)
    out = io.StringIO()
    call_command("export_dataset", "--project", "p1", "--format", "jsonl", stdout=out)
    assert json.loads(out.getvalue().splitlines()[0])["event_id"]


def test_bad_filters_are_422_not_500(disputed: World) -> None:
    for params in (
        {"actor": "²"},
        {"location": "١"},
        {"date_from": "2022-02-31"},
        {"date_to": "2022-13-01"},
        {"validated_since": "yesterday"},
    ):
        response = _export(disputed, **params)
        assert response.status_code == 422, params
        assert response.json()["errors"][0]["field"] == next(iter(params))


def test_jsonl_actors_list_a_proposed_name_beside_its_stored_value(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    proposed = "كتيبة «ماسينا» (2015)"
    event = complete_event(world)
    event["values"] = dict(event["values"]) | {"actor1": {"name": proposed}}  # type: ignore[call-overload]
    world.events_a = code_and_submit(  # type: ignore[attr-defined]
        world, world.assignment_a, world.coder_a, [event], django_capture_on_commit_callbacks
    )
    world.events_b = code_and_submit(  # type: ignore[attr-defined]
        world, world.assignment_b, world.coder_b, [event], django_capture_on_commit_callbacks
    )
    _adjudicate(world)
    (line,) = _body(_export(world, format="jsonl")).splitlines()
    record = json.loads(line)
    assert record["values"]["actor1"] == {"name": proposed}
    assert record["actors"] == {"actor1": [{"id": None, "name": proposed, "proposed": True}]}
    # the CSV already wrote the proposed name; it still does
    (row,) = csv.DictReader(io.StringIO(_body(_export(world))))
    assert row["actor1"] == proposed
