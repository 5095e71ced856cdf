"""The ACLED preset's CSV: the 31 columns in ACLED's order and ACLED's value conventions."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date

import pytest

from coding.exporting import (
    ExportEventType,
    ExportLocation,
    csv_chunks,
    csv_header,
    event_id_cnty,
    interaction_code,
)
from coding.exporting.acled import INTERACTION_CODES
from tests.exporting.factories import ARABIC_QUOTE, acled_event, acled_spec, with_values

ACLED_31 = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
PROVENANCE = [
    "athar_event_id",
    "athar_article_id",
    "athar_codebook",
    "athar_evidence",
    "athar_decision",
    "athar_source_events",
    "athar_validated_at",
    "athar_admin1_iso",
]


def rows(*events: object, bom: bool = False) -> list[dict[str, str]]:
    text = "".join(csv_chunks(events, acled_spec(), bom=bom))  # type: ignore[arg-type]
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_header_is_acleds_31_columns_then_provenance() -> None:
    assert len(ACLED_31) == 31
    assert csv_header(acled_spec()) == ACLED_31 + PROVENANCE


def test_a_full_row_follows_acled_conventions() -> None:
    (row,) = rows(acled_event())
    assert row == {
        "event_id_cnty": "MLI-ATH1234",
        "event_date": "2024-03-02",  # midpoint of 1–3 March (time precision 2)
        "year": "2024",
        "time_precision": "2",
        "disorder_type": "Political violence",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": "Military Forces of Mali (2021-)",
        "assoc_actor_1": "Wagner Group; Dozo hunters",
        "inter1": "1",
        "actor2": "JNIM: Group for Support of Islam and Muslims",
        "assoc_actor_2": "",
        "inter2": "2",
        "interaction": "12",
        "civilian_targeting": "",
        "iso": "466",
        "region": "Western Africa",
        "country": "Mali",
        "admin1": "Gao",
        "admin2": "Gao",
        "admin3": "",
        "location": "Gao",
        "latitude": "16.2717",
        "longitude": "-0.0447",
        "geo_precision": "1",
        "source": "Al Jazeera",
        "source_scale": "International",
        "notes": ARABIC_QUOTE,
        "fatalities": "7",
        "tags": "'=cmd|' /C calc'!A0",  # the formula guard
        "timestamp": "1709555415",  # 2024-03-04T12:30:15Z
        "athar_event_id": "1234",
        "athar_article_id": "77",
        "athar_codebook": "acled@1",
        "athar_evidence": '[{"role":"trigger","start":10,"end":15,"quote":"اشتبك"},'
        '{"role":"location","start":30,"end":33,"quote":"غاو"}]',
        "athar_decision": "merge",
        "athar_source_events": "501; 502",
        "athar_validated_at": "2024-03-04T12:30:15Z",
        "athar_admin1_iso": "",  # the factory's admin1 is a name ("Gao"), not a code
    }


def test_one_sided_event_leaves_inter2_blank_and_interaction_is_type_times_ten() -> None:
    event = with_values(acled_event(), actor2=None, inter2=None, inter1="2")
    actors = {key: event.actors[key] for key in ("actor1", "assoc_actor_1")}
    (row,) = rows(replace(event, actors=actors))
    assert (row["actor2"], row["inter2"], row["interaction"]) == ("", "", "20")


def test_violence_against_civilians_row() -> None:
    spec = acled_spec()
    vac = spec.event_type_by_code("VIOLENCE_AGAINST_CIVILIANS")
    attack = spec.event_type_by_code("ATTACK")
    assert vac is not None
    assert attack is not None
    event = with_values(
        acled_event(
            event_type=ExportEventType(vac.code, dict(vac.labels)),
            event_subtype=ExportEventType(attack.code, dict(attack.labels)),
        ),
        inter1="2",
        inter2="7",
        civilian_targeting=True,
        event_date={"start": "2024-03-05"},
        time_precision="1",
    )
    (row,) = rows(event)
    assert row["event_type"] == "Violence against civilians"
    assert row["sub_event_type"] == "Attack"
    assert row["disorder_type"] == "Political violence"
    assert row["interaction"] == "27"
    assert row["civilian_targeting"] == "Civilian targeting"
    assert row["event_date"] == "2024-03-05"
    assert row["time_precision"] == "1"


def test_excessive_force_carries_both_disorder_types() -> None:
    spec = acled_spec()
    protests = spec.event_type_by_code("PROTESTS")
    excessive = spec.event_type_by_code("EXCESSIVE_FORCE_AGAINST_PROTESTERS")
    assert protests is not None
    assert excessive is not None
    event = acled_event(
        event_type=ExportEventType(protests.code, dict(protests.labels)),
        event_subtype=ExportEventType(excessive.code, dict(excessive.labels)),
    )
    (row,) = rows(event)
    assert row["disorder_type"] == "Political violence; Demonstrations"
    assert row["sub_event_type"] == "Excessive force against protesters"


@pytest.mark.parametrize(
    ("inter1", "inter2", "code"),
    [
        (1, 7, 17),
        (7, 1, 17),  # order-independent: the smaller type is the tens digit
        (1, 1, 11),
        (8, 8, 88),
        (2, 3, 23),
        (3, 2, 23),
        (1, None, 10),
        (None, 8, 80),
        (6, None, 60),
        (None, None, None),
    ],
)
def test_interaction_code(inter1: int | None, inter2: int | None, code: int | None) -> None:
    assert interaction_code(inter1, inter2) == code


def test_interaction_codes_are_acleds_44() -> None:
    assert len(INTERACTION_CODES) == 44
    assert INTERACTION_CODES[:12] == (10, 11, 12, 13, 14, 15, 16, 17, 18, 20, 22, 23)
    assert INTERACTION_CODES[-5:] == (70, 77, 78, 80, 88)


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("ML", "MLI-ATH9"),
        ("bf", "BFA-ATH9"),
        ("DZ", "DZA-ATH9"),
        ("FR", "XXX-ATH9"),
        ("", "XXX-ATH9"),
    ],
)
def test_event_id_cnty_convention(country: str, expected: str) -> None:
    assert event_id_cnty(country, 9) == expected


def test_country_facts_of_a_neighbour_and_of_an_unlisted_country() -> None:
    algiers = ExportLocation(5, "Tamanrasset", "DZ", "Tamanrasset", "", 22.785, 5.5228)
    paris = ExportLocation(5, "Paris", "FR", "Île-de-France", "Paris", 48.8566, 2.3522)
    dz, fr = rows(acled_event(1, location=algiers), acled_event(2, location=paris))
    assert (dz["iso"], dz["region"], dz["country"], dz["event_id_cnty"]) == (
        "12",
        "Northern Africa",
        "Algeria",
        "DZA-ATH1",
    )
    assert (fr["iso"], fr["region"], fr["country"], fr["event_id_cnty"]) == ("", "", "", "XXX-ATH2")
    assert (fr["admin1"], fr["latitude"], fr["longitude"]) == ("Île-de-France", "48.8566", "2.3522")


def test_month_precision_midpoint_and_year_follow_the_recorded_day() -> None:
    event = with_values(
        acled_event(), event_date={"start": "2023-12-20", "end": "2024-01-13"}, time_precision="3"
    )
    (row,) = rows(replace(event, date_start=date(2023, 12, 20), date_end=date(2024, 1, 13)))
    assert (row["event_date"], row["year"], row["time_precision"]) == ("2024-01-01", "2024", "3")


def test_missing_location_and_validation_time_give_empty_cells() -> None:
    event = with_values(acled_event(location=None, validated_at=None), location=None)
    (row,) = rows(event)
    assert row["event_id_cnty"] == "XXX-ATH1234"
    assert [row[key] for key in ("iso", "country", "location", "latitude", "timestamp")] == [""] * 5
