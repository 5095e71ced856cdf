"""Data Package zip: contents, Table Schema from the codebook, and frictionless validation."""

from __future__ import annotations

import hashlib
import io
import json
import math
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import frictionless
import pytest

from coding.codebook_spec import CodebookSpec, dump_codebook
from coding.exporting import ExportEvent, csv_chunks, table_schema, write_datapackage
from tests.exporting.factories import (
    SAHEL_CODEBOOK_YAML,
    acled_event,
    acled_spec,
    sahel_event,
    sahel_spec,
    with_values,
)

AGREEMENT = {"fields": {"fatalities": {"alpha": 0.81}, "inter1": {"alpha": math.nan}}, "n": 12}


class Unseekable(io.RawIOBase):
    """A write-only stream like a streaming HTTP response: no seek, no tell."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        self.data.extend(b)
        return len(b)


def build(spec: CodebookSpec, events: list[Any], codebook_yaml: str) -> tuple[bytes, Any]:
    out = io.BytesIO()
    summary = write_datapackage(
        out,
        events,
        spec,
        codebook_yaml=codebook_yaml,
        agreement_report=AGREEMENT,
        name="sahel-gold",
        version="2024.3.0",
    )
    return out.getvalue(), summary


def acled_events() -> list[ExportEvent]:
    one_sided = with_values(acled_event(3), actor2=None, inter2=None)
    return [
        acled_event(1),
        acled_event(2, retracted=True),
        replace(one_sided, actors={k: v for k, v in one_sided.actors.items() if k != "actor2"}),
        with_values(acled_event(4), civilian_targeting=True, notes='"=quoted"\nسطر'),
    ]


def validate(data: bytes, tmp_path: Path) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(tmp_path)
    return frictionless.validate(str(tmp_path / "datapackage.json"))


def test_acled_package_validates_with_frictionless(tmp_path: Path) -> None:
    data, summary = build(acled_spec(), acled_events(), dump_codebook(acled_spec()))
    report = validate(data, tmp_path)
    assert report.flatten(["type", "note"]) == []
    assert report.valid is True
    assert report.stats["tasks"] == 3
    assert summary.rows == 3


def test_generic_package_validates_with_frictionless(tmp_path: Path) -> None:
    events = [sahel_event(1), sahel_event(2, location=None, values={"weapons": ["drone"]})]
    data, summary = build(sahel_spec(), events, SAHEL_CODEBOOK_YAML)
    report = validate(data, tmp_path)
    assert report.flatten(["type", "note"]) == []
    assert report.valid is True
    assert summary.rows == 2


def test_validation_catches_a_value_outside_the_schema(tmp_path: Path) -> None:
    # The check is not vacuous: an integer choice code outside the enum fails validation.
    event = with_values(acled_event(), inter1="9")
    data, _summary = build(acled_spec(), [event], dump_codebook(acled_spec()))
    report = validate(data, tmp_path)
    assert report.valid is False
    assert report.flatten(["type", "fieldName"]) == [
        ["constraint-error", "inter1"],
        ["constraint-error", "interaction"],  # 19 is not an ACLED interaction code
    ]


def test_zip_members_and_their_contents() -> None:
    codebook_yaml = dump_codebook(acled_spec())
    data, summary = build(acled_spec(), acled_events(), codebook_yaml)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == [
            "codebook.yaml",
            "agreement.json",
            "events.csv",
            "datapackage.json",
        ]
        events_csv = archive.read("events.csv")
        assert archive.read("codebook.yaml").decode("utf-8") == codebook_yaml
        agreement = json.loads(archive.read("agreement.json"))
        descriptor = json.loads(archive.read("datapackage.json"))
    expected_csv = "".join(csv_chunks(acled_events(), acled_spec())).encode("utf-8")
    assert events_csv == expected_csv
    assert not events_csv.startswith(b"\xef\xbb\xbf")
    assert agreement == {
        "fields": {"fatalities": {"alpha": 0.81}, "inter1": {"alpha": None}},
        "n": 12,
    }
    events_resource = descriptor["resources"][0]
    assert (descriptor["name"], descriptor["version"]) == ("sahel-gold", "2024.3.0")
    assert events_resource["bytes"] == len(events_csv) == summary.events_bytes
    assert events_resource["hash"] == "sha256:" + hashlib.sha256(events_csv).hexdigest()
    assert events_resource["schema"] == table_schema(acled_spec())
    assert [r["path"] for r in descriptor["resources"]] == [
        "events.csv",
        "codebook.yaml",
        "agreement.json",
    ]
    codebook_resource = descriptor["resources"][1]
    assert codebook_resource["type"] == "file"
    assert codebook_resource["bytes"] == len(codebook_yaml.encode("utf-8"))
    assert codebook_resource["hash"] == (
        "sha256:" + hashlib.sha256(codebook_yaml.encode("utf-8")).hexdigest()
    )


def test_acled_table_schema_types_enums_and_descriptions() -> None:
    schema = table_schema(acled_spec())
    fields = {field["name"]: field for field in schema["fields"]}
    assert schema["primaryKey"] == ["athar_event_id"]
    assert len(fields) == 39
    assert fields["event_date"]["type"] == "date"
    assert fields["year"]["type"] == "integer"
    assert fields["time_precision"]["type"] == "integer"
    assert fields["time_precision"]["constraints"] == {"enum": [1, 2, 3]}
    assert fields["inter1"]["constraints"] == {"enum": [1, 2, 3, 4, 5, 6, 7, 8]}
    assert fields["event_type"]["constraints"]["enum"] == [
        "Battles",
        "Protests",
        "Riots",
        "Explosions/Remote violence",
        "Violence against civilians",
        "Strategic developments",
    ]
    assert len(fields["sub_event_type"]["constraints"]["enum"]) == 25
    assert fields["disorder_type"]["constraints"]["enum"] == [
        "Political violence",
        "Political violence; Demonstrations",
        "Demonstrations",
        "Strategic developments",
    ]
    assert fields["civilian_targeting"] == {
        "name": "civilian_targeting",
        "type": "string",
        "title": "Civilians targeted",
        "description": "Civilians were the main or only target of the event, whatever its type.",
        "constraints": {"enum": ["Civilian targeting"]},
    }
    assert fields["fatalities"]["constraints"] == {"minimum": 0}
    assert fields["notes"]["constraints"] == {"maxLength": 2000}
    assert fields["latitude"]["type"] == "number"
    assert fields["iso"]["type"] == "integer"
    assert fields["timestamp"]["type"] == "integer"
    assert fields["athar_evidence"]["type"] == "array"
    assert fields["athar_validated_at"]["type"] == "datetime"
    assert fields["athar_event_id"]["constraints"] == {"required": True, "unique": True}
    assert len(fields["interaction"]["constraints"]["enum"]) == 44


def test_generic_table_schema() -> None:
    fields = {field["name"]: field for field in table_schema(sahel_spec())["fields"]}
    assert fields["when"]["type"] == "string"
    assert fields["when"]["description"] == "Day or span of days of the event."
    assert fields["when"]["title"] == "Date"
    assert fields["intensity"]["constraints"] == {"enum": [1, 2]}
    assert fields["claim"] == {
        "name": "claim",
        "type": "string",
        "title": "Claim",
        "constraints": {"enum": ["claimed", "denied"]},
    }
    assert fields["deaths"]["constraints"] == {"minimum": 0, "maximum": 100000}
    assert fields["hostages"]["type"] == "boolean"
    assert fields["event_type"]["constraints"] == {"enum": ["CLASH", "PROTEST"]}
    assert fields["event_subtype"]["constraints"] == {"enum": ["CLASH_TERRITORY"]}


def test_writes_to_an_unseekable_stream() -> None:
    stream = Unseekable()
    summary = write_datapackage(
        stream,  # type: ignore[arg-type]
        (acled_event(i) for i in range(1, 51)),
        acled_spec(),
        codebook_yaml="slug: acled\n",
        agreement_report={},
        name="stream",
        version="1",
    )
    assert summary.rows == 50
    with zipfile.ZipFile(io.BytesIO(bytes(stream.data))) as archive:
        assert archive.testzip() is None
        lines = archive.read("events.csv").decode("utf-8").split("\r\n")
    assert lines[1].startswith("MLI-ATH1,2024-03-02,")


def test_same_events_give_the_same_bytes() -> None:
    first, _ = build(acled_spec(), acled_events(), "x: 1\n")
    second, _ = build(acled_spec(), acled_events(), "x: 1\n")
    assert first == second


@pytest.mark.parametrize("name", ["Sahel Gold", "sahel/gold", ""])
def test_bad_package_name_is_refused_before_reading_events(name: str) -> None:
    def events() -> Any:
        raise AssertionError("events must not be read")
        yield

    with pytest.raises(ValueError, match="data package name"):
        write_datapackage(
            io.BytesIO(),
            events(),
            acled_spec(),
            codebook_yaml="",
            agreement_report={},
            name=name,
            version="1",
        )
