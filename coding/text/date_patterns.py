"""Folded lexicons and compiled regular expressions for :mod:`coding.text.dates`.

All patterns run on *folded* text (:func:`coding.text.arabic.fold`): ASCII digits, ا for
every alef form, ه for ة, ي for ى, no harakat or tatweel, Latin lower-case without accents, single
spaces. Every pattern needs at least one *trigger token* (a digit, a month or weekday name, or a
distinctive word of a relative expression); :func:`scan_windows` uses that to run the patterns
only around trigger tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import regex

from coding.text import date_words as words
from coding.text.arabic import fold_letters

_Trie = dict[str, "_Trie"]


def _trie_pattern(node: _Trie) -> str:
    """Regex for the words below ``node``; the greedy ``?`` prefers longer words."""
    branches = [regex.escape(ch) + _trie_pattern(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a word ends here and longer words continue
        return f"(?:{body})?"
    return body


def _alternation(keys: Iterable[str]) -> str:
    """Regex matching any of the folded ``keys``, longest first (مايو before ماي).

    Written as a trie (common prefixes factored out): the ``regex`` engine tries an
    alternative at every position of the text, and a flat alternation of 60 month names
    costs several times more than a trie.
    """
    root: _Trie = {}
    for key in {fold_letters(k) for k in keys}:
        node = root
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}
    return f"(?:{_trie_pattern(root)})"


MONTH_BY_NAME = {fold_letters(n): m for m, names in words.MONTHS.items() for n in names}
WEEKDAY_BY_NAME = {fold_letters(n): d for d, names in words.WEEKDAYS.items() for n in names}
ORDINAL_BY_NAME = {fold_letters(k): v for k, v in words.ORDINAL_DAYS.items()}
RELATIVE_DAYS = {fold_letters(k): v for k, v in words.RELATIVE_DAYS.items()}
RELATIVE_PERIODS = {fold_letters(k): v for k, v in words.RELATIVE_PERIODS.items()}
AGO_UNITS = {fold_letters(k): v for k, v in words.AGO_UNITS.items()}
AGO_SINGLE = {fold_letters(k): v for k, v in words.AGO_SINGLE.items()}
NUMBERS = {fold_letters(k): v for k, v in words.NUMBER_WORDS.items()}
PAST = frozenset(fold_letters(w) for w in words.PAST_WORDS)
FUTURE = frozenset(fold_letters(w) for w in words.FUTURE_WORDS)

R_MON = _alternation(MONTH_BY_NAME)
R_MON_EN = _alternation(words.ENGLISH_MONTHS)
R_MON_LATIN = _alternation(k for k in MONTH_BY_NAME if k.isascii())
R_WD = _alternation(WEEKDAY_BY_NAME)
R_QUAL = _alternation(PAST | FUTURE)

# Start: not inside a word, except after an Arabic proclitic (وأمس, بالأمس, ويوم).
B = r"(?<=(?:^|[^\p{L}\p{N}])[وف]?[بلك]?)"
E = r"(?![\p{L}\p{N}])"
DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:er|e|st|nd|rd|th)?"
YEAR = r"(?P<y>(?:19|20)\d\d)(?: ?م(?![\p{L}\p{N}]))?"
YEAR2 = YEAR.replace("(?P<y>", "(?P<y2>")
MONTHS_GROUP = (
    rf"(?P<mg>(?:{R_MON})(?: ?/ ?(?:{R_MON})| ?\( ?(?:{R_MON}) ?\))?"
    rf"|\( ?(?:{R_MON}) ?\) ?(?:{R_MON}))"
)
WEEKDAY_PREFIX = rf"(?:(?:يوم )?(?P<wd>{R_WD}),? (?:الموافق )?)?"
YEAR_PART = rf"(?:,? (?:من )?(?:(?:ال)?(?:عام|سنه) )?{YEAR})"
MONTHS_GROUP2 = MONTHS_GROUP.replace("(?P<mg>", "(?P<mg2>")
YEAR_PART2 = YEAR_PART.replace(YEAR, YEAR2)
# "and"/"et" too: "between 29 June and 3 July", "entre le 29 juin et le 3 juillet".
RANGE_TO = r"(?: ?[-–] ?| (?:au|a|to|until|and|et|الي|حتي|و) ?(?:le )?)"


def _compile(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern, regex.V1)


RX_NUMERIC = _compile(
    rf"{B}(?P<body>(?P<d>3[01]|[12]\d|0?[1-9])(?P<sep>[/.-])(?P<mn>1[0-2]|0?[1-9])(?P=sep)"
    rf"(?P<y>(?:19|20)\d\d)){E}"
)
RX_ISO = _compile(
    rf"{B}(?P<body>(?P<y>(?:19|20)\d\d)-(?P<mn>1[0-2]|0[1-9])-(?P<d>3[01]|[12]\d|0[1-9])){E}"
)
# 30 juin au 2 juillet 2022, من 30 يونيو إلى 2 يوليو 2022 (a range across months).
RX_CROSS_MONTH_RANGE = _compile(
    rf"{B}(?P<body>(?P<d>{DAY})(?: (?:من|of))? {MONTHS_GROUP}{YEAR_PART}?{RANGE_TO}"
    rf"(?P<d2>{DAY})(?: (?:من|of))? {MONTHS_GROUP2}{YEAR_PART2}?){E}"
)
RX_DAY_MONTH = _compile(
    rf"{B}(?P<body>{WEEKDAY_PREFIX}(?:(?P<d>{DAY})|(?P<od>{_alternation(ORDINAL_BY_NAME)}))"
    rf"(?:(?: ?[-–] ?| (?:و ?|au |et |to |and ))(?P<d2>{DAY}))?"
    rf"(?: (?:من|of))? (?:شهر )?{MONTHS_GROUP}(?:{YEAR_PART}| (?P<q>{R_QUAL}))?){E}"
)
RX_MONTH_DAY_EN = _compile(
    rf"{B}(?P<body>(?:(?P<wd>{R_WD}),? )?(?P<mg>{R_MON_EN}) (?P<d>{DAY})"
    rf"(?: ?[-–] ?(?P<d2>{DAY}))?(?:,? {YEAR})?){E}"
)
RX_MONTH_YEAR = _compile(
    rf"{B}(?P<body>(?:شهر )?{MONTHS_GROUP}(?: من)?(?: (?:ال)?(?:عام|سنه))?,? {YEAR}){E}"
)
RX_MONTH_ONLY = _compile(
    rf"{B}(?P<body>شهر {MONTHS_GROUP}(?: (?P<q>{R_QUAL}))?|{MONTHS_GROUP} (?P<q>{R_QUAL})"
    rf"|(?P<q>last|next) (?P<mg>{R_MON_EN})){E}"
    rf"|(?<=(?:^|[^\p{{L}}\p{{N}}])(?:en|in) )(?P<body>(?P<mg>{R_MON_LATIN})){E}"
)
RX_YEAR = _compile(
    rf"{B}(?P<body>(?:ال)?(?:عام|سنه) {YEAR}){E}"
    rf"|(?<=(?:^|[^\p{{L}}\p{{N}}])(?:[وف]?في|خلال|en|in|durant|during) )(?P<body>{YEAR}){E}"
)
_COUNT = rf"(?:(?P<n>\d{{1,3}})|(?P<nw>{_alternation(NUMBERS)}))"
_UNIT = rf"(?P<u>{_alternation(AGO_UNITS)})"
RX_AGO = _compile(
    rf"{B}(?P<body>(?:قبل|منذ) (?:{_COUNT} {_UNIT}|(?P<one>{_alternation(AGO_SINGLE)})"
    rf"(?! ?(?:\d|{R_WD}|{R_MON})))"
    rf"|il y a {_COUNT} {_UNIT}"
    rf"|{_COUNT} {_UNIT} ago"
    rf"){E}"
)
RX_PERIOD = _compile(rf"{B}(?P<body>{_alternation(RELATIVE_PERIODS)}){E}")
RX_REL_DAY = _compile(rf"{B}(?P<body>{_alternation(RELATIVE_DAYS)}){E}")
RX_WEEKDAY = _compile(
    rf"{B}(?P<body>(?:(?P<q0>last|next) )?(?:(?:يوم|صباح|مساء|ليله) )?(?P<wd>{R_WD})"
    rf"(?: (?P<q>{R_QUAL}))?){E}"
)


# ------------------------------------------------------------------------------- triggers

_TOKEN = regex.compile(r"[\p{L}\p{N}]+")
# Tokens too common to open a scan window on their own; every phrase keeps at least one
# distinctive token (checked by the tests).
COMMON_TOKENS = frozenset(
    fold_letters(w)
    for w in ("la", "le", "ce", "l", "il", "a", "the", "this", "last", "next", "day", "before",
              "هذا", "هذه", "يوم", "صباح", "مساء", "ليلة", "من", "الأول", "الثاني")
)  # fmt: skip


def _distinctive_tokens(phrases: Iterable[str]) -> frozenset[str]:
    return frozenset(
        token for phrase in phrases for token in _TOKEN.findall(phrase)
        if token not in COMMON_TOKENS
    )  # fmt: skip


# Trigger categories: every match of a pass contains a token of its category (or digits).
TRIGGER_TOKENS: dict[str, frozenset[str]] = {
    "month": _distinctive_tokens(MONTH_BY_NAME),
    "weekday": _distinctive_tokens(WEEKDAY_BY_NAME),
    "relative_day": _distinctive_tokens(RELATIVE_DAYS),
    "period": _distinctive_tokens(RELATIVE_PERIODS),
    "ago": _distinctive_tokens(("قبل", "منذ", "il y a", "ago")),
}
_CATEGORIES_OF: dict[str, tuple[str, ...]] = {}
for _category, _tokens in TRIGGER_TOKENS.items():
    for _token in _tokens:
        _CATEGORIES_OF[_token] = (*_CATEGORIES_OF.get(_token, ()), _category)

# Longer than any date expression the patterns can match (the longest is about 95 folded
# characters: weekday + الموافق + ordinal day + range + من شهر + dual month + من عام + year).
WINDOW_MARGIN = 160
# Stdlib ``re`` here: for a plain alternation with fixed-width look-arounds it is several
# times faster than ``regex``, and ``\w`` (Unicode letters, digits, underscore) is exact
# enough on folded text (no marks left). Up to two glued proclitics: وأمس, بالأمس, وبيونيو.
_TRIGGER = re.compile(
    rf"(?<!\w)[وفبلك]{{0,2}}(?P<t>{_alternation(_CATEGORIES_OF)})(?!\w)|(?P<d>\d+)"
)

Windows = dict[str, list[tuple[int, int]]]


def scan_windows(folded_text: str) -> Windows:
    """For each trigger category ("digit", "month", "weekday", "relative_day", "period",
    "ago"), disjoint ``[lo, hi)`` ranges of ``folded_text`` around its trigger tokens.

    Each trigger token gets ``WINDOW_MARGIN`` characters on both sides; overlapping ranges are
    merged. A pass that needs category C only scans C's ranges: every match of that pass
    contains a C token and is shorter than the margin, so it finds exactly the matches a scan
    of the whole text finds.
    """
    windows: Windows = {"digit": []}
    windows.update((category, []) for category in TRIGGER_TOKENS)
    size = len(folded_text)
    for m in _TRIGGER.finditer(folded_text):
        lo, hi = max(0, m.start() - WINDOW_MARGIN), min(size, m.end() + WINDOW_MARGIN)
        token = m.group("t")
        for category in _CATEGORIES_OF[token] if token else ("digit",):
            ranges = windows[category]
            if ranges and lo <= ranges[-1][1]:
                ranges[-1] = (ranges[-1][0], hi)
            else:
                ranges.append((lo, hi))
    return windows
