import datetime as dt

import pytest

from coding.text.dates import DateSuggestion, find_dates

FRIDAY = dt.date(2025, 9, 12)
D = dt.date


def only(text: str, anchor: dt.date | None = FRIDAY) -> tuple[str, dt.date, dt.date, str, bool]:
    """The single suggestion in ``text`` as (span text, start, end, precision, relative)."""
    suggestions = find_dates(text, anchor=anchor)
    assert len(suggestions) == 1, suggestions
    s = suggestions[0]
    assert text[s.start : s.end] == s.text
    return s.text, s.date_start, s.date_end, s.precision, s.relative


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Egyptian / Gulf, Levantine, Maghrebi month families, Western and Eastern digits
        ("وقع الهجوم في 31 أغسطس 2024", ("31 أغسطس 2024", D(2024, 8, 31), D(2024, 8, 31))),
        ("٣١ أغسطس ٢٠٢٤", ("٣١ أغسطس ٢٠٢٤", D(2024, 8, 31), D(2024, 8, 31))),
        ("٥ تموز ۲۰۲۳", ("٥ تموز ۲۰۲۳", D(2023, 7, 5), D(2023, 7, 5))),
        ("12 كانون الثاني 2023", ("12 كانون الثاني 2023", D(2023, 1, 12), D(2023, 1, 12))),
        ("3 تشرين الأول 2022", ("3 تشرين الأول 2022", D(2022, 10, 3), D(2022, 10, 3))),
        ("في 14 جويلية 2024", ("14 جويلية 2024", D(2024, 7, 14), D(2024, 7, 14))),
        ("يوم 8 جوان 2021", ("8 جوان 2021", D(2021, 6, 8), D(2021, 6, 8))),
        ("15 أوت 2020", ("15 أوت 2020", D(2020, 8, 15), D(2020, 8, 15))),
        ("2 فيفري 2019", ("2 فيفري 2019", D(2019, 2, 2), D(2019, 2, 2))),
        ("20 غشت 2024", ("20 غشت 2024", D(2024, 8, 20), D(2024, 8, 20))),
        ("الثامن من سبتمبر 2025", ("الثامن من سبتمبر 2025", D(2025, 9, 8), D(2025, 9, 8))),
        (
            "الحادي والعشرين من شهر مايو 2024",
            ("الحادي والعشرين من شهر مايو 2024", D(2024, 5, 21), D(2024, 5, 21)),
        ),
        ("12 يونيو من عام 2022", ("12 يونيو من عام 2022", D(2022, 6, 12), D(2022, 6, 12))),
        ("الأحد 12 يونيو 2022", ("الأحد 12 يونيو 2022", D(2022, 6, 12), D(2022, 6, 12))),
        ("12 يونيو/ حزيران 2022", ("12 يونيو/ حزيران 2022", D(2022, 6, 12), D(2022, 6, 12))),
        ("قُتِلَ في 3 مَارِس 2023", ("3 مَارِس 2023", D(2023, 3, 3), D(2023, 3, 3))),
        # French and English
        ("le 12 juin 2022", ("12 juin 2022", D(2022, 6, 12), D(2022, 6, 12))),
        ("le 1er juin 2022", ("1er juin 2022", D(2022, 6, 1), D(2022, 6, 1))),
        ("dimanche 12 juin 2022", ("dimanche 12 juin 2022", D(2022, 6, 12), D(2022, 6, 12))),
        ("le 31 AOÛT 2024", ("31 AOÛT 2024", D(2024, 8, 31), D(2024, 8, 31))),
        ("on June 12, 2022", ("June 12, 2022", D(2022, 6, 12), D(2022, 6, 12))),
        ("12 June 2022", ("12 June 2022", D(2022, 6, 12), D(2022, 6, 12))),
        ("the 3rd of March 2021", ("3rd of March 2021", D(2021, 3, 3), D(2021, 3, 3))),
        # numeric, day first
        ("12/03/2024", ("12/03/2024", D(2024, 3, 12), D(2024, 3, 12))),
        ("١٢/٠٣/٢٠٢٤", ("١٢/٠٣/٢٠٢٤", D(2024, 3, 12), D(2024, 3, 12))),
        ("2024-08-31", ("2024-08-31", D(2024, 8, 31), D(2024, 8, 31))),
    ],
)
def test_absolute_days(text, expected):
    assert only(text) == (*expected, "day", False)


