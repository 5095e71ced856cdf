import pytest

from coding.text.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قالت مصادر أمنية إن مسلحين من جماعة نصرة الإسلام والمسلمين (JNIM) هاجموا قافلة", "ar"),
        ("وأضافت المصادر أن الهجوم وقع في ٣١ أغسطس ٢٠٢٤ قرب Gao و Kidal 🇲🇱", "ar"),
        ("قُتِلَ عشرات المدنيّين في منطقة مينَكا\u200c", "ar"),
        (
            "Le porte-parole de l'armée a déclaré que 1,2 million de personnes sont "
            "déplacées au Mali depuis 2012.",
            "fr",
        ),
        ("L'attaque a visé un convoi des FAMa près de Gossi, selon une source sécuritaire.", "fr"),
        ("The army said that dozens of civilians were killed in an attack near Gao.", "en"),
        ("JNIM claimed the attack on the convoy, according to a statement.", "en"),
    ],
)
def test_detects_news_sentences(text, expected):
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "JNIM",  # too short
        "2023 😢 🇲🇱 ٢٠٢٣",  # no letters
        "Gao Kidal Ménaka Tombouctou",  # names only, no function words
        "Bamako Mopti Ségou la",  # one French function word is not enough
    ],
)
def test_unsure_gives_none(text):
    assert detect_language(text) is None


def test_letter_counts_agree_with_the_patterns_at_every_code_point() -> None:
    """The table lookup counts what the regex definitions count: letters (\\p{L}) and
    Arabic-script letters, over every code point (surrogates included) in one text."""
    import regex

    from coding.text.language import _letter_counts

    every = "".join(map(chr, range(0x110000)))
    letters = len(regex.findall(r"\p{L}", every))
    arabic = len(regex.findall(r"[\p{L}&&\p{Script=Arabic}]", every, flags=regex.V1))
    assert _letter_counts(every) == (letters, arabic)
    assert letters > 100_000
    assert arabic > 1_000
    assert _letter_counts("") == (0, 0)
    assert _letter_counts("ab\ud800ب1") == (3, 1)
