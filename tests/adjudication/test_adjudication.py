"""Adjudication through the API: queue, side by side, decisions, validation, provenance."""

from __future__ import annotations

import pytest

from coding.models import AdjudicationDecision, AuditEntry, CodedEvent
from tests.world import World

pytestmark = pytest.mark.django_db


def _base(world: World) -> str:
    return f"/api/v1/projects/{world.project.pk}/articles/{world.article.pk}/adjudication/"


def _open(world: World) -> dict:  # type: ignore[type-arg]
    response = world.client(world.supervisor).post(_base(world))
    assert response.status_code == 201, response.json()
    return response.json()


def _clusters(view: dict) -> tuple[dict, dict]:  # type: ignore[type-arg]
    attack = next(c for c in view["clusters"] if not c["unmatched"])
    truce = next(c for c in view["clusters"] if c["unmatched"])
    return attack, truce


def test_queue_lists_disagreeing_articles_most_severe_first(disputed: World) -> None:
    sup = disputed.client(disputed.supervisor)
    rows = sup.get(f"/api/v1/projects/{disputed.project.pk}/adjudication/queue/").json()
    assert rows["results"][0]["article_id"] == disputed.article.pk
    assert rows["results"][0]["max_severity"] == 5
    assert rows["results"][0]["adjudication_status"] is None
    unanimous = sup.get(
        f"/api/v1/projects/{disputed.project.pk}/adjudication/queue/", {"unanimous": "true"}
    ).json()
    assert unanimous["results"] == []
    filtered = sup.get(
        f"/api/v1/projects/{disputed.project.pk}/adjudication/queue/", {"event_type": "PICNIC"}
    ).json()
    assert filtered["results"] == []


def test_side_by_side_marks_differences_and_can_hide_names(disputed: World) -> None:
    view = disputed.client(disputed.supervisor).get(_base(disputed), {"anonymize": "true"}).json()
    assert view["article"]["text"] == disputed.article.text
    assert [c["label"] for c in view["coders"]] == ["Coder A", "Coder B"]
    assert all(c["id"] is None for c in view["coders"])
    attack, truce = _clusters(view)
    assert set(attack["events"]) == {"Coder A", "Coder B"}
    assert attack["differing_fields"] == ["fatalities"]
    assert list(truce["events"]) == ["Coder A"]
    named = disputed.client(disputed.supervisor).get(_base(disputed)).json()
    assert {c["label"] for c in named["coders"]} == {"coder_a", "coder_b"}


def test_merge_field_by_field_reject_and_validate(disputed: World) -> None:
    sup = disputed.client(disputed.supervisor)
    view = _open(disputed)
    attack, truce = _clusters(view)
    a_event = disputed.events_a[0]["id"]  # type: ignore[attr-defined]
    b_event = disputed.events_b[0]["id"]  # type: ignore[attr-defined]
    coder_before = list(
        CodedEvent.objects.filter(layer="coder")
        .order_by("id")
        .values_list("id", "values", "version")
    )

    early = sup.post(_base(disputed) + "validate/", {"version": 1}, format="json")
    assert early.status_code == 422
    assert {e["field"] for e in early.json()["errors"]} == {attack["key"], truce["key"]}

    merged = sup.post(
        _base(disputed) + "decisions/",
        {
            "kind": "merge",
            "cluster": attack["key"],
            "base_event": a_event,
            "fields": {"fatalities": {"from": b_event}},
            "reason": "Second source says 7",
            "reason_code": "source",
        },
        format="json",
    )
    assert merged.status_code == 201, merged.json()
    decision = merged.json()
    assert decision["field_sources"] == {"base": a_event, "fields": {"fatalities": b_event}}
    assert decision["source_events"] == sorted([a_event, b_event])
    gold = CodedEvent.objects.get(pk=decision["gold_event"])
    assert gold.layer == "gold"
    assert gold.fatalities == 7
    assert gold.values["actor1"] == {"id": disputed.actor.pk}
    assert gold.spans.count() == 4

    no_reason = sup.post(
        _base(disputed) + "decisions/", {"kind": "reject", "cluster": truce["key"]}, format="json"
    )
    assert no_reason.status_code == 422
    rejected = sup.post(
        _base(disputed) + "decisions/",
        {"kind": "reject", "cluster": truce["key"], "reason": "Not a truce, a claim"},
        format="json",
    )
    assert rejected.status_code == 201
    assert rejected.json()["gold_event"] is None

    validated = sup.post(_base(disputed) + "validate/", {"version": 1}, format="json")
    assert validated.status_code == 200, validated.json()
    assert validated.json()["status"] == "validated"
    # Coder events were never touched by adjudication.
    assert (
        list(
            CodedEvent.objects.filter(layer="coder")
            .order_by("id")
            .values_list("id", "values", "version")
        )
        == coder_before
    )
    assert AuditEntry.objects.filter(action__startswith="adjudication.").count() >= 4

    after = sup.post(
        _base(disputed) + "decisions/",
        {"kind": "reject", "cluster": attack["key"], "reason": "x"},
        format="json",
    )
    assert after.status_code == 409
    reopened = sup.post(_base(disputed) + "reopen/", {"reason": "New source"}, format="json")
    assert reopened.json()["revision"] == 2
    assert reopened.json()["status"] == "open"


