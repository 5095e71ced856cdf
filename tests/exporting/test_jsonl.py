"""JSONL: one nested, lossless object per event; tombstones for retracted events."""

from __future__ import annotations

import json
import math

from coding.exporting import jsonl_chunks
from tests.exporting.factories import ARABIC_QUOTE, acled_event, acled_spec, sahel_event, sahel_spec


def records(*events: object) -> list[dict[str, object]]:
    text = "".join(jsonl_chunks(events, acled_spec()))  # type: ignore[arg-type]
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_record_is_nested_and_complete() -> None:
    (record,) = records(acled_event())
    assert list(record) == [
        "event_id",
        "retracted",
        "codebook",
        "article",
        "event_type",
        "event_subtype",
        "values",
        "date",
        "location",
        "geo_precision",
        "fatalities",
        "actors",
        "places",
        "evidence",
        "provenance",
        "validated_at",
        "agreement",
    ]
    assert record["event_id"] == 1234
    assert record["retracted"] is False
    assert record["codebook"] == {"slug": "acled", "version": 1, "preset": "acled"}
    assert record["article"] == {
        "id": 77,
        "title": "اشتباكات في غاو",
        "source": "Al Jazeera",
        "source_scale": "International",
        "url": "https://example.org/a/77",
        "published_at": "2024-03-03T08:00:00Z",
        "external_id": "aj-77",
        "language": "ar",
    }
    assert record["event_type"] == {
        "code": "BATTLES",
        "labels": {"en": "Battles", "ar": "معارك", "fr": "Batailles"},
    }
    assert record["event_subtype"]["code"] == "ARMED_CLASH"  # type: ignore[index]
    assert record["date"] == {"start": "2024-03-01", "end": "2024-03-03", "precision": 2}
    assert record["location"] == {
        "id": 5,
        "name": "Gao",
        "country": "ML",
        "iso3": "MLI",
        "iso_numeric": 466,
        "admin1": "Gao",
        "admin2": "Gao",
        "latitude": 16.27167,
        "longitude": -0.04472,
        "aliases": ["غاو"],
        "external_id": "geonames:2457163",
    }
    assert (record["geo_precision"], record["fatalities"]) == (1, 7)
    assert record["actors"]["assoc_actor_1"] == [  # type: ignore[index]
        {
            "id": 12,
            "name": "Wagner Group",
            "actor_type": 8,
            "country": "RU",
            "aliases": [],
            "external_id": "",
        },
        {"id": None, "name": "Dozo hunters", "proposed": True},
    ]
    assert record["evidence"] == [
        {"role": "trigger", "start": 10, "end": 15, "quote": "اشتبك"},
        {"role": "location", "start": 30, "end": 33, "quote": "غاو"},
    ]
    assert record["provenance"] == {
        "decision": "merge",
        "source_events": [501, 502],
        "decided_by": "amina",
        "decided_at": "2024-03-04T12:00:00Z",
        "reason_code": "coder_disagreement",
        "revision": 2,
    }
    assert record["validated_at"] == "2024-03-04T12:30:15Z"
    assert record["agreement"] == {"fatalities": 0.81, "actor2": None}


def test_raw_values_are_kept_as_stored() -> None:
    (record,) = records(acled_event())
    values = record["values"]
    assert values["assoc_actor_1"] == [{"id": 12}, {"name": "Dozo hunters"}]  # type: ignore[index]
    assert values["time_precision"] == "2"  # type: ignore[index]
    assert values["notes"] == ARABIC_QUOTE  # type: ignore[index]
    assert values["civilian_targeting"] is False  # type: ignore[index]


def test_proposed_actor_names_follow_the_dictionary_entries_of_their_field() -> None:
    resolved = acled_event().actors
    event = acled_event(
        actors={"assoc_actor_1": resolved["assoc_actor_1"], "actor2": resolved["actor2"]},
        values={
            **acled_event().values,
            "actor1": [{"name": "كتيبة ماسينا"}],
            "assoc_actor_1": [{"name": "حركة «أزواد» (2012)"}, {"id": 12}, {"name": "Dozo"}],
        },
    )
    (record,) = records(event)
    actors = record["actors"]
    assert [a["name"] for a in actors["assoc_actor_1"]] == [  # type: ignore[index]
        "Wagner Group",
        "حركة «أزواد» (2012)",
        "Dozo",
    ]
    assert actors["assoc_actor_1"][1] == {  # type: ignore[index]
        "id": None,
        "name": "حركة «أزواد» (2012)",
        "proposed": True,
    }
    # the field had no dictionary entry at all: it is listed, after the others, for its
    # proposed name alone
    assert list(actors) == ["assoc_actor_1", "actor2", "actor1"]  # type: ignore[call-overload]
    assert actors["actor1"] == [{"id": None, "name": "كتيبة ماسينا", "proposed": True}]  # type: ignore[index]
    assert record["values"]["actor1"] == [{"name": "كتيبة ماسينا"}]  # type: ignore[index]


def test_places_of_other_location_fields_are_resolved() -> None:
    text = "".join(jsonl_chunks([sahel_event()], sahel_spec()))
    record = json.loads(text)
    assert [place["name"] for place in record["places"]["staging_area"]] == ["Tessalit"]
    assert record["codebook"] == {"slug": "sahel-demo", "version": 3, "preset": None}


def test_retracted_event_is_a_tombstone() -> None:
    live, gone = records(acled_event(1), acled_event(2, retracted=True))
    assert live["event_id"] == 1
    assert gone == {
        "event_id": 2,
        "retracted": True,
        "retracted_at": "2024-03-04T12:30:15Z",
        "article": {"id": 77},
    }


def test_non_finite_alpha_becomes_null_and_arabic_is_not_escaped() -> None:
    event = acled_event(agreement={"inter1": math.nan, "notes": math.inf, "fatalities": 0.5})
    text = "".join(jsonl_chunks([event], acled_spec()))
    assert json.loads(text)["agreement"] == {"inter1": None, "notes": None, "fatalities": 0.5}
    assert "NaN" not in text
    assert "اشتباك عنيف" in text
    assert "\\u" not in text
    assert text.count("\n") == 1  # the newline inside the notes is escaped
