"""Coding events through the API: offsets, quotes, codebook validation, optimistic locking."""

from __future__ import annotations

import pytest

from coding.models import AuditEntry, CodedEvent, EvidenceSpan
from tests.api.conftest import ARTICLE_TEXT, World, complete_event, span

pytestmark = pytest.mark.django_db


def _state() -> tuple[int, int, int]:
    return CodedEvent.objects.count(), EvidenceSpan.objects.count(), AuditEntry.objects.count()


def _create(world: World, body: dict, unit: str = "cp"):  # type: ignore[no-untyped-def,type-arg]
    url = f"/api/v1/assignments/{world.assignment_a.pk}/events/"
    if unit != "cp":
        url += f"?offset_unit={unit}"
    return world.client(world.coder_a).post(url, body, format="json")


def test_create_event_with_code_point_offsets_after_an_emoji(world: World) -> None:
    response = _create(world, complete_event(world))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert response["ETag"] == '"v1"'
    assert body["event_type"] == "ATTACK"
    assert body["event_subtype"] == "ARMED_ASSAULT"
    assert body["version"] == 1
    trigger = body["spans"][0]
    # The flag 🇲🇱 is 2 code points and 4 UTF-16 units: offsets differ by 2 after it.
    assert (trigger["start"], trigger["end"]) == (3, 7)
    assert (trigger["start_u16"], trigger["end_u16"]) == (5, 9)
    assert [s["quote"] for s in body["spans"]] == [
        "هاجم",
        "JNIM",
        "بولكيسي",
        "١٢ يونيو/ حزيران 2022",
    ]
    event = CodedEvent.objects.get(pk=body["id"])
    assert event.fatalities == 5
    assert event.location_id == world.location.pk
    assert str(event.date_start) == "2022-06-12"
    assert event.date_precision == 1
    world.assignment_a.refresh_from_db()
    assert world.assignment_a.status == "in_progress"
    assert AuditEntry.objects.filter(action="event.create", target_id=event.pk).count() == 1


def test_create_event_with_utf16_offsets_is_converted_on_the_server(world: World) -> None:
    text16 = ARTICLE_TEXT.encode("utf-16-le")
    needle = "موبتي"
    start16 = text16.index(needle.encode("utf-16-le")) // 2
    body = {
        "event_type": "TRUCE",
        "spans": [
            {"role": "location", "start": start16, "end": start16 + len(needle), "quote": needle}
        ],
    }
    response = _create(world, body, unit="utf16")
    assert response.status_code == 201, response.json()
    stored = EvidenceSpan.objects.get(event_id=response.json()["id"])
    assert ARTICLE_TEXT[stored.start : stored.end] == needle
    # After two emoji (the flag = 2 astral code points, 😢 = 1) code points lag units by 3.
    assert start16 - stored.start == 3


