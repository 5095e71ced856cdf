"""A year or a short remark in parentheses between the words of a name: the name is still
found (spanning the aside), it shadows the shorter names and places inside it, a place named
in the remark itself is kept, and a long parenthesis does not join the words around it."""

from __future__ import annotations

from coding.text.arabic import fold
from coding.text.asides import Aside, part, windows, without_asides
from coding.text.matching import AliasMatcher

AZAWAD, KIDAL, GAO, MALI = 1, 2, 3, 4
MNLA, ANSAR_DINE, MUJAO, MUJAO_LONG, FAMA = 11, 12, 13, 14, 15

MATCHER = AliasMatcher(
    [
        (AZAWAD, "location", "أزواد"),
        (KIDAL, "location", "كيدال"),
        (GAO, "location", "غاو"),
        (MALI, "location", "مالي"),
        (MNLA, "actor", "الحركة الوطنية لتحرير أزواد"),
        (MNLA, "actor", "Mouvement national de libération de l'Azawad"),
        (ANSAR_DINE, "actor", "جماعة أنصار الدين"),
        (MUJAO, "actor", "حركة التوحيد والجهاد"),
        (MUJAO_LONG, "actor", "حركة التوحيد والجهاد في غرب أفريقيا"),
        (FAMA, "actor", "الجيش المالي"),
    ]
)


def found(text: str) -> list[tuple[int, str]]:
    return [(m.entry_id, text[m.start : m.end]) for m in MATCHER.find(text)]


def test_a_founding_year_between_the_words_of_a_name() -> None:
    assert found("أعلنت جماعة أنصار (2012) الدين مسؤوليتها") == [
        (ANSAR_DINE, "جماعة أنصار (2012) الدين")
    ]
    # glued to the words, with Eastern digits
    assert found("جماعة أنصار(٢٠١٢)الدين") == [(ANSAR_DINE, "جماعة أنصار(٢٠١٢)الدين")]


def test_a_quoted_word_with_its_year_inside_a_name() -> None:
    text = 'تبنت حركة "التوحيد (2011)" والجهاد الهجوم'
    assert found(text) == [(MUJAO, 'حركة "التوحيد (2011)" والجهاد')]
    guillemets = "تبنت حركة «التوحيد» (2011) والجهاد الهجوم"
    assert found(guillemets) == [(MUJAO, "حركة «التوحيد» (2011) والجهاد")]


def test_the_name_across_the_aside_shadows_the_shorter_name_and_the_place_in_it() -> None:
    # without the rule: أزواد alone, as a place (a wrong suggestion), and no MNLA
    text = "وقالت الحركة الوطنية (تأسست 2011) لتحرير أزواد إن مقاتليها انسحبوا"
    assert found(text) == [(MNLA, "الحركة الوطنية (تأسست 2011) لتحرير أزواد")]
    longer = "تبنت حركة التوحيد والجهاد (2011) في غرب أفريقيا الهجوم"
    assert found(longer) == [(MUJAO_LONG, "حركة التوحيد والجهاد (2011) في غرب أفريقيا")]
    french = "le Mouvement national (MNLA, 2011) de libération de l'Azawad a dit"
    assert found(french) == [(MNLA, "Mouvement national (MNLA, 2011) de libération de l'Azawad")]


def test_a_place_named_in_the_remark_is_still_found() -> None:
    text = "جماعة أنصار (تأسست في كيدال) الدين"
    assert found(text) == [
        (ANSAR_DINE, "جماعة أنصار (تأسست في كيدال) الدين"),
        (KIDAL, "كيدال"),
    ]


def test_asides_that_are_not_inside_a_name_change_nothing() -> None:
    assert found("وصل الجيش المالي (فاما) إلى غاو (شمال مالي) أمس") == [
        (FAMA, "الجيش المالي"),
        (GAO, "غاو"),
        (MALI, "مالي"),
    ]
    # a parenthesis of more than three words is a sentence, not an aside: no name across it
    assert found("جماعة أنصار (قال مصدر أمني إن المسلحين) الدين") == []
    assert found("جماعة أنصار (2012) الدين والجيش المالي") == [
        (ANSAR_DINE, "جماعة أنصار (2012) الدين"),
        (FAMA, "الجيش المالي"),
    ]


def test_without_asides_keeps_offsets_on_the_original_text() -> None:
    source = "أنصار 😢 (2012) الدين"
    stripped, asides = without_asides(fold(source))
    assert stripped.text == "انصار 😢(الدين"
    assert asides == [Aside(8, 14, at=7)]  # the space before it went
    assert stripped.text[7] == "("
    assert source[8:14] == "(2012)"
    assert [source[i] for i in stripped.to_original[:-1]] == list("أنصار 😢(الدين")
    plain = fold("no aside here")
    assert without_asides(plain) == (plain, [])


def test_only_the_text_around_asides_is_searched_again() -> None:
    asides = [Aside(0, 0, at=10), Aside(0, 0, at=30), Aside(0, 0, at=200)]
    assert windows(asides, 15, 210) == [(0, 46), (185, 210)]
    folded = fold("جماعة أنصار الدين")
    piece = part(folded, 6, 11)
    assert piece.text == "انصار"
    assert piece.original_span(0, 5) == (6, 11)


def test_a_name_across_an_aside_far_into_a_long_text() -> None:
    filler = "وقال مصدر محلي إن الوضع هادئ. " * 200
    text = filler + "ثم تبنت جماعة أنصار (2012) الدين الهجوم (أمس) قرب غاو."
    start = text.index("جماعة")
    assert [(m.entry_id, m.start) for m in MATCHER.find(text)] == [
        (ANSAR_DINE, start),
        (GAO, text.index("غاو")),
    ]
