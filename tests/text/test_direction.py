import pytest

from coding.text.direction import (
    Paragraph,
    document_direction,
    paragraph_direction,
    split_paragraphs,
)

ARTICLE = (
    "JNIM تبنت الهجوم على قافلة للجيش المالي قرب غاو 🇲🇱\n"
    "\n"
    "Le porte-parole a déclaré que مينَكا\u200c est calme.\n"
    "2023 😢\n"
    "وقال مسؤول في JNIM 2023 إن «الوضع» هادئ"
)


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        # Begins with a Latin name (first-strong would say ltr); Arabic letters dominate.
        ("JNIM تبنت الهجوم على قافلة للجيش المالي", "rtl"),
        ("Le porte-parole de l'armée a cité مينَكا", "ltr"),
        ("قال مسؤول في JNIM 2023 🇲🇱", "rtl"),
        ("Gao غاو", "rtl"),  # 3 vs 3 letters: ties go to rtl
        ("FAMa قرب Gao", "ltr"),  # 7 Latin vs 3 Arabic letters
        ("\u200fMali 😢", "ltr"),  # an RLM is not a letter
        ("🇲🇱🇲🇱 قتيل", "rtl"),  # regional indicators (bidi class L) are not letters
        ("שלום Mali", "rtl"),  # Hebrew counts as RTL
    ],
)
def test_paragraph_direction_majority(paragraph, expected):
    assert paragraph_direction(paragraph) == expected


@pytest.mark.parametrize("neutral", ["", "2023", "٢٠٢٣ 😢", "\u200c\u200f", "«»"])
def test_no_strong_letters_uses_default(neutral):
    assert paragraph_direction(neutral) == "ltr"
    assert paragraph_direction(neutral, default="rtl") == "rtl"


def test_document_direction():
    assert document_direction(ARTICLE) == "rtl"
    assert document_direction("Gao, le 12 juin") == "ltr"
    assert document_direction("") == "ltr"
    assert document_direction("١٢ 😢") == "ltr"


def test_split_paragraphs_offsets_directions_and_round_trip():
    paragraphs = split_paragraphs(ARTICLE)
    first_end = ARTICLE.index("\n")
    third_start = first_end + 2
    third_end = ARTICLE.index("\n", third_start)
    fourth_end = ARTICLE.index("\n", third_end + 1)
    assert paragraphs == [
        Paragraph(0, first_end, "rtl"),
        Paragraph(first_end + 1, first_end + 1, "rtl"),  # empty line inherits the document
        Paragraph(third_start, third_end, "ltr"),
        Paragraph(third_end + 1, fourth_end, "rtl"),  # "2023 😢" inherits the document
        Paragraph(fourth_end + 1, len(ARTICLE), "rtl"),
    ]
    assert "\n".join(ARTICLE[p.start : p.end] for p in paragraphs) == ARTICLE


def test_split_paragraphs_default_and_edges():
    assert split_paragraphs("") == [Paragraph(0, 0, "ltr")]
    assert split_paragraphs("\n") == [Paragraph(0, 0, "ltr"), Paragraph(1, 1, "ltr")]
    assert split_paragraphs("12\nGao", default="rtl") == [
        Paragraph(0, 2, "rtl"),
        Paragraph(3, 6, "ltr"),
    ]
    assert split_paragraphs("12\nGao") == [Paragraph(0, 2, "ltr"), Paragraph(3, 6, "ltr")]
