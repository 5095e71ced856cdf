"""Parsing valid codebooks: defaults, lookups, canonical dump and round trips."""

from __future__ import annotations

import copy
import json
import pickle
from types import MappingProxyType

import pytest
import yaml

from coding.codebook_spec import (
    CodebookSpec,
    dump_codebook,
    iter_event_types,
    load_codebook_text,
    parse_codebook,
    spec_to_dict,
)

from .factories import make_codebook

MINIMAL = {
    "format": "athar-codebook/1",
    "slug": "tiny",
    "name": "Tiny",
    "languages": ["en"],
    "event_types": [{"code": "X", "labels": {"en": "X"}}],
    "fields": [
        {"key": "n", "kind": "integer", "labels": {"en": "N"}},
        {"key": "when", "kind": "date", "labels": {"en": "When"}},
        {"key": "who", "kind": "actor", "labels": {"en": "Who"}},
    ],
}

MINIMAL_DUMP = """\
format: athar-codebook/1
slug: tiny
name: Tiny
version: null
preset: null
description: {}
languages:
  - en
evidence_roles: []
event_types:
  - code: X
    labels:
      en: X
    definition: {}
    attributes: {}
    children: []
fields:
  - key: n
    kind: integer
    labels:
      en: N
    definition: {}
    required: false
    applies_to: []
    choices: []
    level: ratio
    evidence_role: null
    export_column: n
    typed_column: null
    multiple: false
    min: null
    max: null
    max_length: null
    distance: null
  - key: when
    kind: date
    labels:
      en: When
    definition: {}
    required: false
    applies_to: []
    choices: []
    level: interval
    evidence_role: null
    export_column: when
    typed_column: null
    multiple: false
    min: null
    max: null
    max_length: null
    distance: null
  - key: who
    kind: actor
    labels:
      en: Who
    definition: {}
    required: false
    applies_to: []
    choices: []
    level: nominal
    evidence_role: null
    export_column: who
    typed_column: null
    multiple: false
    min: null
    max: null
    max_length: null
    distance: null
rules: []
subtype_required: false
export: null
"""


def test_minimal_codebook_takes_defaults_and_dumps_every_key() -> None:
    spec = parse_codebook(MINIMAL)
    assert spec.version is None
    assert spec.preset is None
    assert spec.subtype_required is False
    assert spec.export is None
    assert spec.evidence_roles == ()
    assert [f.level for f in spec.fields] == ["ratio", "interval", "nominal"]
    assert dump_codebook(spec) == MINIMAL_DUMP


def test_full_codebook_is_parsed_into_frozen_specs() -> None:
    spec = parse_codebook(make_codebook())
    assert isinstance(spec, CodebookSpec)
    assert spec.languages == ("en", "ar")
    assert [t.code for t in spec.event_types] == ["BATTLES", "PROTESTS", "STATEMENT"]
    best = spec.field_by_key("best")
    assert best is not None
    assert (best.min, best.max, best.typed_column, best.level) == (0, 10000, "fatalities", "ratio")
    assert best.applies_to == ("BATTLES",)
    target_type = spec.field_by_key("target_type")
    assert target_type is not None
    assert target_type.export_column == "target type"
    assert target_type.choice_codes == frozenset({"state", "civilians"})
    assert isinstance(spec.event_types[0].labels, MappingProxyType)
    with pytest.raises(TypeError):
        spec.event_types[0].labels["en"] = "changed"  # type: ignore[index]
    with pytest.raises(AttributeError):
        spec.slug = "other"  # type: ignore[misc]
    assert [(r.kind, r.fields, r.field, r.requires, r.event_types) for r in spec.rules] == [
        ("ordered", ("low", "best", "high"), None, None, ()),
        ("required_with", (), "target", "target_type", ()),
        ("required_for", (), "best", None, ("ARMED_CLASH",)),
    ]
    assert spec.export is not None
    assert [(c.name, c.field, c.derived) for c in spec.export.columns] == [
        ("event_id", None, "event_id"),
        ("date", "date", None),
        ("best", "best", None),
        ("target type", "target_type", None),
        ("admin1", None, "location.admin1"),
    ]


def test_labels_are_stored_in_codebook_language_order() -> None:
    data = make_codebook()
    data["event_types"][0]["labels"] = {"ar": "معارك", "en": "Battles"}
    spec = parse_codebook(data)
    assert list(spec.event_types[0].labels) == ["en", "ar"]


def test_iter_event_types_is_depth_first_with_parent_codes() -> None:
    spec = parse_codebook(make_codebook())
    assert [(node.code, parent) for node, parent in iter_event_types(spec)] == [
        ("BATTLES", None),
        ("ARMED_CLASH", "BATTLES"),
        ("GOV_REGAINS", "BATTLES"),
        ("PROTESTS", None),
        ("PEACEFUL", "PROTESTS"),
        ("STATEMENT", None),
    ]