@pytest.mark.parametrize(
    ("text", "span", "month"),
    [
        ("وفي يونيو/ حزيران 2022، قتل", "يونيو/ حزيران 2022", (2022, 6)),
        ("يونيو /حزيران 2022", "يونيو /حزيران 2022", (2022, 6)),
        ("(حزيران) يونيو 2022", "(حزيران) يونيو 2022", (2022, 6)),
        ("حزيران (يونيو) 2022", "حزيران (يونيو) 2022", (2022, 6)),
        ("تشرين الأول 2023", "تشرين الأول 2023", (2023, 10)),
        ("شهر فبراير من عام 2024", "شهر فبراير من عام 2024", (2024, 2)),
        ("جويلية 2024", "جويلية 2024", (2024, 7)),
        ("en mars 2012", "mars 2012", (2012, 3)),
        ("in February 2024", "February 2024", (2024, 2)),
        ("31 فبراير 2024", "فبراير 2024", (2024, 2)),  # no such day: the month remains
    ],
)
def test_month_year(text, span, month):
    year, number = month
    last = {2: 29, 3: 31, 6: 30, 7: 31, 10: 31}[number] if year == 2024 or number != 2 else 28
    assert only(text) == (span, D(year, number, 1), D(year, number, last), "month", False)


@pytest.mark.parametrize(
    ("text", "span", "start", "end", "relative"),
    [
        (
            "du 30 juin au 2 juillet 2022",
            "30 juin au 2 juillet 2022",
            D(2022, 6, 30),
            D(2022, 7, 2),
            False,
        ),
        (
            "من 30 يونيو إلى 2 يوليو 2022",
            "30 يونيو إلى 2 يوليو 2022",
            D(2022, 6, 30),
            D(2022, 7, 2),
            False,
        ),
        (
            "بين 28 ديسمبر و3 يناير 2023",
            "28 ديسمبر و3 يناير 2023",
            D(2022, 12, 28),
            D(2023, 1, 3),
            False,
        ),
        ("من 30 أغسطس إلى 2 سبتمبر", "30 أغسطس إلى 2 سبتمبر", D(2025, 8, 30), D(2025, 9, 2), True),
    ],
)
def test_ranges_across_months(text, span, start, end, relative):
    assert only(text) == (span, start, end, "week", relative)


@pytest.mark.parametrize(
    ("text", "span", "start", "end", "precision"),
    [
        ("12 و13 يونيو 2022", "12 و13 يونيو 2022", D(2022, 6, 12), D(2022, 6, 13), "week"),
        ("du 12 au 14 juin 2022", "12 au 14 juin 2022", D(2022, 6, 12), D(2022, 6, 14), "week"),
        # the example: a range is never a "day"
        (
            "between 29 June and 3 July 2023",
            "29 June and 3 July 2023",
            D(2023, 6, 29),
            D(2023, 7, 3),
            "week",
        ),
        (
            "entre le 29 juin et le 3 juillet 2023",
            "29 juin et le 3 juillet 2023",
            D(2023, 6, 29),
            D(2023, 7, 3),
            "week",
        ),
        ("du 1er au 20 mai 2024", "1er au 20 mai 2024", D(2024, 5, 1), D(2024, 5, 20), "month"),
        (
            "بين 20 نوفمبر و3 يناير 2023",
            "20 نوفمبر و3 يناير 2023",
            D(2022, 11, 20),
            D(2023, 1, 3),
            "year",
        ),
    ],
)
def test_a_range_has_the_precision_of_its_length(text, span, start, end, precision):
    assert only(text) == (span, start, end, precision, False)


@pytest.mark.parametrize(
    ("text", "month"),
    [
        # Levantine names without the article, as Syrian and Lebanese outlets write them
        ("تشرين أول 2023", 10),
        ("تشرين ثاني 2023", 11),
        ("كانون أول 2023", 12),
        ("كانون ثاني 2023", 1),
        # Maghrebi forms
        ("جوان 2023", 6),
        ("جويلية 2023", 7),
        ("أوت 2023", 8),
        ("ماي 2023", 5),
    ],
)
def test_regional_month_names(text, month):
    found = only(text)
    assert found[0] == text
    assert found[1] == D(2023, month, 1)
    assert found[3] == "month"


