"""Record types of the place (gazetteer) and actor dictionaries.

The records are plain frozen dataclasses so that they can be compared, hashed and
round-tripped through YAML and CSV without loss. Constructing a record does not
validate it; `coding.dictionary_files.checks` does that and reports every problem.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

# ISO 15924 codes this package derives on its own; other codes may be given explicitly.
ARABIC_SCRIPT = "Arab"
LATIN_SCRIPT = "Latn"

# Kinds of place a gazetteer entry may describe. A closed list keeps filters and map
# styling predictable; extend it here (and in docs/dictionaries.md) when a new kind is needed.
FEATURE_KINDS: tuple[str, ...] = (
    "country",
    "admin1",
    "admin2",
    "admin3",
    "town",
    "village",
    "camp",
    "site",
    "valley",
    "region",
    "river",
    "lake",
    "mountain",
    "road",
)

# ACLED "inter" codes (actor types), as listed in the ACLED codebook.
ACLED_INTER_CODES: dict[int, str] = {
    1: "State forces",
    2: "Rebel group",
    3: "Political militia",
    4: "Identity militia",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}


def derive_script(text: str) -> str | None:
    """Return "Arab" if `text` has any Arabic-script character, else "Latn" if it has a
    Latin letter, else None.

    Arabic wins over Latin so that mixed aliases such as "لـJNIM" count as Arabic: they
    only occur inside Arabic prose.
    """
    has_latin = False
    for char in text:
        name = unicodedata.name(char, "")
        if name.startswith("ARABIC"):
            return ARABIC_SCRIPT
        if name.startswith("LATIN"):
            has_latin = True
    return LATIN_SCRIPT if has_latin else None


@dataclass(frozen=True)
class Alias:
    """One spelling of a name.

    `lang` is an ISO 639 code ("ar", "fr", "en", "taq", …) or None when unknown.
    `script` is an ISO 15924 code; when None it is derived from `text` (see
    `derive_script`), so `Alias("Gao", "fr") == Alias("Gao", "fr", "Latn")`.
    """

    text: str
    lang: str | None = None
    script: str | None = None

    def __post_init__(self) -> None:
        if self.script is None:
            # Frozen dataclass: the derived default has to be set through object.
            object.__setattr__(self, "script", derive_script(self.text))

    @property
    def script_is_derived(self) -> bool:
        """True when `script` equals what would be derived from `text`, so writers may omit it."""
        return self.script == derive_script(self.text)


@dataclass(frozen=True)
class PlaceRecord:
    """One gazetteer entry.

    `country` is ISO 3166-1 alpha-2, `admin1` an ISO 3166-2 code ("ML-6") or "",
    `admin2` a free-text second-level unit (a cercle in Mali) or "". Coordinates are
    WGS84 decimal degrees; `coord_source` says where they came from and is required
    whenever a coordinate is given. `parent` is the key of the enclosing entry.
    """

    key: str
    name: str
    aliases: tuple[Alias, ...] = ()
    country: str = ""
    admin1: str = ""
    admin2: str = ""
    latitude: float | None = None
    longitude: float | None = None
    feature_kind: str = ""
    external_id: str = ""
    coord_source: str = ""
    parent: str | None = None


@dataclass(frozen=True)
class ActorRecord:
    """One actor-dictionary entry.

    `actor_type` is the ACLED inter code (1–8) or None when not settled. `country` is
    ISO 3166-1 alpha-2 or "" for international actors. `parent` is the key of the
    actor this one belongs to or is affiliated with. `valid_from`/`valid_to` bound the
    period in which the actor existed under this identity (inclusive; None = open).
    """

    key: str
    name: str
    aliases: tuple[Alias, ...] = ()
    actor_type: int | None = None
    country: str = ""
    parent: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    external_id: str = ""
    description: str = ""


# Field order used by both writers and by the CSV header.
PLACE_FIELDS: tuple[str, ...] = (
    "key",
    "name",
    "aliases",
    "country",
    "admin1",
    "admin2",
    "latitude",
    "longitude",
    "feature_kind",
    "external_id",
    "coord_source",
    "parent",
)
ACTOR_FIELDS: tuple[str, ...] = (
    "key",
    "name",
    "aliases",
    "actor_type",
    "country",
    "parent",
    "valid_from",
    "valid_to",
    "external_id",
    "description",
)
PLACE_REQUIRED: frozenset[str] = frozenset({"key", "name", "country", "feature_kind"})
ACTOR_REQUIRED: frozenset[str] = frozenset({"key", "name"})

__all__ = [
    "ACLED_INTER_CODES",
    "ACTOR_FIELDS",
    "ACTOR_REQUIRED",
    "ARABIC_SCRIPT",
    "FEATURE_KINDS",
    "LATIN_SCRIPT",
    "PLACE_FIELDS",
    "PLACE_REQUIRED",
    "ActorRecord",
    "Alias",
    "PlaceRecord",
    "derive_script",
]
