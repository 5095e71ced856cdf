"""write → read gives equal records, for both formats and both record types."""

from __future__ import annotations

import string
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coding.dictionary_files import (
    ActorRecord,
    Alias,
    DictionaryFileError,
    Format,
    PlaceRecord,
    Problem,
    read_actors,
    read_places,
    validate_actors,
    validate_places,
    write_actors,
    write_places,
)

FORMATS: list[Format] = ["yaml", "csv"]

GAO = PlaceRecord(
    key="gao",
    name="Gao",
    aliases=(
        Alias("غاو", "ar"),
        Alias("جاو", "ar"),
        Alias("Gao", "fr"),
        Alias("Ghao", "ar", "Latn"),  # script equals the derived one: written without it
        Alias("ⵜⵉⴼⵉⵏⴰⵖ", "taq", "Tfng"),  # not derivable: written as taq-Tfng
    ),
    country="ML",
    admin1="ML-7",
    admin2="Gao",
    latitude=16.27167,
    longitude=-0.04472,
    feature_kind="town",
    external_id="geonames:2457163",
    coord_source="GeoNames 2457163 (CC BY 4.0)",
    parent="ml",
)
MALI = PlaceRecord(
    key="ml",
    name="Mali",
    aliases=(Alias("مالي", "ar"), Alias("Mali", None)),
    country="ML",
    feature_kind="country",
)
TILEMSI = PlaceRecord(
    key="tilemsi-valley",
    name="Vallée du Tilemsi",
    aliases=(Alias("وادي تلمسي", "ar"), Alias("Tilemsi: the valley", "fr")),
    country="ML",
    feature_kind="valley",
    coord_source="no verified coordinate",
    parent="ml",
)
JNIM = ActorRecord(
    key="jnim",
    name="JNIM",
    aliases=(Alias("جماعة نصرة الإسلام والمسلمين", "ar"), Alias("GSIM", "fr")),
    actor_type=2,
    country="ML",
    valid_from=date(2017, 3, 2),
    description='Coalition; "quoted", with: colons # and hashes',
)
ANSAR_DINE = ActorRecord(
    key="ansar-dine",
    name="Ansar Dine",
    aliases=(Alias("أنصار الدين", "ar"),),
    actor_type=2,
    parent="jnim",
    valid_from=date(2012, 1, 1),
    valid_to=date(2017, 3, 2),
    description="Line one\nline two\rand a lone carriage return",
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_places_round_trip(fmt: Format) -> None:
    records = [MALI, GAO, TILEMSI]
    assert read_places(write_places(records, fmt), fmt) == records


@pytest.mark.parametrize("fmt", FORMATS)
def test_actors_round_trip(fmt: Format) -> None:
    records = [JNIM, ANSAR_DINE]
    assert read_actors(write_actors(records, fmt), fmt) == records


def test_csv_layout() -> None:
    text = write_places([MALI, GAO], "csv")
    assert text.splitlines() == [
        "key,name,aliases,country,admin1,admin2,latitude,longitude,feature_kind,"
        "external_id,coord_source,parent",
        "ml,Mali,ar:مالي|und:Mali,ML,,,,,country,,,",
        "gao,Gao,ar:غاو|ar:جاو|fr:Gao|ar:Ghao|taq-Tfng:ⵜⵉⴼⵉⵏⴰⵖ,ML,ML-7,Gao,16.27167,-0.04472,town,"
        "geonames:2457163,GeoNames 2457163 (CC BY 4.0),ml",
    ]


def test_yaml_layout_and_comment() -> None:
    text = write_places([MALI], "yaml", comment="Contains GeoNames data.\nCC BY 4.0")
    assert text.splitlines()[:8] == [
        "# Contains GeoNames data.",
        "# CC BY 4.0",
        "places:",
        "- key: ml",
        "  name: Mali",
        "  aliases:",
        "  - {text: مالي, lang: ar}",
        "  - {text: Mali}",
    ]


def test_csv_refuses_a_comment() -> None:
    with pytest.raises(ValueError, match="CSV has no comments"):
        write_places([MALI], "csv", comment="attribution")


@pytest.mark.parametrize(("suffix", "fmt"), [(".yaml", "yaml"), (".yml", "yaml"), (".csv", "csv")])
def test_read_from_path_infers_format_and_skips_bom(
    tmp_path: Path, suffix: str, fmt: Format
) -> None:
    path = tmp_path / f"places{suffix}"
    path.write_bytes(b"\xef\xbb\xbf" + write_places([MALI, GAO], fmt).encode())
    assert read_places(path) == [MALI, GAO]


def test_text_source_needs_a_format() -> None:
    with pytest.raises(ValueError, match="fmt is required"):
        read_places("places: []")


def test_unknown_suffix_needs_a_format(tmp_path: Path) -> None:
    path = tmp_path / "places.txt"
    path.write_text("places: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match="cannot tell the format"):
        read_places(path)
    assert read_places(path, "yaml") == []


# ---- property-based round trip over valid records -------------------------------

_TEXT_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="|")


def _clean_text(min_size: int = 1) -> st.SearchStrategy[str]:
    """Single-line NFC text without outer whitespace: what the checks accept."""
    return (
        st.text(_TEXT_CHARS, min_size=min_size, max_size=20)
        .map(lambda value: unicodedata.normalize("NFC", value).strip())
        .filter(lambda value: len(value) >= min_size)
    )


_keys = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,4})?", fullmatch=True)
_aliases = st.lists(
    st.builds(
        Alias,
        _clean_text(),
        st.none() | st.from_regex(r"[a-z]{2,3}", fullmatch=True),
        st.none() | st.sampled_from(["Arab", "Latn", "Tfng"]),
    ),
    max_size=4,
    unique_by=lambda alias: (alias.text, alias.lang),
).map(tuple)
_countries = st.from_regex(r"[A-Z]{2}", fullmatch=True)


