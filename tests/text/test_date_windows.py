"""The date finder scans only windows around trigger tokens; it must find exactly what a scan
of the whole text finds."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coding.text import date_patterns as patterns
from coding.text.arabic import fold
from coding.text.dates import _find, find_dates

FRAGMENTS = [
    "31 أغسطس 2024", "يوم الخميس الماضي", "le 12 juin 2022", "أمس", "يونيو/ حزيران 2022",
    "منذ ٣ أيام", "الأسبوع الماضي", "١٢/٠٣/٢٠٢٤", "hier", "(حزيران) يونيو", "الثامن من سبتمبر",
    "il y a deux jours", "last week", "June 12, 2022", "في عام 2022", "وأمس", "بالأمس",
    "الجمعة", "lundi dernier", "شهر مارس", "قبل شهرين", "aujourd’hui", "2024-08-31",
    "قالت مصادر محلية إن الوضع متوتر", "Selon une source sécuritaire, la situation reste tendue",
    "وبغاو", "للجيش المالي", "🇲🇱", "😢", "قُتِلَ", "هجومـــاً", "مينَكا\u200c", "2023", "12",
    "كتاب الشباب", "الثاني", "من", "la", "the", "\n", "du 30 juin au 2 juillet 2022",
    "من 30 أغسطس إلى 2 سبتمبر", "last night",
]  # fmt: skip
FRIDAY = dt.date(2025, 9, 12)
D = dt.date


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=80), st.sampled_from([" ", "، ", ". ", "\n"]))
def test_windowed_scan_equals_full_scan(fragments, separator):
    folded = fold(separator.join(fragments))
    windows = patterns.scan_windows(folded.text)
    assert _find(folded, FRIDAY, windows) == _find(folded, FRIDAY, None)


@pytest.mark.parametrize(
    ("category", "phrases"),
    [
        ("month", patterns.MONTH_BY_NAME),
        ("weekday", patterns.WEEKDAY_BY_NAME),
        ("relative_day", patterns.RELATIVE_DAYS),
        ("period", patterns.RELATIVE_PERIODS),
    ],
)
def test_every_phrase_has_a_trigger_token(category, phrases):
    for phrase in phrases:
        tokens = set(patterns._TOKEN.findall(phrase))
        assert tokens & patterns.TRIGGER_TOKENS[category], phrase


def test_windows_stay_near_triggers():
    text = "x " * 400 + "أمس" + " y" * 400
    windows = patterns.scan_windows(fold(text).text)
    at = text.index("أمس")
    margin = patterns.WINDOW_MARGIN
    assert windows["relative_day"] == [(at - margin, at + 3 + margin)]
    assert windows["month"] == []
    assert windows["digit"] == []


def test_folded_argument_must_match_text():
    text = "أمس"
    assert find_dates(text, anchor=FRIDAY, folded=fold(text))[0].date_start == D(2025, 9, 11)
    with pytest.raises(ValueError, match="fold"):
        find_dates(text, anchor=FRIDAY, folded=fold("اليوم"))
