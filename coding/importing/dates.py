"""`published_at`: the subset of ISO 8601 we accept, parsed into an aware UTC datetime.

Accepted (extended format only, ASCII digits):
    YYYY-MM-DD                                   a date: midnight UTC of that day
    YYYY-MM-DDTHH:MM[:SS[.fraction]][zone]       a date-time ("T" or one space between)
where zone is "Z", "±HH:MM", "±HHMM" or "±HH". A date-time without a zone is taken as UTC
(news feeds rarely say, and UTC is the one reading that does not depend on the server).
A fraction finer than a microsecond is truncated. Every result is converted to UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from coding.importing.records import quote_value

_ISO_8601 = re.compile(
    r"""
    (?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})
    (?:
        [T\x20](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})
        (?::(?P<second>[0-9]{2})(?:[.,](?P<fraction>[0-9]{1,9}))?)?
        (?P<zone>Z|(?P<sign>[+-])(?P<zone_hour>[0-9]{2})(?::?(?P<zone_minute>[0-9]{2}))?)?
    )?
    """,
    re.VERBOSE | re.IGNORECASE,
)

EXPECTED_FORMS = "YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]"


class InvalidDateError(ValueError):
    """The value is not an accepted date; the message is the full sentence for the user."""


def parse_published_at(value: str) -> datetime:
    """Parse an accepted ISO 8601 date or date-time (surrounding spaces ignored) to aware UTC.

    Raises InvalidDateError with a message that starts with "published_at: ".
    """
    match = _ISO_8601.fullmatch(value.strip())
    if match is None:
        raise InvalidDateError(
            f"published_at: {quote_value(value)} is not an ISO 8601 date "
            f"(expected {EXPECTED_FORMS})"
        )
    parts = match.groupdict()
    fraction = (parts["fraction"] or "").ljust(6, "0")[:6]
    try:
        zone = _zone(parts)
        moment = datetime(
            int(parts["year"]),
            int(parts["month"]),
            int(parts["day"]),
            int(parts["hour"] or 0),
            int(parts["minute"] or 0),
            int(parts["second"] or 0),
            int(fraction),
            tzinfo=zone,
        ).astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise InvalidDateError(
            f"published_at: {quote_value(value)} is not a valid date: {exc}"
        ) from None
    return moment


def _zone(parts: dict[str, str | None]) -> timezone:
    if parts["zone"] is None or parts["zone"].upper() == "Z":
        return UTC
    hours = int(parts["zone_hour"] or 0)
    minutes = int(parts["zone_minute"] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(f"UTC offset {parts['zone']} is out of range")
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if parts["sign"] == "-" else offset)
