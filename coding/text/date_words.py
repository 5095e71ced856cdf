"""Word lists for :mod:`coding.text.dates`, in ordinary spelling (folded at import).

Arabic month names come in three families (plus Moroccan variants): Egyptian/Gulf
(يناير … يونيو), Syriac/Levantine/Iraqi (كانون الثاني … حزيران … كانون الأول; the two-word
names also without the article, as Levantine outlets write them: تشرين أول) and
Algerian/Tunisian (جانفي … جوان … جويلية … أوت). Hijri months are not handled: they are rare in
Malian news and need a calendar conversion.
"""

from __future__ import annotations

MONTHS: dict[int, tuple[str, ...]] = {
    1: ("يناير", "ينير", "كانون الثاني", "كانون ثاني", "جانفي", "janvier", "january"),
    2: ("فبراير", "شباط", "فيفري", "février", "february"),
    3: ("مارس", "آذار", "mars", "march"),
    4: ("أبريل", "إبريل", "ابريل", "نيسان", "أفريل", "avril", "april"),
    5: ("مايو", "أيار", "ماي", "mai", "may"),
    6: ("يونيو", "يونيه", "يونية", "حزيران", "جوان", "juin", "june"),
    7: ("يوليو", "يوليه", "يولية", "يوليوز", "تموز", "جويلية", "juillet", "july"),
    8: ("أغسطس", "اغسطس", "آب", "أوت", "غشت", "août", "august"),
    9: ("سبتمبر", "أيلول", "شتنبر", "septembre", "september"),
    10: ("أكتوبر", "اكتوبر", "تشرين الأول", "تشرين أول", "octobre", "october"),
    11: ("نوفمبر", "تشرين الثاني", "تشرين ثاني", "نونبر", "novembre", "november"),
    12: ("ديسمبر", "كانون الأول", "كانون أول", "دجنبر", "décembre", "december"),
}
# English month names may follow the day ("June 12"); only these are tried in that order.
ENGLISH_MONTHS = frozenset(
    {
        "january", "february", "march", "april", "may", "june",
        "july", "august", "september", "october", "november", "december",
    }
)  # fmt: skip

WEEKDAYS: dict[int, tuple[str, ...]] = {  # date.weekday(): Monday = 0
    0: ("الاثنين", "الإثنين", "الأثنين", "lundi", "monday"),
    1: ("الثلاثاء", "mardi", "tuesday"),
    2: ("الأربعاء", "الاربعاء", "mercredi", "wednesday"),
    3: ("الخميس", "jeudi", "thursday"),
    4: ("الجمعة", "vendredi", "friday"),
    5: ("السبت", "samedi", "saturday"),
    6: ("الأحد", "الاحد", "dimanche", "sunday"),
}

ORDINAL_DAYS: dict[str, int] = {
    "الأول": 1, "الثاني": 2, "الثالث": 3, "الرابع": 4, "الخامس": 5, "السادس": 6,
    "السابع": 7, "الثامن": 8, "التاسع": 9, "العاشر": 10, "الحادي عشر": 11,
    "الثاني عشر": 12, "الثالث عشر": 13, "الرابع عشر": 14, "الخامس عشر": 15,
    "السادس عشر": 16, "السابع عشر": 17, "الثامن عشر": 18, "التاسع عشر": 19,
    "العشرين": 20, "الحادي والعشرين": 21, "الثاني والعشرين": 22, "الثالث والعشرين": 23,
    "الرابع والعشرين": 24, "الخامس والعشرين": 25, "السادس والعشرين": 26,
    "السابع والعشرين": 27, "الثامن والعشرين": 28, "التاسع والعشرين": 29,
    "الثلاثين": 30, "الحادي والثلاثين": 31,
}  # fmt: skip

