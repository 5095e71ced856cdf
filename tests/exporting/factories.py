"""Builders of `ExportEvent`s for the export tests: a complete ACLED event by default."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from coding.codebook_spec import CodebookSpec, load_preset
from coding.exporting import (
    ExportActor,
    ExportArticle,
    ExportCodebook,
    ExportEvent,
    ExportEventType,
    ExportLocation,
    ExportProvenance,
    ExportSpan,
)

ARABIC_QUOTE = 'قال الجيش: "اشتباك عنيف" قرب غاو 🔥\nسطر ثانٍ'
VALIDATED_AT = datetime(2024, 3, 4, 12, 30, 15, tzinfo=UTC)  # Unix 1709555415

ARMY = ExportActor(
    id=11,
    name="Military Forces of Mali (2021-)",
    actor_type=1,
    country="ML",
    aliases=("الجيش المالي",),
    external_id="wikidata:Q1141563",
)
WAGNER = ExportActor(id=12, name="Wagner Group", actor_type=8, country="RU")
JNIM = ExportActor(
    id=21,
    name="JNIM: Group for Support of Islam and Muslims",
    actor_type=2,
    country="ML",
    aliases=("جماعة نصرة الإسلام والمسلمين",),
)
GAO = ExportLocation(
    id=5,
    name="Gao",
    country="ML",
    admin1="Gao",
    admin2="Gao",
    latitude=16.27167,
    longitude=-0.04472,
    aliases=("غاو",),
    external_id="geonames:2457163",
)


def acled_spec() -> CodebookSpec:
    return load_preset("acled")


def plover_spec() -> CodebookSpec:
    return load_preset("plover")


def event_types(spec: CodebookSpec, code: str, subcode: str | None) -> dict[str, Any]:
    node = spec.event_type_by_code(code)
    sub = spec.event_type_by_code(subcode) if subcode else None
    assert node is not None
    return {
        "event_type": ExportEventType(node.code, dict(node.labels)),
        "event_subtype": ExportEventType(sub.code, dict(sub.labels)) if sub else None,
    }


def acled_event(event_id: int = 1234, **changes: Any) -> ExportEvent:
    """A Battles / Armed clash in Gao between the army (+ Wagner) and JNIM, 3 days span."""
    spec = acled_spec()
    event = ExportEvent(
        event_id=event_id,
        article=ExportArticle(
            id=77,
            title="اشتباكات في غاو",
            source="Al Jazeera",
            url="https://example.org/a/77",
            published_at=datetime(2024, 3, 3, 8, 0, tzinfo=UTC),
            external_id="aj-77",
            language="ar",
            source_scale="International",
        ),
        codebook=ExportCodebook(slug="acled", version=1, preset="acled"),
        **event_types(spec, "BATTLES", "ARMED_CLASH"),
        values={
            "event_date": {"start": "2024-03-01", "end": "2024-03-03"},
            "time_precision": "2",
            "actor1": {"id": 11},
            "assoc_actor_1": [{"id": 12}, {"name": "Dozo hunters"}],
            "inter1": "1",
            "actor2": {"id": 21},
            "inter2": "2",
            "civilian_targeting": False,
            "location": {"id": 5},
            "geo_precision": "1",
            "notes": ARABIC_QUOTE,
            "fatalities": 7,
            "tags": "=cmd|' /C calc'!A0",
        },
        date_start=date(2024, 3, 1),
        date_end=date(2024, 3, 3),
        date_precision=2,
        geo_precision=1,
        fatalities=7,
        location=GAO,
        actors={"actor1": (ARMY,), "assoc_actor_1": (WAGNER,), "actor2": (JNIM,)},
        evidence=(
            ExportSpan("trigger", 10, 15, "اشتبك"),
            ExportSpan("location", 30, 33, "غاو"),
        ),
        provenance=ExportProvenance(
            decision_kind="merge",
            source_event_ids=(501, 502),
            decided_by="amina",
            decided_at=datetime(2024, 3, 4, 12, 0, tzinfo=UTC),
            reason_code="coder_disagreement",
            revision=2,
        ),
        validated_at=VALIDATED_AT,
        agreement={"fatalities": 0.81, "actor2": None},
    )
    return replace(event, **changes)


def with_values(event: ExportEvent, **values: Any) -> ExportEvent:
    """A copy whose stored values are updated (None removes a key)."""
    merged = {**event.values, **values}
    return replace(event, values={k: v for k, v in merged.items() if v is not None})


SAHEL_CODEBOOK_YAML = """\
format: athar-codebook/1
slug: sahel-demo
name: Sahel demo
version: 3
languages: [en, ar]
evidence_roles:
  - key: trigger
    labels: {ar: الحدث, en: Trigger}
