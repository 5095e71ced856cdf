"""Issue 13 item 9: JSON nested beyond ATHAR_MAX_JSON_DEPTH (or with brackets that do not
pair) is a 400 before Python's recursive decoder sees it; a body over
ATHAR_MAX_JSON_BODY_BYTES is a 413. Both in the JSON error shape, and nothing changes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.parsers import nesting_within
from coding.models import AuditEntry, CodedEvent, EvidenceSpan
from tests.world import World, complete_event


@pytest.mark.parametrize(
    ("body", "limit", "within"),
    [
        (b"[]", 1, True),
        (b"[[]]", 1, False),
        (b"[" * 64 + b"]" * 64, 64, True),
        (b"[" * 65 + b"]" * 65, 64, False),
        (b'{"a": [{"b": {}}], "c": [[1], [2]]}', 4, True),
        (b'{"a": [{"b": {}}], "c": [[1], [2]]}', 3, False),
        # Brackets inside strings, escaped quotes included, nest nothing.
        (b'["[[[[", "\\"[[[[", "{{{{\\\\"]', 1, True),
        (b'["[", ["]"], "x[", "]"]', 2, True),
        (b'["[", ["]"], "x[", "]"]', 1, False),
        (b'[["\\\\"], "\\\\\\"]]"]', 2, True),
        (b'[["\\\\"], "\\\\\\"]]"]', 1, False),
        (b'{"a": "\\n", "b": [["\\"", "]]]"]]}', 3, True),
        (b'{"a": "\\n", "b": [["\\"", "]]]"]]}', 2, False),
        (b"[" * 100_000, 64, False),
        # Fewer brackets than the limit cannot nest deeper: the decoder reports the rest.
        (b"[" * 10 + b"}" * 10, 64, True),
        (b"[" * 100 + b"}" * 100, 64, False),
        (b"[1, 2]" * 10_000, 2, True),
        (json.dumps([{"role": "r", "start": i} for i in range(5_000)]).encode(), 2, True),
    ],
)
def test_nesting_within(body: bytes, limit: int, within: bool) -> None:
    assert nesting_within(body, limit) is within


def _rows() -> tuple[Any, ...]:
    return (
        list(CodedEvent.objects.order_by("pk").values_list("pk", "version", "values")),
        EvidenceSpan.objects.count(),
        AuditEntry.objects.count(),
    )


def _parse_error(response: Any) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "parse_error"
    assert set(body) == {"code", "detail"}  # no problems to list
    assert body["detail"] == (
        "JSON parse error - nested deeper than 64 levels, or brackets that do not pair"
    )


@pytest.mark.parametrize(
    "body", [b"[" * 100_000, b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 100_000]
)
def test_the_anonymous_token_endpoint_refuses_deep_json_with_400(db: Any, body: bytes) -> None:
    cache.clear()
    _parse_error(APIClient().post("/api/v1/auth/token/", body, content_type="application/json"))


def test_nesting_up_to_the_limit_is_parsed(db: Any) -> None:
    cache.clear()
    body = b'{"username": ' + b"[" * 63 + b"]" * 63 + b', "password": "x"}'
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 422  # parsed, then refused by the serializer
    assert {e["field"] for e in response.json()["errors"]} == {"username"}


def test_deep_values_in_an_event_are_400_and_change_nothing(world: World) -> None:
    client = world.client(world.coder_a)
    url = f"/api/v1/assignments/{world.assignment_a.pk}/events/"
    before = _rows()
    body = json.dumps(complete_event(world)).encode()
    deep = body[:-1] + b', "notes": ' + b"[" * 5_000 + b"]" * 5_000 + b"}"
    _parse_error(client.post(url, deep, content_type="application/json"))
    assert _rows() == before


def test_a_json_body_over_the_limit_is_413(world: World, settings: Any) -> None:
    settings.ATHAR = {**settings.ATHAR, "MAX_JSON_BODY_BYTES": 1_000}
    client = world.client(world.coder_a)
    url = f"/api/v1/assignments/{world.assignment_a.pk}/events/"
    before = _rows()
    body = complete_event(world) | {"notes": "x" * 2_000}
    response = client.post(url, body, format="json")
    assert response.status_code == 413
    assert response.json() == {
        "code": "too_large",
        "detail": "a JSON body may not exceed 1,000 bytes",
    }
    assert _rows() == before
    assert client.post(url, complete_event(world), format="json").status_code == 201