# Relative words: phrase -> days from the anchor (precision "day").
RELATIVE_DAYS: dict[str, int] = {
    "أمس": -1, "الأمس": -1, "البارحة": -1, "يوم أمس": -1, "صباح أمس": -1, "مساء أمس": -1,
    "ليلة أمس": -1, "الليلة الماضية": -1, "la nuit dernière": -1, "last night": -1,
    "hier": -1, "hier soir": -1, "hier matin": -1, "yesterday": -1,
    "أول أمس": -2, "أمس الأول": -2, "أول من أمس": -2, "avant-hier": -2,
    "the day before yesterday": -2,
    "اليوم": 0, "صباح اليوم": 0, "مساء اليوم": 0, "aujourd'hui": 0, "ce matin": 0,
    "ce soir": 0, "today": 0, "this morning": 0,
    "غدا": 1, "demain": 1, "tomorrow": 1,
}  # fmt: skip

# Relative periods: phrase -> (unit, offset in units from the anchor's unit).
RELATIVE_PERIODS: dict[str, tuple[str, int]] = {
    "الأسبوع الماضي": ("week", -1), "الأسبوع المنصرم": ("week", -1),
    "la semaine dernière": ("week", -1), "la semaine passée": ("week", -1),
    "last week": ("week", -1),
    "هذا الأسبوع": ("week", 0), "cette semaine": ("week", 0), "this week": ("week", 0),
    "الأسبوع المقبل": ("week", 1), "الأسبوع القادم": ("week", 1),
    "la semaine prochaine": ("week", 1), "next week": ("week", 1),
    "الشهر الماضي": ("month", -1), "الشهر المنصرم": ("month", -1),
    "le mois dernier": ("month", -1), "le mois passé": ("month", -1), "last month": ("month", -1),
    "هذا الشهر": ("month", 0), "ce mois-ci": ("month", 0), "this month": ("month", 0),
    "الشهر المقبل": ("month", 1), "الشهر القادم": ("month", 1),
    "le mois prochain": ("month", 1), "next month": ("month", 1),
    "العام الماضي": ("year", -1), "السنة الماضية": ("year", -1), "العام المنصرم": ("year", -1),
    "l'année dernière": ("year", -1), "l'an dernier": ("year", -1),
    "l'année passée": ("year", -1), "last year": ("year", -1),
    "هذا العام": ("year", 0), "هذه السنة": ("year", 0), "cette année": ("year", 0),
    "this year": ("year", 0),
    "العام المقبل": ("year", 1), "العام القادم": ("year", 1), "l'année prochaine": ("year", 1),
    "l'an prochain": ("year", 1), "next year": ("year", 1),
}  # fmt: skip

# "N units ago": unit words -> unit; dual forms -> (unit, 2); singular -> (unit, 1).
AGO_UNITS: dict[str, str] = {
    "أيام": "day", "يوما": "day", "يوماً": "day", "jours": "day", "days": "day",
    "أسابيع": "week", "أسبوعا": "week", "semaines": "week", "weeks": "week",
    "أشهر": "month", "شهور": "month", "شهرا": "month", "mois": "month", "months": "month",
    "سنوات": "year", "أعوام": "year", "عاما": "year", "سنة": "year", "ans": "year",
    "années": "year", "years": "year",
}  # fmt: skip
AGO_SINGLE: dict[str, tuple[str, int]] = {
    "يومين": ("day", 2), "أسبوعين": ("week", 2), "شهرين": ("month", 2),
    "عامين": ("year", 2), "سنتين": ("year", 2),
    "يوم": ("day", 1), "أسبوع": ("week", 1), "شهر": ("month", 1), "عام": ("year", 1),
}  # fmt: skip
NUMBER_WORDS: dict[str, int] = {
    "ثلاثة": 3, "أربعة": 4, "خمسة": 5, "ستة": 6, "سبعة": 7, "ثمانية": 8, "تسعة": 9,
    "عشرة": 10, "ثلاث": 3, "أربع": 4, "خمس": 5, "ست": 6, "سبع": 7, "ثماني": 8, "تسع": 9,
    "عشر": 10, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
    "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "a": 1, "one": 1, "two": 2, "three": 3,
    "four": 4, "five": 5, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip

# Qualifiers after a weekday or month name.
PAST_WORDS = ("الماضي", "الماضية", "المنصرم", "المنصرمة", "dernier", "passé", "last")
FUTURE_WORDS = ("المقبل", "المقبلة", "القادم", "القادمة", "prochain", "next")
