"""Incremental writers (one pass feeding every format), the row plan's shared cells, and the
compact JSON encoder: each gives exactly what the plain computation gives."""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import replace
from types import MappingProxyType
from typing import Any

import pytest

from coding.codebook_spec import CodebookSpec
from coding.exporting import (
    CsvSink,
    DataPackageWriter,
    ExportEvent,
    ExportEventType,
    GeoJsonSink,
    JsonlSink,
    RowPlan,
    csv_chunks,
    event_record,
    export_columns,
    geojson_chunks,
    jsonl_chunks,
    write_datapackage,
)
from coding.exporting.cells import cell_text, compact_json
from tests.exporting.factories import (
    GAO,
    TESSALIT,
    acled_event,
    acled_spec,
    sahel_event,
    sahel_spec,
    with_values,
)


def varied_acled_events() -> list[ExportEvent]:
    """Events that share some objects (as the database layer shares them) and not others."""
    base = acled_event(1)
    elsewhere = replace(GAO, id=6, country="NE", latitude=13.5, longitude=2.1)
    other_type = ExportEventType("RIOTS", {"en": "Riots"})
    return [
        base,
        replace(base, event_id=2),
        with_values(replace(base, event_id=3, location=elsewhere), location={"id": 6}),
        replace(base, event_id=4, location=replace(GAO)),  # equal, not the same object
        replace(base, event_id=5, event_type=other_type, event_subtype=None),
        replace(base, event_id=6, validated_at=None, retracted=True),
        with_values(replace(base, event_id=7), tags=None, civilian_targeting=True),
        replace(base, event_id=8),
    ]


def varied_sahel_events() -> list[ExportEvent]:
    base = sahel_event(40)
    return [
        base,
        with_values(replace(base, event_id=41), hostages=False, weapons=[]),
        replace(base, event_id=42, places={"staging_area": (replace(TESSALIT, name="T2"),)}),
        replace(base, event_id=43, values=MappingProxyType({**base.values, "extra": (1, 2)})),
    ]


CASES = [(acled_spec, varied_acled_events), (sahel_spec, varied_sahel_events)]


@pytest.mark.parametrize(("spec", "events"), CASES)
def test_row_plan_cells_are_the_columns_cells(spec: Any, events: Any) -> None:
    columns = export_columns(spec())
    plan = RowPlan(columns)
    for event in events():
        assert plan.cells(event) == tuple(column.cell(event) for column in columns)
        assert plan.cells(event) is plan.cells(event)  # asked twice: computed once


def test_csv_values_are_written_as_cell_text_writes_them() -> None:
    plan = RowPlan(export_columns(acled_spec()))
    tricky: tuple[Any, ...] = (
        "a,b",
        'say "hi"',
        "two\nlines",
        "",
        None,
        0,
        -3,
        1.5,
        1e-05,
        -0.0,
        True,
        [{"a": 1}],
        "ok",
    )
    cells = tricky * 3  # at least as many cells as the 38 columns of the ACLED layout
    cells = cells[: len(plan.columns)]

    def written(row: Any) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerow(row)
        return out.getvalue()

    assert written(plan.csv_values(cells)) == written([cell_text(cell) for cell in cells])


@pytest.mark.parametrize(("spec", "events"), CASES)
def test_one_pass_over_every_sink_gives_each_writers_text(spec: Any, events: Any) -> None:
    codebook: CodebookSpec = spec()
    plan = RowPlan(export_columns(codebook))
    sinks = {
        "csv": CsvSink(codebook, plan=plan),
        "jsonl": JsonlSink(codebook),
        "geojson": GeoJsonSink(codebook, plan=plan),
    }
    texts = {name: sink.opening() for name, sink in sinks.items()}
    for event in events():
        for sink in sinks.values():
            sink.add(event)
    for name, sink in sinks.items():
        texts[name] += sink.take() + sink.closing()

    assert texts["csv"] == "".join(csv_chunks(events(), codebook))
    assert texts["jsonl"] == "".join(jsonl_chunks(events(), codebook))
    assert texts["geojson"] == "".join(geojson_chunks(events(), codebook))
    assert sinks["csv"].rows == sum(not event.retracted for event in events())  # type: ignore[attr-defined]


def test_jsonl_lines_are_the_compact_event_records() -> None:
    events = [*varied_acled_events(), *varied_sahel_events()]
    events.append(replace(acled_event(9), actors={1: (acled_event().actors["actor1"][0],)}))  # type: ignore[dict-item]
    lines = "".join(jsonl_chunks(events, acled_spec())).splitlines()
    for event, line in zip(events, lines, strict=True):
        if not event.retracted:
            assert line == compact_json(event_record(event, acled_spec()))


def test_data_package_writer_writes_what_write_datapackage_writes() -> None:
    spec = acled_spec()
    events = varied_acled_events()
    options: dict[str, Any] = {
        "codebook_yaml": "x: 1\n",
        "agreement_report": {"alpha": math.nan},
        "name": "bench",
        "version": "1.0",
    }
    expected = io.BytesIO()
    summary = write_datapackage(expected, events, spec, **options)

    written = io.BytesIO()
    package = DataPackageWriter(written, spec, **options)
    sink = CsvSink(spec)
    package.write_events(sink.opening().encode())
    for event in events:
        sink.add(event)
    package.write_events(sink.take().encode())
    assert package.close(rows=sink.rows) == summary
    assert written.getvalue() == expected.getvalue()


@pytest.mark.parametrize(
    "value",
    [
        {"a": [1, 2.5, None, True], "ب": "غاو 🔥", "q": 'say "x"\n\t\u0001'},
        "plain",
        3,
        -0.0,
        1e16,
        [],
        {},
        (1, (2, 3)),
    ],
)
def test_compact_json_is_json_dumps(value: Any) -> None:
    assert compact_json(value) == json.dumps(
        value, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


def test_compact_json_refuses_nan_and_unknown_types() -> None:
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        compact_json([math.inf])
    with pytest.raises(TypeError, match="Object of type set is not JSON serializable"):
        compact_json({"a": {1}})
