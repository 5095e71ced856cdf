"""Validation of records, one at a time and as a collection.

These checks run on typed records, so they serve both the readers (locations point
into the file) and the writers (locations point into the list being written).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence

from coding.dictionary_files.coerce import Locate, quote
from coding.dictionary_files.problems import Problem
from coding.dictionary_files.records import (
    ACLED_INTER_CODES,
    FEATURE_KINDS,
    ActorRecord,
    Alias,
    PlaceRecord,
)

LocateRecord = Callable[[int, str | None], str]
"""Maps (record index, field or None) to a location string."""


def field_locator(base: str, separator: str) -> Locate:
    """Locate fields under `base`: ("row 4", ", ") gives "row 4, latitude"."""

    def locate(field: str) -> str:
        return f"{base}{separator}{field}"

    return locate


KEY_PATTERN = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)*")
_COUNTRY = re.compile(r"[A-Z]{2}")
_ADMIN1 = re.compile(r"([A-Z]{2})-[A-Z0-9]{1,3}")
_LANG = re.compile(r"[a-z]{2,3}")
_SCRIPT = re.compile(r"[A-Z][a-z]{3}")
_EXTERNAL_ID = re.compile(r"([a-z][a-z0-9-]*):(\S+)")
_ID_FORMS: dict[str, tuple[re.Pattern[str], str]] = {
    "geonames": (re.compile(r"\d+"), "a GeoNames id (digits)"),
    "wikidata": (re.compile(r"Q\d+"), "a Wikidata id (Q followed by digits)"),
}


def _text_problems(value: str, field: str, locate: Locate) -> list[Problem]:
    """Shared rules for names and alias texts: trimmed, single-line, NFC."""
    problems: list[Problem] = []
    if value != value.strip():
        problems.append(Problem(locate(field), f"{quote(value)} has leading or trailing spaces"))
    if "\n" in value or "\r" in value:
        problems.append(Problem(locate(field), f"{quote(value)} contains a line break"))
    if unicodedata.normalize("NFC", value) != value:
        # Articles are stored in NFC; a non-NFC alias could never match them exactly.
        problems.append(Problem(locate(field), f"{quote(value)} is not in Unicode NFC form"))
    return problems


def _trimmed_problems(value: str, field: str, locate: Locate) -> list[Problem]:
    """Free-text fields may hold anything but outer whitespace (a blank cell reads as empty)."""
    if value != value.strip():
        return [Problem(locate(field), f"{quote(value)} has leading or trailing spaces")]
    return []


def alias_problems(aliases: Sequence[Alias], locate: Locate) -> list[Problem]:
    """Problems with the aliases of one record; fields located as "aliases[i].text" etc."""
    problems: list[Problem] = []
    seen: dict[tuple[str, str | None], int] = {}
    for index, alias in enumerate(aliases):
        at = f"aliases[{index}]"
        if not alias.text.strip():
            problems.append(Problem(locate(f"{at}.text"), "is required"))
        else:
            problems += _text_problems(alias.text, f"{at}.text", locate)
            if "|" in alias.text:
                # "|" separates aliases in the CSV form.
                problems.append(Problem(locate(f"{at}.text"), f'{quote(alias.text)} contains "|"'))
        if alias.lang is not None and not _LANG.fullmatch(alias.lang):
            message = f'{quote(alias.lang)} is not an ISO 639 language code (like "ar")'
            problems.append(Problem(locate(f"{at}.lang"), message))
        if alias.script is not None and not _SCRIPT.fullmatch(alias.script):
            message = f'{quote(alias.script)} is not an ISO 15924 script code (like "Arab")'
            problems.append(Problem(locate(f"{at}.script"), message))
        first = seen.setdefault((alias.text, alias.lang), index)
        if first != index:
            problems.append(Problem(locate(at), f"repeats aliases[{first}]"))
    return problems


def _key_problems(key: str, locate: Locate) -> list[Problem]:
    if not key:
        return [Problem(locate("key"), "is required")]
    if not KEY_PATTERN.fullmatch(key):
        rule = "lowercase letters, digits, and . _ - between them"
        message = f"{quote(key)} is not a valid key ({rule})"
        return [Problem(locate("key"), message)]
    return []


def _name_problems(name: str, locate: Locate) -> list[Problem]:
    if not name.strip():
        return [Problem(locate("name"), "is required")]
    return _text_problems(name, "name", locate)


def _country_problems(country: str, locate: Locate, *, required: bool) -> list[Problem]:
    if not country:
        return [Problem(locate("country"), "is required")] if required else []
    if not _COUNTRY.fullmatch(country):
        return [Problem(locate("country"), f"{quote(country)} is not a 2-letter ISO code")]
    return []


def _external_id_problems(external_id: str, locate: Locate) -> list[Problem]:
    if not external_id:
        return []
    match = _EXTERNAL_ID.fullmatch(external_id)
    if match is None:
        message = f'{quote(external_id)} is not of the form scheme:id (like "geonames:2460596")'
        return [Problem(locate("external_id"), message)]
    scheme, local = match.groups()
    if scheme in _ID_FORMS:
        pattern, what = _ID_FORMS[scheme]
        if not pattern.fullmatch(local):
            return [Problem(locate("external_id"), f"{quote(local)} is not {what}")]
    return []


def _coordinate_problems(record: PlaceRecord, locate: Locate) -> list[Problem]:
    problems: list[Problem] = []
    lat, lon = record.latitude, record.longitude
    for field, value, limit in (("latitude", lat, 90.0), ("longitude", lon, 180.0)):
        if value is not None and (math.isnan(value) or not -limit <= value <= limit):
            bound = int(limit)
            problems.append(Problem(locate(field), f"{value!r} is outside -{bound}..{bound}"))
    if lat is not None and lon is None:
        problems.append(Problem(locate("longitude"), "is required when latitude is given"))
    if lon is not None and lat is None:
        problems.append(Problem(locate("latitude"), "is required when longitude is given"))
    if (lat is not None or lon is not None) and not record.coord_source.strip():
        problems.append(Problem(locate("coord_source"), "is required when coordinates are given"))
    return problems


def place_problems(record: PlaceRecord, locate: Locate) -> list[Problem]:
    """Every problem with one place record taken on its own."""
    problems = _key_problems(record.key, locate)
    problems += _name_problems(record.name, locate)
    problems += alias_problems(record.aliases, locate)
    problems += _country_problems(record.country, locate, required=True)
    if record.admin1:
        match = _ADMIN1.fullmatch(record.admin1)
        if match is None:
            message = f'{quote(record.admin1)} is not an ISO 3166-2 code (like "ML-7")'
            problems.append(Problem(locate("admin1"), message))
        elif _COUNTRY.fullmatch(record.country) and match.group(1) != record.country:
            message = f"{quote(record.admin1)} is not in country {quote(record.country)}"
            problems.append(Problem(locate("admin1"), message))
    problems += _trimmed_problems(record.admin2, "admin2", locate)
    problems += _coordinate_problems(record, locate)
    problems += _trimmed_problems(record.coord_source, "coord_source", locate)
    if not record.feature_kind:
        problems.append(Problem(locate("feature_kind"), "is required"))
    elif record.feature_kind not in FEATURE_KINDS:
        kinds = ", ".join(FEATURE_KINDS)
        message = f"{quote(record.feature_kind)} is not a known feature kind ({kinds})"
        problems.append(Problem(locate("feature_kind"), message))
    problems += _external_id_problems(record.external_id, locate)
    return problems


def actor_problems(record: ActorRecord, locate: Locate) -> list[Problem]:
    """Every problem with one actor record taken on its own."""
    problems = _key_problems(record.key, locate)
    problems += _name_problems(record.name, locate)
    problems += alias_problems(record.aliases, locate)
    if record.actor_type is not None and record.actor_type not in ACLED_INTER_CODES:
        message = f"{record.actor_type} is not an ACLED inter code (1–8)"
        problems.append(Problem(locate("actor_type"), message))
    problems += _country_problems(record.country, locate, required=False)
    if (
        record.valid_from is not None
        and record.valid_to is not None
        and record.valid_to < record.valid_from
    ):
        message = f"{record.valid_to} is before valid_from {record.valid_from}"
        problems.append(Problem(locate("valid_to"), message))
    problems += _external_id_problems(record.external_id, locate)
    problems += _trimmed_problems(record.description, "description", locate)
    return problems


def collection_problems(
    records: Sequence[PlaceRecord | ActorRecord], locate: LocateRecord
) -> list[Problem]:
    """Problems between records: duplicate keys, unknown parents, parent loops."""
    problems: list[Problem] = []
    first_index: dict[str, int] = {}
    for index, record in enumerate(records):
        if not record.key:
            continue
        first = first_index.setdefault(record.key, index)
        if first != index:
            message = f"duplicate key {quote(record.key)} (first used at {locate(first, None)})"
            problems.append(Problem(locate(index, "key"), message))
    parents = {record.key: record.parent for record in records if record.key}
    for index, record in enumerate(records):
        if record.parent is None:
            continue
        if record.parent not in parents:
            message = f"unknown parent {quote(record.parent)}"
            problems.append(Problem(locate(index, "parent"), message))
            continue
        chain = [record.key, record.parent]
        seen = {record.key}
        current: str | None = record.parent
        while current is not None and current in parents and current not in seen:
            seen.add(current)
            current = parents[current]
            if current is not None:
                chain.append(current)
        if current == record.key:
            message = f"parent chain loops back to {quote(record.key)} ({' → '.join(chain)})"
            problems.append(Problem(locate(index, "parent"), message))
    return problems
