"""Built-in presets: they parse, round-trip byte for byte, and hold the exact facts."""

from __future__ import annotations

import pytest

from coding.codebook_spec import (
    PRESETS_DIR,
    CodebookSpec,
    EventTypeSpec,
    UnknownPresetError,
    dump_codebook,
    iter_event_types,
    list_presets,
    load_codebook_text,
    load_preset,
    validate_event,
)

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]  # fmt: skip

ACLED_TREE = {
    ("BATTLES", "Battles"): [
        ("GOVERNMENT_REGAINS_TERRITORY", "Government regains territory"),
        ("NON_STATE_ACTOR_OVERTAKES_TERRITORY", "Non-state actor overtakes territory"),
        ("ARMED_CLASH", "Armed clash"),
    ],
    ("PROTESTS", "Protests"): [
        ("EXCESSIVE_FORCE_AGAINST_PROTESTERS", "Excessive force against protesters"),
        ("PROTEST_WITH_INTERVENTION", "Protest with intervention"),
        ("PEACEFUL_PROTEST", "Peaceful protest"),
    ],
    ("RIOTS", "Riots"): [
        ("VIOLENT_DEMONSTRATION", "Violent demonstration"),
        ("MOB_VIOLENCE", "Mob violence"),
    ],
    ("EXPLOSIONS_REMOTE_VIOLENCE", "Explosions/Remote violence"): [
        ("CHEMICAL_WEAPON", "Chemical weapon"),
        ("AIR_DRONE_STRIKE", "Air/drone strike"),
        ("SUICIDE_BOMB", "Suicide bomb"),
        ("SHELLING_ARTILLERY_MISSILE_ATTACK", "Shelling/artillery/missile attack"),
        ("REMOTE_EXPLOSIVE_LANDMINE_IED", "Remote explosive/landmine/IED"),
        ("GRENADE", "Grenade"),
    ],
    ("VIOLENCE_AGAINST_CIVILIANS", "Violence against civilians"): [
        ("SEXUAL_VIOLENCE", "Sexual violence"),
        ("ATTACK", "Attack"),
        ("ABDUCTION_FORCED_DISAPPEARANCE", "Abduction/forced disappearance"),
    ],
    ("STRATEGIC_DEVELOPMENTS", "Strategic developments"): [
        ("AGREEMENT", "Agreement"),
        ("ARRESTS", "Arrests"),
        ("CHANGE_TO_GROUP_ACTIVITY", "Change to group/activity"),
        ("DISRUPTED_WEAPONS_USE", "Disrupted weapons use"),
        ("HEADQUARTERS_OR_BASE_ESTABLISHED", "Headquarters or base established"),
        ("LOOTING_PROPERTY_DESTRUCTION", "Looting/property destruction"),
        ("NON_VIOLENT_TRANSFER_OF_TERRITORY", "Non-violent transfer of territory"),
        ("OTHER", "Other"),
    ],
}


def depth_counts(spec: CodebookSpec) -> list[int]:
    counts: dict[int, int] = {}

    def walk(nodes: tuple[EventTypeSpec, ...], depth: int) -> None:
        for node in nodes:
            counts[depth] = counts.get(depth, 0) + 1
            walk(node.children, depth + 1)

    walk(spec.event_types, 1)
    return [counts[depth] for depth in sorted(counts)]


def test_list_presets() -> None:
    assert list_presets() == ["acled", "cameo", "plover", "ucdp"]


@pytest.mark.parametrize("name", ["acled", "cameo", "plover", "ucdp"])
def test_preset_file_is_its_own_canonical_dump(name: str) -> None:
    text = (PRESETS_DIR / f"{name}.yaml").read_text(encoding="utf-8")
    spec = load_codebook_text(text)
    assert dump_codebook(spec) == text
    assert load_preset(name) == spec
    assert (spec.slug, spec.preset, spec.version) == (name, name, 1)


def test_unknown_preset() -> None:
    with pytest.raises(UnknownPresetError):
        load_preset("gdelt")
    with pytest.raises(UnknownPresetError):
        load_preset("../acled")


def test_acled_event_tree_codes_and_exact_names() -> None:
    spec = load_preset("acled")
    assert depth_counts(spec) == [6, 25]
    tree = {
        (t.code, t.labels["en"]): [(c.code, c.labels["en"]) for c in t.children]
        for t in spec.event_types
    }
    assert tree == ACLED_TREE
    assert list(tree) == list(ACLED_TREE)
    assert spec.languages == ("en", "ar", "fr")
    assert spec.subtype_required is True
    for node, parent in iter_event_types(spec):
        assert set(node.labels) == {"en", "ar", "fr"}
        if parent is not None:
            assert node.attributes["disorder_type"] in {
                "Political violence",
                "Demonstrations",
                "Strategic developments",
                "Political violence; Demonstrations",
            }
    excessive = spec.event_type_by_code("EXCESSIVE_FORCE_AGAINST_PROTESTERS")
    agreement = spec.event_type_by_code("AGREEMENT")
    assert excessive is not None
    assert agreement is not None
    assert excessive.attributes["disorder_type"] == "Political violence; Demonstrations"
    assert agreement.attributes["disorder_type"] == "Strategic developments"


