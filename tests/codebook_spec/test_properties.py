"""Property tests: random valid codebooks round-trip; the event validator never crashes."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coding.codebook_spec import (
    FIELD_KINDS,
    dump_codebook,
    load_codebook_text,
    parse_codebook,
    spec_to_dict,
    validate_event,
)

from .factories import make_codebook

ERROR_CODES = {
    "required", "invalid_choice", "wrong_kind", "not_applicable", "below_min", "above_max",
    "not_ordered", "unknown_field", "unknown_event_type", "subtype_mismatch", "subtype_required",
    "unknown_role", "role_not_applicable", "unknown_reference", "invalid_date", "date_range",
    "too_long", "duplicate_value", "out_of_range",
}  # fmt: skip

texts = st.text(
    alphabet=st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="\x85"),
    min_size=1,
    max_size=12,
).filter(lambda text: text.strip() != "")
codes = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,8}", fullmatch=True)
keys = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts
)
attribute_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=6,
)


@st.composite
def localized(draw: st.DrawFn, languages: list[str]) -> dict[str, str]:
    chosen = [languages[0]] + [lang for lang in languages[1:] if draw(st.booleans())]
    return {lang: draw(texts) for lang in chosen}


@st.composite
def codebooks(draw: st.DrawFn) -> dict[str, Any]:
    languages = draw(
        st.lists(
            st.sampled_from(["en", "ar", "fr", "tmh", "pt-BR"]), min_size=1, max_size=3, unique=True
        )
    )
    all_codes = draw(st.lists(codes, min_size=1, max_size=8, unique=True))
    # Build a tree: each code after the first root picks an earlier code (or None) as parent.
    nodes: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for index, code in enumerate(all_codes):
        node: dict[str, Any] = {"code": code, "labels": draw(localized(languages))}
        if draw(st.booleans()):
            node["definition"] = draw(localized(languages))
        if draw(st.booleans()):
            node["attributes"] = draw(st.dictionaries(keys, attribute_values, max_size=3))
        parent = draw(st.sampled_from([None, *all_codes[:index]])) if index else None
        if parent is None:
            roots.append(node)
        else:
            nodes[parent].setdefault("children", []).append(node)
        nodes[code] = node
    roles = [
        {"key": key, "labels": draw(localized(languages))}
        for key in draw(st.lists(keys, max_size=3, unique=True))
    ]
    fields: list[dict[str, Any]] = []
    used_typed: set[str] = set()
    for key in draw(st.lists(keys, max_size=6, unique=True)):
        kind = draw(st.sampled_from(FIELD_KINDS))
        field: dict[str, Any] = {
            "key": key,
            "kind": kind,
            "labels": draw(localized(languages)),
            "required": draw(st.booleans()),
            "applies_to": draw(st.lists(st.sampled_from(all_codes), max_size=2, unique=True)),
        }
        with_role = draw(st.booleans())
        if roles and with_role:
            field["evidence_role"] = draw(st.sampled_from([r["key"] for r in roles]))
        if kind in ("choice", "multi_choice"):
            choice_codes = draw(st.lists(codes, min_size=1, max_size=4, unique=True))
            field["choices"] = [
                {"code": code, "labels": draw(localized(languages))} for code in choice_codes
            ]
        if kind in ("actor", "location"):
            field["multiple"] = draw(st.booleans())
        if kind == "integer":
            low = draw(st.none() | st.integers(-5, 5))
            field["min"] = low
            field["max"] = None if low is None else low + draw(st.integers(0, 100))
            if "fatalities" not in used_typed and draw(st.booleans()):
                field["typed_column"] = "fatalities"
                used_typed.add("fatalities")
        if kind == "text":
            field["max_length"] = draw(st.none() | st.integers(1, 50))
        if kind == "date" and "date" not in used_typed:
            field["typed_column"] = "date"
            used_typed.add("date")
        fields.append(field)
    integer_keys = [f["key"] for f in fields if f["kind"] == "integer"]
    rules: list[dict[str, Any]] = []
    if len(integer_keys) >= 2:
        rules.append({"kind": "ordered", "fields": integer_keys})
    if len(fields) >= 2:
        rules.append(
            {"kind": "required_with", "field": fields[0]["key"], "requires": fields[1]["key"]}
        )
    everywhere = [f["key"] for f in fields if not f["applies_to"]]
    if everywhere:
        rules.append(
            {
                "kind": "required_for",
                "field": everywhere[0],
                "event_types": [draw(st.sampled_from(all_codes))],
            }
        )
    data: dict[str, Any] = {
        "format": "athar-codebook/1",
        "slug": draw(st.from_regex(r"[a-z0-9-]{1,10}", fullmatch=True)),
        "name": draw(texts),
        "version": draw(st.none() | st.integers(1, 99)),
        "languages": languages,
        "description": draw(localized(languages)),
        "evidence_roles": roles,
        "event_types": roots,
        "fields": fields,
        "rules": rules,
        "subtype_required": draw(st.booleans()),
    }
    with_export = draw(st.booleans())
    if fields and with_export:
        data["export"] = {
            "columns": [{"name": "id", "derived": "event_id"}]
            + [{"name": f["key"] + "_col", "field": f["key"]} for f in fields]
        }
        for field in fields:
            field["export_column"] = field["key"] + "_col"
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(codebooks())
def test_random_codebooks_round_trip_byte_for_byte(data: dict[str, Any]) -> None:
    spec = parse_codebook(data)
    text = dump_codebook(spec)
    again = load_codebook_text(text)
    assert again == spec
    assert dump_codebook(again) == text
    as_json = json.dumps(spec_to_dict(spec), ensure_ascii=False)
    assert load_codebook_text(as_json) == spec


SPEC = parse_codebook(make_codebook())
FIELD_KEYS = [field.key for field in SPEC.fields]
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["id", "name", "start", "end", "x"]) | keys, inner, max_size=3
        )
    ),
    max_leaves=5,
)


class _Span:
    def __init__(self, role: str) -> None:
        self.role = role


@settings(max_examples=300, deadline=None)
@given(
    event_type=st.sampled_from(["BATTLES", "PROTESTS", "STATEMENT", "ARMED_CLASH", "X"]),
    event_subtype=st.sampled_from([None, "ARMED_CLASH", "GOV_REGAINS", "PEACEFUL", "Y"]),
    values=st.dictionaries(st.sampled_from(FIELD_KEYS) | keys, json_values, max_size=6),
    roles=st.lists(st.sampled_from(["trigger", "actor", "deaths", "crowd", "z"]), max_size=4),
    complete=st.booleans(),
)
def test_validator_never_crashes_and_uses_known_codes(
    event_type: str,
    event_subtype: str | None,
    values: dict[str, Any],
    roles: list[str],
    complete: bool,
) -> None:
    errors = validate_event(
        SPEC,
        event_type=event_type,
        event_subtype=event_subtype,
        values=values,
        spans=[_Span(role) for role in roles],
        complete=complete,
        known_refs=lambda kind, ids: {i for i in ids if i % 2 == 0},
    )
    assert {error.code for error in errors} <= ERROR_CODES
    assert all(error.message for error in errors)
    if not complete:
        assert not {"required", "subtype_required"} & {error.code for error in errors}
