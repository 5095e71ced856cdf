"""Malformed bodies against every JSON endpoint family: always a 4xx in the JSON error shape,
never a 500, and nothing written (issue 13, items 7-9 and 11)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from coding.models import (
    AdjudicationDecision,
    Article,
    AuditEntry,
    CodebookVersion,
    CodedEvent,
    EvidenceSpan,
)
from tests.factories import UserFactory
from tests.imports.helpers import finished_import
from tests.world import ARTICLE_TEXT, World, complete_event, span

DEEP = b"[" * 100_000
DEEP_CLOSED = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"a":' * 50_000 + b"1" + b"}" * 50_000
BEYOND_BIGINT = 2**63


def _event_with(world: World, **changes: Any) -> bytes:
    body = complete_event(world)
    body.update(changes)
    return json.dumps(body).encode()


def _bodies(world: World, cluster: str, event_id: int) -> list[bytes]:
    values = dict(complete_event(world)["values"])  # type: ignore[call-overload]
    merge = '{{"kind": "merge", "cluster": "{}", "base_event": {}, "fields": {}}}'
    return [
        DEEP,
        DEEP_CLOSED,
        DEEP_OBJECT,
        b'{"event_type": "ATTACK", "values": {"notes_text": ' + DEEP_CLOSED + b"}}",
        b'{"document": "' + DEEP_CLOSED + b'"}',
        b'{"document": "' + b"- " * 5_000 + b'x"}',
        b'{"id": 9223372036854775808}',
        _event_with(world, values=values | {"actor1": {"id": BEYOND_BIGINT}}),
        _event_with(world, values=values | {"location": {"id": -BEYOND_BIGINT - 1}}),
        _event_with(world, spans=[span(ARTICLE_TEXT, "هاجم", "trigger")] * 10_000),
        _event_with(world, spans=[{"role": "trigger", "start": BEYOND_BIGINT, "end": 1}]),
        _event_with(world, spans="abc"),
        b'{"version": ' + b"9" * 5_000 + b"}",
        b'{"version": 1e400}',
        b"1e400",
        b"NaN",
        b'{"values": {"fatalities": Infinity}}',
        b"",
        b"null",
        b"[]",
        b'"abc"',
        b"\xff\xfe\x00",
        b'{"event_type": "\\ud800"}',
        b'{"event_type": "ATTACK\\u0000"}',
        b'{"a": ',
        *(
            merge.format(cluster, event_id, f'{{"fatalities": {{"from": {raw}}}}}').encode()
            for raw in ['"abc"', "null", "[1]", "{}", "1e400", str(BEYOND_BIGINT)]
        ),
        merge.format(cluster, event_id, '{"fatalities": "abc"}').encode(),
        merge.format(cluster, event_id, "[]").encode(),
        b'{"kind": "add", "new_event": ' + DEEP_CLOSED[:200] + b"}",
        b'{"kind": "accept", "cluster": "x", "event": 9223372036854775808}',
        b'{"username": ["a"], "password": {}}',
        b'{"version": 9223372036854775808}',
    ]


def _rows() -> tuple[Any, ...]:
    return (
        list(CodedEvent.objects.order_by("pk").values_list("pk", "version", "values")),
        EvidenceSpan.objects.count(),
        AdjudicationDecision.objects.count(),
        Article.objects.count(),
        CodebookVersion.objects.count(),
        AuditEntry.objects.count(),
    )


def _problem(response: Any) -> str | None:
    """Why a response is not a 4xx in the JSON error shape, or None."""
    if not 400 <= response.status_code < 500:
        return f"status {response.status_code}"
    if response["Content-Type"] != "application/json":
        return f"content type {response['Content-Type']}"
    body = json.loads(response.content)
    if not (isinstance(body, dict) and {"code", "detail"} <= set(body)):
        return f"body {body!r:.200}"
    if not isinstance(body.get("errors", []), list):
        return "errors is not a list"
    return None


def _flood(client: APIClient, method: str, url: str, bodies: list[bytes]) -> list[str]:
    problems = []
    for body in bodies:
        cache.clear()  # the token endpoint's throttle must not answer in the parser's place
        response = getattr(client, method)(url, body, content_type="application/json")
        problem = _problem(response)
        if problem:
            problems.append(f"{method.upper()} {url} {body[:60]!r}: {problem}")
    return problems


def _endpoints(world: World) -> dict[str, tuple[APIClient, str, str]]:
    base = f"/api/v1/projects/{world.project.pk}/articles/{world.article.pk}/adjudication/"
    staff = UserFactory(username="staff1", is_staff=True)
    return {
        "token": (APIClient(), "post", "/api/v1/auth/token/"),
        "event-create": (
            world.client(world.coder_a),
            "post",
            f"/api/v1/assignments/{world.assignment_a.pk}/events/",
        ),
        "event-update": (
            world.client(world.coder_a),
            "put",
            f"/api/v1/events/{world.events_a[0]['id']}/",  # type: ignore[attr-defined]
        ),
        "decisions": (world.client(world.supervisor), "post", base + "decisions/"),
        "gold-edit": (
            world.client(world.supervisor),
            "put",
            base + f"gold-events/{world.gold_id}/",  # type: ignore[attr-defined]
        ),
        "validate": (world.client(world.supervisor), "post", base + "validate/"),
        "import": (
            world.client(world.supervisor),
            "post",
            f"/api/v1/projects/{world.project.pk}/articles/import/",
        ),
        "codebooks": (APIClient(), "post", "/api/v1/codebook-versions/"),
        "_staff": (staff, "", ""),  # type: ignore[dict-item]
    }


@pytest.fixture
def scene(disputed: World) -> World:
    """The disputed article with its adjudication open and the attack accepted (a gold event
    to edit); the coders have submitted, so their writes meet the parser and then 409."""
    sup = disputed.client(disputed.supervisor)
    base = f"/api/v1/projects/{disputed.project.pk}/articles/{disputed.article.pk}/adjudication/"
    view = sup.post(base).json()
    attack = next(c for c in view["clusters"] if not c["unmatched"])
    accepted = sup.post(
        base + "decisions/",
        {"kind": "accept", "cluster": attack["key"], "event": disputed.events_a[0]["id"]},  # type: ignore[attr-defined]
        format="json",
    )
    assert accepted.status_code == 201
    disputed.gold_id = accepted.json()["gold_event"]  # type: ignore[attr-defined]
    disputed.cluster = view["clusters"][-1]["key"]  # type: ignore[attr-defined]
    return disputed


@pytest.mark.parametrize(
    "family",
    [
        "token",
        "event-create",
        "event-update",
        "decisions",
        "gold-edit",
        "validate",
        "import",
        "codebooks",
    ],
)
def test_malformed_bodies_get_a_4xx_json_error_and_change_nothing(
    scene: World, family: str
) -> None:
    endpoints = _endpoints(scene)
    client, method, url = endpoints[family]
    if family == "codebooks":
        client.force_authenticate(endpoints["_staff"][0])
    if family.startswith("event-"):
        # Reopen the coder's assignment so bodies are validated, not refused as read-only.
        scene.assignment_a.status = "in_progress"
        scene.assignment_a.save(update_fields=["status"])
    bodies = _bodies(scene, scene.cluster, scene.events_a[0]["id"])  # type: ignore[attr-defined]
    before = _rows()
    problems = _flood(client, method, url, bodies)
    if family == "import":
        # The same bodies as uploaded files, in each JSON-based format: each upload's job
        # (run in-process) ends failed, with the API's error shape, and imports nothing.
        # (A JSON list of no articles is a valid upload that imports nothing.)
        for body in [body for body in bodies if body != b"[]"]:
            for name in ("flood.json", "flood.jsonl"):
                upload = SimpleUploadedFile(name, body, content_type="application/json")
                answer = finished_import(client, url, {"file": upload})
                error = answer.json()
                if answer.status_code != 422 or not (
                    isinstance(error, dict)
                    and {"code", "detail"} <= set(error)
                    and isinstance(error.get("errors", []), list)
                ):
                    problems.append(f"upload {name} {body[:60]!r}: {answer.status_code} {error}")
    assert problems == []
    assert _rows() == before