def test_acled_export_has_the_31_columns_in_order() -> None:
    spec = load_preset("acled")
    assert spec.export is not None
    assert [c.name for c in spec.export.columns] == ACLED_COLUMNS
    from_fields = {c.name: c.field for c in spec.export.columns if c.field is not None}
    assert from_fields == {
        "event_date": "event_date",
        "time_precision": "time_precision",
        "actor1": "actor1",
        "assoc_actor_1": "assoc_actor_1",
        "inter1": "inter1",
        "actor2": "actor2",
        "assoc_actor_2": "assoc_actor_2",
        "inter2": "inter2",
        "civilian_targeting": "civilian_targeting",
        "location": "location",
        "geo_precision": "geo_precision",
        "notes": "notes",
        "fatalities": "fatalities",
        "tags": "tags",
    }
    derived = {c.name: c.derived for c in spec.export.columns if c.derived is not None}
    assert derived == {
        "event_id_cnty": "event_id",
        "year": "year",
        "disorder_type": "attribute.disorder_type",
        "event_type": "event_type",
        "sub_event_type": "event_subtype",
        "interaction": "interaction",
        "iso": "location.iso",
        "region": "location.region",
        "country": "location.country",
        "admin1": "location.admin1",
        "admin2": "location.admin2",
        "admin3": "location.admin3",
        "latitude": "location.latitude",
        "longitude": "location.longitude",
        "source": "sources",
        "source_scale": "source_scales",
        "timestamp": "timestamp",
    }


def test_acled_fields_roles_and_typed_columns() -> None:
    spec = load_preset("acled")
    typed = {f.typed_column: f.key for f in spec.fields if f.typed_column}
    assert typed == {
        "date": "event_date",
        "date_precision": "time_precision",
        "location": "location",
        "geo_precision": "geo_precision",
        "fatalities": "fatalities",
    }
    assert {r.key for r in spec.evidence_roles} >= {
        "trigger",
        "actor1",
        "actor2",
        "location",
        "date",
        "fatalities",
    }
    inter1 = spec.field_by_key("inter1")
    assert inter1 is not None
    assert [(c.code, c.labels["en"]) for c in inter1.choices] == [
        ("1", "State forces"),
        ("2", "Rebel group"),
        ("3", "Political militia"),
        ("4", "Identity militia"),
        ("5", "Rioters"),
        ("6", "Protesters"),
        ("7", "Civilians"),
        ("8", "External/Other forces"),
    ]
    for key in ("time_precision", "geo_precision"):
        field = spec.field_by_key(key)
        assert field is not None
        assert [c.code for c in field.choices] == ["1", "2", "3"]
        assert field.level == "ordinal"
    assert [(r.kind, r.field) for r in spec.rules] == [
        ("required_with", "actor2"),
        ("required_for", "actor2"),
    ]


def test_acled_sample_event_validates() -> None:
    spec = load_preset("acled")
    values = {
        "event_date": {"start": "2024-07-27"},
        "time_precision": "1",
        "actor1": {"name": "JNIM: Group for Support of Islam and Muslims"},
        "inter1": "2",
        "actor2": {"name": "Military Forces of Mali (2021-)"},
        "inter2": "1",
        "location": {"name": "Tinzaouaten"},
        "geo_precision": "1",
        "fatalities": 12,
        "notes": "Fighting near the Algerian border.",
        "civilian_targeting": False,
    }
    kwargs = {"event_type": "BATTLES", "event_subtype": "ARMED_CLASH", "spans": ()}
    assert validate_event(spec, values=values, complete=True, **kwargs) == []  # type: ignore[arg-type]
    without_actor2 = {k: v for k, v in values.items() if k not in ("actor2", "inter2")}
    errors = validate_event(spec, values=without_actor2, complete=True, **kwargs)  # type: ignore[arg-type]
    assert [(e.field, e.code) for e in errors] == [("actor2", "required")]


def test_cameo_tree_counts_and_codes() -> None:
    spec = load_preset("cameo")
    assert depth_counts(spec) == [20, 147, 148]
    roots = [(t.code, t.labels["en"]) for t in spec.event_types]
    assert roots[0] == ("01", "MAKE PUBLIC STATEMENT")
    assert roots[14] == ("15", "EXHIBIT FORCE POSTURE")
    assert roots[19] == ("20", "USE UNCONVENTIONAL MASS VIOLENCE")
    assert [code for code, _ in roots] == [f"{n:02d}" for n in range(1, 21)]
    aerial = spec.event_type_by_code("195")
    assert aerial is not None
    assert [(c.code, c.labels["en"]) for c in aerial.children] == [
        ("1951", "Employ precision-guided aerial munitions"),
        ("1952", "Employ remotely piloted aerial munitions"),
    ]
    assert spec.lineage("1952") == ("1952", "195", "19")
    for node, parent in iter_event_types(spec):
        # Four-digit codes sit under their three-digit code, which sits under its root.
        if parent is not None:
            assert node.code.startswith(parent)
        assert node.attributes["quad_class"] in (1, 2, 3, 4)
    appeal = spec.event_type_by_code("0211")
    assert appeal is not None
    assert appeal.attributes["goldstein"] == 3.4
    assert appeal.attributes["quad_class"] == 1
    fight = spec.event_type_by_code("19")
    assert fight is not None
    assert (fight.attributes["quad_class"], fight.attributes["goldstein"]) == (4, -10.0)
    missing_goldstein = [
        node.code for node, _ in iter_event_types(spec) if "goldstein" not in node.attributes
    ]
    assert missing_goldstein == ["1213", "1214", "1951", "1952"]
    assert spec.subtype_required is False


