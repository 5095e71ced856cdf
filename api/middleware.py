"""Refuse API query parameters containing NUL before any view sees them.

PostgreSQL text cannot hold NUL, so a filter like `?event_type=%00` would otherwise reach the
database and fail there (500). One check here covers every filter of every endpoint.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse


class RefuseNulQueryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            bad = sorted(
                {
                    key
                    for key, values in request.GET.lists()
                    if "\x00" in key or any("\x00" in v for v in values)
                }
            )
            if bad:
                return JsonResponse(
                    {
                        "code": "invalid",
                        "detail": "query parameters may not contain NUL",
                        "errors": [
                            {
                                "field": key.replace("\x00", "\\0"),
                                "code": "nul_character",
                                "message": "NUL (\\0) is not allowed",
                            }
                            for key in bad
                        ],
                    },
                    status=422,
                )
        return self.get_response(request)
