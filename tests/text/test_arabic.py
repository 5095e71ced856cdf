import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coding.text.arabic import fold, fold_char, fold_letters


@pytest.mark.parametrize(
    ("original", "folded"),
    [
        ("إقليم", "اقليم"),
        ("أغسطس", "اغسطس"),
        ("آب", "اب"),
        ("ٱلله", "الله"),
        ("مسؤول", "مسوول"),  # ؤ -> و
        ("رئيس", "رييس"),  # ئ -> ي
        ("جزء", "جزء"),  # the lone hamza stays
        ("مصطفى", "مصطفي"),
        ("مدينة", "مدينه"),
        ("قُتِلَ", "قتل"),
        ("الجيشَ", "الجيش"),
        ("هجومـــاً", "هجوما"),
        ("بمالي\u200c", "بمالي"),
        ("\u200fJNIM\u200e\u061c\u2067غاو\u2069", "jnimغاو"),
        ("\ufee3\ufe8e\ufedf\ufef2", "مالي"),  # presentation forms
        ("\ufefb", "لا"),  # lam-alef ligature
        ("\ufe70\ufe7c", ""),  # isolated harakat forms
        ("کیدال", "كيدال"),
        ("گاو پ چ ژ ڤ ڨ", "كاو ب ج ز ف ق"),
        ("٢٠٢٣ ۲۰۲۳", "2023 2023"),
        ("١٢٫٥٪ ،؛؟", "12.5% ,;?"),
        ("Ménaka Ségou Françoise", "menaka segou francoise"),
        ("Straße", "strasse"),
        ("«JNIM»", '"jnim"'),
        ("l’ONU", "l'onu"),
        ("Gao\u00a0\u202f  Kidal\n\n Mopti", "gao kidal\n\n mopti"),
        ("🇲🇱 😢", "🇲🇱 😢"),
    ],
)
def test_fold_text(original, folded):
    assert fold_letters(original) == folded


def test_fold_char_expansions_and_removals():
    assert fold_char("\ufdfa") == "صلي الله عليه وسلم"
    assert fold_char("\u0640") == ""
    assert fold_char("\u0651") == ""
    assert fold_char("\n") == "\n"
    assert fold_char("\t") == " "


def test_map_back_through_deletions_and_expansions():
    text = "قُتِلَ في ﻣﺎﻟﻲ\u200c و\ufefbلـJNIM"
    f = fold(text)
    assert f.text == "قتل في مالي ولالjnim"
    assert len(f.to_original) == len(f.text) + 1
    assert f.to_original[-1] == len(text)
    # "مالي" in the folded text maps back to the presentation-form word.
    i = f.text.index("مالي")
    assert f.original_span(i, i + 4) == (text.index("\ufee3"), text.index("\ufee3") + 4)
    # Both folded letters of the ligature map to the ligature itself.
    k = f.text.index("ولا") + 1
    lig = text.index("\ufefb")
    assert f.to_original[k] == f.to_original[k + 1] == lig
    assert f.original_span(k + 1, k + 2) == (lig, lig + 1)
    # jnim maps to JNIM after the tatweel.
    j = f.text.index("jnim")
    assert text[slice(*f.original_span(j, j + 4))] == "JNIM"


def test_original_span_includes_trailing_harakat():
    text = "دعم ماليّاً"
    f = fold(text)
    assert f.text == "دعم ماليا"
    i = f.text.index("مالي")
    start, end = f.original_span(i, i + 4)
    assert text[start:end] == "ماليّ"  # the shadda on ي is part of the last letter


def test_original_span_rejects_bad_ranges():
    f = fold("Gao")
    with pytest.raises(ValueError, match="out of range"):
        f.original_span(2, 2)
    with pytest.raises(ValueError, match="out of range"):
        f.original_span(0, 4)


ARABIC_HEAVY = st.sampled_from(
    [
        *"اأإآٱؤئءىيةهقتلمكگپ",
        *["\u064e", "\u0651", "\u0670", "\u0640", "\u200c", "\u200d", "\u200f", "\u061c"],
        *["\ufefb", "\ufee3", "\ufdfa", "\ufe70", "٣", "۳", "é", "ß", "İ", " ", "\u00a0", "\n"],
        *["🇲", "🇱", "😢", "\U0001ee00"],
    ]
)
any_text = st.text(alphabet=st.one_of(st.characters(codec="utf-8"), ARABIC_HEAVY), max_size=50)
arabic_text = st.text(alphabet=ARABIC_HEAVY, max_size=50)


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_property_map_is_monotonic_and_local(text):
    f = fold(text)
    assert len(f.to_original) == len(f.text) + 1
    assert f.to_original[-1] == len(text)
    assert all(a <= b for a, b in itertools.pairwise(f.to_original))
    for k, ch in enumerate(f.text):
        source_char = text[f.to_original[k]]
        assert ch in fold_char(source_char)


@settings(max_examples=300, deadline=None)
@given(any_text, st.data())
def test_property_spans_map_back(text, data):
    f = fold(text)
    if not f.text:
        return
    i = data.draw(st.integers(min_value=0, max_value=len(f.text) - 1))
    j = data.draw(st.integers(min_value=i + 1, max_value=len(f.text)))
    start, end = f.original_span(i, j)
    assert 0 <= start < end <= len(text)
    assert f.text[i:j] in fold(text[start:end]).text


@settings(max_examples=200, deadline=None)
@given(arabic_text)
def test_property_fold_is_idempotent_on_arabic_latin_text(text):
    once = fold_letters(text)
    assert fold_letters(once) == once
