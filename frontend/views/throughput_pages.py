"""The throughput and progress dashboard (supervisors and admins): figures per coder and
week, the project's progress over time, filters and the CSV download. Built, like the other
project pages, on the API endpoint it shows (api/views/throughput.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from .api_bridge import api_get
from .project_pages import _members, _page, project_context, refused
from .shell import navigation_for


@login_required
def throughput(request: HttpRequest, project_id: int) -> HttpResponse:
    nav = navigation_for(request)
    answer = api_get(request, f"/api/v1/projects/{project_id}/throughput/")
    context = project_context(request, nav, project_id, "throughput") if answer.ok else None
    if context is None:
        return refused(request, nav, answer)
    people = [
        m for m in _members(request, project_id) if m["role"] in ("coder", "supervisor", "admin")
    ]
    return _page(
        request,
        "frontend/throughput.html",
        nav,
        context,
        {"throughput": answer.data, "people": people},
    )
