"""GET /api/v1/assignments/{id}/, the coding screen's first read, answers exactly what it answered
when it was built from model instances (event_dict over a prefetch, DRF's renderer) — the same
JSON, keys in the same order, plus `events_next` (null: every event is there) — on an article
where code points and UTF-16 units differ (emoji, a skin-tone modifier, harakat, tatweel), with
timestamps with and without microseconds, in a pinned number of queries. The events are JSON
written by PostgreSQL (coding.event_pages), so only the spacing inside `values` differs."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from api.presenters import event_dict
from api.serializers.workflow import AssignmentSerializer, CodingArticleSerializer
from coding import selectors
from coding.codebook_runtime import event_type_codes
from coding.models import Assignment, CodedEvent
from coding.services.articles import articles_create
from coding.services.assignment import assignments_balance
from coding.services.events import EventInput, SpanInput, event_create
from coding.text.offsets import OffsetMap
from tests.world import Item, World

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]

TEXT = (
    "🇲🇱 قُتِلَ خمسةُ جنودٍ 😢 في هجومٍ على بولكيسي يوم ١٢ يونيو/ حزيران 2022.\n"
    "وأعلنت الجماعـــة مسؤوليتها 👍🏽 عن الهجوم.\n"
    "Le 13 juin, les FAMa ont riposté à Gao 🚀."
)
UTC = dt.UTC


def _span(role: str, needle: str, occurrence: int = 0) -> SpanInput:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(needle, start + 1)
    return SpanInput(role, start, start + len(needle), needle)


def _scene(world: World) -> Assignment:
    """A third article for the project's two coders; coder A codes three events on it."""
    created = articles_create(project=world.project, items=[Item("Harakat", TEXT)], actor=None)
    assignments_balance(project=world.project)
    assignment = Assignment.objects.get(article=created.created[0], coder=world.coder_a)
    values = {
        "actor1": {"id": world.actor.pk},
        "location": {"id": world.location.pk},
        "event_date": {"start": "2022-06-12"},
        "time_precision": "1",
        "fatalities": 5,
        "notes_text": "قُتِلَ خمسةُ جنودٍ 😢 « FAMa »",
    }
    spans = [
        # given out of order, two with the same start: the answer orders by (start, end, id)
        [_span("location", "بولكيسي"), _span("trigger", "قُتِلَ"), _span("date", "١٢ يونيو")],
        [_span("actor1", "الجماعـــة"), _span("trigger", "مسؤوليتها 👍🏽"), _span("actor1", "ا")],
        [_span("location", "Gao 🚀"), _span("trigger", "riposté"), _span("trigger", "riposté à")],
    ]
    for i, event_spans in enumerate(spans):
        event_create(
            assignment=assignment,
            actor=world.coder_a,
            data=EventInput(
                event_type="ATTACK",
                event_subtype="ARMED_ASSAULT" if i != 1 else None,
                values=dict(values, fatalities=i),
                memo="ملاحظة" if i else "",
                spans=event_spans,
            ),
        )
    events = list(CodedEvent.objects.filter(assignment=assignment).order_by("id"))
    # Timestamps with and without microseconds; the latest is the one with a fraction
    # on the same second as a whole one (as text, "05+00:00" < "05.500000+00:00").
    stamps = [
        (
            dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
            dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        ),
        (
            dt.datetime(2025, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
            dt.datetime(2026, 1, 2, 3, 4, 5, 500000, tzinfo=UTC),
        ),
        (dt.datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=UTC), dt.datetime(2026, 1, 1, 7, tzinfo=UTC)),
    ]
    for event, (created_at, updated_at) in zip(events, stamps, strict=True):
        CodedEvent.objects.filter(pk=event.pk).update(created_at=created_at, updated_at=updated_at)
    return assignment


def _body_built_the_old_way(assignment_id: int) -> dict[str, Any]:
    """The response as the view built it from model instances before the plain-row reader."""
    listed = selectors.assignment_list().get(pk=assignment_id)  # n_events, last_activity in SQL
    assignment = Assignment.objects.select_related("project", "article").get(pk=assignment_id)
    article = assignment.article
    codes = event_type_codes(assignment.project.codebook_version_id)
    offsets = OffsetMap(article.text)
    return {
        "assignment": AssignmentSerializer(listed).data,
        "article": CodingArticleSerializer(article).data,  # no import time (issue #17)
        "events": [event_dict(e, codes, offsets) for e in selectors.assignment_events(assignment)],
    }


def _ordered(content: bytes) -> Any:
    """The JSON document with every object as its list of (key, value) pairs, in order."""
    return json.loads(content, object_pairs_hook=list)


def same_json(content: bytes, expected: dict[str, Any]) -> bool:
    """`content` is the JSON DRF's renderer writes for `expected` (+ events_next: null), the
    same values with the keys in the same order, whatever the spacing."""
    return _ordered(content) == _ordered(JSONRenderer().render({**expected, "events_next": None}))