event_types:
  - code: CLASH
    labels: {ar: اشتباك, en: Clash}
    children:
      - code: CLASH_TERRITORY
        labels: {ar: سيطرة, en: Clash with a change of control}
  - code: PROTEST
    labels: {ar: احتجاج, en: Protest}
fields:
  - key: when
    kind: date
    labels: {en: Date}
    definition: {en: Day or span of days of the event.}
    typed_column: date
  - key: sides
    kind: actor
    labels: {en: Sides}
    multiple: true
  - key: place
    kind: location
    labels: {en: Place}
    export_column: location
    typed_column: location
  - key: staging_area
    kind: location
    labels: {en: Staging area}
  - key: weapons
    kind: multi_choice
    labels: {en: Weapons}
    choices:
      - {code: small_arms, labels: {en: Small arms}}
      - {code: drone, labels: {en: Drone}}
  - key: intensity
    kind: choice
    labels: {en: Intensity}
    level: ordinal
    choices:
      - {code: "1", labels: {en: Low}}
      - {code: "2", labels: {en: High}}
  - key: claim
    kind: choice
    labels: {en: Claim}
    choices:
      - {code: claimed, labels: {en: Claimed}}
      - {code: denied, labels: {en: Denied}}
  - key: deaths
    kind: integer
    labels: {en: Deaths}
    typed_column: fatalities
    min: 0
    max: 100000
  - key: summary
    kind: text
    labels: {en: Summary}
    max_length: 500
  - key: hostages
    kind: boolean
    labels: {en: Hostages taken}
"""


def sahel_spec() -> CodebookSpec:
    from coding.codebook_spec import load_codebook_text

    return load_codebook_text(SAHEL_CODEBOOK_YAML)


TESSALIT = ExportLocation(
    id=8,
    name="Tessalit",
    country="ML",
    admin1="Kidal",
    admin2="Tessalit",
    latitude=20.19861,
    longitude=1.01194,
)


def sahel_event(event_id: int = 40, **changes: Any) -> ExportEvent:
    """An event of the custom `sahel-demo` codebook (no export layout)."""
    spec = sahel_spec()
    event = acled_event(
        event_id,
        codebook=ExportCodebook(slug="sahel-demo", version=3, preset=None),
        **event_types(spec, "CLASH", "CLASH_TERRITORY"),
        values={
            "when": {"start": "2024-05-01", "end": "2024-05-02"},
            "sides": [{"id": 11}, {"id": 21}, {"name": "مسلحون مجهولون"}],
            "place": {"id": 5},
            "staging_area": {"id": 8},
            "weapons": ["small_arms", "drone"],
            "intensity": "2",
            "claim": "claimed",
            "deaths": 4,
            "summary": "-12 قتيلاً? لا",
            "hostages": True,
        },
        date_start=date(2024, 5, 1),
        date_end=date(2024, 5, 2),
        fatalities=4,
        actors={"sides": (ARMY, JNIM)},
        places={"staging_area": (TESSALIT,)},
    )
    return replace(event, **changes)
