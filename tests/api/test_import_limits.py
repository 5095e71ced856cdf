"""Issue 13 item 12: the import upload is bounded (413 before it is spooled) and its report is
capped (the first problems in full, then counts by kind), and nothing is imported."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopFutureHandlers
from django.test import Client, RequestFactory

from api.uploads import BoundedMemoryFileUploadHandler, BoundedTemporaryFileUploadHandler
from coding.models import Article, Assignment, AuditEntry
from tests.imports.helpers import finished_import
from tests.world import World


def _url(world: World) -> str:
    return f"/api/v1/projects/{world.project.pk}/articles/import/"


def _rows() -> tuple[Any, ...]:
    return (
        list(Article.objects.order_by("pk").values_list("pk", "text_sha256")),
        Assignment.objects.count(),
        AuditEntry.objects.count(),
    )


def _bad_lines(n: int) -> bytes:
    """n bad JSONL lines of three kinds: malformed JSON, no text, a title that is not text."""
    kinds = [b"{not json\n", b'{"title": "no text"}\n', b'{"title": 5, "text": "x y z"}\n']
    return b"".join(kinds[i % 3] for i in range(n))


def _assert_too_large(response: Any, limit: int) -> None:
    assert response.status_code == 413, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "too_large",
        "detail": f"the upload is over the limit of {limit:,} bytes (ATHAR_MAX_IMPORT_BYTES)",
    }


def test_an_upload_over_max_import_bytes_is_413_and_imports_nothing(
    world: World, settings: Any
) -> None:
    settings.ATHAR = {**settings.ATHAR, "MAX_IMPORT_BYTES": 4_000}
    before = _rows()
    big = SimpleUploadedFile("big.jsonl", b'{"title": "t", "text": "x"}\n' * 200)
    response = world.client(world.supervisor).post(_url(world), {"file": big}, format="multipart")
    _assert_too_large(response, 4_000)
    assert _rows() == before


def test_a_session_upload_is_refused_before_the_csrf_check_reads_it(
    world: World, settings: Any
) -> None:
    # A session-authenticated POST has its body parsed by the CSRF check, outside the view.
    settings.ATHAR = {**settings.ATHAR, "MAX_IMPORT_BYTES": 4_000}
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.supervisor)
    # With a CSRF cookie and no header, the check looks for the token in the parsed body.
    client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
    before = _rows()
    big = SimpleUploadedFile("big.jsonl", b'{"title": "t", "text": "x"}\n' * 200)
    _assert_too_large(client.post(_url(world), {"file": big}), 4_000)
    assert _rows() == before


def test_an_upload_within_the_limit_is_imported(world: World, settings: Any) -> None:
    settings.ATHAR = {**settings.ATHAR, "MAX_IMPORT_BYTES": 4_000}
    small = SimpleUploadedFile(
        "small.jsonl", b'{"title": "t", "text": "Armed men attacked Boni on Monday."}\n'
    )
    response = finished_import(world.client(world.supervisor), _url(world), {"file": small})
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 1


@pytest.mark.parametrize(
    "handler_class", [BoundedMemoryFileUploadHandler, BoundedTemporaryFileUploadHandler]
)
def test_bytes_are_counted_when_no_length_was_declared(settings: Any, handler_class: Any) -> None:
    # A chunked upload declares no Content-Length: the handler counts what arrives.
    settings.ATHAR = {**settings.ATHAR, "MAX_IMPORT_BYTES": 100}
    handler = handler_class(RequestFactory().post("/"))
    handler.handle_raw_input(None, {}, 0, b"boundary")
    with contextlib.suppress(StopFutureHandlers):  # the in-memory handler takes the file
        handler.new_file("file", "x.jsonl", "application/jsonl", None)
    handler.receive_data_chunk(b"x" * 60, 0)
    with pytest.raises(RequestDataTooBig):
        handler.receive_data_chunk(b"x" * 60, 60)


def test_a_declared_length_over_the_limit_is_refused_before_reading(settings: Any) -> None:
    settings.ATHAR = {**settings.ATHAR, "MAX_IMPORT_BYTES": 100}
    handler = BoundedMemoryFileUploadHandler(RequestFactory().post("/"))
    with pytest.raises(RequestDataTooBig):
        handler.handle_raw_input(None, {}, 101, b"boundary")


def test_the_error_report_lists_the_first_problems_and_counts_them_all(
    world: World, settings: Any
) -> None:
    settings.ATHAR = {**settings.ATHAR, "MAX_IMPORT_REPORT_PROBLEMS": 10}
    before = _rows()
    upload = SimpleUploadedFile("bad.jsonl", _bad_lines(3_000))
    response = finished_import(world.client(world.supervisor), _url(world), {"file": upload})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_file"
    assert body["detail"].startswith("3000 problems in bad.jsonl; nothing was imported")
    assert [e["location"] for e in body["errors"]] == [f"line {n}" for n in range(1, 11)]
    assert body["errors_total"] == 3_000
    assert body["errors_listed"] == 10
    assert body["errors_by_kind"] == {"row": 1_000, "text": 1_000, "title": 1_000}
    assert len(json.dumps(response.json())) < 5_000
    assert _rows() == before


def test_the_capped_report_with_skip_invalid_imports_the_good_rows(
    world: World, settings: Any
) -> None:
    settings.ATHAR = {**settings.ATHAR, "MAX_IMPORT_REPORT_PROBLEMS": 5}
    good = json.dumps({"title": "Good", "text": "Armed men attacked Boni on Monday."}).encode()
    upload = SimpleUploadedFile("mixed.jsonl", _bad_lines(30) + good + b"\n")
    response = finished_import(
        world.client(world.supervisor), _url(world) + "?skip_invalid=true", {"file": upload}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["created"] == 1
    assert len(body["errors"]) == 5
    assert (body["errors_total"], body["errors_listed"]) == (30, 5)
    assert body["errors_by_kind"] == {"row": 10, "text": 10, "title": 10}


def test_the_default_report_cap_is_200(world: World) -> None:
    upload = SimpleUploadedFile("bad.jsonl", _bad_lines(600))
    response = finished_import(world.client(world.supervisor), _url(world), {"file": upload})
    assert response.status_code == 422
    assert len(response.json()["errors"]) == 200
    assert response.json()["errors_total"] == 600
