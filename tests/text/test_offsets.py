import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coding.text.offsets import OffsetError, OffsetMap, utf16_len

MIXED = "قالت JNIM 🇲🇱 إن مينَكا\u200c 😢 وولد سيدي"


def reference_u16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def test_utf16_len():
    assert utf16_len("") == 0
    assert utf16_len("Gao") == 3
    assert utf16_len("مالي\u200c") == 5
    assert utf16_len("🇲🇱") == 4
    assert utf16_len(MIXED) == len(MIXED) + 3


def test_mixed_text_known_offsets():
    m = OffsetMap(MIXED)
    flag = MIXED.index("🇲🇱")
    assert (m.len_cp, m.len_u16) == (len(MIXED), len(MIXED) + 3)
    assert m.cp_to_u16(flag) == flag
    assert m.cp_to_u16(flag + 1) == flag + 2
    assert m.cp_to_u16(flag + 2) == flag + 4
    after = MIXED.index("وولد")
    assert m.cp_to_u16(after) == after + 3
    assert m.u16_to_cp(after + 3) == after
    assert not m.all_bmp


def test_inside_surrogate_pair_strict_and_snapping():
    m = OffsetMap("a😢b")
    assert [m.cp_to_u16(i) for i in range(4)] == [0, 1, 3, 4]
    with pytest.raises(OffsetError, match="surrogate pair"):
        m.u16_to_cp(2)
    assert m.u16_to_cp(2, strict=False) == 1
    assert m.span_u16_to_cp(1, 3) == (1, 2)
    assert m.span_cp_to_u16(1, 2) == (1, 3)


def test_out_of_range_raises_even_when_not_strict():
    m = OffsetMap("مالي")
    assert m.all_bmp
    for bad in (-1, 5):
        with pytest.raises(OffsetError, match="out of range"):
            m.cp_to_u16(bad)
        with pytest.raises(OffsetError, match="out of range"):
            m.u16_to_cp(bad, strict=False)
    assert issubclass(OffsetError, ValueError)


def test_all_bmp_arabic_is_identity():
    text = "قُتِلَ في غاوـــ ٢٠٢٣ ﻻ"
    m = OffsetMap(text)
    assert [m.cp_to_u16(i) for i in range(len(text) + 1)] == list(range(len(text) + 1))
    assert m.len_u16 == len(text)


# Random text over Arabic, Latin, combining marks, format characters and astral characters.
unicode_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),  # any valid scalar value, including astral ones
        st.sampled_from(["ق", "ُ", "\u200c", "\u0640", "🇲", "🇱", "😢", "\U0001ee00", "é"]),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(unicode_text)
def test_property_agrees_with_utf16_encoding(text):
    m = OffsetMap(text)
    assert m.len_u16 == utf16_len(text) == len(text.encode("utf-16-le")) // 2
    previous = -1
    for cp in range(len(text) + 1):
        u16 = m.cp_to_u16(cp)
        assert u16 == reference_u16(text, cp)
        assert u16 > previous  # strictly monotonic
        previous = u16
        assert m.u16_to_cp(u16) == cp  # round trip


@settings(max_examples=300, deadline=None)
@given(unicode_text, st.data())
def test_property_every_u16_offset(text, data):
    m = OffsetMap(text)
    u16 = data.draw(st.integers(min_value=0, max_value=m.len_u16))
    units = text.encode("utf-16-le")
    inside_pair = (
        0 < u16 < m.len_u16
        and 0xDC00 <= int.from_bytes(units[2 * u16 : 2 * u16 + 2], "little") <= 0xDFFF
    )
    if inside_pair:
        with pytest.raises(OffsetError):
            m.u16_to_cp(u16)
        snapped = m.u16_to_cp(u16, strict=False)
        assert m.cp_to_u16(snapped) == u16 - 1
    else:
        cp = m.u16_to_cp(u16)
        assert m.cp_to_u16(cp) == u16
        assert text[:cp].encode("utf-16-le") == units[: 2 * u16]
