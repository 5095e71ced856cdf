"""GeoJSON: a valid FeatureCollection of points at [longitude, latitude]."""

from __future__ import annotations

import json
from typing import Any

from coding.codebook_spec import CodebookSpec
from coding.exporting import ExportEvent, ExportLocation, geojson_chunks
from tests.exporting.factories import (
    GAO,
    acled_event,
    acled_spec,
    sahel_event,
    sahel_spec,
    with_values,
)

NO_COORDINATES = ExportLocation(9, "Wadi somewhere", "ML", "Kidal", "", None, None)


def collection(*events: ExportEvent, spec: CodebookSpec | None = None) -> dict[str, Any]:
    chunks = list(geojson_chunks(events, spec or acled_spec()))
    assert chunks[0] == '{"type":"FeatureCollection","features":['
    data: dict[str, Any] = json.loads("".join(chunks))
    return data


def test_feature_collection_of_points_in_lon_lat_order() -> None:
    data = collection(acled_event(1), acled_event(2))
    assert list(data) == ["type", "features"]
    assert data["type"] == "FeatureCollection"
    features = data["features"]
    assert [feature["id"] for feature in features] == [1, 2]
    first = features[0]
    assert first["type"] == "Feature"
    assert first["geometry"] == {"type": "Point", "coordinates": [-0.04472, 16.27167]}
    lon, lat = first["geometry"]["coordinates"]
    assert (lon, lat) == (GAO.longitude, GAO.latitude)


def test_properties_are_the_csv_columns_with_typed_values() -> None:
    (feature,) = collection(acled_event())["features"]
    props = feature["properties"]
    assert props["event_id_cnty"] == "MLI-ATH1234"
    assert (props["interaction"], props["iso"], props["fatalities"]) == (12, 466, 7)
    assert props["assoc_actor_2"] is None
    assert props["athar_evidence"][0] == {
        "role": "trigger",
        "start": 10,
        "end": 15,
        "quote": "اشتبك",
    }
    assert props["notes"].startswith("قال الجيش")


def test_events_without_coordinates_or_location_or_retracted_are_omitted() -> None:
    events = [
        acled_event(1, location=NO_COORDINATES),
        with_values(acled_event(2, location=None), location=None),
        acled_event(3),
        acled_event(4, retracted=True),
        acled_event(5),
    ]
    data = collection(*events)
    assert [feature["id"] for feature in data["features"]] == [3, 5]


def test_empty_collection_is_valid_json() -> None:
    assert collection() == {"type": "FeatureCollection", "features": []}
    assert collection(acled_event(1, location=NO_COORDINATES)) == {
        "type": "FeatureCollection",
        "features": [],
    }


def test_generic_codebook_properties() -> None:
    data = collection(sahel_event(), spec=sahel_spec())
    (feature,) = data["features"]
    assert feature["properties"]["sides"].endswith("مسلحون مجهولون")
    assert feature["properties"]["hostages"] is True
    assert feature["properties"]["intensity"] == 2
    assert feature["properties"]["location"] == "Gao"
