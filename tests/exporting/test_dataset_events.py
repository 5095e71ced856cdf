"""One record per dataset event (coding/exporting/dataset_events.py) and how each writer shows
a record that stands for several reports."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime

from coding.codebook_spec import load_preset
from coding.exporting import (
    DatasetLayout,
    ExportArticle,
    ExportEvent,
    ExportProvenance,
    ExportSpan,
    combine_reports,
    csv_chunks,
    csv_header,
    geojson_chunks,
    jsonl_chunks,
)
from tests.exporting.factories import ARMY, JNIM, acled_event, acled_spec, with_values

LAYOUT = DatasetLayout.of(acled_spec())
FRENCH = ExportArticle(
    id=88,
    title="Attaque à Gao",
    source="RFI",
    url="https://example.org/b/88",
    published_at=datetime(2024, 3, 3, 9, 0, tzinfo=UTC),
    external_id="rfi-88",
    language="fr",
    source_scale="National",
)
LATER = datetime(2024, 3, 5, 8, 0, tzinfo=UTC)


def _reports() -> tuple[ExportEvent, ExportEvent]:
    """Two reports of one clash: the Arabic one (older, 7 dead) and a French one (4 dead,
    a one-day date, JNIM as actor 1)."""
    older = acled_event(1234)
    newer = with_values(
        replace(
            acled_event(1300),
            article=FRENCH,
            date_start=date(2024, 3, 2),
            date_end=None,
            date_precision=1,
            fatalities=4,
            actors={"actor1": (JNIM,), "actor2": (ARMY,)},
            evidence=(
                ExportSpan("trigger", 0, 7, "Attaque"),
                ExportSpan("fatalities", 20, 27, "4 morts"),
                ExportSpan("actor1", 40, 44, "JNIM"),
            ),
            provenance=ExportProvenance("accept", (601,), "omar", LATER, "", 1),
            validated_at=LATER,
        ),
        event_date={"start": "2024-03-02"},
        time_precision="1",
        fatalities=4,
        actor1={"id": 21},
        actor2={"id": 11},
    )
    return older, newer


def _combined(resolution: dict | None = None, policy: str = "conservative") -> ExportEvent:  # type: ignore[type-arg]
    older, newer = _reports()
    return combine_reports(
        [newer, older],
        event_id=1234,
        resolution=resolution or {},
        layout=LAYOUT,
        fatalities_policy=policy,
    )


def test_the_primary_report_gives_every_field_and_the_lowest_fatalities_by_default() -> None:
    event = _combined()
    assert event.event_id == 1234
    assert event.article.id == 77  # the primary (oldest) report's article
    assert event.values["actor1"] == {"id": 11}
    assert event.actors["actor1"] == (ARMY,)
    assert (event.date_start, event.date_end) == (date(2024, 3, 1), date(2024, 3, 3))
    # ACLED: the most conservative reported figure, with the words of the report that gave it
    assert event.fatalities == 4
    assert event.values["fatalities"] == 4
    fatality_spans = [s for s in event.evidence if s.role == "fatalities"]
    assert [(s.report, s.article, s.quote) for s in fatality_spans] == [(1300, 88, "4 morts")]
    # every other role keeps the primary's spans, each naming its report and article
    # every report's trigger (how each article tells the act); every other role the
    # primary's spans; each span names its report and article
    assert {(s.role, s.report, s.article) for s in event.evidence} == {
        ("trigger", 1234, 77),
        ("trigger", 1300, 88),
        ("location", 1234, 77),
        ("fatalities", 1300, 88),
    }
    assert [r.gold_event_id for r in event.reports] == [1234, 1300]
    assert event.number_of_sources == 2
    assert event.validated_at == LATER
    assert event.provenance.source_event_ids == (501, 502, 601)


def test_a_field_taken_from_a_report_brings_that_reports_spans_of_its_role() -> None:
    event = _combined({"actor1": {"report": 1300, "by": 3, "at": "2024-03-06T00:00:00Z"}})
    assert event.values["actor1"] == {"id": 21}
    assert event.actors["actor1"] == (JNIM,)
    assert [(s.quote, s.report) for s in event.evidence if s.role == "actor1"] == [("JNIM", 1300)]
    # the other actor stays the primary's
    assert event.actors["actor2"] == (JNIM,)


def test_date_rules_and_a_typed_value_replace_the_value_and_its_spans() -> None:
    event = _combined(
        {
            "date": {
                "rule": "intersection",
                "value": {"start": "2024-03-02", "end": "2024-03-02", "precision": 1},
            },
            "notes": {"rule": "typed", "value": "Clash near Gao (two reports)."},
            "fatalities": {"rule": "typed", "value": 6},
        }
    )
    # the intersection of 1–3 March (precision 2) and 2 March (precision 1): one exact day
    assert (event.date_start, event.date_end, event.date_precision) == (
        date(2024, 3, 2),
        date(2024, 3, 2),
        1,
    )
    assert event.values["event_date"] == {"start": "2024-03-02", "end": "2024-03-02"}
    assert event.values["time_precision"] == "1"
    assert event.values["notes"] == "Clash near Gao (two reports)."
    assert event.fatalities == 6
    assert not [s for s in event.evidence if s.role == "fatalities"]  # typed: no words


def test_an_entry_naming_a_report_no_longer_in_the_event_leaves_the_primarys_value() -> None:
    event = _combined({"actor1": {"report": 999}})
    assert event.values["actor1"] == {"id": 11}


def test_ucdp_policy_keeps_low_best_high() -> None:
    spec = load_preset("ucdp")
    layout = DatasetLayout.of(spec)
    assert (layout.typed["fatalities"], layout.low_key, layout.high_key) == ("best", "low", "high")
    older, newer = _reports()
    third = replace(acled_event(1400), fatalities=10, article=replace(FRENCH, id=99))
    event = combine_reports(
        [older, newer, third],
        event_id=1234,
        resolution={},
        layout=layout,
        fatalities_policy="low_best_high",
    )
    assert (event.values["low"], event.values["best"], event.values["high"]) == (4, 7, 10)
    assert event.fatalities == 7
    assert event.number_of_sources == 3
    header = csv_header(spec)
    assert header[header.index("number_of_sources") + 1] == "event_type"


def test_acled_csv_row_lists_every_source_and_tags_the_evidence() -> None:
    spec = acled_spec()
    event = _combined({"notes": {"rule": "typed", "value": "Resolved notes"}})
    rows = list(csv.DictReader(io.StringIO("".join(csv_chunks([event], spec)), newline="")))
    (row,) = rows
    assert row["event_id_cnty"] == "MLI-ATH1234"
    assert row["source"] == "Al Jazeera; RFI"
    assert row["source_scale"] == "National-International"
    assert row["notes"] == "Resolved notes"
    assert row["fatalities"] == "4"
    assert row["athar_article_id"] == "77"
    evidence = json.loads(row["athar_evidence"])
    assert {(e["report"], e["article"]) for e in evidence} == {(1234, 77), (1300, 88)}


def test_jsonl_and_geojson_carry_every_report_with_its_evidence() -> None:
    spec = acled_spec()
    event = _combined()
    record = json.loads("".join(jsonl_chunks([event], spec)))
    assert record["number_of_sources"] == 2
    assert [r["gold_event_id"] for r in record["reports"]] == [1234, 1300]
    french = record["reports"][1]
    assert french["article"]["title"] == "Attaque à Gao"
    assert french["article"]["source"] == "RFI"
    assert french["article"]["url"] == "https://example.org/b/88"
    assert french["evidence"][0] == {"role": "trigger", "start": 0, "end": 7, "quote": "Attaque"}
    feature = json.loads("".join(geojson_chunks([event], spec)))["features"][0]
    assert feature["id"] == 1234
    assert feature["properties"]["athar_reports"] == record["reports"]


def test_a_plain_event_is_written_exactly_as_before() -> None:
    spec = acled_spec()
    event = acled_event()
    record = json.loads("".join(jsonl_chunks([event], spec)))
    assert "reports" not in record
    assert "number_of_sources" not in record
    feature = json.loads("".join(geojson_chunks([event], spec)))["features"][0]
    assert "athar_reports" not in feature["properties"]


def test_a_tombstone_of_a_linked_event_names_the_survivor() -> None:
    spec = acled_spec()
    stone = replace(acled_event(1300), retracted=True, merged_into=1234)
    fresh = replace(acled_event(5000), retracted=True, article=replace(FRENCH, id=0))
    lines = "".join(jsonl_chunks([stone, fresh], spec)).splitlines()
    assert json.loads(lines[0])["merged_into"] == 1234
    assert json.loads(lines[1])["article"] is None
    assert "merged_into" not in json.loads(lines[1])
