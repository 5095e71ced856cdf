"""Read the REST API from a page view, in-process, as the signed-in user.

The pages never reach into the domain (`frontend → api → coding`): when a page needs data at
render time (the article text of the coding screen, the user's projects for the navigation),
it resolves an `/api/v1/` URL and calls that endpoint's view with a copy of the current
request. Permissions, 404-hiding and response shapes are therefore exactly the API's.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, QueryDict
from django.urls import Resolver404, resolve


@dataclass(frozen=True)
class ApiResult:
    status: int
    data: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def api_get(request: HttpRequest, path: str, query: dict[str, str] | None = None) -> ApiResult:
    """GET `path` (e.g. "/api/v1/projects/") as `request.user`; never raises for API errors.

    The page's own query string is not passed on: only `query` is.
    """
    try:
        match = resolve(path)
    except Resolver404:
        return ApiResult(404, {"code": "not_found", "detail": f"no API at {path}"})
    sub = copy.copy(request)
    sub.method = "GET"
    sub.path = sub.path_info = path
    params = QueryDict(mutable=True)
    params.update(query or {})
    sub.GET = params  # type: ignore[assignment]  # a private copy; DRF only reads it
    response = match.func(sub, *match.args, **match.kwargs)
    return ApiResult(response.status_code, getattr(response, "data", None))


def api_results(result: ApiResult) -> list[dict[str, Any]]:
    """The items of a list endpoint's answer, paginated (`results`) or not."""
    if not result.ok or result.data is None:
        return []
    if isinstance(result.data, dict):
        return list(result.data.get("results", []))
    return list(result.data)
