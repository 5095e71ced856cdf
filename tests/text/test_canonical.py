import hashlib
import unicodedata

import pytest

from coding.text.canonical import TextRejected, canonicalize, is_canonical, text_sha256


def test_strips_leading_bom_and_normalizes_line_breaks():
    assert canonicalize("\ufeffمالي\r\nGao\rKidal\n") == "مالي\nGao\nKidal\n"


def test_inner_bom_is_kept():
    # Only a leading BOM is a byte-order mark; inside the text U+FEFF is a (rare) character.
    assert canonicalize("a\ufeffb") == "a\ufeffb"


def test_nfc_composes_decomposed_hamza_and_reorders_harakat():
    decomposed = "ا\u0654" + "و\u0654" + "ي\u0654"  # alef / waw / yeh + combining hamza above
    assert canonicalize(decomposed) == "أؤئ"
    # shadda + fatha (typing order) is reordered to fatha + shadda (canonical order)
    assert canonicalize("د\u0651\u064e") == "د\u064e\u0651"


def test_never_nfkc():
    ligatures = "\ufdfa \ufefb \ufee3\ufe8e\ufedf\ufef2 ٢٠٢٣ 🇲🇱"
    assert canonicalize(ligatures) == ligatures
    assert len(canonicalize("\ufdfa")) == 1


@pytest.mark.parametrize(
    ("text", "index", "fragment"),
    [
        ("abc\x00", 3, "NUL"),
        ("مالي\ud83c", 4, "U+D83C"),
        ("\udc00x", 0, "U+DC00"),
    ],
)
def test_rejects_nul_and_lone_surrogates_with_index(text, index, fragment):
    with pytest.raises(TextRejected) as info:
        canonicalize(text)
    assert info.value.index == index
    assert fragment in str(info.value)
    assert f"code point {index}" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_idempotent_and_is_canonical():
    raw = "\ufeff\ufeffقُتِلَ\r\n\r\nJNIM 😢\r"
    once = canonicalize(raw)
    assert once == "قُتِلَ\n\nJNIM 😢\n"
    assert canonicalize(once) == once
    assert is_canonical(once)
    assert not is_canonical(raw)
    assert not is_canonical("a\rb")
    assert not is_canonical("\ufeffa")
    assert not is_canonical("a\x00")
    assert not is_canonical("a\ud800")
    assert not is_canonical(unicodedata.normalize("NFD", "é"))


def test_text_sha256_is_utf8_hex():
    assert text_sha256("مالي 🇲🇱") == hashlib.sha256("مالي 🇲🇱".encode()).hexdigest()
    assert text_sha256("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