def test_dual_form_with_two_different_months_is_not_reported():
    assert find_dates("يونيو/ تموز 2022", anchor=FRIDAY) == []


@pytest.mark.parametrize(
    ("text", "span", "year"),
    [
        ("في عام 2022", "عام 2022", 2022),
        ("العام 2019م", "العام 2019م", 2019),
        ("سنة 2015", "سنة 2015", 2015),
        ("au Mali en 2012", "2012", 2012),
        ("في 2013", "2013", 2013),
    ],
)
def test_years(text, span, year):
    assert only(text) == (span, D(year, 1, 1), D(year, 12, 31), "year", False)


def test_bare_numbers_are_not_years():
    assert find_dates("قتل 2022 شخصا و 12 جنديا", anchor=FRIDAY) == []


@pytest.mark.parametrize(
    ("text", "span", "start", "end", "precision"),
    [
        ("أمس", "أمس", D(2025, 9, 11), D(2025, 9, 11), "day"),
        ("وأمس", "أمس", D(2025, 9, 11), D(2025, 9, 11), "day"),
        ("بالأمس", "الأمس", D(2025, 9, 11), D(2025, 9, 11), "day"),
        ("مساء أمس", "مساء أمس", D(2025, 9, 11), D(2025, 9, 11), "day"),
        ("أول أمس", "أول أمس", D(2025, 9, 10), D(2025, 9, 10), "day"),
        ("أمس الأول", "أمس الأول", D(2025, 9, 10), D(2025, 9, 10), "day"),
        ("اليوم", "اليوم", D(2025, 9, 12), D(2025, 9, 12), "day"),
        ("hier soir", "hier soir", D(2025, 9, 11), D(2025, 9, 11), "day"),
        ("avant-hier", "avant-hier", D(2025, 9, 10), D(2025, 9, 10), "day"),
        ("aujourd’hui", "aujourd’hui", D(2025, 9, 12), D(2025, 9, 12), "day"),
        ("yesterday", "yesterday", D(2025, 9, 11), D(2025, 9, 11), "day"),
        ("الليلة الماضية", "الليلة الماضية", D(2025, 9, 11), D(2025, 9, 11), "day"),
        ("last night", "last night", D(2025, 9, 11), D(2025, 9, 11), "day"),
        ("قبل يومين", "قبل يومين", D(2025, 9, 10), D(2025, 9, 10), "day"),
        ("منذ 3 أيام", "منذ 3 أيام", D(2025, 9, 9), D(2025, 9, 9), "day"),
        ("منذ ٣ أيام", "منذ ٣ أيام", D(2025, 9, 9), D(2025, 9, 9), "day"),
        ("قبل ثلاثة أيام", "قبل ثلاثة أيام", D(2025, 9, 9), D(2025, 9, 9), "day"),
        ("il y a deux jours", "il y a deux jours", D(2025, 9, 10), D(2025, 9, 10), "day"),
        ("3 days ago", "3 days ago", D(2025, 9, 9), D(2025, 9, 9), "day"),
        ("قبل أسبوعين", "قبل أسبوعين", D(2025, 8, 25), D(2025, 8, 31), "week"),
        ("قبل شهرين", "قبل شهرين", D(2025, 7, 1), D(2025, 7, 31), "month"),
        ("الأسبوع الماضي", "الأسبوع الماضي", D(2025, 9, 1), D(2025, 9, 7), "week"),
        ("la semaine dernière", "la semaine dernière", D(2025, 9, 1), D(2025, 9, 7), "week"),
        ("last week", "last week", D(2025, 9, 1), D(2025, 9, 7), "week"),
        ("هذا الأسبوع", "هذا الأسبوع", D(2025, 9, 8), D(2025, 9, 14), "week"),
        ("الشهر الماضي", "الشهر الماضي", D(2025, 8, 1), D(2025, 8, 31), "month"),
        ("le mois dernier", "le mois dernier", D(2025, 8, 1), D(2025, 8, 31), "month"),
        ("العام الماضي", "العام الماضي", D(2024, 1, 1), D(2024, 12, 31), "year"),
        ("l'an dernier", "l'an dernier", D(2024, 1, 1), D(2024, 12, 31), "year"),
        # weekdays: the anchor is a Friday
        ("الخميس", "الخميس", D(2025, 9, 11), D(2025, 9, 11), "day"),
        ("الاثنين", "الاثنين", D(2025, 9, 8), D(2025, 9, 8), "day"),
        ("يوم الإثنين", "يوم الإثنين", D(2025, 9, 8), D(2025, 9, 8), "day"),
        ("الثلاثاء", "الثلاثاء", D(2025, 9, 9), D(2025, 9, 9), "day"),
        ("يوم الخميس الماضي", "يوم الخميس الماضي", D(2025, 9, 11), D(2025, 9, 11), "day"),
        ("الجمعة", "الجمعة", D(2025, 9, 12), D(2025, 9, 12), "day"),
        ("الجمعة الماضية", "الجمعة الماضية", D(2025, 9, 5), D(2025, 9, 5), "day"),
        ("السبت المقبل", "السبت المقبل", D(2025, 9, 13), D(2025, 9, 13), "day"),
        ("lundi dernier", "lundi dernier", D(2025, 9, 8), D(2025, 9, 8), "day"),
        ("on Sunday", "Sunday", D(2025, 9, 7), D(2025, 9, 7), "day"),
        ("next Friday", "next Friday", D(2025, 9, 19), D(2025, 9, 19), "day"),
        # day and month without a year, resolved against the anchor
        ("الخامس من يوليو", "الخامس من يوليو", D(2025, 7, 5), D(2025, 7, 5), "day"),
        ("le 15 septembre", "15 septembre", D(2025, 9, 15), D(2025, 9, 15), "day"),  # +3 days
        ("le 25 septembre", "25 septembre", D(2024, 9, 25), D(2024, 9, 25), "day"),  # > +7 days
        ("25 سبتمبر المقبل", "25 سبتمبر المقبل", D(2025, 9, 25), D(2025, 9, 25), "day"),
        ("10 سبتمبر الماضي", "10 سبتمبر الماضي", D(2025, 9, 10), D(2025, 9, 10), "day"),
        ("Sunday, June 12", "Sunday, June 12", D(2025, 6, 12), D(2025, 6, 12), "day"),
        # months without a year
        ("في يونيو الماضي", "يونيو الماضي", D(2025, 6, 1), D(2025, 6, 30), "month"),
        ("شهر مارس", "شهر مارس", D(2025, 3, 1), D(2025, 3, 31), "month"),
        ("en octobre", "octobre", D(2024, 10, 1), D(2024, 10, 31), "month"),
        ("سبتمبر المقبل", "سبتمبر المقبل", D(2026, 9, 1), D(2026, 9, 30), "month"),
    ],
)
def test_relative_expressions(text, span, start, end, precision):
    assert only(text) == (span, start, end, precision, True)


