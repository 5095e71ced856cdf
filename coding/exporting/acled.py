"""ACLED value conventions used by the ``acled`` preset's export layout.

See docs/export-formats.md ("ACLED layout") for the reasoning behind each convention.
"""

from __future__ import annotations

from datetime import date, timedelta

from .countries import UNKNOWN_ISO3, country_for

CIVILIAN_TARGETING_VALUE = "Civilian targeting"
"""ACLED's ``civilian_targeting`` cell for a targeted event (blank otherwise). This is the
value found in ACLED's published data; the codebook prose words it 'Civilians targeted'."""

COORDINATE_DECIMALS = 4
"""ACLED publishes coordinates with four decimals (about 11 m)."""

EVENT_ID_MARK = "-ATH"
"""Sits between the ISO alpha-3 prefix and the Athar event id in ``event_id_cnty``
(``MLI-ATH1234``). ACLED's own ids are a country prefix directly followed by digits
(``ETH9766``), so an Athar id can never be mistaken for, or collide with, an ACLED one."""


def event_id_cnty(country_iso2: str | None, event_id: int) -> str:
    """Athar's ``event_id_cnty``: ISO alpha-3 of the event's country, ``-ATH``, the event id.

    The number is the Athar gold event id (``athar_event_id``), so it is unique on its own;
    the prefix only groups rows by country like ACLED's ids do. ``XXX`` stands for a missing
    or unlisted country.
    """
    return f"{event_id_prefix(country_iso2)}{event_id}"


def event_id_prefix(country_iso2: str | None) -> str:
    """``event_id_cnty`` up to the number: ``MLI-ATH``, ``XXX-ATH``."""
    country = country_for(country_iso2)
    return (country.iso3 if country is not None else UNKNOWN_ISO3) + EVENT_ID_MARK


def interaction_code(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's two-digit interaction code from two actor types (1–8).

    Order does not matter: the smaller type is the tens digit and the larger the units
    digit (State forces 1 vs Civilians 7 → 17, either way round). With a single known type
    ``t`` the code is ``t * 10`` (10 = state forces acting alone ... 80 = external/other
    forces alone). No type at all → None.
    """
    if inter1 is None or inter2 is None:
        single = inter2 if inter1 is None else inter1
        return single * 10 if single is not None else None
    return min(inter1, inter2) * 10 + max(inter1, inter2)


INTERACTION_CODES: tuple[int, ...] = tuple(
    sorted({a * 10 for a in range(1, 9)} | {a * 10 + b for a in range(1, 9) for b in range(a, 9)})
)
"""Every code ``interaction_code`` can produce: 10–18, 20, 22–28, ... 80, 88 (44 codes)."""


def midpoint(start: date, end: date) -> date:
    """The day ACLED records for a span: its midpoint, rounded down (start when one day)."""
    return start + timedelta(days=(end - start).days // 2)


def round_coordinate(value: float | None) -> float | None:
    return round(value, COORDINATE_DECIMALS) if value is not None else None
