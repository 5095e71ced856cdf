"""Bad codebook files: every problem is reported, each with an exact path and message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from coding.codebook_spec import CodebookFileError, Problem, parse_codebook

from .factories import choice, make_codebook

Mutation = Callable[[dict[str, Any]], object]

TOP_KEYS = (
    "format, slug, name, version, preset, description, languages, evidence_roles, "
    "event_types, fields, rules, subtype_required, export"
)
FIELD_KEYS = (
    "key, kind, labels, definition, required, applies_to, choices, level, evidence_role, "
    "export_column, typed_column, multiple, min, max, max_length, distance"
)


def problems_of(data: object) -> list[str]:
    with pytest.raises(CodebookFileError) as caught:
        parse_codebook(data)  # type: ignore[arg-type]
    return [str(problem) for problem in caught.value.problems]


def mutated(mutation: Mutation) -> dict[str, Any]:
    data = make_codebook()
    mutation(data)
    return data


def field(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(f for f in data["fields"] if f["key"] == key)


# Field positions in make_codebook(): 0 date, 1 actor1, 2 allies, 3 place, 4 precision,
# 5 weapons, 6 low, 7 best, 8 high, 9 crowd_size, 10 notes, 11 claimed, 12 target, 13 target_type.
CASES: list[tuple[str, Mutation, list[str]]] = [
    (
        "unknown top-level key",
        lambda d: d.update(colour="red"),
        [f"colour: unknown key; allowed: {TOP_KEYS}"],
    ),
    (
        "missing required top-level keys",
        lambda d: [d.pop("format"), d.pop("name")],
        ["format: required", "name: required"],
    ),
    (
        "wrong format",
        lambda d: d.update(format="athar-codebook/2"),
        ['format: expected "athar-codebook/1", got "athar-codebook/2"'],
    ),
    (
        "bad slug",
        lambda d: d.update(slug="Demo Book"),
        ['slug: "Demo Book" does not match [a-z0-9-]+'],
    ),
    ("empty name", lambda d: d.update(name="  "), ["name: must not be empty"]),
    (
        "version as string",
        lambda d: d.update(version="1"),
        ["version: expected an integer, got a string"],
    ),
    ("version zero", lambda d: d.update(version=0), ["version: must be at least 1, got 0"]),
    (
        "version boolean",
        lambda d: d.update(version=True),
        ["version: expected an integer, got a boolean"],
    ),
    (
        "bad preset",
        lambda d: d.update(preset="ACLED"),
        ['preset: "ACLED" does not match [a-z0-9-]+'],
    ),
    ("no languages", lambda d: d.update(languages=[]), ["languages: needs at least one language"]),
    (
        "duplicate language",
        lambda d: d.update(languages=["en", "ar", "en"]),
        ['languages[2]: duplicate "en"'],
    ),
    (
        "bad language code",
        lambda d: d.update(languages=["en", "ar", "Arabic"]),
        ['languages[2]: "Arabic" does not match [a-z]{2,3}(-[A-Za-z0-9]{2,8})*'],
    ),
    (
        "label in an undeclared language",
        lambda d: d["event_types"][0]["labels"].update(fr="Batailles"),
        ['event_types[0].labels.fr: language "fr" is not in languages (en, ar)'],
    ),
    (
        "labels without the first language",
        lambda d: d["event_types"][0]["children"][1].update(labels={"ar": "استعادة"}),
        ['event_types[0].children[1].labels: missing "en" (the first of languages)'],
    ),
    (
        "labels as plain text",
        lambda d: d["fields"][0].update(labels="Date"),
        ["fields[0].labels: expected a mapping of language code to text, got a string"],
    ),
    (
        "empty label text",
        lambda d: d["evidence_roles"][1]["labels"].update(en=""),
        ["evidence_roles[1].labels.en: must not be empty"],
    ),
    (
        "definition text not a string",
        lambda d: d["fields"][1].update(definition={"en": 5}),
        ["fields[1].definition.en: expected a string, got an integer"],
    ),
    (
        "duplicate event type code in a sub-type",
        lambda d: d["event_types"][1]["children"].append(
            {"code": "ARMED_CLASH", "labels": {"en": "Again"}}
        ),
        ['event_types[1].children[1].code: duplicate "ARMED_CLASH"'],
    ),
    (
        "numeric event type code",
        lambda d: d["event_types"][2].update(code=1),
        [
            "event_types[2].code: expected a string, got an integer (codes are strings: quote them"
            ' in YAML, e.g. "01")'
        ],
    ),
    (
        "event type code with spaces",
        lambda d: d["event_types"][2].update(code="A B"),
        ['event_types[2].code: "A B" does not match [A-Za-z0-9][A-Za-z0-9_.-]*'],
    ),
    (
        "event type without code and labels",
        lambda d: d["event_types"].append({"definition": {"en": "?"}}),
        ["event_types[3].code: required", "event_types[3].labels: required"],
    ),
    (
        "unknown key in an event type",
        lambda d: d["event_types"][0].update(name="Battles"),
        [
            "event_types[0].name: unknown key; allowed: code, labels, definition, attributes, "
            "children"
        ],
    ),
    (
        "no event types",
        lambda d: d.update(event_types=[]),
        [
            "event_types: needs at least one event type",
            'fields[5].applies_to[0]: unknown event type "BATTLES"',
            'fields[6].applies_to[0]: unknown event type "BATTLES"',
            'fields[7].applies_to[0]: unknown event type "BATTLES"',
            'fields[8].applies_to[0]: unknown event type "BATTLES"',
            'fields[9].applies_to[0]: unknown event type "PEACEFUL"',
            'rules[2].event_types[0]: unknown event type "ARMED_CLASH"',
        ],
    ),
    (
        "event types not a list (references are then not checked)",
        lambda d: d.update(event_types={"BATTLES": "Battles"}),
        ["event_types: expected a list, got a mapping"],
    ),
    (
        "entry that is not a mapping",
        lambda d: d["fields"].insert(2, "allies"),
        ["fields[2]: expected a mapping, got a string"],
    ),
    (
        "unknown field kind",
        lambda d: d["fields"][2].update(kind="colour"),
        [
            'fields[2].kind: "colour" is not one of choice, multi_choice, actor, location, date, '
            "integer, text, boolean"
        ],
    ),
    (
        "field missing key, kind and labels",
        lambda d: d["fields"].append({"required": True}),
        ["fields[14].key: required", "fields[14].kind: required", "fields[14].labels: required"],
    ),
    (
        "unknown key in a field",
        lambda d: d["fields"][0].update(colour="red"),
        [f"fields[0].colour: unknown key; allowed: {FIELD_KEYS}"],
    ),
    (
        "bad field key",
        lambda d: d["fields"][0].update(key="Date"),
        [
            'fields[0].key: "Date" does not match [a-z][a-z0-9_]*',
            # The field is unusable, so references to it are unknown too.
            'export.columns[1].field: unknown field "date"',
        ],
    ),
    (
        "duplicate field key",
        lambda d: d["fields"][1].update(key="date"),
        ['fields[1].key: duplicate "date"'],
    ),
    (
        "unknown event type in applies_to",
        lambda d: d["fields"][5].update(applies_to=["BATLES"]),
        ['fields[5].applies_to[0]: unknown event type "BATLES"'],
    ),
    (
        "duplicate code in applies_to",
        lambda d: d["fields"][5].update(applies_to=["BATTLES", "STATEMENT", "BATTLES"]),
        ['fields[5].applies_to[2]: duplicate "BATTLES"'],
    ),
    (
        "required not a boolean",
        lambda d: d["fields"][0].update(required="yes"),
        ["fields[0].required: expected true or false, got a string"],
    ),
    (
        "duplicate choice codes",
        lambda d: d["fields"][4]["choices"].append(choice("1", "Exact again")),
        ['fields[4].choices[2].code: duplicate "1"'],
    ),
    (
        "unquoted numeric choice code",
        lambda d: d["fields"][4]["choices"].append({"code": 3, "labels": {"en": "Far"}}),
        [
            "fields[4].choices[2].code: expected a string, got an integer (codes are strings: quote"
            ' them in YAML, e.g. "01")'
        ],
    ),
    (
        "choice field without choices",
        lambda d: d["fields"][4].update(choices=[]),
        ["fields[4].choices: a choice field needs at least one choice"],
    ),
    (
        "multi_choice field without choices",
        lambda d: d["fields"][5].pop("choices"),
        ["fields[5].choices: a multi_choice field needs at least one choice"],
    ),
    (
        "choices on a text field",
        lambda d: d["fields"][10].update(choices=[choice("a", "A")]),
        ["fields[10].choices: only choice and multi_choice fields have choices"],
    ),
    (
        "multiple on an integer field",
        lambda d: d["fields"][6].update(multiple=True),
        ["fields[6].multiple: only actor and location fields can be multiple"],
    ),
    (
        "min and max on a text field",
        lambda d: d["fields"][10].update(min=1, max=5),
        [
            "fields[10].min: only integer fields have min",
            "fields[10].max: only integer fields have max",
        ],
    ),
    (
        "min above max",
        lambda d: d["fields"][7].update(min=20000),
        ["fields[7].max: less than min (10000 < 20000)"],
    ),
    (
        "max_length on an integer field",
        lambda d: d["fields"][6].update(max_length=3),
        ["fields[6].max_length: only text fields have max_length"],
    ),
    (
        "distance that does not fit the kind",
        lambda d: d["fields"][0].update(distance="masi"),
        ['fields[0].distance: "masi" does not fit a date field (use date_range)'],
    ),
    (
        "distance on a kind that has none",
        lambda d: d["fields"][11].update(distance="identical"),
        ['fields[11].distance: "identical" does not fit a boolean field (use level)'],
    ),
    (
        "set distance on a single actor",
        lambda d: d["fields"][1].update(distance="jaccard"),
        ['fields[1].distance: "jaccard" does not fit an actor field (use level)'],
    ),
    (
        "unknown distance",
        lambda d: d["fields"][0].update(distance="km"),
        [
            'fields[0].distance: "km" is not one of date_range, place_hierarchy, masi, '
            "jaccard, identical"
        ],
    ),
    (
        "set distances fit multiple references and multi-choice fields",
        lambda d: (
            d["fields"][2].update(distance="masi"),
            d["fields"][5].update(distance="jaccard"),
            d["fields"][3].update(distance="masi"),
        ),
        ['fields[3].distance: "masi" does not fit a location field (use place_hierarchy)'],
    ),
    (
        "max_length zero",
        lambda d: d["fields"][10].update(max_length=0),
        ["fields[10].max_length: must be at least 1, got 0"],
    ),
    (
        "unknown level",
        lambda d: d["fields"][4].update(level="binary"),
        ['fields[4].level: "binary" is not one of nominal, ordinal, interval, ratio'],
    ),
    (
        "level that does not fit the kind",
        lambda d: [d["fields"][4].update(level="ratio"), d["fields"][10].update(level="ordinal")],
        [
            'fields[4].level: "ratio" does not fit a choice field (use nominal or ordinal)',
            'fields[10].level: "ordinal" does not fit a text field (use nominal)',
        ],
    ),
    (
        "evidence role not declared",
        lambda d: d["fields"][1].update(evidence_role="actr"),
        ['fields[1].evidence_role: "actr" is not declared in evidence_roles'],
    ),
    (
        "duplicate export column",
        lambda d: d["fields"][2].update(export_column="actor1"),
        ['fields[2].export_column: "actor1" is already used by fields[1] (actor1)'],
    ),
    (
        "typed column used twice",
        lambda d: d["fields"][6].update(typed_column="fatalities"),
        ['fields[7].typed_column: "fatalities" is already used by fields[6] (low)'],
    ),
    (
        "unknown typed column",
        lambda d: d["fields"][6].update(typed_column="deaths"),
        [
            'fields[6].typed_column: "deaths" is not one of date, location, fatalities, '
            "date_precision, geo_precision"
        ],
    ),
    (
        "typed columns that do not fit the kind",
        lambda d: [
            d["fields"][0].update(kind="text"),
            d["fields"][2].update(typed_column="location"),
            d["fields"][3].update(typed_column=None),
            d["fields"][10].update(typed_column="fatalities"),
            d["fields"][13].update(typed_column="date_precision"),
        ],
        [
            'fields[0].typed_column: "date" needs a date field, not text',
            'fields[2].typed_column: "location" needs a location field without multiple, not actor',
            'fields[10].typed_column: "fatalities" needs an integer field, not text',
            'fields[10].typed_column: "fatalities" is already used by fields[7] (best)',
            'fields[13].typed_column: "date_precision" needs an integer field or a choice field '
            "whose codes are integers",
        ],
    ),
    (
        "location typed column on a multiple location field",
        lambda d: d["fields"][3].update(multiple=True),
        [
            'fields[3].typed_column: "location" needs a location field without multiple, not '
            "location with multiple"
        ],
    ),
    (
        "duplicate evidence role",
        lambda d: d["evidence_roles"].append({"key": "actor", "labels": {"en": "Again"}}),
        ['evidence_roles[5].key: duplicate "actor"'],
    ),
    (
        "evidence role with a bad key",
        lambda d: d["evidence_roles"][0].update(key="Trigger"),
        ['evidence_roles[0].key: "Trigger" does not match [a-z][a-z0-9_]*'],
    ),
    (
        "unknown field in an ordered rule",
        lambda d: d["rules"][0].update(fields=["low", "best", "hi"]),
        ['rules[0].fields[2]: unknown field "hi"'],
    ),
    (
        "ordered rule over a text field and a date field",
        lambda d: d["rules"][0].update(fields=["low", "notes", "date", "low"]),
        [
            'rules[0].fields[1]: "notes" is a text field; ordered rules compare integer or date '
            "fields",
            'rules[0].fields[2]: "date" is a date field but "low" is an integer field',
            'rules[0].fields[3]: duplicate "low"',
        ],
    ),
    (
        "ordered rule with one field",
        lambda d: d["rules"][0].update(fields=["low"]),
        ["rules[0].fields: needs at least 2 fields"],
    ),
    (
        "unknown rule kind",
        lambda d: d["rules"].append({"kind": "xor", "fields": ["low", "high"]}),
        ['rules[3].kind: "xor" is not one of ordered, required_with, required_for'],
    ),
    (
        "rule without kind",
        lambda d: d["rules"].append({"fields": ["low", "high"]}),
        ["rules[3].kind: required"],
    ),
    (
        "rule keys of another kind",
        lambda d: d["rules"][1].update(fields=["target"], requires=None),
        [
            "rules[1].fields: unknown key; allowed: kind, field, requires",
        ],
    ),
    (
        "required_with missing requires, and requiring itself",
        lambda d: d["rules"].extend(
            [
                {"kind": "required_with", "field": "target"},
                {"kind": "required_with", "field": "target", "requires": "target"},
            ]
        ),
        ["rules[3].requires: required", "rules[4].requires: same as field"],
    ),
    (
        "required_with unknown fields",
        lambda d: d["rules"][1].update(field="targt", requires="targt_type"),
        ['rules[1].field: unknown field "targt"', 'rules[1].requires: unknown field "targt_type"'],
    ),
    (
        "required_for a type the field does not apply to",
        lambda d: d["rules"][2].update(event_types=["ARMED_CLASH", "PROTESTS", "NOPE"]),
        [
            'rules[2].event_types[2]: unknown event type "NOPE"',
            'rules[2].event_types[1]: field "best" does not apply to "PROTESTS"',
        ],
    ),
    (
        "required_for without event types",
        lambda d: d["rules"][2].update(event_types=[]),
        ["rules[2].event_types: needs at least one event type"],
    ),
    (
        "export column with both field and derived, and with neither",
        lambda d: d["export"]["columns"].extend(
            [{"name": "x", "field": "date", "derived": "year"}, {"name": "y"}]
        ),
        [
            "export.columns[5]: give either field or derived, not both",
            "export.columns[6]: needs field or derived",
        ],
    ),
    (
        "export column from an unknown field",
        lambda d: d["export"]["columns"].append({"name": "fatalities", "field": "fatalities"}),
        ['export.columns[5].field: unknown field "fatalities"'],
    ),
    (
        "export column name that is not the field's export_column",
        lambda d: d["export"]["columns"][3].update(name="target_type"),
        [
            'export.columns[3].field: field "target_type" has export_column "target type", not '
            '"target_type"'
        ],
    ),
    (
        "duplicate export column name",
        lambda d: d["export"]["columns"].append({"name": "date", "derived": "year"}),
        ['export.columns[5].name: duplicate "date"'],
    ),
    (
        "badly named derived rule",
        lambda d: d["export"]["columns"][4].update(derived="Location admin1"),
        [
            'export.columns[4].derived: "Location admin1" does not match '
            "[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*"
        ],
    ),
    (
        "export without columns",
        lambda d: d.update(export={"columns": [], "format": "csv"}),
        [
            "export.format: unknown key; allowed: columns",
            "export.columns: needs at least one column",
        ],
    ),
    (
        "export without the columns key",
        lambda d: d.update(export={}),
        ["export.columns: required"],
    ),
    (
        "subtype_required not a boolean",
        lambda d: d.update(subtype_required=1),
        ["subtype_required: expected true or false, got an integer"],
    ),
    (
        "attribute values that are not JSON-like",
        lambda d: d["event_types"][0].update(
            attributes={"since": dt.date(2020, 1, 1), "score": float("nan"), "ok": [1, {"a": None}]}
        ),
        [
            "event_types[0].attributes.since: expected a string, number, boolean, null, list or "
            "mapping, got a date",
            "event_types[0].attributes.score: must be a finite number",
        ],
    ),
]


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [pytest.param(m, e, id=name) for name, m, e in CASES],
)
def test_bad_file_reports_exact_problems(mutation: Mutation, expected: list[str]) -> None:
    assert problems_of(mutated(mutation)) == expected


def test_every_problem_is_reported_not_just_the_first() -> None:
    def many(d: dict[str, Any]) -> None:
        d["slug"] = "Bad Slug"
        d["event_types"][0]["children"][1]["code"] = "ARMED_CLASH"
        d["fields"][2]["kind"] = "colour"
        d["fields"][5]["applies_to"] = ["BATLES"]
        d["fields"][4]["choices"].append(choice("2", "Again"))
        d["fields"][1]["evidence_role"] = "nobody"
        d["rules"][0]["fields"] = ["low", "best", "hi"]

    assert problems_of(mutated(many)) == [
        'slug: "Bad Slug" does not match [a-z0-9-]+',
        'event_types[0].children[1].code: duplicate "ARMED_CLASH"',
        'fields[1].evidence_role: "nobody" is not declared in evidence_roles',
        'fields[2].kind: "colour" is not one of choice, multi_choice, actor, location, date, '
        "integer, text, boolean",
        'fields[4].choices[2].code: duplicate "2"',
        'fields[5].applies_to[0]: unknown event type "BATLES"',
        'rules[0].fields[2]: unknown field "hi"',
    ]


def test_top_level_must_be_a_mapping() -> None:
    assert problems_of(["format"]) == ["expected a mapping at the top level, got a list"]


def test_non_string_keys_are_reported() -> None:
    data = make_codebook()
    data["event_types"][0]["labels"][False] = "Norwegian"  # YAML 1.1 reads `no:` as false
    assert problems_of(data) == ["event_types[0].labels: key False is not a string"]


def test_event_types_nested_too_deep_are_reported_once() -> None:
    data = make_codebook()
    node: dict[str, Any] = data["event_types"][2]
    for depth in range(13):
        child = {"code": f"D{depth}", "labels": {"en": f"Depth {depth}"}}
        node["children"] = [child]
        node = child
    path = "event_types[2]" + ".children[0]" * 11 + ".children"
    assert problems_of(data) == [f"{path}: nested deeper than 12 levels"]


def test_error_text_lists_every_problem() -> None:
    data = make_codebook()
    data["slug"] = "X"
    data["version"] = -1
    with pytest.raises(CodebookFileError) as caught:
        parse_codebook(data)
    assert str(caught.value) == (
        "2 problems in codebook file:\n"
        '  slug: "X" does not match [a-z0-9-]+\n'
        "  version: must be at least 1, got -1"
    )
    assert caught.value.problems[1] == Problem("version", "must be at least 1, got -1")
    assert isinstance(caught.value, ValueError)
