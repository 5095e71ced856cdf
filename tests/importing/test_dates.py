"""published_at: the accepted ISO 8601 forms, UTC conversion, and the error sentences."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from coding.importing.dates import InvalidDateError, parse_published_at


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-05-01", datetime(2023, 5, 1, tzinfo=UTC)),
        (" 2023-05-01 ", datetime(2023, 5, 1, tzinfo=UTC)),
        ("2023-05-01T10:30", datetime(2023, 5, 1, 10, 30, tzinfo=UTC)),
        ("2023-05-01 10:30:15", datetime(2023, 5, 1, 10, 30, 15, tzinfo=UTC)),
        ("2023-05-01T10:30:15Z", datetime(2023, 5, 1, 10, 30, 15, tzinfo=UTC)),
        ("2023-05-01t10:30:15z", datetime(2023, 5, 1, 10, 30, 15, tzinfo=UTC)),
        ("2023-05-01T10:30:15.5+00:00", datetime(2023, 5, 1, 10, 30, 15, 500000, tzinfo=UTC)),
        ("2023-05-01T10:30:15,123456789Z", datetime(2023, 5, 1, 10, 30, 15, 123456, tzinfo=UTC)),
        ("2023-05-01T01:00+02:00", datetime(2023, 4, 30, 23, 0, tzinfo=UTC)),
        ("2023-05-01T01:00+0200", datetime(2023, 4, 30, 23, 0, tzinfo=UTC)),
        ("2023-05-01T23:00-05", datetime(2023, 5, 2, 4, 0, tzinfo=UTC)),
        ("2024-02-29", datetime(2024, 2, 29, tzinfo=UTC)),
    ],
)
def test_accepted_forms_become_aware_utc(value: str, expected: datetime) -> None:
    parsed = parse_published_at(value)
    assert parsed == expected
    assert parsed.tzinfo is UTC


FORMS = "(expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM])"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("32/13/2022", f'published_at: "32/13/2022" is not an ISO 8601 date {FORMS}'),
        ("2022-1-5", f'published_at: "2022-1-5" is not an ISO 8601 date {FORMS}'),
        ("20220105", f'published_at: "20220105" is not an ISO 8601 date {FORMS}'),
        ("2022-W01-1", f'published_at: "2022-W01-1" is not an ISO 8601 date {FORMS}'),
        ("٢٠٢٢-٠١-٠٥", f'published_at: "٢٠٢٢-٠١-٠٥" is not an ISO 8601 date {FORMS}'),
        ("2022-01-05T10", f'published_at: "2022-01-05T10" is not an ISO 8601 date {FORMS}'),
        (
            "2023-02-29",
            'published_at: "2023-02-29" is not a valid date: day is out of range for month',
        ),
        ("2023-13-01", 'published_at: "2023-13-01" is not a valid date: month must be in 1..12'),
        (
            "2023-01-01T24:00",
            'published_at: "2023-01-01T24:00" is not a valid date: hour must be in 0..23',
        ),
        (
            "2023-01-01T10:00+25:00",
            'published_at: "2023-01-01T10:00+25:00" is not a valid date: '
            "UTC offset +25:00 is out of range",
        ),
        (
            "0001-01-01T00:00+01:00",
            'published_at: "0001-01-01T00:00+01:00" is not a valid date: date value out of range',
        ),
    ],
)
def test_rejected_values_have_precise_messages(value: str, message: str) -> None:
    with pytest.raises(InvalidDateError) as caught:
        parse_published_at(value)
    assert str(caught.value) == message