def test_cameo_event_at_any_depth_validates() -> None:
    spec = load_preset("cameo")
    values = {"source_actor": {"id": 1}, "event_date": {"start": "2024-01-05"}}
    for subtype in (None, "195", "1952"):
        errors = validate_event(
            spec, event_type="19", event_subtype=subtype, values=values, spans=(), complete=True
        )
        assert errors == []
    errors = validate_event(
        spec, event_type="18", event_subtype="1952", values=values, spans=(), complete=True
    )
    assert [e.code for e in errors] == ["subtype_mismatch"]


PLOVER_TYPES = [
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
]  # fmt: skip


def test_plover_types_modes_and_contexts() -> None:
    spec = load_preset("plover")
    assert [t.code for t in spec.event_types] == PLOVER_TYPES
    assert depth_counts(spec) == [16, 67]
    retreat = spec.event_type_by_code("RETREAT")
    assert retreat is not None
    assert [c.code for c in retreat.children] == [
        "RETREAT.withdraw", "RETREAT.release", "RETREAT.disarm", "RETREAT.ceasefire",
        "RETREAT.access", "RETREAT.resign",
    ]  # fmt: skip
    assert retreat.children[1].attributes == {"mode": "release", "score": 6.5}
    assert retreat.attributes["quad_class"] == 2
    sanction = spec.event_type_by_code("SANCTION")
    assert sanction is not None
    assert sanction.attributes["quad_class"] == 4
    investigate = spec.event_type_by_code("ACCUSE.investigate")
    assert investigate is not None
    assert investigate.definition["en"] == (
        "Any inquiry - judicial, political, commissions, grand juries."
    )
    context = spec.field_by_key("context")
    assert context is not None
    assert context.kind == "multi_choice"
    assert len(context.choices) == 37
    assert context.choices[0].code == "military"
    assert context.choices[-1].code == "trafficking"
    assert spec.subtype_required is False


def test_plover_recipient_required_for_cooperate_aid_sanction() -> None:
    spec = load_preset("plover")
    values = {"actor": [{"name": "MINUSMA"}], "event_date": {"start": "2023-06-30"}}
    for event_type, expected in [("AID", ["recipient"]), ("CONSULT", [])]:
        errors = validate_event(
            spec, event_type=event_type, event_subtype=None, values=values, spans=(), complete=True
        )
        assert [e.field for e in errors] == expected
    errors = validate_event(
        spec,
        event_type="CONSULT",
        event_subtype="CONSULT.phone",
        values={**values, "dead": 2, "context": ["diplomatic", "peacekeeping"]},
        spans=(),
        complete=True,
    )
    assert [(e.field, e.code) for e in errors] == [("dead", "not_applicable")]


def test_ucdp_types_precision_and_fatality_order() -> None:
    spec = load_preset("ucdp")
    assert [(t.code, t.labels["en"]) for t in spec.event_types] == [
        ("1", "State-based conflict"),
        ("2", "Non-state conflict"),
        ("3", "One-sided violence"),
    ]
    where_prec = spec.field_by_key("where_prec")
    date_prec = spec.field_by_key("date_prec")
    assert where_prec is not None
    assert date_prec is not None
    assert [c.code for c in where_prec.choices] == ["1", "2", "3", "4", "5", "6", "7"]
    assert [c.code for c in date_prec.choices] == ["1", "2", "3", "4", "5"]
    assert (where_prec.typed_column, date_prec.typed_column) == ("geo_precision", "date_precision")
    assert [(r.kind, r.fields) for r in spec.rules] == [("ordered", ("low", "best", "high"))]
    values = {
        "side_a": {"name": "Government of Mali"},
        "side_b": {"name": "JNIM"},
        "date": {"start": "2024-07-25", "end": "2024-07-27"},
        "date_prec": "2",
        "location": {"name": "Tinzaouaten"},
        "where_prec": "1",
        "event_clarity": "1",
        "low": 20,
        "best": 15,
        "high": 80,
    }
    errors = validate_event(
        spec, event_type="1", event_subtype=None, values=values, spans=(), complete=True
    )
    assert [(e.field, e.code, e.message) for e in errors] == [
        ("best", "not_ordered", "best (15) must not be less than low (20)")
    ]
