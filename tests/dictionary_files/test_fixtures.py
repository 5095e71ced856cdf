"""The shipped fixtures: gazetteer, actor dictionary and demo articles."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from functools import cache
from pathlib import Path

import pytest
import yaml

from coding.dictionary_files import (
    ActorRecord,
    PlaceRecord,
    read_actors,
    read_places,
    write_actors,
    write_places,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
GAZETTEER = FIXTURES / "gazetteer" / "mali.yaml"
ACTORS = FIXTURES / "actors" / "sahel.yaml"
ARTICLES = FIXTURES / "demo" / "articles.yaml"


@cache
def _places() -> dict[str, PlaceRecord]:
    return {place.key: place for place in read_places(GAZETTEER)}


@cache
def _actors() -> dict[str, ActorRecord]:
    return {actor.key: actor for actor in read_actors(ACTORS)}


@cache
def _articles() -> list[dict[str, str]]:
    articles: list[dict[str, str]] = yaml.safe_load(ARTICLES.read_text(encoding="utf-8"))[
        "articles"
    ]
    return articles


def _arabic_texts() -> list[str]:
    return [article["text"] for article in _articles() if article["language"] == "ar"]


# ---- gazetteer ------------------------------------------------------------------------


def test_gazetteer_parses_without_problems() -> None:
    places = read_places(GAZETTEER)
    assert len(places) == 168
    assert all(place.latitude is not None for place in places)


def test_gazetteer_keeps_geonames_attribution() -> None:
    header = GAZETTEER.read_text(encoding="utf-8").split("places:")[0]
    assert "GeoNames (https://www.geonames.org/)" in header
    assert "CC BY 4.0" in header
    attribution = (FIXTURES / "gazetteer" / "ATTRIBUTION.md").read_text(encoding="utf-8")
    assert "[CC BY 4.0](https://creativecommons.org/licenses/by/4.0/)" in attribution
    assert "GeoNames" in attribution


def test_every_coordinate_has_a_source() -> None:
    for place in _places().values():
        if place.latitude is not None or place.longitude is not None:
            assert place.latitude is not None, place.key
            assert place.longitude is not None, place.key
            assert place.coord_source.strip(), place.key
            assert not place.coord_source.startswith("no verified coordinate"), place.key
        else:
            assert place.coord_source.startswith("no verified coordinate"), place.key


def test_geonames_coordinates_cite_their_feature() -> None:
    cited = 0
    for place in _places().values():
        match = re.match(r"GeoNames (\d+) ", place.coord_source)
        if match:
            assert place.external_id == f"geonames:{match.group(1)}", place.key
            cited += 1
    assert cited == 66


def test_coordinates_lie_in_west_africa() -> None:
    for place in _places().values():
        if place.latitude is not None and place.longitude is not None:
            assert 4.0 <= place.latitude <= 30.0, place.key
            assert -17.0 <= place.longitude <= 9.0, place.key


@pytest.mark.parametrize(
    ("key", "name", "feature_kind"),
    [
        ("gossi", "Gossi", "town"),
        ("kwala", "Kwala", "village"),
        ("sevare", "Sévaré", "town"),
        ("lere", "Léré", "town"),
        ("boni", "Boni", "town"),
        ("hombori", "Hombori", "town"),
        ("anefis", "Anéfis", "town"),
        ("ber", "Ber", "town"),
        ("tilemsi-valley", "Vallée du Tilemsi", "valley"),
    ],
)
def test_places_the_seed_lacks_are_present(key: str, name: str, feature_kind: str) -> None:
    place = _places()[key]
    assert (place.name, place.feature_kind, place.country) == (name, feature_kind, "ML")
    assert {alias.lang for alias in place.aliases} >= {"ar", "fr", "en"}


@pytest.mark.parametrize(
    ("key", "lender"), [("kwala", "ml-2"), ("anefis", "kidal"), ("ber", "tombouctou")]
)
def test_places_without_a_sourced_coordinate_borrow_a_labelled_representative_point(
    key: str, lender: str
) -> None:
    place, other = _places()[key], _places()[lender]
    assert (place.latitude, place.longitude) == (other.latitude, other.longitude)
    assert place.coord_source.startswith("representative point, not this place's own")


def test_mali_neighbours_and_regions() -> None:
    countries = {p.country for p in _places().values() if p.feature_kind == "country"}
    assert countries == {"ML", "BF", "NE", "DZ", "MR", "SN", "GN", "CI"}
    regions = {p.admin1 for p in _places().values() if p.feature_kind == "admin1"}
    assert regions == {f"ML-{n}" for n in range(1, 11)} | {"ML-BKO"}
    places = _places()
    for place in places.values():
        if place.feature_kind in {"town", "village", "site"}:
            if place.country == "ML":
                assert place.parent == place.admin1.lower(), place.key
            else:  # towns of the neighbours hang under their province or country
                assert places[place.parent or ""].country == place.country, place.key


@pytest.mark.parametrize(
    ("alias", "key"),
    [
        ("تمبكتو", "tombouctou"),
        ("تنبكتو", "tombouctou"),
        ("Tombouctou", "tombouctou"),
        ("Timbuktu", "tombouctou"),
        ("غاو", "gao"),
        ("Gao", "gao"),
        ("كيدال", "kidal"),
        ("Kidal", "kidal"),
        ("موبتي", "mopti"),
        ("Mopti", "mopti"),
        ("سيفاري", "sevare"),
        ("Sévaré", "sevare"),
        ("باماكو", "bamako"),
        ("Bamako", "bamako"),
        ("مالي", "ml"),
        ("Mali", "ml"),
    ],
)
def test_news_spellings_are_aliases(alias: str, key: str) -> None:
    owners = {p.key for p in _places().values() if alias in {a.text for a in p.aliases}}
    assert owners == {key}


def test_gazetteer_round_trips_through_csv() -> None:
    places = list(_places().values())
    assert read_places(write_places(places, "csv"), "csv") == places


# ---- actors ---------------------------------------------------------------------------


def test_actors_parse_without_problems() -> None:
    assert len(read_actors(ACTORS)) == 35


@pytest.mark.parametrize(
    ("key", "actor_type"),
    [
        ("fama", 1),
        ("burkina-armed-forces", 1),
        ("niger-armed-forces", 1),
        ("jnim", 2),
        ("is-sahel", 2),
        ("isgs", 2),
        ("cma", 2),
        ("mnla", 2),
        ("fla", 2),
        ("wagner", 8),
        ("africa-corps", 8),
        ("minusma", 8),
        ("barkhane", 8),
        ("g5-sahel", 8),
        ("protesters-mali", 6),
        ("civilians-mali", 7),
        ("gatia", None),
        ("dan-na-ambassagou", None),
    ],
)
def test_actor_types(key: str, actor_type: int | None) -> None:
    assert _actors()[key].actor_type == actor_type


def test_jnim_components_point_to_jnim() -> None:
    # leaders also point to their group, with no ACLED type of their own
    components = {
        a.key for a in _actors().values() if a.parent == "jnim" and a.actor_type is not None
    }
    assert components == {"ansar-dine", "katiba-macina", "al-mourabitoun", "aqim-sahara"}


@pytest.mark.parametrize(
    ("alias", "key"),
    [
        ("داعش", "is-sahel"),
        ("تنظيم الدولة", "is-sahel"),
        ("القاعدة", "al-qaeda"),
        ("مجلس الأمن الدولي", "unsc"),
        ("إياد أغ غالي", "iyad-ag-ghaly"),
        ("أمادو كوفا", "amadou-koufa"),
        ("التوحيد والجهاد", "mujao"),
    ],
)
def test_common_short_names_and_leaders_are_aliases(alias: str, key: str) -> None:
    owners = {a.key for a in _actors().values() if alias in {x.text for x in a.aliases}}
    assert owners == {key}


def test_leaders_point_to_their_group_and_have_no_acled_type() -> None:
    actors = _actors()
    for leader, group in [
        ("iyad-ag-ghaly", "jnim"),
        ("amadou-koufa", "katiba-macina"),
        ("abu-walid-al-sahraoui", "isgs"),
    ]:
        assert (actors[leader].parent, actors[leader].actor_type) == (group, None)
    assert _actors()["gatia"].parent == "platform"
    assert {_actors()[key].parent for key in ("mnla", "hcua")} == {"cma"}


def test_no_unverified_wikidata_ids() -> None:
    assert {actor.external_id for actor in _actors().values()} == {""}


@pytest.mark.parametrize(
    ("alias", "key"),
    [
        ("FAMa", "fama"),
        ("القوات المسلحة المالية", "fama"),
        ("الجيش المالي", "fama"),
        ("جماعة نصرة الإسلام والمسلمين", "jnim"),
        ("نصرة الإسلام", "jnim"),
        ("GSIM", "jnim"),
        ("JNIM", "jnim"),
        ("Front de libération du Macina", "katiba-macina"),
        ("ISSP", "is-sahel"),
        ("الدولة الإسلامية في الساحل", "is-sahel"),
        ("EIGS", "isgs"),
        ("ISGS", "isgs"),
        ("فاغنر", "wagner"),
        ("Africa Corps", "africa-corps"),
        ("CSP-PSD", "csp-psd"),
        ("MINUSMA", "minusma"),
        ("Barkhane", "barkhane"),
        ("G5 Sahel", "g5-sahel"),
    ],
)
def test_actor_aliases(alias: str, key: str) -> None:
    owners = {a.key for a in _actors().values() if alias in {x.text for x in a.aliases}}
    assert owners == {key}


def test_actors_round_trip_through_csv() -> None:
    actors = list(_actors().values())
    assert read_actors(write_actors(actors, "csv"), "csv") == actors


# ---- demo articles --------------------------------------------------------------------

ARTICLE_FIELDS = {"external_id", "title", "text", "language", "source", "url", "published_at"}


def test_article_counts_by_language() -> None:
    languages = [article["language"] for article in _articles()]
    assert len(languages) >= 8
    assert languages.count("ar") >= 5
    assert languages.count("fr") >= 2
    assert languages.count("en") >= 1


def test_article_fields() -> None:
    ids = [article["external_id"] for article in _articles()]
    assert len(set(ids)) == len(ids)
    for article in _articles():
        assert set(article) == ARTICLE_FIELDS, article["external_id"]
        assert article["url"].startswith("https://example.org/")
        published = datetime.fromisoformat(article["published_at"])
        assert published.tzinfo is not None, article["external_id"]
        assert all(isinstance(article[field], str) and article[field] for field in ARTICLE_FIELDS)


def test_article_text_shape() -> None:
    for article in _articles():
        text = article["text"]
        assert 600 <= len(text) <= 2500, article["external_id"]
        paragraphs = text.split("\n")
        assert len(paragraphs) >= 3
        assert all(p and p == p.strip() for p in paragraphs), article["external_id"]
        assert "\r" not in text
        assert unicodedata.normalize("NFC", text) == text


def test_arabic_has_emoji_before_highlightable_words() -> None:
    joined = "\n".join(_arabic_texts())
    assert "🇲🇱 الجيش المالي" in joined
    assert "😢 قُتِلَ ٥ مدنيين" in joined
    # Both are outside the BMP: code points and UTF-16 units differ.
    assert len(joined.encode("utf-16-le")) // 2 > len(joined)


def test_arabic_has_eastern_digits() -> None:
    assert all(re.search("[٠-٩]", text) for text in _arabic_texts())
    joined = "\n".join(_arabic_texts())
    assert "٥ مدنيين" in joined
    assert "١٣ يونيو" in joined


def test_arabic_has_tatweel_forms() -> None:
    joined = "\n".join(_arabic_texts())
    assert 'بـ"' in joined
    assert 'لـ"جماعة نصرة الإسلام والمسلمين"' in joined
    assert "لـJNIM" in joined


def test_arabic_has_both_quote_styles() -> None:
    joined = "\n".join(_arabic_texts())
    assert re.search("«[^»\n]+»", joined)
    assert re.search("“[^”\n]+”", joined)


def test_arabic_has_latin_acronyms() -> None:
    joined = "\n".join(_arabic_texts())
    for acronym in ("JNIM", "FAMa", "MINUSMA"):
        # Letters only around the acronym: the tatweel in لـJNIM is a word character.
        pattern = rf"[\u0600-\u06FF][^\n]*(?<![A-Za-z]){acronym}(?![A-Za-z])"
        assert re.search(pattern, joined), acronym


def test_arabic_paragraph_starts_with_a_latin_word() -> None:
    starts = [
        paragraph.split(" ")[0]
        for text in _arabic_texts()
        for paragraph in text.split("\n")
        if re.match(r"[A-Za-z]+ [\u0600-\u06FF]", paragraph)
    ]
    assert "JNIM" in starts


def test_arabic_has_dual_month_names() -> None:
    assert re.search(r"يونيو/ حزيران 2022", "\n".join(_arabic_texts()))


def test_arabic_has_harakat_and_zwnj() -> None:
    joined = "\n".join(_arabic_texts())
    assert re.search("[\u064b-\u0652]", joined)
    assert "\u200c" in joined


def test_french_guillemets_use_no_break_spaces() -> None:
    french = [a["text"] for a in _articles() if a["language"] == "fr"]
    assert all("«" in text for text in french)
    for text in french:
        assert text.count("«") == len(re.findall("«[\u202f\u00a0]", text))
        assert text.count("»") == len(re.findall("[\u202f\u00a0]»", text))


def _mentions(text: str, aliases: set[str]) -> bool:
    folded = text.casefold()
    return any(alias.casefold() in folded for alias in aliases)


def test_articles_mention_dictionary_entries() -> None:
    place_aliases = {a.text for p in _places().values() for a in p.aliases if len(a.text) > 3}
    actor_aliases = {a.text for x in _actors().values() for a in x.aliases if len(a.text) > 3}
    for article in _articles():
        assert _mentions(article["text"], place_aliases), article["external_id"]
        assert _mentions(article["text"], actor_aliases), article["external_id"]


def test_demo_readme_says_the_articles_are_invented() -> None:
    readme = (FIXTURES / "demo" / "README.md").read_text(encoding="utf-8")
    assert "written for Athar" in readme
    assert "No text is copied" in readme


# ---- generated part (scripts/build_gazetteer.py) ------------------------------------------


def test_every_malian_cercle_is_an_admin2_entry_named_as_its_towns_admin2() -> None:
    places = _places()
    cercles = {
        p.admin2: p for p in places.values() if p.feature_kind == "admin2" and p.country == "ML"
    }
    assert len(cercles) == 49
    town_admin2 = {p.admin2 for p in places.values() if p.country == "ML" and p.admin2}
    assert town_admin2 <= set(cercles)
    mopti = cercles["Mopti"]
    assert (mopti.admin1, mopti.parent) == ("ML-5", "ml-5")
    assert "دائرة موبتي" in {a.text for a in mopti.aliases}
    # a representative point: the chief town's
    assert (mopti.latitude, mopti.longitude) == (
        places["mopti"].latitude,
        places["mopti"].longitude,
    )


def test_burkina_provinces_along_the_border_carry_their_iso_region() -> None:
    provinces = {
        p.key: p for p in _places().values() if p.country == "BF" and p.feature_kind == "admin2"
    }
    assert set(provinces) == {
        *("bf-oudalan", "bf-soum", "bf-loroum", "bf-yatenga", "bf-sourou", "bf-kossi"),
        "bf-kenedougou",
    }
    soum = provinces["bf-soum"]
    assert (soum.admin1, soum.admin2, soum.external_id) == ("BF-12", "Soum", "iso3166-2:BF-SOM")


@pytest.mark.parametrize(
    ("key", "alias"),
    [
        ("azawad", "إقليم أزواد"),
        ("gourma", "غورما"),
        ("sahel-region", "الساحل"),
        ("liptako-gourma", "منطقة الحدود الثلاثة"),
        ("tilemsi-valley", "وادي تلمسي"),
    ],
)
def test_natural_regions_have_arabic_names_and_a_representative_point(key: str, alias: str) -> None:
    place = _places()[key]
    assert alias in {a.text for a in place.aliases}
    assert place.latitude is not None
    assert "representative point" in place.coord_source