def test_lookups_and_applicability() -> None:
    spec = parse_codebook(make_codebook())
    assert spec.parent_code("ARMED_CLASH") == "BATTLES"
    assert spec.parent_code("BATTLES") is None
    assert spec.lineage("PEACEFUL") == ("PEACEFUL", "PROTESTS")
    assert spec.lineage("NOPE") == ()
    event_type = spec.event_type_by_code("GOV_REGAINS")
    assert event_type is not None
    assert event_type.labels["en"] == "Government regains territory"
    weapons = spec.field_by_key("weapons")
    crowd = spec.field_by_key("crowd_size")
    assert weapons is not None
    assert crowd is not None
    assert spec.field_applies(weapons, "ARMED_CLASH") is True
    assert spec.field_applies(weapons, "PEACEFUL") is False
    assert spec.field_applies(crowd, "PROTESTS") is False  # applies only to the sub-type
    assert [f.key for f in spec.fields_for_role("deaths")] == ["low", "best", "high"]
    role = spec.role_by_key("trigger")
    assert role is not None
    assert role.labels["ar"] == "الكلمة الدالة"


def test_dump_is_canonical_and_round_trips_byte_for_byte() -> None:
    spec = parse_codebook(make_codebook())
    text = dump_codebook(spec)
    again = load_codebook_text(text)
    assert again == spec
    assert dump_codebook(again) == text
    assert list(yaml.safe_load(text)) == [
        "format",
        "slug",
        "name",
        "version",
        "preset",
        "description",
        "languages",
        "evidence_roles",
        "event_types",
        "fields",
        "rules",
        "subtype_required",
        "export",
    ]


def test_dump_keeps_arabic_readable_and_quotes_numeric_codes() -> None:
    data = make_codebook()
    data["fields"][4]["choices"][0]["labels"]["ar"] = "دقيق"
    text = dump_codebook(parse_codebook(data))
    assert "ar: دقيق\n" in text
    assert "\\u" not in text
    assert "- code: '1'\n" in text


def test_rules_dump_only_their_kind_keys() -> None:
    as_dict = spec_to_dict(parse_codebook(make_codebook()))
    assert as_dict["rules"] == [
        {"kind": "ordered", "fields": ["low", "best", "high"]},
        {"kind": "required_with", "field": "target", "requires": "target_type"},
        {"kind": "required_for", "field": "best", "event_types": ["ARMED_CLASH"]},
    ]
    assert as_dict["export"]["columns"][0] == {
        "name": "event_id",
        "field": None,
        "derived": "event_id",
    }


def test_spec_to_dict_is_json_compatible_and_reparses_equal() -> None:
    spec = parse_codebook(make_codebook())
    text = json.dumps(spec_to_dict(spec), ensure_ascii=False)
    assert load_codebook_text(text) == spec


def test_attributes_keep_nested_values_and_order() -> None:
    data = make_codebook()
    data["event_types"][0]["attributes"] = {
        "quad": 4,
        "goldstein": -9.5,
        "aliases": ["fight", "clash"],
        "plover": {"event": "ASSAULT", "mode": None, "context": ["military"]},
        "violent": True,
    }
    spec = parse_codebook(data)
    attributes = spec.event_types[0].attributes
    assert attributes["aliases"] == ("fight", "clash")
    assert attributes["plover"] == {"event": "ASSAULT", "mode": None, "context": ("military",)}
    assert list(attributes) == ["quad", "goldstein", "aliases", "plover", "violent"]
    text = dump_codebook(spec)
    assert dump_codebook(load_codebook_text(text)) == text
    assert spec_to_dict(spec)["event_types"][0]["attributes"]["plover"]["context"] == ["military"]


def test_yaml_and_json_inputs_give_equal_specs() -> None:
    data = make_codebook()
    from_json = load_codebook_text(json.dumps(data, ensure_ascii=False, indent=2))
    from_yaml = load_codebook_text(yaml.safe_dump(data, allow_unicode=True))
    assert from_json == from_yaml == parse_codebook(data)


def test_byte_order_mark_is_ignored() -> None:
    text = "\ufeff" + dump_codebook(parse_codebook(MINIMAL))
    assert load_codebook_text(text).slug == "tiny"


def test_tuples_are_accepted_as_lists_from_python_callers() -> None:
    data = dict(MINIMAL)
    data["languages"] = ("en",)
    assert parse_codebook(data).languages == ("en",)


def test_specs_pickle_and_deepcopy_to_equal_specs() -> None:
    spec = parse_codebook(make_codebook())
    assert pickle.loads(pickle.dumps(spec)) == spec  # noqa: S301 - our own data
    assert copy.deepcopy(spec) == spec