def test_quote_mismatch_is_refused_and_nothing_is_written(world: World) -> None:
    before = _state()
    body = complete_event(world)
    bad = dict(body["spans"][1])  # type: ignore[index]
    bad["start"] += 1  # type: ignore[operator]
    bad["end"] += 1  # type: ignore[operator]
    body["spans"] = [body["spans"][0], bad]  # type: ignore[index]
    response = _create(world, body)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "spans[1]"
    assert error["code"] == "quote_mismatch"
    assert "'JNIM'" in error["message"]
    assert _state() == before


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 5), (6, 2), (0, len(ARTICLE_TEXT) + 1)])
def test_out_of_range_offsets_are_refused(world: World, start: int, end: int) -> None:
    before = _state()
    body = {
        "event_type": "TRUCE",
        "spans": [{"role": "trigger", "start": start, "end": end, "quote": "x"}],
    }
    response = _create(world, body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "out_of_range"
    assert _state() == before


def test_utf16_offset_inside_a_surrogate_pair_is_refused(world: World) -> None:
    before = _state()
    body = {
        "event_type": "TRUCE",
        "spans": [{"role": "trigger", "start": 1, "end": 4, "quote": "x"}],
    }
    response = _create(world, body, unit="utf16")
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "split_surrogate"
    assert _state() == before


def test_values_outside_the_codebook_get_per_field_errors(world: World) -> None:
    before = _state()
    body = {
        "event_type": "ATTACK",
        "event_subtype": "TRUCE",
        "values": {
            "fatalities": -2,
            "time_precision": "9",
            "actor1": {"id": 999999},
            "colour": "red",
        },
        "spans": [{"role": "weather", "start": 3, "end": 7, "quote": "هاجم"}],
    }
    response = _create(world, body)
    assert response.status_code == 422
    codes = {(e["field"], e["code"]) for e in response.json()["errors"]}
    assert ("event_subtype", "subtype_mismatch") in codes
    assert ("fatalities", "below_min") in codes
    assert ("time_precision", "invalid_choice") in codes
    assert ("actor1", "unknown_reference") in codes
    assert ("colour", "unknown_field") in codes
    assert ("spans[0]", "unknown_role") in codes
    assert all(set(e) == {"field", "code", "message"} for e in response.json()["errors"])
    assert _state() == before


def test_unknown_event_type_and_bad_offset_unit(world: World) -> None:
    assert _create(world, {"event_type": "PICNIC"}).status_code == 422
    response = _create(world, {"event_type": "TRUCE"}, unit="bytes")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "offset_unit"


def test_drafts_may_be_incomplete(world: World) -> None:
    response = _create(world, {"event_type": "ATTACK"})
    assert response.status_code == 201


def _update(world: World, event_id: int, body: dict, **headers: str):  # type: ignore[no-untyped-def,type-arg]
    return world.client(world.coder_a).put(
        f"/api/v1/events/{event_id}/", body, format="json", **headers
    )


def test_update_with_current_version_bumps_it_and_replaces_spans(world: World) -> None:
    created = _create(world, complete_event(world)).json()
    body = complete_event(world)
    body["values"]["fatalities"] = 7  # type: ignore[index]
    body["spans"] = [span(ARTICLE_TEXT, "FAMa", "actor1")]
    response = _update(world, created["id"], body, HTTP_IF_MATCH='"v1"')
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    assert response["ETag"] == '"v2"'
    assert [s["quote"] for s in response.json()["spans"]] == ["FAMa"]
    assert CodedEvent.objects.get(pk=created["id"]).fatalities == 7


def test_stale_version_gets_412_and_changes_nothing(world: World) -> None:
    created = _create(world, complete_event(world)).json()
    first = complete_event(world)
    first["version"] = 1
    first["values"]["fatalities"] = 6  # type: ignore[index]
    assert _update(world, created["id"], first).status_code == 200
    stale = complete_event(world)
    stale["version"] = 1
    stale["values"]["fatalities"] = 99  # type: ignore[index]
    before = _state()
    response = _update(world, created["id"], stale)
    assert response.status_code == 412
    assert response.json()["current_version"] == 2
    event = CodedEvent.objects.get(pk=created["id"])
    assert (event.fatalities, event.version) == (6, 2)
    assert _state() == before


def test_update_without_a_version_is_refused(world: World) -> None:
    created = _create(world, complete_event(world)).json()
    response = _update(world, created["id"], complete_event(world))
    assert response.status_code == 422
    assert response.json()["code"] == "version_required"
    assert (
        _update(world, created["id"], complete_event(world), HTTP_IF_MATCH="3").status_code == 422
    )


def test_delete_with_version(world: World) -> None:
    created = _create(world, complete_event(world)).json()
    client = world.client(world.coder_a)
    assert client.delete(f"/api/v1/events/{created['id']}/?version=5").status_code == 412
    assert CodedEvent.objects.filter(pk=created["id"]).exists()
    assert (
        client.delete(f"/api/v1/events/{created['id']}/", HTTP_IF_MATCH='"v1"').status_code == 204
    )
    assert not CodedEvent.objects.filter(pk=created["id"]).exists()
    assert not EvidenceSpan.objects.filter(event_id=created["id"]).exists()


def test_blind_coding_other_coder_gets_404_everywhere(world: World) -> None:
    created = _create(world, complete_event(world)).json()
    other = world.client(world.coder_b)
    before = _state()
    assert other.get(f"/api/v1/events/{created['id']}/").status_code == 404
    assert (
        other.put(
            f"/api/v1/events/{created['id']}/", complete_event(world), format="json"
        ).status_code
        == 404
    )
    assert other.delete(f"/api/v1/events/{created['id']}/?version=1").status_code == 404
    assert other.get(f"/api/v1/assignments/{world.assignment_a.pk}/").status_code == 404
    assert other.get(f"/api/v1/assignments/{world.assignment_a.pk}/events/").status_code == 404
    assert (
        other.post(
            f"/api/v1/assignments/{world.assignment_a.pk}/events/",
            complete_event(world),
            format="json",
        ).status_code
        == 404
    )
    # Their own queue and the project's assignment list show only their own work.
    mine = other.get(f"/api/v1/projects/{world.project.pk}/assignments/").json()["results"]
    assert [a["id"] for a in mine] == [world.assignment_b.pk]
    assert mine[0]["n_events"] == 0
    assert _state() == before


def test_supervisor_reads_but_cannot_write_a_coders_events(world: World) -> None:
    created = _create(world, complete_event(world)).json()
    sup = world.client(world.supervisor)
    assert sup.get(f"/api/v1/events/{created['id']}/").status_code == 200
    before = _state()
    assert (
        sup.put(
            f"/api/v1/events/{created['id']}/",
            {**complete_event(world), "version": 1},
            format="json",
        ).status_code
        == 403
    )
    assert _state() == before


def test_malformed_payload_gets_422_with_field_paths(world: World) -> None:
    before = _state()
    response = _create(
        world, {"event_type": "ATTACK", "spans": [{"role": "trigger", "start": "x"}]}
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"spans[0].start", "spans[0].end", "spans[0].quote"}
    assert _state() == before


def test_unparseable_json_is_400(world: World) -> None:
    response = world.client(world.coder_a).post(
        f"/api/v1/assignments/{world.assignment_a.pk}/events/",
        data=b"{not json",
        content_type="application/json",
    )
    assert response.status_code == 400