@st.composite
def _place_lists(draw: st.DrawFn) -> list[PlaceRecord]:
    keys = draw(st.lists(_keys, min_size=1, max_size=5, unique=True))
    records = []
    for index, key in enumerate(keys):
        country = draw(_countries)
        has_point = draw(st.booleans())
        records.append(
            PlaceRecord(
                key=key,
                name=draw(_clean_text()),
                aliases=draw(_aliases),
                country=country,
                admin1=draw(st.sampled_from(["", f"{country}-7", f"{country}-BKO"])),
                admin2=draw(_clean_text(0)),
                latitude=draw(st.floats(-90, 90)) if has_point else None,
                longitude=draw(st.floats(-180, 180)) if has_point else None,
                feature_kind=draw(st.sampled_from(["town", "admin1", "valley"])),
                external_id=draw(st.sampled_from(["", "geonames:2457163", "iso3166-2:ML-7"])),
                coord_source=draw(_clean_text(1 if has_point else 0)),
                # Parents point backwards only, so no loops.
                parent=draw(st.none() | st.sampled_from(keys[:index])) if index else None,
            )
        )
    return records


@st.composite
def _actor_lists(draw: st.DrawFn) -> list[ActorRecord]:
    keys = draw(st.lists(_keys, min_size=1, max_size=5, unique=True))
    records = []
    for index, key in enumerate(keys):
        start = draw(st.none() | st.dates(date(1950, 1, 1), date(2030, 12, 31)))
        end = draw(st.none() | st.dates(start or date(1950, 1, 1), date(2040, 12, 31)))
        records.append(
            ActorRecord(
                key=key,
                name=draw(_clean_text()),
                aliases=draw(_aliases),
                actor_type=draw(st.none() | st.integers(1, 8)),
                country=draw(st.just("") | _countries),
                parent=draw(st.none() | st.sampled_from(keys[:index])) if index else None,
                valid_from=start,
                valid_to=end,
                external_id=draw(st.sampled_from(["", "wikidata:Q42"])),
                description=draw(st.text(string.printable + "éغ«»", max_size=30).map(str.strip)),
            )
        )
    return records


@settings(max_examples=60, deadline=None)
@given(records=_place_lists(), fmt=st.sampled_from(FORMATS))
def test_any_valid_places_round_trip(records: list[PlaceRecord], fmt: Format) -> None:
    assert validate_places(records) == []
    assert read_places(write_places(records, fmt), fmt) == records


@settings(max_examples=60, deadline=None)
@given(records=_actor_lists(), fmt=st.sampled_from(FORMATS))
def test_any_valid_actors_round_trip(records: list[ActorRecord], fmt: Format) -> None:
    assert validate_actors(records) == []
    assert read_actors(write_actors(records, fmt), fmt) == records


_YAML_PIECES = st.sampled_from(
    [
        "places:",
        "actors:",
        "\n",
        "  - ",
        "key: gao",
        "name: ",
        "[",
        "]",
        "{",
        "}",
        ":",
        "-",
        "latitude: 1e400",
        "valid_from: 2017-02-30",
        "? [a]\n: b",
        "&x",
        "*x",
        "!!python/object",
        "'",
    ]
)
_CSV_PIECES = st.sampled_from(
    [
        "key,name,country,feature_kind,aliases,actor_type",
        "\n",
        ",",
        '"',
        "gao",
        "fr:",
        "|",
        "\r",
        "\x00",
    ]
)


@settings(max_examples=150, deadline=None)
@given(pieces=st.lists(_YAML_PIECES | _CSV_PIECES, max_size=25), fmt=st.sampled_from(FORMATS))
def test_any_text_either_reads_or_raises_dictionary_file_error(
    pieces: list[str], fmt: Format
) -> None:
    text = "".join(pieces)
    for read in (read_places, read_actors):
        problems: list[Problem] = []
        try:
            records = read(text, fmt)
        except DictionaryFileError as error:
            problems = error.problems
            records = []
        # Either records or a non-empty problem list, never another exception.
        assert bool(problems) or isinstance(records, list)
        assert all(problem.location and problem.message for problem in problems)
