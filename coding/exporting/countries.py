"""Country facts for the ACLED columns ``iso``, ``region`` and ``country``.

A deliberately small table: the Sahel and its neighbours, which is what Athar's corpus covers.
Countries that are not listed export an empty ``iso``/``region``/``country`` (never a guess)
and the prefix ``XXX`` in ``event_id_cnty``; extend ``COUNTRIES`` to cover more.

Numeric and alpha-3 codes are ISO 3166-1; regions are ACLED's region names (``acled_regions``
in ACLED's R package); names follow ACLED's spelling where it differs from ISO's short name
(``Ivory Coast``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

UNKNOWN_ISO3 = "XXX"
"""Prefix used in ``event_id_cnty`` for a missing or unlisted country (ICAO's 'unspecified')."""


@dataclass(frozen=True, slots=True)
class Country:
    iso2: str
    iso3: str
    numeric: int
    name: str
    region: str


_WEST = "Western Africa"
_MIDDLE = "Middle Africa"
_NORTH = "Northern Africa"
_EAST = "Eastern Africa"

_TABLE = (
    # The Sahel belt.
    Country("ML", "MLI", 466, "Mali", _WEST),
    Country("BF", "BFA", 854, "Burkina Faso", _WEST),
    Country("NE", "NER", 562, "Niger", _WEST),
    Country("MR", "MRT", 478, "Mauritania", _WEST),
    Country("TD", "TCD", 148, "Chad", _MIDDLE),
    Country("SN", "SEN", 686, "Senegal", _WEST),
    Country("GM", "GMB", 270, "Gambia", _WEST),
    # Coastal West Africa.
    Country("GN", "GIN", 324, "Guinea", _WEST),
    Country("GW", "GNB", 624, "Guinea-Bissau", _WEST),
    Country("SL", "SLE", 694, "Sierra Leone", _WEST),
    Country("LR", "LBR", 430, "Liberia", _WEST),
    Country("CI", "CIV", 384, "Ivory Coast", _WEST),
    Country("GH", "GHA", 288, "Ghana", _WEST),
    Country("TG", "TGO", 768, "Togo", _WEST),
    Country("BJ", "BEN", 204, "Benin", _WEST),
    Country("NG", "NGA", 566, "Nigeria", _WEST),
    # Middle Africa.
    Country("CM", "CMR", 120, "Cameroon", _MIDDLE),
    Country("CF", "CAF", 140, "Central African Republic", _MIDDLE),
    # North Africa and the Nile.
    Country("DZ", "DZA", 12, "Algeria", _NORTH),
    Country("LY", "LBY", 434, "Libya", _NORTH),
    Country("MA", "MAR", 504, "Morocco", _NORTH),
    Country("TN", "TUN", 788, "Tunisia", _NORTH),
    Country("EG", "EGY", 818, "Egypt", _NORTH),
    Country("SD", "SDN", 729, "Sudan", _NORTH),
    Country("SS", "SSD", 728, "South Sudan", _EAST),
)

COUNTRIES: Mapping[str, Country] = MappingProxyType({c.iso2: c for c in _TABLE})
"""ISO alpha-2 → country facts."""


def country_for(iso2: str | None) -> Country | None:
    """The listed country for an alpha-2 code (case-insensitive), or None."""
    if not iso2:
        return None
    return COUNTRIES.get(iso2.strip().upper())
