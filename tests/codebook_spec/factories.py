"""A small valid codebook used (and mutated) by the codebook_spec tests."""

from __future__ import annotations

from typing import Any


def choice(code: str, label: str) -> dict[str, Any]:
    return {"code": code, "labels": {"en": label}}


def make_codebook() -> dict[str, Any]:
    """A fresh, valid codebook dict with every field kind, all rule kinds and an export."""
    return {
        "format": "athar-codebook/1",
        "slug": "demo",
        "name": "Demo",
        "languages": ["en", "ar"],
        "evidence_roles": [
            {"key": "trigger", "labels": {"en": "Trigger", "ar": "الكلمة الدالة"}},
            {"key": "actor", "labels": {"en": "Actor"}},
            {"key": "place", "labels": {"en": "Place"}},
            {"key": "deaths", "labels": {"en": "Deaths"}},
            {"key": "crowd", "labels": {"en": "Crowd"}},
        ],
        "event_types": [
            {
                "code": "BATTLES",
                "labels": {"en": "Battles", "ar": "معارك"},
                "children": [
                    {"code": "ARMED_CLASH", "labels": {"en": "Armed clash"}},
                    {"code": "GOV_REGAINS", "labels": {"en": "Government regains territory"}},
                ],
            },
            {
                "code": "PROTESTS",
                "labels": {"en": "Protests"},
                "children": [{"code": "PEACEFUL", "labels": {"en": "Peaceful protest"}}],
            },
            {"code": "STATEMENT", "labels": {"en": "Statement"}},
        ],
        "fields": [
            {
                "key": "date",
                "kind": "date",
                "labels": {"en": "Date"},
                "required": True,
                "typed_column": "date",
            },
            {
                "key": "actor1",
                "kind": "actor",
                "labels": {"en": "Actor 1"},
                "required": True,
                "evidence_role": "actor",
            },
            {"key": "allies", "kind": "actor", "labels": {"en": "Allies"}, "multiple": True},
            {
                "key": "place",
                "kind": "location",
                "labels": {"en": "Place"},
                "evidence_role": "place",
                "typed_column": "location",
            },
            {
                "key": "precision",
                "kind": "choice",
                "labels": {"en": "Precision"},
                "choices": [choice("1", "Exact"), choice("2", "Near")],
                "level": "ordinal",
                "typed_column": "geo_precision",
            },
            {
                "key": "weapons",
                "kind": "multi_choice",
                "labels": {"en": "Weapons"},
                "choices": [
                    choice("gun", "Gun"),
                    choice("knife", "Knife"),
                    choice("drone", "Drone"),
                ],
                "applies_to": ["BATTLES"],
            },
            {
                "key": "low",
                "kind": "integer",
                "labels": {"en": "Low"},
                "applies_to": ["BATTLES"],
                "evidence_role": "deaths",
                "min": 0,
            },
            {
                "key": "best",
                "kind": "integer",
                "labels": {"en": "Best"},
                "applies_to": ["BATTLES"],
                "evidence_role": "deaths",
                "typed_column": "fatalities",
                "min": 0,
                "max": 10000,
            },
            {
                "key": "high",
                "kind": "integer",
                "labels": {"en": "High"},
                "applies_to": ["BATTLES"],
                "evidence_role": "deaths",
            },
            {
                "key": "crowd_size",
                "kind": "integer",
                "labels": {"en": "Crowd size"},
                "applies_to": ["PEACEFUL"],
                "evidence_role": "crowd",
            },
            {"key": "notes", "kind": "text", "labels": {"en": "Notes"}, "max_length": 20},
            {"key": "claimed", "kind": "boolean", "labels": {"en": "Claimed"}},
            {"key": "target", "kind": "actor", "labels": {"en": "Target"}},
            {
                "key": "target_type",
                "kind": "choice",
                "labels": {"en": "Target type"},
                "choices": [choice("state", "State"), choice("civilians", "Civilians")],
                "export_column": "target type",
            },
        ],
        "rules": [
            {"kind": "ordered", "fields": ["low", "best", "high"]},
            {"kind": "required_with", "field": "target", "requires": "target_type"},
            {"kind": "required_for", "field": "best", "event_types": ["ARMED_CLASH"]},
        ],
        "subtype_required": True,
        "export": {
            "columns": [
                {"name": "event_id", "derived": "event_id"},
                {"name": "date", "field": "date"},
                {"name": "best", "field": "best"},
                {"name": "target type", "field": "target_type"},
                {"name": "admin1", "derived": "location.admin1"},
            ]
        },
    }
