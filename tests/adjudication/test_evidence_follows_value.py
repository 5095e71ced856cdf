"""Merging field by field keeps traceability: the evidence of a field's role comes from the
coder event its value came from, so an exported value is never shown with another coder's
quote (e.g. fatalities 7 from coder B with coder A's "5" quote)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from coding.models import CodedEvent
from tests.factories import ActorFactory, LocationFactory
from tests.world import ARTICLE_TEXT, World, code_and_submit, span

pytestmark = pytest.mark.django_db

# The mini codebook's fields, and the role each collects evidence in (None: no evidence).
ROLES = {
    "actor1": "actor1",
    "location": "location",
    "event_date": "date",
    "time_precision": None,
    "fatalities": "fatalities",
    "notes_text": None,
}


@pytest.fixture
def split(world: World, django_capture_on_commit_callbacks) -> World:  # type: ignore[no-untyped-def]
    """Two coders code the same attack with different values, each with their own evidence
    for every role (only the trigger is the same, so the two events align)."""
    cache.clear()
    actor2, location2 = ActorFactory(name="FAMa"), LocationFactory(name="Mopti")
    a = {
        "event_type": "ATTACK",
        "event_subtype": "ARMED_ASSAULT",
        "values": {
            "actor1": {"id": world.actor.pk},
            "location": {"id": world.location.pk},
            "event_date": {"start": "2022-06-12"},
            "time_precision": "1",
            "fatalities": 5,
            "notes_text": "A",
        },
        "spans": [
            span(ARTICLE_TEXT, "هاجم", "trigger"),
            span(ARTICLE_TEXT, "JNIM", "actor1"),
            span(ARTICLE_TEXT, "بولكيسي", "location"),
            span(ARTICLE_TEXT, "١٢ يونيو/ حزيران 2022", "date"),
            span(ARTICLE_TEXT, "الطائرات", "fatalities"),
        ],
    }
    b = {
        "event_type": "ATTACK",
        "event_subtype": "ARMED_ASSAULT",
        "values": {
            "actor1": {"id": actor2.pk},
            "location": {"id": location2.pk},
            "event_date": {"start": "2022-06-13"},
            "time_precision": "2",
            "fatalities": 7,
            "notes_text": "B",
        },
        "spans": [
            span(ARTICLE_TEXT, "هاجم", "trigger"),
            span(ARTICLE_TEXT, "مسؤوليتها", "trigger"),
            span(ARTICLE_TEXT, "FAMa", "actor1"),
            span(ARTICLE_TEXT, "موبتي", "location"),
            span(ARTICLE_TEXT, "13 juin", "date"),
            span(ARTICLE_TEXT, "😢", "fatalities"),
        ],
    }
    capture = django_capture_on_commit_callbacks
    [event_a] = code_and_submit(world, world.assignment_a, world.coder_a, [a], capture)
    [event_b] = code_and_submit(world, world.assignment_b, world.coder_b, [b], capture)
    world.by_coder = {"A": event_a, "B": event_b}  # type: ignore[attr-defined]
    view = world.client(world.supervisor).post(_base(world)).json()
    [cluster] = view["clusters"]
    assert set(cluster["events"]) == {"coder_a", "coder_b"}
    world.cluster = cluster["key"]  # type: ignore[attr-defined]
    return world


def _base(world: World) -> str:
    return f"/api/v1/projects/{world.project.pk}/articles/{world.article.pk}/adjudication/"


def _spans(event: dict[str, Any], role: str) -> set[tuple[int, int, str]]:
    return {(s["start"], s["end"], s["quote"]) for s in event["spans"] if s["role"] == role}


def _merge_and_export(world: World, body: dict[str, Any]) -> dict[str, Any]:
    """Merge the cluster, validate, and return the exported JSONL record of the gold event."""
    sup = world.client(world.supervisor)
    merged = sup.post(
        _base(world) + "decisions/", {"cluster": world.cluster, **body}, format="json"
    )  # type: ignore[attr-defined]
    assert merged.status_code == 201, merged.json()
    version = sup.get(_base(world)).json()["adjudication"]["version"]
    assert (
        sup.post(_base(world) + "validate/", {"version": version}, format="json").status_code == 200
    )
    export = world.client(world.researcher).get(
        f"/api/v1/projects/{world.project.pk}/export/", {"format": "jsonl"}
    )
    [line] = b"".join(export.streaming_content).decode().splitlines()
    record: dict[str, Any] = json.loads(line)
    return record


def test_a_field_taken_from_coder_b_brings_coder_bs_evidence(split: World) -> None:
    a, b = split.by_coder["A"], split.by_coder["B"]  # type: ignore[attr-defined]
    record = _merge_and_export(
        split, {"kind": "merge", "base_event": a["id"], "fields": {"fatalities": {"from": b["id"]}}}
    )
    assert record["fatalities"] == 7
    exported = {"spans": record["evidence"]}
    assert (
        _spans(exported, "fatalities")
        == _spans(b, "fatalities")
        == {(ARTICLE_TEXT.index("😢"), ARTICLE_TEXT.index("😢") + 1, "😢")}
    )
    for role in ("trigger", "actor1", "location", "date"):  # the rest stays coder A's
        assert _spans(exported, role) == _spans(a, role)
    gold = CodedEvent.objects.get(layer="gold")
    assert not gold.spans.filter(role="fatalities", quote="الطائرات").exists()


def test_a_typed_value_brings_no_coder_evidence(split: World) -> None:
    a = split.by_coder["A"]  # type: ignore[attr-defined]
    record = _merge_and_export(
        split, {"kind": "merge", "base_event": a["id"], "fields": {"fatalities": {"value": 9}}}
    )
    assert record["fatalities"] == 9
    assert _spans({"spans": record["evidence"]}, "fatalities") == set()
    assert _spans({"spans": record["evidence"]}, "actor1") == _spans(a, "actor1")


def test_explicit_spans_are_the_supervisors_pick(split: World) -> None:
    a, b = split.by_coder["A"], split.by_coder["B"]  # type: ignore[attr-defined]
    picked = [span(ARTICLE_TEXT, "هاجم", "trigger"), span(ARTICLE_TEXT, "😢", "fatalities")]
    record = _merge_and_export(
        split,
        {
            "kind": "merge",
            "base_event": a["id"],
            "fields": {"fatalities": {"from": b["id"]}},
            "spans": picked,
        },
    )
    assert sorted((s["role"], s["quote"]) for s in record["evidence"]) == [
        ("fatalities", "😢"),
        ("trigger", "هاجم"),
    ]


SOURCE = st.sampled_from(["A", "B"])
TYPED = {"fatalities": st.integers(0, 40), "time_precision": st.sampled_from(["1", "2", "3"])}


@st.composite
def merges(draw: st.DrawFn) -> tuple[str, dict[str, str | int | None], list[str] | None]:
    """A base coder, per field: not named (None), a coder ("A"/"B") or a typed value (an
    int or choice code wrapped in a tuple), and the coders whose spans fill unbound roles."""
    base = draw(SOURCE)
    choices: dict[str, Any] = {}
    for key in ROLES:
        options = [st.none(), SOURCE]
        if key in TYPED:
            options.append(TYPED[key].map(lambda v: (v,)))
        choices[key] = draw(st.one_of(*options))
    spans_from = draw(st.one_of(st.none(), st.lists(SOURCE, min_size=1, max_size=2, unique=True)))
    return base, choices, spans_from


def test_every_exported_fields_evidence_comes_from_its_values_event(split: World) -> None:
    events = split.by_coder  # type: ignore[attr-defined]

    @settings(max_examples=25, deadline=None, derandomize=True)
    @given(merges())
    def check(merge: tuple[str, dict[str, Any], list[str] | None]) -> None:
        base, choices, spans_from = merge
        body: dict[str, Any] = {"kind": "merge", "base_event": events[base]["id"], "fields": {}}
        for key, choice in choices.items():
            if isinstance(choice, tuple):
                body["fields"][key] = {"value": choice[0]}
            elif choice is not None:
                body["fields"][key] = {"from": events[choice]["id"]}
        if spans_from is not None:
            body["spans_from"] = [events[c]["id"] for c in spans_from]
        with transaction.atomic():
            record = _merge_and_export(split, body)
            transaction.set_rollback(True)
        exported = {"spans": record["evidence"]}
        for key, role in ROLES.items():
            choice = choices[key]
            if isinstance(choice, tuple):
                assert record["values"][key] == choice[0]
                if role:
                    assert _spans(exported, role) == set(), key
                continue
            source = events[choice or base]
            assert record["values"][key] == source["values"][key], key
            if role:
                assert _spans(exported, role) == _spans(source, role), key
        trigger_from = spans_from or [base]
        assert _spans(exported, "trigger") == set().union(
            *(_spans(events[c], "trigger") for c in trigger_from)
        )

    check()
