"""validate_event: value shapes, applicability, completeness, rules and evidence spans."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from coding.codebook_spec import (
    CodebookSpec,
    FieldError,
    applicable_fields,
    missing_for_submit,
    parse_codebook,
    validate_event,
)

from .factories import make_codebook


@dataclass(frozen=True)
class Span:
    role: str


SPEC: CodebookSpec = parse_codebook(make_codebook())

COMPLETE_CLASH: dict[str, Any] = {
    "date": {"start": "2024-03-02", "end": "2024-03-03"},
    "actor1": {"id": 7},
    "allies": [{"id": 8}, {"name": "Local self-defence group"}],
    "place": {"name": "Anefis"},
    "precision": "1",
    "weapons": ["gun", "drone"],
    "low": 3,
    "best": 5,
    "high": 12,
    "notes": "Short note",
    "claimed": False,
    "target": {"id": 9},
    "target_type": "state",
}


def check(
    values: dict[str, Any],
    *,
    event_type: str = "BATTLES",
    event_subtype: str | None = "ARMED_CLASH",
    spans: tuple[Span, ...] = (),
    complete: bool = True,
) -> list[tuple[str, str, str]]:
    errors = validate_event(
        SPEC,
        event_type=event_type,
        event_subtype=event_subtype,
        values=values,
        spans=spans,
        complete=complete,
    )
    return [(e.field, e.code, e.message) for e in errors]


def with_values(**changes: Any) -> dict[str, Any]:
    values = dict(COMPLETE_CLASH)
    values.update(changes)
    return values


def test_complete_valid_event_has_no_errors() -> None:
    spans = (Span("trigger"), Span("actor"), Span("deaths"), Span("place"))
    assert check(COMPLETE_CLASH, spans=spans) == []


def test_draft_with_only_a_type_is_valid() -> None:
    assert check({}, event_subtype=None, complete=False) == []


def test_submit_with_nothing_lists_what_is_missing() -> None:
    assert check({}, event_subtype=None) == [
        ("event_subtype", "subtype_required", 'a sub-type of "BATTLES" is required'),
        ("date", "required", "required"),
        ("actor1", "required", "required"),
    ]


def test_subtype_not_required_for_a_type_without_children() -> None:
    values = {"date": {"start": "2024-01-01"}, "actor1": {"id": 1}}
    assert check(values, event_type="STATEMENT", event_subtype=None) == []


def test_blank_values_count_as_missing() -> None:
    values = with_values(date=None, actor1=None, notes="   ", allies=[], weapons=[])
    assert check(values) == [("date", "required", "required"), ("actor1", "required", "required")]


@pytest.mark.parametrize(
    ("event_type", "event_subtype", "expected"),
    [
        (
            "BATLES",
            None,
            [
                (
                    "event_type",
                    "unknown_event_type",
                    '"BATLES" is not an event type of this codebook',
                )
            ],
        ),
        (
            "ARMED_CLASH",
            None,
            [
                (
                    "event_type",
                    "unknown_event_type",
                    '"ARMED_CLASH" is a sub-type of "BATTLES", not a top-level type',
                )
            ],
        ),
        (
            "BATTLES",
            "ARMED_CLAS",
            [
                (
                    "event_subtype",
                    "unknown_event_type",
                    '"ARMED_CLAS" is not an event type of this codebook',
                )
            ],
        ),
        (
            "BATTLES",
            "PEACEFUL",
            [("event_subtype", "subtype_mismatch", '"PEACEFUL" is not a sub-type of "BATTLES"')],
        ),
        (
            "BATTLES",
            "BATTLES",
            [("event_subtype", "subtype_mismatch", '"BATTLES" is not a sub-type of "BATTLES"')],
        ),
    ],
)
def test_event_type_and_subtype_errors(
    event_type: str, event_subtype: str | None, expected: list[tuple[str, str, str]]
) -> None:
    assert check({}, event_type=event_type, event_subtype=event_subtype, complete=False) == expected


def test_unknown_type_still_checks_value_shapes_but_not_completeness() -> None:
    assert check({"low": "three"}, event_type="NOPE", event_subtype=None) == [
        ("event_type", "unknown_event_type", '"NOPE" is not an event type of this codebook'),
        ("low", "wrong_kind", "expected an integer, got a string"),
    ]


def test_fields_that_do_not_apply_are_not_applicable() -> None:
    values = {"weapons": ["gun"], "crowd_size": 200, "low": 1}
    assert check(values, event_type="PROTESTS", event_subtype=None, complete=False) == [
        ("weapons", "not_applicable", 'does not apply to "PROTESTS" events'),
        ("low", "not_applicable", 'does not apply to "PROTESTS" events'),
        # crowd_size applies to the PEACEFUL sub-type only, not to the bare type.
        ("crowd_size", "not_applicable", 'does not apply to "PROTESTS" events'),
    ]
    assert (
        check({"crowd_size": 200}, event_type="PROTESTS", event_subtype="PEACEFUL", complete=False)
        == []
    )


def test_unknown_fields() -> None:
    assert check(with_values(colour="red", fatalities=3)) == [
        ("colour", "unknown_field", '"colour" is not a field'),
        ("fatalities", "unknown_field", '"fatalities" is not a field'),
    ]


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("precision", 1, [("wrong_kind", "expected a choice code (a string), got an integer")]),
        ("precision", "3", [("invalid_choice", '"3" is not a choice of precision')]),
        ("weapons", "gun", [("wrong_kind", "expected a list of choice codes, got a string")]),
        (
            "weapons",
            ["gun", 2, "tank", "gun"],
            [
                ("wrong_kind", "item 1: expected a choice code (a string), got an integer"),
                ("invalid_choice", 'item 2: "tank" is not a choice of weapons'),
                ("duplicate_value", 'item 3: "gun" is listed twice'),
            ],
        ),
        (
            "actor1",
            {"id": "7"},
            [("wrong_kind", '"id" must be an integer, got a string')],
        ),
        ("actor1", {"id": True}, [("wrong_kind", '"id" must be an integer, got a boolean')]),
        ("actor1", {"name": "  "}, [("wrong_kind", '"name" must not be blank')]),
        ("actor1", {"name": 5}, [("wrong_kind", '"name" must be text, got an integer')]),
        (
            "actor1",
            {"id": 7, "name": "JNIM"},
            [
                (
                    "wrong_kind",
                    'expected {"id": <integer>} or {"name": <text>}, got a mapping with "id", '
                    '"name"',
                )
            ],
        ),
        (
            "actor1",
            [{"id": 7}],
            [("wrong_kind", 'expected {"id": <integer>} or {"name": <text>}, got a list')],
        ),
        (
            "allies",
            {"id": 8},
            [
                (
                    "wrong_kind",
                    'expected a list of {"id": <integer>} or {"name": <text>} entries, got a '
                    "mapping",
                )
            ],
        ),
        (
            "allies",
            [{"id": 8}, {"id": 8}, {"name": "Dozo"}, {"name": " dozo "}, {"code": 1}],
            [
                ("duplicate_value", "item 1: id 8 is listed twice"),
                ("duplicate_value", "item 3: this name is listed twice"),
                (
                    "wrong_kind",
                    'item 4: expected {"id": <integer>} or {"name": <text>}, got a mapping with '
                    '"code"',
                ),
            ],
        ),
        (
            "date",
            "2024-03-02",
            [
                (
                    "wrong_kind",
                    'expected {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}, got a string',
                )
            ],
        ),
        (
            "date",
            {"end": "2024-03-02"},
            [
                (
                    "wrong_kind",
                    'expected {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}, got a mapping with '
                    '"end"',
                )
            ],
        ),
        (
            "date",
            {"start": "2024-03-02", "precision": 1},
            [("wrong_kind", 'unexpected key "precision" in a date value')],
        ),
        (
            "date",
            {"start": "2024-02-30"},
            [("invalid_date", 'start "2024-02-30" is not a YYYY-MM-DD date')],
        ),
        (
            "date",
            {"start": "20240302", "end": 5},
            [
                ("invalid_date", 'start "20240302" is not a YYYY-MM-DD date'),
                ("invalid_date", "end must be a YYYY-MM-DD string, got an integer"),
            ],
        ),
        (
            "date",
            {"start": "2024-03-05", "end": "2024-03-02"},
            [("date_range", "end 2024-03-02 is before start 2024-03-05")],
        ),
        ("low", True, [("wrong_kind", "expected an integer, got a boolean")]),
        ("low", 2.0, [("wrong_kind", "expected an integer, got a number")]),
        ("low", -1, [("below_min", "-1 is below the minimum 0")]),
        ("best", 10001, [("above_max", "10001 is above the maximum 10000")]),
        ("notes", 42, [("wrong_kind", "expected text, got an integer")]),
        ("notes", "x" * 21, [("too_long", "21 characters; the maximum is 20")]),
        ("claimed", "yes", [("wrong_kind", "expected true or false, got a string")]),
        ("claimed", 0, [("wrong_kind", "expected true or false, got an integer")]),
    ],
)
def test_value_shape_errors(key: str, value: Any, expected: list[tuple[str, str]]) -> None:
    errors = check(with_values(**{key: value}), complete=False)
    assert errors == [(key, code, message) for code, message in expected]


def test_valid_shapes_of_every_kind() -> None:
    values = with_values(
        date={"start": "2024-02-29", "end": None},
        allies=[],
        place={"id": 4},
        weapons=["knife"],
        notes="x" * 20,
        claimed=True,
    )
    assert check(values) == []


def test_known_refs_is_asked_once_per_kind_and_missing_ids_are_reported() -> None:
    calls: list[tuple[str, set[int]]] = []

    def known_refs(kind: str, ids: set[int]) -> set[int]:
        calls.append((kind, set(ids)))
        return {7, 8} if kind == "actor" else set()

    values = with_values(allies=[{"id": 8}, {"id": 10}], place={"id": 4})
    errors = validate_event(
        SPEC,
        event_type="BATTLES",
        event_subtype="ARMED_CLASH",
        values=values,
        spans=(),
        complete=True,
        known_refs=known_refs,
    )
    assert calls == [("actor", {7, 8, 9, 10}), ("location", {4})]
    assert [(e.field, e.code, e.message) for e in errors] == [
        ("allies", "unknown_reference", "item 1: actor 10 does not exist"),
        ("target", "unknown_reference", "actor 9 does not exist"),
        ("place", "unknown_reference", "location 4 does not exist"),
    ]


def test_known_refs_is_not_called_without_ids() -> None:
    def known_refs(kind: str, ids: set[int]) -> set[int]:
        raise AssertionError("must not be called")

    values = with_values(actor1={"name": "New group"}, allies=[], target=None, target_type=None)
    errors = validate_event(
        SPEC,
        event_type="BATTLES",
        event_subtype="ARMED_CLASH",
        values=values,
        spans=(),
        complete=False,
        known_refs=known_refs,
    )
    assert errors == []


def test_ordered_rule_compares_adjacent_present_values() -> None:
    assert check(with_values(low=5, best=3, high=4)) == [
        ("best", "not_ordered", "best (3) must not be less than low (5)")
    ]
    assert check(with_values(low=5, best=None, high=4), complete=False) == [
        ("high", "not_ordered", "high (4) must not be less than low (5)")
    ]
    assert check(with_values(low=5, best=None, high=7), complete=False) == []
    # Equal values are fine; invalid values are reported once and skipped by the rule.
    assert check(with_values(low=5, best=5, high="7")) == [
        ("high", "wrong_kind", "expected an integer, got a string")
    ]


def test_ordered_rule_on_dates_compares_start_dates() -> None:
    data = make_codebook()
    data["fields"].append({"key": "reported", "kind": "date", "labels": {"en": "Reported"}})
    data["rules"].append({"kind": "ordered", "fields": ["date", "reported"]})
    spec = parse_codebook(data)
    values = with_values(reported={"start": "2024-03-01"})
    errors = validate_event(
        spec,
        event_type="BATTLES",
        event_subtype="ARMED_CLASH",
        values=values,
        spans=(),
        complete=True,
    )
    assert errors == [
        FieldError(
            "reported",
            "not_ordered",
            "reported (2024-03-01) must not be less than date (2024-03-02)",
        )
    ]


def test_required_with_only_on_submit() -> None:
    values = with_values(target_type=None)
    assert check(values, complete=False) == []
    assert check(values) == [("target_type", "required", "required when target is given")]
    assert check(with_values(target=None, target_type=None)) == []


def test_required_for_listed_types_and_their_sub_types() -> None:
    assert check(with_values(best=None)) == [
        ("best", "required", 'required for "ARMED_CLASH" events')
    ]
    assert check(with_values(best=None), event_subtype="GOV_REGAINS") == []
    assert check(with_values(best=None), complete=False) == []


def test_required_field_with_evidence_role_needs_no_span() -> None:
    # actor1 is required and bound to the "actor" role; no spans are given at all.
    assert check(COMPLETE_CLASH, spans=()) == []


def test_span_roles() -> None:
    spans = (Span("trigger"), Span("victim"), Span("deaths"), Span("crowd"), Span("actor"))
    assert check(COMPLETE_CLASH, spans=spans) == [
        ("spans[1]", "unknown_role", '"victim" is not an evidence role'),
        (
            "spans[3]",
            "role_not_applicable",
            'role "crowd" is for fields that do not apply to "ARMED_CLASH"',
        ),
    ]
    protest_spans = (Span("deaths"), Span("crowd"), Span("trigger"))
    assert check(
        {}, event_type="PROTESTS", event_subtype="PEACEFUL", spans=protest_spans, complete=False
    ) == [
        (
            "spans[0]",
            "role_not_applicable",
            'role "deaths" is for fields that do not apply to "PEACEFUL"',
        )
    ]


def test_span_without_a_string_role() -> None:
    @dataclass(frozen=True)
    class Odd:
        role: object

    errors = validate_event(
        SPEC,
        event_type="BATTLES",
        event_subtype=None,
        values={},
        spans=(Odd(None),),  # type: ignore[arg-type]
        complete=False,
    )
    assert errors == [FieldError("spans[0]", "unknown_role", "None is not an evidence role")]


def test_errors_come_in_a_stable_order() -> None:
    values = {"colour": 1, "low": 9, "best": 2, "allies": "x", "date": None}
    spans = (Span("nope"),)
    assert check(values, event_subtype="PEACEFUL", spans=spans) == [
        ("event_subtype", "subtype_mismatch", '"PEACEFUL" is not a sub-type of "BATTLES"'),
        ("date", "required", "required"),
        ("actor1", "required", "required"),
        (
            "allies",
            "wrong_kind",
            'expected a list of {"id": <integer>} or {"name": <text>} entries, got a string',
        ),
        ("colour", "unknown_field", '"colour" is not a field'),
        ("best", "not_ordered", "best (2) must not be less than low (9)"),
        ("spans[0]", "unknown_role", '"nope" is not an evidence role'),
    ]


def test_missing_for_submit_keeps_only_completeness_problems() -> None:
    errors = missing_for_submit(
        SPEC,
        event_type="BATTLES",
        event_subtype=None,
        values={"low": -4, "colour": 1, "target": {"id": 1}},
    )
    assert [e.as_dict() for e in errors] == [
        {
            "field": "event_subtype",
            "code": "subtype_required",
            "message": 'a sub-type of "BATTLES" is required',
        },
        {"field": "date", "code": "required", "message": "required"},
        {"field": "actor1", "code": "required", "message": "required"},
        {"field": "target_type", "code": "required", "message": "required when target is given"},
    ]


def test_applicable_fields() -> None:
    keys = [f.key for f in applicable_fields(SPEC, "PROTESTS", "PEACEFUL")]
    assert keys == [
        "date",
        "actor1",
        "allies",
        "place",
        "precision",
        "crowd_size",
        "notes",
        "claimed",
        "target",
        "target_type",
    ]
    assert "crowd_size" not in [f.key for f in applicable_fields(SPEC, "PROTESTS")]
    assert len(applicable_fields(SPEC, "BATTLES", "ARMED_CLASH")) == 13
