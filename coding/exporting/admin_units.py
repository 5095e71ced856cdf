"""First-level administrative units (ISO 3166-2) for the ACLED ``admin1`` column and the
``admin1`` export filter.

The gazetteer stores a place's region as its ISO 3166-2 code (``ML-6``); ACLED's ``admin1``
holds the region's *name* (``Tombouctou``). Names come from ISO 3166-2 as shipped in
pycountry, which spells Malian regions as the Malian administration and ACLED do (Mopti,
Tombouctou, Ménaka). A value that is not a known code is a name already (hand-made
locations) and is kept as it is.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import pycountry

__all__ = ["admin1_codes", "admin1_name"]


@cache
def admin1_name(code: str) -> str | None:
    """The ISO 3166-2 name of ``code`` (``ML-5`` → ``Mopti``), or None if it is no code."""
    if "-" not in code:
        return None
    subdivision = pycountry.subdivisions.get(code=code.upper())
    return subdivision.name if subdivision is not None else None


def _folded(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@cache
def admin1_codes(value: str) -> frozenset[str]:
    """What an ``admin1`` filter value stands for: the code itself (any case) when it is an
    ISO 3166-2 code, else the codes of every subdivision with that name (accents and case
    ignored: "Segou" finds ML-4), plus the value itself, which matches places whose admin1
    was stored as a name. Never empty."""
    value = value.strip()
    if admin1_name(value) is not None:
        return frozenset({value.upper()})
    wanted = _folded(value)
    codes = {s.code for s in pycountry.subdivisions if _folded(s.name) == wanted}
    return frozenset(codes | {value})
