"""Issue 13, items 7, 8 and 13: inputs that gave a 500 or were stored without bound.

7. An actor/location id beyond bigint reached PostgreSQL (DataError, 500): now 422.
8. A merge field's `from` that is not an event id crashed `int()` (500): now 422.
13. Identical spans were stored, and any number of them: both refused (422), for coder events
    and gold events alike, and the database refuses identical spans too.

Every refusal leaves the rows as they were.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from coding.models import AdjudicationDecision, AuditEntry, CodedEvent, EvidenceSpan
from tests.world import ARTICLE_TEXT, World, complete_event, span

BEYOND_BIGINT = 2**63


def _rows() -> tuple[Any, ...]:
    """Everything a refused write could have touched."""
    return (
        list(CodedEvent.objects.order_by("pk").values_list("pk", "layer", "version", "values")),
        list(EvidenceSpan.objects.order_by("pk").values_list("pk", "event_id", "role", "start")),
        list(AdjudicationDecision.objects.order_by("pk").values_list("pk", "kind", "gold_event")),
        AuditEntry.objects.count(),
    )


def _base(world: World) -> str:
    return f"/api/v1/projects/{world.project.pk}/articles/{world.article.pk}/adjudication/"


def _assert_refused(response: Any, status: int, field: str, code: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= {"code", "detail", "errors"}
    assert {"field": field, "code": code} in [
        {"field": e["field"], "code": e["code"]} for e in body["errors"]
    ], body


def _open_with_gold(world: World) -> tuple[dict[str, Any], int]:
    """Open the adjudication and accept the attack: (the attack cluster, its gold event id)."""
    sup = world.client(world.supervisor)
    view = sup.post(_base(world)).json()
    attack = next(c for c in view["clusters"] if not c["unmatched"])
    accepted = sup.post(
        _base(world) + "decisions/",
        {"kind": "accept", "cluster": attack["key"], "event": world.events_a[0]["id"]},  # type: ignore[attr-defined]
        format="json",
    )
    assert accepted.status_code == 201, accepted.json()
    return attack, accepted.json()["gold_event"]


# --- 7. ids beyond bigint ---------------------------------------------------------------------


@pytest.mark.parametrize("key", ["actor1", "location"])
def test_a_reference_id_beyond_bigint_is_422_on_a_coder_event(world: World, key: str) -> None:
    client = world.client(world.coder_a)
    url = f"/api/v1/assignments/{world.assignment_a.pk}/events/"
    created = client.post(url, complete_event(world), format="json").json()
    before = _rows()
    body = complete_event(world)
    body["values"] = dict(body["values"]) | {key: {"id": BEYOND_BIGINT}}  # type: ignore[arg-type]
    _assert_refused(client.post(url, body, format="json"), 422, key, "out_of_range")
    body["version"] = created["version"]
    _assert_refused(
        client.put(f"/api/v1/events/{created['id']}/", body, format="json"),
        422,
        key,
        "out_of_range",
    )
    assert _rows() == before


def test_a_reference_id_beyond_bigint_is_422_when_adding_and_editing_gold(
    disputed: World,
) -> None:
    sup = disputed.client(disputed.supervisor)
    _, gold_id = _open_with_gold(disputed)
    before = _rows()
    body = complete_event(disputed)
    body["values"] = dict(body["values"]) | {"actor1": {"id": BEYOND_BIGINT}}  # type: ignore[arg-type]
    added = sup.post(
        _base(disputed) + "decisions/", {"kind": "add", "new_event": body}, format="json"
    )
    _assert_refused(added, 422, "actor1", "out_of_range")
    edited = sup.put(
        _base(disputed) + f"gold-events/{gold_id}/", body | {"version": 1}, format="json"
    )
    _assert_refused(edited, 422, "actor1", "out_of_range")
    # Below bigint's range too.
    body["values"] = dict(body["values"]) | {"location": {"id": -BEYOND_BIGINT - 1}}  # type: ignore[arg-type]
    added = sup.post(
        _base(disputed) + "decisions/", {"kind": "add", "new_event": body}, format="json"
    )
    _assert_refused(added, 422, "location", "out_of_range")
    assert _rows() == before


# --- 8. merge `from` that is not an event id ----------------------------------------------------


@pytest.mark.parametrize(
    "raw", ['"abc"', "null", "[1]", "{}", "1e400", "true", "1.5", str(BEYOND_BIGINT), "0"]
)
def test_a_merge_from_that_is_not_an_event_id_is_422(disputed: World, raw: str) -> None:
    sup = disputed.client(disputed.supervisor)
    view = sup.post(_base(disputed)).json()
    attack = next(c for c in view["clusters"] if not c["unmatched"])
    base_event = disputed.events_a[0]["id"]  # type: ignore[attr-defined]
    before = _rows()
    body = (
        f'{{"kind": "merge", "cluster": {json.dumps(attack["key"])}, '
        f'"base_event": {base_event}, "fields": {{"fatalities": {{"from": {raw}}}}}}}'
    )
    response = sup.post(_base(disputed) + "decisions/", body, content_type="application/json")
    _assert_refused(response, 422, "fields.fatalities.from", "invalid")
    assert _rows() == before


def test_a_merge_from_an_event_of_the_cluster_still_works(disputed: World) -> None:
    sup = disputed.client(disputed.supervisor)
    view = sup.post(_base(disputed)).json()
    attack = next(c for c in view["clusters"] if not c["unmatched"])
    b_event = disputed.events_b[0]["id"]  # type: ignore[attr-defined]
    response = sup.post(
        _base(disputed) + "decisions/",
        {
            "kind": "merge",
            "cluster": attack["key"],
            "base_event": disputed.events_a[0]["id"],  # type: ignore[attr-defined]
            "fields": {"fatalities": {"from": b_event}},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert CodedEvent.objects.get(pk=response.json()["gold_event"]).fatalities == 7


# --- 13. spans: no copies, and a limit --------------------------------------------------------


def _with_spans(world: World, spans: list[dict[str, Any]]) -> dict[str, Any]:
    body = complete_event(world)
    body["spans"] = spans
    return body


def _copies(n: int) -> list[dict[str, Any]]:
    return [span(ARTICLE_TEXT, "هاجم", "trigger")] * n


def _distinct(n: int) -> list[dict[str, Any]]:
    """n different one-letter spans (role "trigger"), in code points."""
    return [
        {"role": "trigger", "start": i, "end": i + 1, "quote": ARTICLE_TEXT[i]} for i in range(n)
    ]


def test_identical_spans_on_a_coder_event_are_refused(world: World) -> None:
    client = world.client(world.coder_a)
    url = f"/api/v1/assignments/{world.assignment_a.pk}/events/"
    created = client.post(url, complete_event(world), format="json").json()
    before = _rows()
    body = _with_spans(world, [*complete_event(world)["spans"], *_copies(2)])  # type: ignore[misc]
    # The first copy matches the event's own trigger span: both copies are reported.
    response = client.post(url, body, format="json")
    _assert_refused(response, 422, "spans[4]", "duplicate")
    _assert_refused(response, 422, "spans[5]", "duplicate")
    assert len(response.json()["errors"]) == 2
    _assert_refused(
        client.put(f"/api/v1/events/{created['id']}/", body | {"version": 1}, format="json"),
        422,
        "spans[4]",
        "duplicate",
    )
    # In UTF-16 units, copies are copies all the same.
    _assert_refused(
        client.post(url + "?offset_unit=utf16", _with_spans(world, _copies(2)), format="json"),
        422,
        "spans[1]",
        "duplicate",
    )
    assert _rows() == before


def test_the_same_offsets_for_two_roles_are_two_spans(world: World) -> None:
    client = world.client(world.coder_a)
    url = f"/api/v1/assignments/{world.assignment_a.pk}/events/"
    both = [span(ARTICLE_TEXT, "JNIM", "actor1"), span(ARTICLE_TEXT, "JNIM", "trigger")]
    body = _with_spans(world, [*complete_event(world)["spans"][2:], *both])  # type: ignore[index]
    response = client.post(url, body, format="json")
    assert response.status_code == 201, response.json()
    assert EvidenceSpan.objects.filter(event_id=response.json()["id"]).count() == 4


def test_more_spans_than_the_limit_are_refused_and_the_limit_itself_is_fine(
    world: World, settings: Any
) -> None:
    settings.ATHAR = {**settings.ATHAR, "MAX_SPANS_PER_EVENT": 5}
    client = world.client(world.coder_a)
    url = f"/api/v1/assignments/{world.assignment_a.pk}/events/"
    before = _rows()
    _assert_refused(
        client.post(url, _with_spans(world, _distinct(6)), format="json"), 422, "spans", "too_many"
    )
    assert _rows() == before
    response = client.post(url, _with_spans(world, _distinct(5)), format="json")
    assert response.status_code == 201, response.json()
    assert len(response.json()["spans"]) == 5


def test_the_default_limit_is_200_spans(world: World) -> None:
    client = world.client(world.coder_a)
    url = f"/api/v1/assignments/{world.assignment_a.pk}/events/"
    # 201 distinct spans: one-letter spans and two-letter spans over the first 101 letters.
    spans = _distinct(101) + [
        {"role": "trigger", "start": i, "end": i + 2, "quote": ARTICLE_TEXT[i : i + 2]}
        for i in range(100)
    ]
    before = _rows()
    response = client.post(url, _with_spans(world, spans), format="json")
    _assert_refused(response, 422, "spans", "too_many")
    assert response.json()["errors"][0]["message"] == "201 spans sent, the limit is 200"
    assert _rows() == before
    assert client.post(url, _with_spans(world, spans[:200]), format="json").status_code == 201


def test_gold_events_refuse_identical_spans_and_too_many(disputed: World, settings: Any) -> None:
    sup = disputed.client(disputed.supervisor)
    _, gold_id = _open_with_gold(disputed)
    before = _rows()
    copies = _with_spans(disputed, [*complete_event(disputed)["spans"], *_copies(1)])  # type: ignore[misc]
    _assert_refused(
        sup.post(
            _base(disputed) + "decisions/", {"kind": "add", "new_event": copies}, format="json"
        ),
        422,
        "spans[4]",
        "duplicate",
    )
    _assert_refused(
        sup.put(
            _base(disputed) + f"gold-events/{gold_id}/", copies | {"version": 1}, format="json"
        ),
        422,
        "spans[4]",
        "duplicate",
    )
    settings.ATHAR = {**settings.ATHAR, "MAX_SPANS_PER_EVENT": 3}
    _assert_refused(
        sup.put(
            _base(disputed) + f"gold-events/{gold_id}/",
            complete_event(disputed) | {"version": 1},
            format="json",
        ),
        422,
        "spans",
        "too_many",
    )
    assert _rows() == before


def test_the_database_refuses_identical_spans(world: World) -> None:
    client = world.client(world.coder_a)
    url = f"/api/v1/assignments/{world.assignment_a.pk}/events/"
    event_id = client.post(url, complete_event(world), format="json").json()["id"]
    stored = EvidenceSpan.objects.filter(event_id=event_id).first()
    assert stored is not None
    before = _rows()
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceSpan.objects.create(
            event_id=event_id,
            role=stored.role,
            start=stored.start,
            end=stored.end,
            quote=stored.quote,
        )
    assert _rows() == before
