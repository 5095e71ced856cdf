"""Django's error views (handler400/403/404/500 in config/urls.py), in JSON under /api/.

Errors raised outside DRF — an unknown path, a body Django refuses (RequestDataTooBig), a
CSRF failure, an unhandled exception — get Django's HTML pages. A client of the API gets
the documented shape instead: {"code", "detail", "errors": []}. Other paths keep the HTML.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from api.exceptions import error_body


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _json(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse(error_body(code, detail), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not _is_api(request):
        return defaults.bad_request(request, exception)  # type: ignore[arg-type]
    if isinstance(exception, RequestDataTooBig):
        return _json(413, "too_large", str(exception) or "the request body is too large")
    return _json(400, "bad_request", "the request could not be understood")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not _is_api(request):
        return defaults.permission_denied(request, exception)  # type: ignore[arg-type]
    return _json(403, "permission_denied", "you may not do this")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not _is_api(request):
        return defaults.page_not_found(request, exception)  # type: ignore[arg-type]
    return _json(404, "not_found", "no such API path")


def unknown_api_path(request: HttpRequest, rest: str = "") -> HttpResponse:
    """The last pattern under /api/ (config/urls.py): an unknown API path resolves here, so
    it is the JSON 404 even with DEBUG on, where Django would draw its technical HTML page."""
    return _json(404, "not_found", "no such API path")


def server_error(request: HttpRequest) -> HttpResponse:
    if not _is_api(request):
        return defaults.server_error(request)
    # Nothing about the fault is shown; it is logged by Django (django.request).
    return _json(500, "server_error", "an unexpected error occurred; it has been logged")