def test_relative_expressions_need_an_anchor():
    text = "أمس والخميس الماضي و12 يونيو، ثم في 31 أغسطس 2024"
    assert [(s.text, s.relative) for s in find_dates(text)] == [("31 أغسطس 2024", False)]


def test_datetime_anchor_is_accepted():
    assert only("أمس", anchor=dt.datetime(2025, 1, 1, 23, 59))[1] == D(2024, 12, 31)


def test_sentence_with_emoji_and_mixed_directions_has_code_point_offsets():
    text = (
        "🇲🇱 قالت مصادر إن هجوماً وقع يوم الخميس الماضي 😢 في غاو، بعد هجوم في 31 أغسطس 2024 "
        "قرب Kidal (JNIM)، وآخر في يونيو/ حزيران 2022. Hier, l'armée a riposté."
    )
    suggestions = find_dates(text, anchor=FRIDAY)
    assert suggestions == [
        DateSuggestion(28, 45, "يوم الخميس الماضي", D(2025, 9, 11), D(2025, 9, 11), "day", True),
        DateSuggestion(68, 81, "31 أغسطس 2024", D(2024, 8, 31), D(2024, 8, 31), "day", False),
        DateSuggestion(
            108, 126, "يونيو/ حزيران 2022", D(2022, 6, 1), D(2022, 6, 30), "month", False
        ),
        DateSuggestion(128, 132, "Hier", D(2025, 9, 11), D(2025, 9, 11), "day", True),
    ]
    for s in suggestions:
        assert text[s.start : s.end] == s.text


def test_no_false_dates_in_plain_text():
    text = "مارس الجيش ضغوطا على المسلحين، وقال الأب إن 12 شخصا قتلوا. May the army act?"
    assert find_dates(text, anchor=FRIDAY) == []
