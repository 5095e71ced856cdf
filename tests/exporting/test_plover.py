"""PLOVER JSONL: PLOVER's JSON fields for codebooks built from the plover preset."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from coding.exporting import (
    ExportCodebook,
    ExportEvent,
    ExportLayoutError,
    ExportSpan,
    plover_jsonl_chunks,
)
from tests.exporting.factories import (
    ARMY,
    GAO,
    JNIM,
    acled_event,
    acled_spec,
    event_types,
    plover_spec,
)


def plover_event(event_id: int = 300, **changes: Any) -> ExportEvent:
    spec = plover_spec()
    defaults: dict[str, Any] = {
        "codebook": ExportCodebook(slug="plover", version=1, preset="plover"),
        **event_types(spec, "ASSAULT", "ASSAULT.drone"),
        "values": {
            "actor": [{"id": 11}],
            "recipient": [{"id": 21}, {"name": "مقاتلون محليون"}],
            "event_date": {"start": "2024-02-10", "end": "2024-02-11"},
            "location": {"id": 5},
            "context": ["terrorism", "military"],
            "auxiliary_mode": ["historical"],
            "dead": 9,
            "injured": 0,
            "comment": "ضربة بطائرة مسيّرة",
        },
        "date_start": date(2024, 2, 10),
        "date_end": date(2024, 2, 11),
        "fatalities": 9,
        "actors": {"actor": (ARMY,), "recipient": (JNIM,)},
        "evidence": (
            ExportSpan("trigger", 40, 45, "قصفت"),
            ExportSpan("location", 60, 63, "غاو"),
            ExportSpan("trigger", 80, 84, "ضربة"),
        ),
    }
    defaults.update(changes)
    return acled_event(event_id, **defaults)


def test_plover_record_fields() -> None:
    text = "".join(plover_jsonl_chunks([plover_event()], plover_spec()))
    record = json.loads(text)
    assert record == {
        "id": "300",
        "date": "2024-02-10",
        "enddate": "2024-02-11",
        "actor": [
            {
                "code": "MLI",
                "identifier_id": "Q1141563",
                "identifier_text": "Military Forces of Mali (2021-)",
            }
        ],
        "recipient": [
            {
                "code": "MLI",
                "identifier_id": "athar-actor-21",
                "identifier_text": "JNIM: Group for Support of Islam and Muslims",
            },
            {"identifier_text": "مقاتلون محليون"},
        ],
        "event": ["ASSAULT"],
        "mode": ["drone"],
        "context": ["terrorism", "military"],
        "event_loc": {
            "extracted_place": "غاو",
            "resolved_place": "Gao",
            "geonameid": 2457163,
            "lat": GAO.latitude,
            "lon": GAO.longitude,
            "province": "Gao",
            "district": "Gao",
            "country": "Mali",
            "country_code": "MLI",
        },
        "event_text": ["قصفت", "ضربة"],
        "text_info": {"start": 40, "end": 45},
        "quad_code": 4,
        "event_scale": record["event_scale"],
        "dead": 9,
        "injured": 0,
        "cite_info": {
            "title": "اشتباكات في غاو",
            "url": "https://example.org/a/77",
            "language": "ar",
            "publication": "Al Jazeera",
            "codebook": "plover@1",
        },
        "coder": "amina",
        "coded_date": "2024-03-04",
        "coded_time": "12:30:15Z",
        "comment": "ضربة بطائرة مسيّرة",
        "athar": {
            "event_id": 300,
            "article_id": 77,
            "codebook": "plover@1",
            "evidence": [
                {"role": "trigger", "start": 40, "end": 45, "quote": "قصفت"},
                {"role": "location", "start": 60, "end": 63, "quote": "غاو"},
                {"role": "trigger", "start": 80, "end": 84, "quote": "ضربة"},
            ],
            "decision": "merge",
            "source_events": [501, 502],
            "validated_at": "2024-03-04T12:30:15Z",
            "auxiliary_mode": ["historical"],
        },
    }
    drone = plover_spec().event_type_by_code("ASSAULT.drone")
    assert drone is not None
    assert record["event_scale"] == drone.attributes["score"]


def test_event_without_mode_location_or_recipient() -> None:
    spec = plover_spec()
    event = plover_event(
        **event_types(spec, "CONSULT", None),
        values={"actor": [{"id": 11}], "event_date": {"start": "2024-02-10"}},
        date_end=date(2024, 2, 10),
        location=None,
        evidence=(),
    )
    record = json.loads("".join(plover_jsonl_chunks([event], spec)))
    assert (record["event"], record["mode"], record["recipient"], record["context"]) == (
        ["CONSULT"],
        [],
        [],
        [],
    )
    assert record["quad_code"] == 1
    for absent in ("enddate", "event_loc", "event_text", "text_info", "dead", "comment"):
        assert absent not in record


def test_retracted_events_are_skipped_one_line_per_event() -> None:
    events = [plover_event(1), plover_event(2, retracted=True), plover_event(3)]
    lines = "".join(plover_jsonl_chunks(events, plover_spec())).splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["1", "3"]


def test_non_plover_codebook_is_refused_at_call_time() -> None:
    with pytest.raises(ExportLayoutError, match="plover preset, not 'acled'"):
        plover_jsonl_chunks([acled_event()], acled_spec())
