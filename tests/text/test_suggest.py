import datetime as dt

import pytest

from coding.text.dates import DateSuggestion
from coding.text.matching import AliasMatcher, Match
from coding.text.suggest import Suggestions, suggest

ENTRIES = [
    (1, "location", "مالي"),
    (2, "location", "غاو"),
    (2, "location", "Gao"),
    (3, "location", "كيدال"),
    (10, "actor", "JNIM"),
    (11, "actor", "الجيش المالي"),
    (20, "weapon", "مسيرة"),
]
TEXT = (
    "🇲🇱 هاجمت JNIM أمس قافلة للجيش المالي قرب غاو 😢\n"
    "وقال مسؤول إن مسيرة حلقت فوق كيدال في 31 أغسطس 2024.\n"
    "L'armée a riposté à Gao mardi."
)
FRIDAY = dt.date(2025, 9, 12)


@pytest.fixture(scope="module")
def matcher() -> AliasMatcher:
    return AliasMatcher(ENTRIES)


def test_whole_text(matcher):
    result = suggest(TEXT, matcher, anchor=FRIDAY)
    assert isinstance(result, Suggestions)
    assert [(m.entry_id, TEXT[m.start : m.end]) for m in result.actors] == [
        (10, "JNIM"),
        (11, "لجيش المالي"),
    ]
    assert [(m.entry_id, TEXT[m.start : m.end]) for m in result.locations] == [
        (2, "غاو"),
        (3, "كيدال"),
        (2, "Gao"),
    ]
    assert [(m.kind, TEXT[m.start : m.end]) for m in result.other] == [("weapon", "مسيرة")]
    assert [(d.text, d.date_start, d.precision, d.relative) for d in result.dates] == [
        ("أمس", dt.date(2025, 9, 11), "day", True),
        ("31 أغسطس 2024", dt.date(2024, 8, 31), "day", False),
        ("mardi", dt.date(2025, 9, 9), "day", True),
    ]
    for item in [*result.actors, *result.locations, *result.dates]:
        assert 0 <= item.start < item.end <= len(TEXT)


def test_region_keeps_full_text_offsets(matcher):
    start = TEXT.index("\n") + 1
    end = TEXT.index("\n", start)
    result = suggest(TEXT, matcher, anchor=FRIDAY, start=start, end=end)
    kidal = TEXT.index("كيدال")
    assert result.actors == []
    assert result.locations == [Match(3, "location", "كيدال", kidal, kidal + 5, kidal)]
    date_at = TEXT.index("31 أغسطس")
    assert result.dates == [
        DateSuggestion(
            date_at,
            date_at + 13,
            "31 أغسطس 2024",
            dt.date(2024, 8, 31),
            dt.date(2024, 8, 31),
            "day",
            False,
        )
    ]


def test_region_drops_words_cut_by_its_edges(matcher):
    gao = TEXT.index("غاو")
    # The region starts inside غاو: the word is matched whole, then dropped.
    result = suggest(TEXT, matcher, start=gao + 1, end=len(TEXT))
    assert [TEXT[m.start : m.end] for m in result.locations] == ["كيدال", "Gao"]
    # A region that cuts the proclitic off still suggests the name, word_start clipped.
    army = TEXT.index("للجيش")
    result = suggest(TEXT, matcher, start=army + 1, end=army + 12)
    assert [(m.start, m.end, m.word_start) for m in result.actors] == [
        (army + 1, army + 12, army + 1)
    ]


def test_without_anchor_relative_dates_are_left_out(matcher):
    result = suggest(TEXT, matcher)
    assert [d.text for d in result.dates] == ["31 أغسطس 2024"]


def test_bad_region(matcher):
    with pytest.raises(ValueError, match="out of range"):
        suggest(TEXT, matcher, start=5, end=len(TEXT) + 1)
    with pytest.raises(ValueError, match="out of range"):
        suggest(TEXT, matcher, start=5, end=4)