def test_accept_copies_a_coder_event_and_undo_keeps_history(disputed: World) -> None:
    sup = disputed.client(disputed.supervisor)
    attack, _ = _clusters(_open(disputed))
    b_event = disputed.events_b[0]["id"]  # type: ignore[attr-defined]
    accepted = sup.post(
        _base(disputed) + "decisions/",
        {"kind": "accept", "cluster": attack["key"], "event": b_event},
        format="json",
    ).json()
    assert CodedEvent.objects.get(pk=accepted["gold_event"]).fatalities == 7
    again = sup.post(
        _base(disputed) + "decisions/",
        {"kind": "reject", "cluster": attack["key"], "reason": "no"},
        format="json",
    )
    assert again.status_code == 409
    assert again.json()["decision"]["id"] == accepted["id"]
    undone = sup.post(
        _base(disputed) + f"decisions/{accepted['id']}/undo/", {"version": 1}, format="json"
    )
    assert undone.status_code == 200
    assert undone.json()["active"] is False
    assert not CodedEvent.objects.filter(pk=accepted["gold_event"]).exists()
    assert AdjudicationDecision.objects.filter(pk=accepted["id"]).exists()  # history kept
    assert (
        sup.post(
            _base(disputed) + "decisions/",
            {"kind": "reject", "cluster": attack["key"], "reason": "no"},
            format="json",
        ).status_code
        == 201
    )


def test_add_an_event_no_coder_found_is_validated_like_any_event(disputed: World) -> None:
    sup = disputed.client(disputed.supervisor)
    _open(disputed)
    incomplete = sup.post(
        _base(disputed) + "decisions/",
        {"kind": "add", "new_event": {"event_type": "ATTACK"}},
        format="json",
    )
    assert incomplete.status_code == 422
    assert {e["code"] for e in incomplete.json()["errors"]} >= {"required", "subtype_required"}
    before = CodedEvent.objects.count()
    assert CodedEvent.objects.count() == before


def test_only_supervisors_adjudicate_and_coders_see_only_the_result(disputed: World) -> None:
    coder = disputed.client(disputed.coder_a)
    assert coder.get(_base(disputed)).status_code == 403
    assert coder.post(_base(disputed)).status_code == 403
    assert (
        coder.get(f"/api/v1/projects/{disputed.project.pk}/adjudication/queue/").status_code == 403
    )
    assert disputed.client(disputed.researcher).get(_base(disputed)).status_code == 403
    assert disputed.client(disputed.outsider).get(_base(disputed)).status_code == 404
    mine = f"/api/v1/assignments/{disputed.assignment_a.pk}/adjudicated/"
    assert coder.get(mine).status_code == 409
    sup = disputed.client(disputed.supervisor)
    attack, truce = _clusters(_open(disputed))
    sup.post(
        _base(disputed) + "decisions/",
        {"kind": "accept", "cluster": attack["key"], "event": disputed.events_a[0]["id"]},
        format="json",
    )  # type: ignore[attr-defined]
    sup.post(
        _base(disputed) + "decisions/",
        {"kind": "reject", "cluster": truce["key"], "reason": "no"},
        format="json",
    )
    assert sup.post(_base(disputed) + "validate/", {"version": 1}, format="json").status_code == 200
    body = coder.get(mine).json()
    assert len(body["gold_events"]) == 1
    assert {e["id"] for e in body["my_events"]} == {e["id"] for e in disputed.events_a}  # type: ignore[attr-defined]
    other_ids = {e["id"] for e in disputed.events_b}  # type: ignore[attr-defined]
    assert not other_ids & {e["id"] for e in body["my_events"]}


def test_unanimous_articles_are_auto_accepted_when_the_project_allows(
    world: World,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    from django.core.cache import cache

    from tests.adjudication.conftest import code_and_submit
    from tests.world import complete_event

    cache.clear()
    world.project.settings = {"auto_accept_unanimous": True}
    world.project.save(update_fields=["settings"])
    for assignment, coder in [
        (world.assignment_a, world.coder_a),
        (world.assignment_b, world.coder_b),
    ]:
        code_and_submit(
            world, assignment, coder, [complete_event(world)], django_capture_on_commit_callbacks
        )
    decision = AdjudicationDecision.objects.get(adjudication__article=world.article)
    assert decision.kind == "unanimous"
    assert decision.decided_by.username == "athar-system"
    assert decision.source_events.count() == 2
    assert decision.adjudication.status == "validated"


def test_side_by_side_gives_utf16_offsets_and_decision_details(disputed: World) -> None:
    sup = disputed.client(disputed.supervisor)
    attack, _ = _clusters(_open(disputed))
    sup.post(
        _base(disputed) + "decisions/",
        {
            "kind": "accept",
            "cluster": attack["key"],
            "event": disputed.events_a[0]["id"],  # type: ignore[attr-defined]
            "reason": "matches the wire",
            "reason_code": "source",
        },
        format="json",
    )
    view = sup.get(_base(disputed)).json()
    row = next(c for c in view["clusters"] if c["key"] == attack["key"])
    span = next(iter(row["events"].values()))["spans"][0]
    assert span["start_u16"] - span["start"] == 2  # after the 🇲🇱 flag (2 astral code points)
    assert row["decision"]["decided_by"] == "super1"
    assert row["decision"]["field_sources"] == {"all": disputed.events_a[0]["id"]}  # type: ignore[attr-defined]
    assert row["decision"]["reason_code"] == "source"
    hidden = sup.get(_base(disputed), {"anonymize": "true"}).json()
    assert (
        next(c for c in hidden["clusters"] if c["key"] == attack["key"])["decision"]["decided_by"]
        is None
    )


def test_queue_event_type_filter_matches_sub_types(disputed: World) -> None:
    rows = (
        disputed.client(disputed.supervisor)
        .get(
            f"/api/v1/projects/{disputed.project.pk}/adjudication/queue/",
            {"event_type": "ARMED_ASSAULT"},
        )
        .json()["results"]
    )
    assert [r["article_id"] for r in rows] == [disputed.article.pk]
