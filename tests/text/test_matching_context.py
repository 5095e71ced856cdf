"""Overlaps, light context, generated spellings and confidence of alias matches."""

from __future__ import annotations

from coding.text.context import ALIAS_VARIANT, AMBIGUOUS, IN_DOCUMENT_NAME
from coding.text.matching import AliasMatcher, Match
from coding.text.variants import spelling_variants

KITA, ALGERIA, MACINA_TOWN, NIGER, GUINEA, BER, TIMBUKTU, AZAWAD = 1, 2, 3, 4, 5, 6, 7, 8
KATIBA_MACINA, MNLA, ANSAR_DINE, FLA = 11, 12, 13, 14

MATCHER = AliasMatcher(
    [
        (KITA, "location", "كيتا"),
        (ALGERIA, "location", "الجزائر"),
        (MACINA_TOWN, "location", "ماسينا"),
        (NIGER, "location", "النيجر"),
        (GUINEA, "location", "غينيا"),
        (BER, "location", "بير"),
        (TIMBUKTU, "location", "تمبكتو"),
        (AZAWAD, "location", "أزواد"),
        (KATIBA_MACINA, "actor", "كتيبة ماسينا"),
        (MNLA, "actor", "الحركة الوطنية لتحرير أزواد"),
        (ANSAR_DINE, "actor", "أنصار الدين"),
        (FLA, "actor", "جبهة تحرير أزواد"),
    ]
)


def found(text: str) -> list[tuple[int, str, float]]:
    """(entry, the span's text, confidence) for every match."""
    return [(m.entry_id, text[m.start : m.end], m.confidence) for m in MATCHER.find(text)]


def test_an_actor_name_shadows_the_place_inside_it() -> None:
    assert found("هاجمت جبهة تحرير أزواد مواقع الجيش") == [(FLA, "جبهة تحرير أزواد", 1.0)]
    assert found("يشهد إقليم أزواد نزوحا") == [(AZAWAD, "أزواد", 1.0)]


def test_plural_and_singular_of_a_units_head_noun_both_match() -> None:
    assert found("أعلنت كتائب ماسينا مسؤوليتها") == [(KATIBA_MACINA, "كتائب ماسينا", ALIAS_VARIANT)]
    assert found("تبنت كتيبة ماسينا الهجوم") == [(KATIBA_MACINA, "كتيبة ماسينا", 1.0)]
    assert spelling_variants("الكتيبه الاولي", "actor") == ["الكتايب الاولي"]


def test_a_long_vowel_after_the_first_letter_of_a_place_is_a_variant() -> None:
    assert found("شهدت مدينة تومبكتو اشتباكات") == [(TIMBUKTU, "تومبكتو", ALIAS_VARIANT)]
    # and with a proclitic, the reported span is the name only
    assert found("بين غاو وتومبكتو") == [(TIMBUKTU, "تومبكتو", ALIAS_VARIANT)]
    # short names do not vary (غاو, بير would turn into other words)
    assert spelling_variants("بير", "location") == []
    assert spelling_variants("تمبكتو", "actor") == []


def test_a_real_alias_beats_a_generated_spelling_of_another_entry() -> None:
    matcher = AliasMatcher([(1, "location", "تمبكتو"), (2, "location", "تومبكتو")])
    assert [(m.entry_id, m.confidence) for m in matcher.find("في تومبكتو")] == [(2, 1.0)]


def test_quotes_and_guillemets_inside_or_around_a_name_are_transparent() -> None:
    text = "وأعلنت «الحركة الوطنية لتحرير أزواد» أن"
    assert found(text) == [(MNLA, "الحركة الوطنية لتحرير أزواد", 1.0)]
    quoted_last_word = 'متحدث باسم الحركة الوطنية لتحرير "أزواد 2012" أن'
    assert found(quoted_last_word) == [(MNLA, 'الحركة الوطنية لتحرير "أزواد', 1.0)]
    spaced = "الحركة الوطنية لتحرير « أزواد » أن"
    assert found(spaced) == [(MNLA, "الحركة الوطنية لتحرير « أزواد", 1.0)]
    glued = 'كانت كتائب بـ"أنصار الدين" تسيطر'
    assert found(glued) == [(ANSAR_DINE, "أنصار الدين", 1.0)]


def test_a_surname_after_a_given_name_or_title_is_not_a_place() -> None:
    assert found("جنازة الرئيس السابق إبراهيم بوبكر كيتا في") == []
    assert found("قال الرئيس كيتا إن") == []
    assert found("خطاب موديبو كيتا الشهير") == []
    assert found("وصل الجنود إلى كيتا أمس") == [(KITA, "كيتا", 1.0)]
    # على (on) folds to علي (Ali) and must not hide the place after it
    assert found("هجوم على كيتا") == [(KITA, "كيتا", 1.0)]


def test_a_river_or_gulf_named_after_a_place_is_not_the_place() -> None:
    assert found("جنوب نهر النيجر مساء") == []
    assert found("دول خليج غينيا") == []
    assert found("الحدود مع النيجر") == [(NIGER, "النيجر", 1.0)]


def test_a_place_in_an_agreements_name_is_offered_but_ranked_low() -> None:
    assert found("إن اتفاق الجزائر للسلام") == [(ALGERIA, "الجزائر", IN_DOCUMENT_NAME)]
    assert found("بعد انهيار واتفاقية الجزائر") == [(ALGERIA, "الجزائر", IN_DOCUMENT_NAME)]
    assert found("لاجئون في الجزائر") == [(ALGERIA, "الجزائر", 1.0)]
    # the rule stops at punctuation: "اتفاق، الجزائر" is two things
    assert found("رفض الاتفاق، الجزائر تدين") == [(ALGERIA, "الجزائر", 1.0)]


def test_a_hamza_the_alias_lacks_makes_another_word() -> None:
    assert found("قرب بئر في ضواحي") == []
    assert found("سيطروا على بلدة بير غرب") == [(BER, "بير", 1.0)]


def test_a_name_shared_by_two_entries_is_a_choice() -> None:
    matcher = AliasMatcher([(1, "location", "بوني"), (2, "location", "بوني")])
    assert [(m.entry_id, m.confidence) for m in matcher.find("في بوني")] == [
        (1, AMBIGUOUS),
        (2, AMBIGUOUS),
    ]


def test_matches_default_to_full_confidence_when_built_by_hand() -> None:
    assert Match(1, "location", "Gao", 0, 3).confidence == 1.0


def test_a_common_noun_followed_by_its_adjective_is_not_the_name() -> None:
    matcher = AliasMatcher([(1, "actor", "القاعدة"), (2, "location", "تيساليت")])
    text = "قصفوا القاعدة العسكرية في تيساليت بعد أن هددت القاعدة المدينة"
    assert [(m.entry_id, text[m.start : m.end]) for m in matcher.find(text)] == [
        (2, "تيساليت"),
        (1, "القاعدة"),
    ]
