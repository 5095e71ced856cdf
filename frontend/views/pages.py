"""The pages: shells rendered by Django; their modules talk to /api/v1/ for everything else.

The coding screen is the exception that proves the rule: its article text is rendered here
(escaped, one block per paragraph with the direction computed on the server) so that the
browser's text content is exactly the stored text, and its first data comes from the same
API endpoints the module would call, read in-process to save round trips.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.safestring import mark_safe

from api.renderers import dumps
from frontend.ui_plurals import ui_catalog

from .api_bridge import api_get
from .shell import Navigation, navigation_for, project_links, render_page

MAX_CACHED_VERSIONS = 32
# Events in the coding screen's page and in each page its module loads after it: the API's
# largest page, so a 2,000-event assignment is two requests (stored renderings make a page's
# cost mostly per request, not per event; docs/PERFORMANCE.md, 19.3).
CODING_EVENTS_PAGE = 1000
# What Django's json_script escapes, so that the JSON cannot close the <script> element.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's projects with their role in each and what that role may open."""
    nav = navigation_for(request, fresh=True)
    cards = [
        {**project, "links": project_links(project.get("my_role"), project["id"])}
        for project in nav.projects
    ]
    return render_page(request, "frontend/home.html", {"cards": cards}, nav=nav)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The coder's queue; the list itself is fetched from /api/v1/me/assignments/."""
    return render_page(request, "frontend/queue.html", {"ui_strings": ui_catalog()})


def article_paragraphs(text: str, paragraphs: list[list[Any]]) -> list[dict[str, str]]:
    """The text of each paragraph with its direction. Offsets are code points ([start, end),
    as the API gives them), which is how Python indexes `str`."""
    return [
        {"text": text[start:end], "dir": "rtl" if direction == "rtl" else "ltr"}
        for start, end, direction in paragraphs
    ]


def project_of(request: HttpRequest, nav: Navigation, project_id: int) -> dict[str, Any] | None:
    """The project as the projects API shows it (from the navigation, else asked again)."""
    for project in nav.projects:
        if project["id"] == project_id:
            return project
    answer = api_get(request, f"/api/v1/projects/{project_id}/")
    return dict(answer.data) if answer.ok else None


_published_versions: dict[tuple[int, str, int], dict[str, Any]] = {}


def codebook_version(request: HttpRequest, ref: dict[str, Any]) -> dict[str, Any] | None:
    """The codebook version `ref` ({id, slug, number}, as the projects API gives it) from the
    API. Published versions never change, so this process keeps them (the caller reached the
    reference through a project the user may see)."""
    key = (int(ref["id"]), str(ref.get("slug", "")), int(ref.get("number") or 0))
    if key in _published_versions:
        return _published_versions[key]
    answer = api_get(request, f"/api/v1/codebook-versions/{key[0]}/")
    if not answer.ok:
        return None
    data = dict(answer.data)
    if data.get("status") == "published":
        if len(_published_versions) >= MAX_CACHED_VERSIONS:
            _published_versions.clear()
        _published_versions[key] = data
    return data


@login_required
def code_screen(request: HttpRequest, assignment_id: int) -> HttpResponse:
    nav = navigation_for(request)
    detail = api_get(
        request,
        f"/api/v1/assignments/{assignment_id}/",
        {"events_limit": str(CODING_EVENTS_PAGE)},
    )
    if not detail.ok:
        return render_page(
            request,
            "frontend/not_found.html",
            {"detail": (detail.data or {}).get("detail", "")},
            status=detail.status if detail.status in (403, 404) else 404,
            nav=nav,
        )
    data = dict(detail.data)
    article = dict(data["article"])
    text = article.pop("text")
    paragraphs = article_paragraphs(text, article["paragraphs"])
    project = project_of(request, nav, data["assignment"]["project"])
    codebook = codebook_version(request, project["codebook_version"]) if project else None
    time = api_get(request, f"/api/v1/assignments/{assignment_id}/time/")
    boot = {
        "assignment": data["assignment"],
        "article": article,
        "events": data["events"],  # JSON text from the API, spliced in as it is
        "events_next": data["events_next"],
        "time": ({k: time.data[k] for k in ("total_seconds", "idle_seconds")} if time.ok else None),
        "codebook": codebook,
        "my_role": project.get("my_role") if project else None,
        "user_id": request.user.pk,
    }
    context = {
        "assignment": data["assignment"],
        "article": article,
        "paragraphs": paragraphs,
        "boot_json": script_json(boot),
        "ui_strings": ui_catalog(),
    }
    return render_page(request, "frontend/code.html", context, nav=nav)


def script_json(data: Any) -> str:
    """`data` as JSON for a `<script type="application/json">` element, escaped as Django's
    json_script escapes; the API's pre-rendered JSON (the events) is written as it is."""
    return mark_safe(dumps(data).decode().translate(_SCRIPT_ESCAPES))  # noqa: S308
