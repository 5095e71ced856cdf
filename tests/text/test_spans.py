import pytest

from coding.text.arabic import fold_letters
from coding.text.spans import SpanError, drop_proclitic, quote_context, snap_span

TEXT = "قُتِلَ عشرات في مينَكا\u200c وولد 🇲🇱🇫🇷 سيدي\u200f (JNIM) 👨‍👩‍👧 بمالي"


def at(sub: str, text: str = TEXT) -> int:
    return text.index(sub)


def test_snap_extends_to_grapheme_clusters_over_harakat():
    # A selection that starts on the damma of قُ and ends between ت and its kasra.
    assert snap_span(TEXT, 1, 3) == (0, 4)
    assert TEXT[0:4] == "قُتِ"


def test_snap_trims_whitespace_and_zwnj():
    start = at("مينَكا")
    assert snap_span(TEXT, start - 1, start + 8) == (start, start + 6)
    assert TEXT[start : start + 6] == "مينَكا"


def test_snap_trims_rlm_and_spaces():
    start = at("سيدي")
    assert snap_span(TEXT, start - 1, start + 5) == (start, start + 4)


def test_snap_never_splits_flags():
    flags = at("🇲🇱🇫🇷")
    # Half of the first flag -> the whole first flag.
    assert snap_span(TEXT, flags + 1, flags + 2) == (flags, flags + 2)
    # Second half of Mali + first half of France -> both flags.
    assert snap_span(TEXT, flags + 1, flags + 3) == (flags, flags + 4)


def test_snap_keeps_emoji_zwj_sequences_whole():
    family = at("👨")
    assert snap_span(TEXT, family + 2, family + 3) == (family, family + 5)


def test_snap_at_text_edges_and_errors():
    assert snap_span("قُ", 1, 2) == (0, 2)
    with pytest.raises(SpanError, match="empty"):
        snap_span(TEXT, 6, 7)  # a single space
    with pytest.raises(SpanError, match="empty"):
        snap_span(TEXT, 3, 3)
    with pytest.raises(SpanError, match="out of range"):
        snap_span(TEXT, 5, len(TEXT) + 1)
    with pytest.raises(SpanError, match="out of range"):
        snap_span(TEXT, 5, 4)


def test_snap_keeps_arabic_number_sign():
    text = " \u0600١٢٣ "
    assert snap_span(text, 0, len(text)) == (1, 5)


@pytest.mark.parametrize(
    ("word", "article", "expected"),
    [
        ("بمالي", False, "مالي"),
        ("وبغاو", False, "غاو"),
        ("ولتمبكتو", False, "تمبكتو"),
        ("لـJNIM", False, "JNIM"),
        ("لــJNIM", False, "JNIM"),
        ("بـمالي", False, "مالي"),
        ("وَبِغاو", False, "غاو"),  # harakat on the proclitics
        ("وولد", False, "ولد"),
        ("ولد", False, "ولد"),  # لد is too short to be what remains
        ("للجيش", False, "للجيش"),  # ل + الجيش: cutting one ل would leave a non-word
        ("للجيش", True, "جيش"),
        ("بالجيش", False, "الجيش"),
        ("بالجيش", True, "جيش"),
        ("والجيش", True, "جيش"),
        ("الجيش", True, "جيش"),
        ("Gao", True, "Gao"),
        ('ل"رويترز"', False, 'ل"رويترز"'),  # what remains must start with a letter
    ],
)
def test_drop_proclitic(word, article, expected):
    text = f"في {word} اليوم"
    start = 3
    new_start, end = drop_proclitic(text, start, start + len(word), article=article)
    assert end == start + len(word)
    assert text[new_start:end] == expected


def test_drop_proclitic_with_lexicon():
    lexicon = {fold_letters(w) for w in ("باماكو", "مالي", "غاو")}
    assert drop_proclitic("باماكو", 0, 6, lexicon=lexicon) == (0, 6)
    assert drop_proclitic("بمالي", 0, 5, lexicon=lexicon) == (1, 5)
    assert drop_proclitic("بريطانيا", 0, 8, lexicon=lexicon) == (0, 8)
    assert drop_proclitic("بريطانيا", 0, 8) == (1, 8)  # without a lexicon it is a heuristic
    assert drop_proclitic("وبغاو وكيدال", 0, 12, lexicon=lexicon) == (2, 12)


def test_quote_context():
    start = at("مينَكا")
    prefix, exact, suffix = quote_context(TEXT, start, start + 6, width=8)
    # Plain code-point windows: the suffix may end inside a cluster (half of 🇲🇱).
    assert (prefix, exact, suffix) == ("شرات في ", "مينَكا", "\u200c وولد 🇲")
    assert quote_context("Gao", 0, 3) == ("", "Gao", "")
    with pytest.raises(SpanError):
        quote_context("Gao", 2, 4)
