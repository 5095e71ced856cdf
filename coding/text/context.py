"""Light context rules for alias matches, and the confidence scale they feed.

The matcher finds names; these rules look at the word just before a place name (and at the
hamza in the written word) to tell the names coders code from homographs they do not:

* **A personal name or a title before a surname** (إبراهيم بوبكر كيتا, الرئيس كيتا): the
  "place" is a person's surname (Kita, the town, is also the Keïta family name) — dropped.
* **A feature noun before a place** (نهر النيجر, خليج غينيا): the river or gulf, a different
  feature from the country or town of that name — dropped.
* **A document noun before a place** (اتفاق الجزائر, مسار نواكشوط): the agreement or
  process named after the place; still offered, ranked low (:data:`IN_DOCUMENT_NAME`).
* **A common noun that is also a name, followed by an adjective** (القاعدة العسكرية, "the
  military base", against al-Qaeda): the adjective shows the noun — dropped.
* **A hamza the alias does not have** (بئر "a well" against the town بير): folding makes ئ
  and ي equal so that spelling variants meet, but a written ئ/ؤ where the alias has a plain
  letter is another word — dropped.

Words are compared folded (coding.text.arabic), after stripping glued proclitics (و ف ب ل ك),
so بالرئيس and واتفاق count like الرئيس and اتفاق. The lexicons are short on purpose: they
list the titles, given names and nouns that occur next to names in Sahel news, not all of
Arabic.
"""

from __future__ import annotations

from coding.text.arabic import fold_letters

__all__ = [
    "ALIAS_EXACT",
    "ALIAS_VARIANT",
    "AMBIGUOUS",
    "IN_DOCUMENT_NAME",
    "context_confidence",
    "has_extra_hamza",
    "is_common_noun",
]

# Confidence scale: an exact alias (after folding) is sure; a spelling generated from an
# alias (كتيبة/كتائب, a long vowel added or left out) is likely; a name shared by several
# entries is a choice for the coder; a place inside an agreement's name is a long shot.
ALIAS_EXACT = 1.0
ALIAS_VARIANT = 0.85
AMBIGUOUS = 0.6
IN_DOCUMENT_NAME = 0.3


def _folded_set(*words: str) -> frozenset[str]:
    return frozenset(fold_letters(w) for w in words)


TITLES = _folded_set(
    "الرئيس", "السيد", "الوزير", "الجنرال", "العقيد", "المقدم", "النقيب",
    "الشيخ", "الإمام", "الزعيم", "القائد", "القيادي", "الراحل", "السيدة", "المدعو",
)  # fmt: skip
# Given names common in Mali and the Sahel as Arabic news spells them (first or middle name
# before a family name that is also a place: Keïta/Kita, Koné, Diarra, …).
GIVEN_NAMES = _folded_set(
    "إبراهيم", "بوبكر", "أبوبكر", "موديبو", "أمادو", "حمادو", "مامادو", "محمد", "محمدو",
    "موسى", "عمر", "سيدو", "سيدي", "بكاري", "بوكاري", "سومايلا", "عثمان", "أداما",
    "تيمان", "شيك", "عاصمي", "ماليك", "يايا", "ساديو", "باه", "مختار", "ساليف", "سالف",
    "كريم", "فاتوماتا", "عائشة", "مريم", "أميناتا", "الحسن", "إياد", "سيكو",
    "دراماني", "ديونكوندا", "كوفي", "لانسانا", "سليمان", "تيموكو",
)  # fmt: skip
FEATURE_NOUNS = _folded_set(
    "نهر", "خليج", "بحيرة", "بحيرات", "دلتا", "حوض", "مضيق", "جبال", "جبل", "هضبة",
)  # fmt: skip
DOCUMENT_NOUNS = _folded_set(
    "اتفاق", "اتفاقية", "اتفاقيات", "مسار", "إعلان", "مؤتمر", "قمة", "ميثاق", "مفاوضات",
    "محادثات", "وثيقة", "منتدى", "معاهدة",
)  # fmt: skip

# Names that are also common nouns, with the adjectives that show the noun when they follow.
COMMON_NOUN_ADJECTIVES = {
    fold_letters("القاعدة"): _folded_set(
        "العسكرية", "الجوية", "البحرية", "اللوجستية", "الفرنسية", "الأمريكية", "الأميركية",
        "الروسية", "الأممية", "المتقدمة", "الخلفية", "الرئيسية", "الشعبية", "الانتخابية",
        "القانونية", "الأساسية", "العامة", "المالية", "الصناعية",
    ),
}  # fmt: skip

_PROCLITICS = ("و", "ف", "ب", "ل", "ك")
_HAMZA_CARRIERS = "ئؤ"


def _candidates(word: str) -> list[str]:
    """The word and the word without one or two glued proclitics (واتفاق → اتفاق)."""
    forms = [word]
    for _ in range(2):
        if len(word) > 3 and word[0] in _PROCLITICS:
            word = word[1:]
            forms.append(word)
        if word.startswith("لل") and len(word) > 4:  # للرئيس = ل + الرئيس
            forms.append("ا" + word[1:])
    return forms


def _previous_words(match_text: str, start: int, count: int) -> list[str]:
    """Up to ``count`` words before ``start`` in the matcher's match text, nearest first;
    stops at a line break or at punctuation (which the match text shows as a double space)."""
    words: list[str] = []
    i = start
    while len(words) < count:
        j = i
        while j > 0 and match_text[j - 1] == " ":
            j -= 1
        if j == 0 or match_text[j - 1] == "\n" or i - j > 1:
            break
        k = j
        while k > 0 and match_text[k - 1] not in " \n":
            k -= 1
        words.append(match_text[k:j])
        i = k
    return words


# Never add a word here that is also a common function word once folded: على (on) folds to
# علي, so the given name Ali is left out; رئيس/وزير without the article would swallow
# "رئيس مالي" (the president of Mali), which names the country.


def context_confidence(match_text: str, start: int, kind: str) -> float | None:
    """Confidence factor for a match starting at ``start`` (match-text index, the written
    word's start): None when the context rules the name out, else a factor <= 1."""
    if kind != "location":
        return 1.0
    previous = _previous_words(match_text, start, 1)
    if not previous:
        return 1.0
    nearest = _candidates(previous[0])
    if any(w in TITLES or w in GIVEN_NAMES for w in nearest):
        return None
    if any(w in FEATURE_NOUNS for w in nearest):
        return None
    if any(w in DOCUMENT_NOUNS for w in nearest):
        return IN_DOCUMENT_NAME
    return 1.0


def has_extra_hamza(written: str, alias: str) -> bool:
    """True when the written name has more ئ/ؤ than the alias it matched: بئر is not بير."""
    return sum(written.count(c) for c in _HAMZA_CARRIERS) > sum(
        alias.count(c) for c in _HAMZA_CARRIERS
    )


def is_common_noun(match_text: str, start: int, end: int) -> bool:
    """True when the name ``match_text[start:end]`` is a common noun here: it is followed
    (after one space) by an adjective that shows it (القاعدة العسكرية)."""
    adjectives = COMMON_NOUN_ADJECTIVES.get(match_text[start:end])
    if adjectives is None or match_text[end : end + 1] != " ":
        return False
    following = match_text[end + 1 :].split(" ", 1)[0].split("\n", 1)[0]
    return following in adjectives
