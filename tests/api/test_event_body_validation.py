"""The plain-Python reading of a well-formed event body gives exactly what
EventWriteSerializer gives, and declines everything else (which the serializer then reports)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from api.serializers.events import EventWriteSerializer, _fast_validated, validated_event_body

# Text that DRF keeps, strips, refuses or coerces: blanks, surrounding whitespace (ASCII and
# Unicode), NUL, lone surrogates, long strings, right-to-left text.
texts = st.one_of(
    st.sampled_from(["ATTACK", "", " ", " ATTACK", "ATTACK\u00a0", "a\x00b", "\ud800", "هاجم"]),
    st.text(max_size=90),
    st.text(min_size=79, max_size=82, alphabet="ab"),
)
numbers = st.one_of(
    st.integers(min_value=-5, max_value=10**20),
    st.sampled_from([True, False, 1.0, 2.5, "7", " 8 ", None]),
)
anything = st.one_of(texts, numbers, st.none(), st.lists(st.integers(), max_size=2))
# Text the fast path should take (most bodies are well formed).
good_texts = st.text(alphabet="abcXYZ_ هاجمé😢", min_size=1, max_size=80).filter(
    lambda t: t == t.strip()
)
good_ints = st.integers(min_value=0, max_value=5000)
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**40), max_value=2**40),
        st.floats(allow_nan=True, allow_infinity=True),
        texts,
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(texts, children, max_size=3)
    ),
    max_leaves=8,
)
good_spans = st.fixed_dictionaries(
    {"role": good_texts, "start": good_ints, "end": good_ints, "quote": good_texts}
)
spans = st.one_of(
    good_spans,
    good_spans,
    st.fixed_dictionaries(
        {"role": texts, "start": numbers, "end": numbers, "quote": texts},
        optional={"extra": anything},
    ),
    anything,
)
good_values = st.dictionaries(
    good_texts, st.one_of(good_ints, good_texts, st.fixed_dictionaries({"id": good_ints}))
)
bodies = st.fixed_dictionaries(
    {"event_type": st.one_of(good_texts, good_texts, good_texts, texts, anything)},
    optional={
        "event_subtype": st.one_of(good_texts, st.none(), st.just(""), texts, anything),
        "values": st.one_of(
            good_values, good_values, st.dictionaries(texts, json_values, max_size=4), anything
        ),
        "memo": st.one_of(good_texts, st.just(""), texts, anything),
        "notes": st.one_of(good_texts, st.just("")),  # renamed to memo: always refused
        "spans": st.one_of(st.lists(good_spans, max_size=4), st.lists(spans, max_size=4), anything),
        "version": st.one_of(good_ints, numbers),
        "unknown": anything,
    },
)


def _drf(data: Any) -> tuple[bool, Any]:
    serializer = EventWriteSerializer(data=data)
    if serializer.is_valid():
        return True, serializer.validated_data
    return False, serializer.errors


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@settings(max_examples=1500, deadline=None)
@given(bodies)
def test_fast_path_agrees_with_the_serializer(data: dict[str, Any]) -> None:
    fast = _fast_validated(data)
    valid, drf = _drf(data)
    if fast is not None:
        assert valid, drf
        assert list(fast) == list(drf)  # same keys, same order
        assert _plain(fast) == _plain(drf)
        assert [type(v) for v in fast.values()] == [type(v) for v in drf.values()]


def test_the_browser_body_takes_the_fast_path() -> None:
    body = {
        "event_type": "BATTLES",
        "event_subtype": "ARMED_CLASH",
        "values": {"fatalities": 5, "actor1": {"id": 3}, "event_date": {"start": "2022-06-12"}},
        "memo": "",
        "spans": [{"role": "trigger", "start": 5, "end": 9, "quote": "هاجم"}],
    }
    fast = _fast_validated(body)
    assert fast is not None
    assert _plain(fast) == _plain(_drf(body)[1])
    assert _fast_validated({**body, "version": 3})["version"] == 3  # type: ignore[index]
    assert _fast_validated({"event_type": "TRUCE"}) == {
        "event_type": "TRUCE",
        "event_subtype": None,
        "values": {},
        "memo": "",
        "spans": [],
    }


def test_what_the_fast_path_declines_the_serializer_reports() -> None:
    import pytest
    from rest_framework.exceptions import ValidationError

    for body in (
        {"event_type": " ATTACK"},  # DRF strips it: valid, but not the fast path's business
        {"event_type": "ATTACK", "spans": [{"role": "r", "start": "3", "end": 4, "quote": "x"}]},
    ):
        assert _fast_validated(body) is None
        assert validated_event_body(body) == _drf(body)[1]
    for body in (
        {"event_type": "ATTACK", "values": {"x": float("nan")}},
        {"event_type": "ATTACK", "spans": [{"role": "r", "start": True, "end": 4, "quote": "x"}]},
        {"event_type": "A\x00"},
        {"event_type": "ATTACK", "version": 0},
        [],
    ):
        assert _fast_validated(body) is None
        with pytest.raises(ValidationError):
            validated_event_body(body)