def test_the_body_is_the_json_the_model_path_rendered(world: World) -> None:
    assignment = _scene(world)
    response = world.client(world.coder_a).get(f"/api/v1/assignments/{assignment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    expected = _body_built_the_old_way(assignment.pk)
    assert same_json(response.content, expected)

    # What that covers: offsets that differ between units, the timestamps' two shapes.
    body = json.loads(response.content)
    assert body["assignment"]["n_events"] == 3
    assert body["assignment"]["last_activity"] == "2026-01-02T03:04:05.500000Z"
    first, second, third = body["events"]
    assert (first["created_at"], first["updated_at"]) == (
        "2026-01-02T03:04:05+00:00",
        "2026-01-02T03:04:05+00:00",
    )
    assert second["created_at"] == "2025-12-31T23:59:59.999999+00:00"
    assert third["created_at"] == "2026-01-01T00:00:00.000001+00:00"
    assert second["event_subtype"] is None
    assert [s["quote"] for s in first["spans"]] == ["قُتِلَ", "بولكيسي", "١٢ يونيو"]
    assert [s["quote"] for s in second["spans"]] == ["ا", "الجماعـــة", "مسؤوليتها 👍🏽"]
    assert [s["quote"] for s in third["spans"]] == ["riposté", "riposté à", "Gao 🚀"]
    for event in body["events"]:
        for s in event["spans"]:
            prefix = TEXT[: s["start"]]
            assert s["start_u16"] == len(prefix.encode("utf-16-le")) // 2
            assert s["end_u16"] - s["start_u16"] == len(s["quote"].encode("utf-16-le")) // 2
    # 🇲🇱 and 👍🏽 are two astral characters each, 😢 one: five UTF-16 units more before "Gao"
    assert third["spans"][0]["start_u16"] == third["spans"][0]["start"] + 5
    assert body["events"][0]["values"]["notes_text"] == "قُتِلَ خمسةُ جنودٍ 😢 « FAMa »"


def test_stored_values_read_back_as_json_field_reads_them(world: World) -> None:
    """Values the API would not write but a row may hold (an old import, a migration): nested
    integers beyond 64 bits stay exact, floats stay floats, key order is jsonb's."""
    assignment = _scene(world)
    events = list(CodedEvent.objects.filter(assignment=assignment).order_by("id"))
    odd = {
        "zz": {"big": 2**70, "neg": -(2**63) - 1},
        "a": [0.1, 1e-05, 12.0, -0.0, True, None, "١٢"],
        "nested": {"b": {"c": [{"d": "😢"}]}},
    }
    CodedEvent.objects.filter(pk=events[0].pk).update(values=odd)
    CodedEvent.objects.filter(pk=events[1].pk).update(values={"n": 1e16, "m": 1.5e300})
    response = world.client(world.coder_a).get(f"/api/v1/assignments/{assignment.pk}/")
    expected = _body_built_the_old_way(assignment.pk)
    assert same_json(response.content, expected)
    values = [e["values"] for e in json.loads(response.content)["events"]]
    assert values[0]["zz"] == {"big": 2**70, "neg": -(2**63) - 1}
    assert values[0]["a"] == [0.1, 1e-05, 12.0, -0.0, True, None, "١٢"]
    assert isinstance(values[0]["a"][2], float)
    assert values[1] == expected["events"][1]["values"]
    assert list(values[0]) == list(expected["events"][0]["values"])  # jsonb's key order


def test_an_assignment_without_events(world: World) -> None:
    response = world.client(world.coder_a).get(f"/api/v1/assignments/{world.assignment_a.pk}/")
    body = response.json()
    assert body["events"] == []
    assert (body["assignment"]["n_events"], body["assignment"]["last_activity"]) == (0, None)
    assert same_json(response.content, _body_built_the_old_way(world.assignment_a.pk))


@pytest.mark.parametrize(
    ("who", "queries", "demo_queries"), [("coder_a", 2, 3), ("supervisor", 2, 4)]
)
def test_queries_are_pinned(
    world: World, django_assert_num_queries: Any, who: str, queries: int, demo_queries: int
) -> None:
    """The assignment with its article, its coder's membership and the reader's role in one
    statement (coding.assignment_reads), and the events with their spans and the assignment's
    totals in one statement (coding.event_pages). The SQLite demo reads events and spans apart,
    and a supervisor's role with one more query. Force-authenticated: a token adds its
    lookup."""
    if connection.vendor != "postgresql":
        queries = demo_queries
    assignment = _scene(world)
    client = world.client(getattr(world, who))
    url = f"/api/v1/assignments/{assignment.pk}/"
    client.get(url)  # warm the per-process codebook cache, as a running server has it
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert len(response.json()["events"]) == 3


def test_token_authentication_answers_as_drfs(world: World, django_assert_num_queries: Any) -> None:
    """The view looks the token up with api.authentication (one prepared query): a good token
    reads, an unknown one or an inactive user's is 401 with DRF's messages."""
    assignment = _scene(world)
    url = f"/api/v1/assignments/{assignment.pk}/"
    client = APIClient()
    key = Token.objects.create(user=world.coder_a).key
    client.credentials(HTTP_AUTHORIZATION="Token " + key)
    client.get(url)
    # + the token with its user (and the demo's separate span query)
    with django_assert_num_queries(3 + (connection.vendor != "postgresql")):
        response = client.get(url)
    assert same_json(response.content, _body_built_the_old_way(assignment.pk))

    client.credentials(HTTP_AUTHORIZATION="Token " + "f" * 40)
    response = client.get(url)
    assert (response.status_code, response.json()["detail"]) == (401, "Invalid token.")
    world.coder_a.is_active = False
    world.coder_a.save(update_fields=["is_active"])
    client.credentials(HTTP_AUTHORIZATION="Token " + key)
    response = client.get(url)
    if connection.vendor == "postgresql":
        # Deactivating the account revoked its token (a trigger): the key is unknown now.
        assert (response.status_code, response.json()["detail"]) == (401, "Invalid token.")
        assert not Token.objects.filter(key=key).exists()
    else:  # the SQLite demo has no trigger: the token stays, its user is refused
        assert (response.status_code, response.json()["detail"]) == (
            401,
            "User inactive or deleted.",
        )
