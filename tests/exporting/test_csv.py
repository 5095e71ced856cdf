"""CSV in general: generic layout, quoting, Arabic, BOM and the formula guard, errors."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest

from coding.codebook_spec import load_codebook_text, load_preset
from coding.exporting import (
    ExportDataError,
    ExportLayoutError,
    csv_chunks,
    csv_header,
)
from tests.exporting.factories import (
    ARABIC_QUOTE,
    SAHEL_CODEBOOK_YAML,
    acled_event,
    acled_spec,
    sahel_event,
    sahel_spec,
    with_values,
)

SAHEL_HEADER = [
    "when",
    "sides",
    "location",
    "staging_area",
    "weapons",
    "intensity",
    "claim",
    "deaths",
    "summary",
    "hostages",
    "event_type",
    "event_type_label",
    "event_subtype",
    "event_subtype_label",
    "athar_event_id",
    "athar_article_id",
    "athar_codebook",
    "athar_evidence",
    "athar_decision",
    "athar_source_events",
    "athar_validated_at",
    "athar_admin1_iso",
]


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_generic_header_is_fields_then_types_then_provenance() -> None:
    assert csv_header(sahel_spec()) == SAHEL_HEADER


def test_generic_row_renders_references_lists_dates_and_types() -> None:
    header, row = parse("".join(csv_chunks([sahel_event()], sahel_spec())))
    assert dict(zip(header, row, strict=True)) | {"athar_evidence": "…"} == {
        "when": "2024-05-01/2024-05-02",
        "sides": "Military Forces of Mali (2021-); JNIM: Group for Support of Islam and "
        "Muslims; مسلحون مجهولون",
        "location": "Gao",
        "staging_area": "Tessalit",
        "weapons": "small_arms; drone",
        "intensity": "2",
        "claim": "claimed",
        "deaths": "4",
        "summary": "'-12 قتيلاً? لا",  # a spreadsheet would compute "-12 ...": guarded
        "hostages": "true",
        "event_type": "CLASH",
        "event_type_label": "Clash",
        "event_subtype": "CLASH_TERRITORY",
        "event_subtype_label": "Clash with a change of control",
        "athar_event_id": "40",
        "athar_article_id": "77",
        "athar_codebook": "sahel-demo@3",
        "athar_evidence": "…",
        "athar_decision": "merge",
        "athar_source_events": "501; 502",
        "athar_validated_at": "2024-03-04T12:30:15Z",
        "athar_admin1_iso": "",
    }


def test_single_day_date_is_one_iso_date_and_missing_values_are_empty() -> None:
    event = with_values(
        sahel_event(event_subtype=None),
        when={"start": "2024-05-01", "end": None},
        weapons=[],
        summary="  ",
        hostages=False,
        staging_area=None,
    )
    header, row = parse("".join(csv_chunks([event], sahel_spec())))
    cells = dict(zip(header, row, strict=True))
    assert cells["when"] == "2024-05-01"
    assert (cells["weapons"], cells["summary"], cells["staging_area"]) == ("", "", "")
    assert cells["hostages"] == "false"
    assert (cells["event_subtype"], cells["event_subtype_label"]) == ("", "")


def test_presets_without_layout_use_the_generic_layout() -> None:
    assert csv_header(load_preset("plover"))[:9] == [
        "actor",
        "recipient",
        "date",
        "event_loc",
        "context",
        "auxiliary_mode",
        "dead",
        "injured",
        "comment",
    ]
    ucdp = csv_header(load_preset("ucdp"))
    assert ucdp[:3] == ["side_a", "side_b", "date"]
    assert ucdp[-12:-8] == [  # before the 8 provenance columns
        "event_type",
        "event_type_label",
        "event_subtype",
        "event_subtype_label",
    ]


def test_arabic_quotes_newlines_and_emoji_round_trip_through_csv_reader() -> None:
    tricky = 'سطر "أول"، ثم فاصلة,\r\nو"سطر ثانٍ" 🇲🇱👍🏽\n\'=1+1'
    event = with_values(acled_event(), notes=tricky, tags="a; b")
    text = "".join(csv_chunks([event, acled_event(2)], acled_spec()))
    header, first, second = parse(text)
    assert first[header.index("notes")] == tricky
    assert second[header.index("notes")] == ARABIC_QUOTE
    assert first[header.index("tags")] == "a; b"
    assert text.encode("utf-8").decode("utf-8") == text
    assert "اشتباك عنيف" in text  # Arabic is written as is, not escaped


def test_bom_is_only_at_the_start_in_spreadsheet_mode() -> None:
    plain_text = "".join(csv_chunks([acled_event()], acled_spec()))
    sheet_text = "".join(csv_chunks([acled_event()], acled_spec(), bom=True))
    assert not plain_text.startswith("\ufeff")
    assert sheet_text.startswith("\ufeffevent_id_cnty,event_date,")
    assert sheet_text.count("\ufeff") == 1
    assert sheet_text.encode("utf-8")[:3] == b"\xef\xbb\xbf"


def test_every_csv_guards_formula_text_unless_turned_off() -> None:
    event = with_values(acled_event(), notes="@SUM(A1)", tags="=cmd|' /C calc'!A0")
    for bom, guard, prefix in ((False, True, "'"), (True, True, "'"), (True, False, "")):
        text = "".join(csv_chunks([event], acled_spec(), bom=bom, formula_guard=guard))
        assert text.startswith("\ufeff") is bom
        header, row = parse(text.removeprefix("\ufeff"))
        assert row[header.index("tags")] == prefix + "=cmd|' /C calc'!A0"
        assert row[header.index("notes")] == prefix + "@SUM(A1)"
        # Number columns are never guarded: a negative longitude stays a number.
        assert row[header.index("longitude")] == "-0.0447"


def test_only_text_columns_are_guarded() -> None:
    """A negative coordinate is common: number columns are written as they are even though
    "-0.0447" starts with a minus; in text columns only a plain number is left alone."""
    from coding.exporting.layout import export_columns

    types = {column.name: column.type for column in export_columns(acled_spec())}
    assert types["longitude"] == "number"
    assert types["notes"] == "string"
    event = with_values(acled_event(), notes="-3.5", tags="-3.5 km")
    header, row = parse("".join(csv_chunks([event], acled_spec())))
    assert row[header.index("notes")] == "-3.5"  # a plain number, in a text column: kept
    assert row[header.index("tags")] == "'-3.5 km"


@pytest.mark.parametrize(
    ("text", "guarded"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6 12", "'+33 6 12"),
        ("-1+1", "'-1+1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        # Hidden behind whitespace, control or format characters, or in another width.
        (" =1+1", "' =1+1"),
        ("\n=1+1", "'\n=1+1"),
        ("\r\n@A1", "'\r\n@A1"),
        ("\u3000+1", "'\u3000+1"),
        ("\u00a0-1+1", "'\u00a0-1+1"),
        ("\u200b=1", "'\u200b=1"),
        ("\u200f=1", "'\u200f=1"),
        ("\x00=1", "'\x00=1"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("\uff0b1", "'\uff0b1"),
        ("\uff0d1", "'\uff0d1"),
        ("\uff20A1", "'\uff20A1"),
        ("\u22121+1", "'\u22121+1"),
        ("\tplain", "'\tplain"),
        ("\rplain", "'\rplain"),
        ("a=1", "a=1"),
        ("(=1)", "(=1)"),
        (" -12.5", "' -12.5"),
        ("-12.5", "-12.5"),
        ("+7", "+7"),
        ("1e5", "1e5"),
        ("قتيل", "قتيل"),
        ("", ""),
    ],
)
def test_guard_formula(text: str, guarded: str) -> None:
    from coding.exporting.cells import guard_formula

    assert guard_formula(text) == guarded


def test_retracted_events_are_not_rows() -> None:
    text = "".join(csv_chunks([acled_event(1), acled_event(2, retracted=True)], acled_spec()))
    header, *rows = parse(text)
    assert [row[header.index("athar_event_id")] for row in rows] == ["1"]


def test_lines_end_with_crlf() -> None:
    text = "".join(csv_chunks([acled_event()], acled_spec()))
    assert text.endswith("2024-03-04T12:30:15Z,\r\n")  # then the empty athar_admin1_iso
    assert text.split("\r\n", 1)[0] == ",".join(csv_header(acled_spec()))


def test_unresolved_actor_reference_is_an_error_not_a_blank() -> None:
    event = replace(acled_event(), actors={})
    chunks = csv_chunks([event], acled_spec())
    assert next(chunks).startswith("event_id_cnty")
    with pytest.raises(ExportDataError, match="actor 11 of field 'actor1' was not resolved"):
        next(chunks)


def test_malformed_date_value_is_an_error() -> None:
    event = with_values(acled_event(), event_date={"start": "2024-13-01"})
    with pytest.raises(ExportDataError, match="field 'event_date' holds"):
        "".join(csv_chunks([event], acled_spec()))


def test_unknown_derived_rule_fails_when_the_writer_is_called() -> None:
    text = SAHEL_CODEBOOK_YAML + "export:\n  columns:\n    - {name: x, derived: moon_phase}\n"
    with pytest.raises(ExportLayoutError, match="unknown derived rule 'moon_phase'"):
        csv_chunks([], load_codebook_text(text))


def test_column_name_clash_with_provenance_fails() -> None:
    text = SAHEL_CODEBOOK_YAML.replace(
        "key: summary\n", "key: summary\n    export_column: athar_decision\n"
    )
    with pytest.raises(ExportLayoutError, match="athar_decision"):
        csv_header(load_codebook_text(text))


def test_custom_export_layout_without_acled_conventions() -> None:
    text = SAHEL_CODEBOOK_YAML + (
        "export:\n  columns:\n"
        "    - {name: id, derived: event_id}\n"
        "    - {name: when, field: when}\n"
        "    - {name: year, derived: year}\n"
        "    - {name: lat, derived: location.latitude}\n"
        "    - {name: iso, derived: location.iso}\n"
    )
    spec = load_codebook_text(text)
    header, row = parse("".join(csv_chunks([sahel_event()], spec)))
    assert header[:5] == ["id", "when", "year", "lat", "iso"]
    # No ACLED conventions: plain id, date interval, full coordinate precision.
    assert row[:5] == ["40", "2024-05-01/2024-05-02", "2024", "16.27167", "466"]


def test_reference_ids_stored_as_text_still_resolve() -> None:
    event = with_values(acled_event(), actor1={"id": "11"}, location={"id": "5"})
    header, row = parse("".join(csv_chunks([event], acled_spec())))
    assert row[header.index("actor1")] == "Military Forces of Mali (2021-)"
    assert row[header.index("location")] == "Gao"


def test_proposed_location_name_is_written_without_gazetteer_facts() -> None:
    event = with_values(acled_event(location=None), location={"name": "بئر جديد"})
    header, row = parse("".join(csv_chunks([event], acled_spec())))
    cells = dict(zip(header, row, strict=True))
    assert cells["location"] == "بئر جديد"
    assert (cells["admin1"], cells["latitude"], cells["iso"]) == ("", "", "")


def test_the_quick_first_character_check_misses_nothing_in_the_bmp() -> None:
    """``is_formula`` asks the regular expression only about texts whose first character is
    in ``_SUSPECT_FIRST`` (built from part of the BMP) or outside the BMP."""
    import unicodedata

    from coding.exporting import cells

    starts = set("=+-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b\u2212")
    expected = {
        char
        for char in map(chr, range(0x10000))
        if char in starts or char.isspace() or unicodedata.category(char) in ("Cc", "Cf")
    }
    assert expected == cells._SUSPECT_FIRST
