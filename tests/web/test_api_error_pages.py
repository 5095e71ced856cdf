"""Issue 13 item 11: errors raised outside DRF are HTML pages for people, but under /api/ a
client always gets the API's JSON error shape: {"code", "detail"} (and "errors" when there
are problems to list)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import RequestDataTooBig
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from api.views import errors as error_views
from tests.factories import UserFactory


def _json_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == code
    assert set(body) == {"code", "detail"}
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body  # type: ignore[no-any-return]


def test_an_unknown_api_path_is_a_json_404(db: Any) -> None:
    body = _json_error(Client().get("/api/v1/no-such-thing/"), 404, "not_found")
    assert body["detail"] == "no such API path"


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_api_path_is_json_with_debug_on_or_off(
    db: Any, settings: Any, debug: bool
) -> None:
    # With DEBUG on (the demo), Django would draw its technical 404 page for an unresolved
    # path; the API's last pattern answers instead.
    settings.DEBUG = debug
    for path in ("/api/v1/nope/", "/api/v1/nope", "/api/", "/api/v2/projects/"):
        _json_error(Client().get(path), 404, "not_found")
    _json_error(Client().post("/api/v1/nope", {}), 404, "not_found")


def test_an_unknown_page_is_still_html(db: Any) -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_unexpected_error_in_an_api_view_is_a_json_500_that_reveals_nothing(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.views import projects

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(projects.ProjectListView, "get", broken)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(UserFactory())
    response = client.get("/api/v1/projects/")
    body = _json_error(response, 500, "server_error")
    assert "secret" not in response.content.decode()
    assert body["detail"] == "an unexpected error occurred; it has been logged"


def test_too_many_form_fields_is_a_json_400(db: Any) -> None:
    # Django refuses it (TooManyFieldsSent) outside DRF's error handling: handler400.
    body = "&".join(f"f{i}=1" for i in range(1_100))
    response = Client().post(
        "/api/v1/auth/token/", body, content_type="application/x-www-form-urlencoded"
    )
    _json_error(response, 400, "bad_request")


def test_a_form_field_over_django_s_memory_limit_is_a_json_413(db: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = Client().post("/api/v1/auth/token/", {"username": "u" * 2_000, "password": "p"})
    _json_error(response, 413, "too_large")


def test_the_error_views_answer_json_only_under_api() -> None:
    factory = RequestFactory()
    too_big = RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
    api = factory.get("/api/v1/x/")
    page = factory.get("/coding/")
    assert error_views.bad_request(api, too_big).status_code == 413
    assert error_views.bad_request(api, None).status_code == 400
    assert error_views.permission_denied(api, None).status_code == 403
    assert error_views.bad_request(page, too_big)["Content-Type"].startswith("text/html")
    assert error_views.server_error(page)["Content-Type"].startswith("text/html")
    assert error_views.server_error(api)["Content-Type"] == "application/json"


def test_drf_s_own_errors_have_the_same_shape(db: Any) -> None:
    unauthenticated = APIClient().get("/api/v1/projects/")
    body = _json_error(unauthenticated, 401, "not_authenticated")
    assert body["detail"] == "Authentication credentials were not provided."
    client = APIClient()
    client.force_authenticate(UserFactory())
    _json_error(client.delete("/api/v1/projects/"), 405, "method_not_allowed")
    refused = APIClient().post("/api/v1/auth/token/", "x=1", content_type="text/plain")
    _json_error(refused, 415, "unsupported_media_type")
