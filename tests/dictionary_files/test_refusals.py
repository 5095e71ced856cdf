"""Bad files are refused with every problem listed, each at its location."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from coding.dictionary_files import (
    ActorRecord,
    Alias,
    DictionaryFileError,
    Format,
    PlaceRecord,
    Problem,
    read_actors,
    read_places,
    write_actors,
    write_places,
)

PLACE_HEADER = "key,name,aliases,country,admin1,latitude,longitude,feature_kind,coord_source,parent"
GOOD_PLACE_ROWS = [
    "ml,Mali,ar:مالي|fr:Mali,ML,,17.0,-4.0,country,countrystatecity,",
    "gao,Gao,ar:غاو,ML,ML-7,16.27167,-0.04472,town,GeoNames 2457163,ml",
    "kidal,Kidal,ar:كيدال,ML,ML-8,18.44345,1.40921,town,GeoNames 2455290,ml",
    "boni,Boni,ar:بوني,ML,ML-5,,,town,no verified coordinate,ml",
    "kwala,Kwala,,ML,ML-2,,,village,,ml",
]


def _csv_places(*extra_rows: str) -> str:
    return "\n".join([PLACE_HEADER, *GOOD_PLACE_ROWS, *extra_rows]) + "\n"


def _yaml_place(key: str = "gao", **fields: str) -> str:
    lines = [f"  - key: {key}", "    name: Gao", "    country: ML", "    feature_kind: town"]
    lines = [line for line in lines if line.split(":")[0].strip(" -") not in fields]
    lines += [f"    {name}: {value}" for name, value in fields.items()]
    if not lines[0].startswith("  - "):
        lines[0] = "  - " + lines[0].lstrip()
    return "\n".join(lines)


def _yaml_places(*entries: str) -> str:
    return "places:\n" + "\n".join(entries) + "\n"


def _problems_reading_places(text: str, fmt: Format) -> list[str]:
    with pytest.raises(DictionaryFileError) as caught:
        read_places(text, fmt)
    return [str(problem) for problem in caught.value.problems]


def _problems_reading_actors(text: str, fmt: Format) -> list[str]:
    with pytest.raises(DictionaryFileError) as caught:
        read_actors(text, fmt)
    return [str(problem) for problem in caught.value.problems]


def test_the_good_rows_read() -> None:
    assert [place.key for place in read_places(_csv_places(), "csv")] == [
        "ml",
        "gao",
        "kidal",
        "boni",
        "kwala",
    ]


# ---- the refusals named in the brief -----------------------------------------------


def test_csv_latitude_not_a_number() -> None:
    row = "mopti,Mopti,,ML,ML-5,abc,-4.18296,town,GeoNames,ml"
    assert _problems_reading_places(_csv_places(row), "csv") == [
        'row 7, latitude: "abc" is not a number'
    ]


def test_yaml_country_not_two_letters() -> None:
    text = _yaml_places(
        _yaml_place("ml", feature_kind="country"),
        _yaml_place("gao"),
        _yaml_place("kidal"),
        _yaml_place("mopti", country="MLI"),
    )
    assert _problems_reading_places(text, "yaml") == [
        'places[3].country: "MLI" is not a 2-letter ISO code'
    ]


def test_duplicate_keys() -> None:
    assert _problems_reading_places(_csv_places("gao,Gao bis,,ML,,,,town,,"), "csv") == [
        'row 7, key: duplicate key "gao" (first used at row 3)'
    ]
    text = _yaml_places(_yaml_place("gao"), _yaml_place("kidal"), _yaml_place("gao"))
    assert _problems_reading_places(text, "yaml") == [
        'places[2].key: duplicate key "gao" (first used at places[0])'
    ]


def test_unknown_parent() -> None:
    assert _problems_reading_places(_csv_places("ber,Ber,,ML,ML-6,,,town,,ml-6"), "csv") == [
        'row 7, parent: unknown parent "ml-6"'
    ]


def test_parent_loop() -> None:
    text = _yaml_places(_yaml_place("a", parent="b"), _yaml_place("b", parent="a"))
    assert _problems_reading_places(text, "yaml") == [
        'places[0].parent: parent chain loops back to "a" (a → b → a)',
        'places[1].parent: parent chain loops back to "b" (b → a → b)',
    ]


def test_coordinates_out_of_range() -> None:
    rows = ("north,North,,ML,,90.5,0,town,made up,", "east,East,,ML,,0,-180.25,town,made up,")
    assert _problems_reading_places(_csv_places(*rows), "csv") == [
        "row 7, latitude: 90.5 is outside -90..90",
        "row 8, longitude: -180.25 is outside -180..180",
    ]


def test_coordinates_without_coord_source() -> None:
    text = _yaml_places(_yaml_place("gao", latitude="16.27", longitude="-0.04"))
    assert _problems_reading_places(text, "yaml") == [
        "places[0].coord_source: is required when coordinates are given"
    ]


def test_half_a_coordinate() -> None:
    rows = ("a,A,,ML,,16.2,,town,GeoNames,", "b,B,,ML,,,-0.04,town,GeoNames,")
    assert _problems_reading_places(_csv_places(*rows), "csv") == [
        "row 7, longitude: is required when latitude is given",
        "row 8, latitude: is required when longitude is given",
    ]


ACTOR_HEADER = "key,name,aliases,actor_type,country,parent,valid_from,valid_to"


def test_actor_type_outside_acled_codes() -> None:
    csv_text = "\n".join([ACTOR_HEADER, "fama,FAMa,,1,ML,,,", "x,X,,9,ML,,,", "y,Y,,0,,,,"])
    assert _problems_reading_actors(csv_text, "csv") == [
        "row 3, actor_type: 9 is not an ACLED inter code (1–8)",
        "row 4, actor_type: 0 is not an ACLED inter code (1–8)",
    ]
    yaml_text = "actors:\n  - {key: jnim, name: JNIM, actor_type: two}\n"
    assert _problems_reading_actors(yaml_text, "yaml") == [
        'actors[0].actor_type: "two" is not a whole number'
    ]


def test_valid_to_before_valid_from() -> None:
    yaml_text = (
        "actors:\n"
        "  - {key: barkhane, name: Barkhane, valid_from: 2014-08-01, valid_to: 2013-01-11}\n"
    )
    assert _problems_reading_actors(yaml_text, "yaml") == [
        "actors[0].valid_to: 2013-01-11 is before valid_from 2014-08-01"
    ]
    csv_text = "\n".join([ACTOR_HEADER, "isgs,ISGS,,2,,,2022-03-01,2015-05-14"])
    assert _problems_reading_actors(csv_text, "csv") == [
        "row 2, valid_to: 2015-05-14 is before valid_from 2022-03-01"
    ]


# ---- more refusals -------------------------------------------------------------------


def test_every_problem_is_listed_at_once() -> None:
    rows = (
        "mopti,Mopti,Mopti,MLI,ML-5,abc,200,hamlet,,nowhere",
        ",,,,,,,,,",  # blank rows are skipped, not reported
        "Gao City, Gao ,fr:Gao|arabic:غاو,NE,ML-7,,,town,,",
    )
    assert _problems_reading_places(_csv_places(*rows), "csv") == [
        'row 7, aliases[0]: "Mopti" has no language tag '
        '(write lang:text, like "fr:Tombouctou"; "und:" when unknown)',
        'row 7, latitude: "abc" is not a number',
        'row 7, country: "MLI" is not a 2-letter ISO code',
        "row 7, longitude: 200.0 is outside -180..180",
        "row 7, coord_source: is required when coordinates are given",
        'row 7, feature_kind: "hamlet" is not a known feature kind (country, admin1, admin2, '
        "admin3, town, village, camp, site, valley, region, river, lake, mountain, road)",
        'row 9, key: "Gao City" is not a valid key '
        "(lowercase letters, digits, and . _ - between them)",
        'row 9, name: " Gao " has leading or trailing spaces',
        'row 9, aliases[1].lang: "arabic" is not an ISO 639 language code (like "ar")',
        'row 9, admin1: "ML-7" is not in country "NE"',
        'row 7, parent: unknown parent "nowhere"',
    ]


def test_required_fields_and_unknown_fields() -> None:
    text = _yaml_places("  - key: gao\n    lattitude: 16.2\n    aliases: [{text: Gao, lng: fr}]")
    assert _problems_reading_places(text, "yaml") == [
        "places[0].lattitude: unknown field",
        "places[0].aliases[0].lng: unknown field",
        "places[0].name: is required",
        "places[0].country: is required",
        "places[0].feature_kind: is required",
    ]


def test_yaml_alias_shapes() -> None:
    text = _yaml_places(
        _yaml_place("gao", aliases="[Gao, {lang: fr}, {text: ' Gao', lang: fr, script: latin}]")
    )
    assert _problems_reading_places(text, "yaml") == [
        'places[0].aliases[0]: "Gao" must be a mapping like {text: Gao, lang: fr}',
        "places[0].aliases[1].text: is required",
        'places[0].aliases[2].text: " Gao" has leading or trailing spaces',
        'places[0].aliases[2].script: "latin" is not an ISO 15924 script code (like "Arab")',
    ]


def test_repeated_alias_and_non_nfc_text() -> None:
    decomposed = "Se\u0301gou"  # e + combining acute: NFD, not NFC
    text = _yaml_places(
        _yaml_place(
            "segou",
            name=decomposed,
            aliases="[{text: Ségou, lang: fr}, {text: Ségou, lang: fr}, {text: Ségou, lang: en}]",
        )
    )
    assert _problems_reading_places(text, "yaml") == [
        f'places[0].name: "{decomposed}" is not in Unicode NFC form',
        "places[0].aliases[1]: repeats aliases[0]",
    ]


def test_csv_alias_cell_syntax() -> None:
    row = "gao2,Gao,fr:Gao||Ansar Dine: x:y|ar-Latn:Ghao,ML,,,,town,,"
    assert _problems_reading_places(_csv_places(row), "csv") == [
        "row 7, aliases[1]: is empty",
        'row 7, aliases[2]: "Ansar Dine" is not a language tag (like "ar" or "ar-Latn")',
    ]


def test_csv_header_problems_stop_reading() -> None:
    text = "key,name,lattitude,name\ngao,Gao,16.2,Gao\n"
    assert _problems_reading_places(text, "csv") == [
        'row 1: unknown column "lattitude"',
        'row 1: column "name" appears twice',
        'row 1: missing column "country"',
        'row 1: missing column "feature_kind"',
    ]


def test_csv_row_with_too_many_cells() -> None:
    assert _problems_reading_places(_csv_places("a,A,,ML,,,,town,,,extra"), "csv") == [
        "row 7: has 11 cells but the header has 10"
    ]


def test_csv_syntax_error_has_a_line() -> None:
    assert _problems_reading_places(_csv_places('gao2,"Gao,,ML,,,,town,,'), "csv") == [
        "line 7: is not valid CSV (unexpected end of data)"
    ]
    assert _problems_reading_places(_csv_places('gao2,"Ga"o,,ML,,,,town,,'), "csv") == [
        "line 7: is not valid CSV (',' expected after '\"')"
    ]


def test_external_ids() -> None:
    text = _yaml_places(
        _yaml_place("a", external_id="'2457163'"),
        _yaml_place("b", external_id="geonames:Gao"),
        _yaml_place("c", external_id="osm:node/123"),
    )
    assert _problems_reading_places(text, "yaml") == [
        'places[0].external_id: "2457163" is not of the form scheme:id (like "geonames:2460596")',
        'places[1].external_id: "Gao" is not a GeoNames id (digits)',
    ]
    actors = "actors:\n  - {key: wagner, name: Wagner, external_id: 'wikidata:wagner'}\n"
    assert _problems_reading_actors(actors, "yaml") == [
        'actors[0].external_id: "wagner" is not a Wikidata id (Q followed by digits)'
    ]


def test_yaml_value_types() -> None:
    text = _yaml_places(_yaml_place("a", country="NO", admin2="12", latitude="true"))
    assert _problems_reading_places(text, "yaml") == [
        "places[0].country: false is not text (put it in quotes)",
        "places[0].admin2: 12 is not text (put it in quotes)",
        "places[0].latitude: true is not a number",
    ]
    actors = "actors:\n  - {key: a, name: A, valid_from: 2017-02-30, valid_to: '2017/03/02'}\n"
    assert _problems_reading_actors(actors, "yaml") == [
        'actors[0].valid_from: "2017-02-30" is not a date (YYYY-MM-DD)',
        'actors[0].valid_to: "2017/03/02" is not a date (YYYY-MM-DD)',
    ]


def test_yaml_document_problems() -> None:
    assert _problems_reading_places("", "yaml") == [
        'file: is empty (expected a mapping with a "places" list)'
    ]
    assert _problems_reading_places("- key: gao\n", "yaml") == [
        'file: is not a mapping (expected a mapping with a "places" list)'
    ]
    assert _problems_reading_places("place:\n  - key: gao\n", "yaml") == [
        "place: unknown top-level field",
        "places: is required",
    ]
    assert _problems_reading_places("places: {key: gao}\n", "yaml") == ["places: must be a list"]
    assert _problems_reading_places("places:\n  - gao\n", "yaml") == ["places[0]: is not a mapping"]
    assert read_places("places:\n", "yaml") == []


def test_yaml_syntax_error_has_a_line_and_column() -> None:
    assert _problems_reading_places("places:\n  - key: [gao\n", "yaml") == [
        "line 3, column 1: expected ',' or ']', but got '<stream end>'"
    ]


def test_yaml_field_given_twice() -> None:
    text = "places:\n  - key: gao\n    name: Gao\n    name: Kidal\n"
    assert _problems_reading_places(text, "yaml") == ['line 4, column 5: duplicate field "name"']


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "places.csv"
    path.write_bytes(PLACE_HEADER.encode() + b"\ngao,Gao,,ML,,,,town,,\xe9\n")
    with pytest.raises(DictionaryFileError) as caught:
        read_places(path)
    assert caught.value.problems == [Problem("file", "is not UTF-8 (byte 105 cannot be decoded)")]


def test_error_message_lists_every_problem() -> None:
    error = DictionaryFileError([Problem("row 2, key", "is required"), Problem("row 3", "x")])
    assert str(error) == "2 problems in dictionary file\n  row 2, key: is required\n  row 3: x"


# ---- writers refuse what readers would refuse ---------------------------------------


def test_writers_refuse_invalid_records() -> None:
    places = [
        PlaceRecord("gao", "Gao", (Alias("Gao|Gawgaw", "fr"),), "ML", feature_kind="town"),
        PlaceRecord(
            "gao", "Gao", country="ml", latitude=16.2, longitude=-0.04, feature_kind="town"
        ),
    ]
    with pytest.raises(DictionaryFileError) as caught:
        write_places(places, "csv")
    assert [str(problem) for problem in caught.value.problems] == [
        'records[0].aliases[0].text: "Gao|Gawgaw" contains "|"',
        'records[1].country: "ml" is not a 2-letter ISO code',
        "records[1].coord_source: is required when coordinates are given",
        'records[1].key: duplicate key "gao" (first used at records[0])',
    ]
    actors = [
        ActorRecord("x", "X", actor_type=12, valid_from=date(2020, 1, 2), valid_to=date(2020, 1, 1))
    ]
    with pytest.raises(DictionaryFileError) as caught:
        write_actors(actors, "yaml")
    assert [str(problem) for problem in caught.value.problems] == [
        "records[0].actor_type: 12 is not an ACLED inter code (1–8)",
        "records[0].valid_to: 2020-01-01 is before valid_from 2020-01-02",
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[" * 100_000 + "]" * 100_000, "line 1, column 65: nested deeper than 64 levels"),
        ("places:\n" + "- " * 5_000 + "x", "line 2, column 127: nested deeper than 64 levels"),
    ],
)
def test_a_file_nested_too_deeply_is_a_problem_not_a_crash(text: str, problem: str) -> None:
    # libyaml's loader recursed into a deep "[[[…" until the process crashed
    assert _problems_reading_places(text, "yaml") == [problem]
    assert _problems_reading_actors(text, "yaml") == [problem]
