"""What every signed-in page shows around its content: the navigation for the user's roles."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from .api_bridge import api_get, api_results

CODER = "coder"
MANAGER_ROLES = frozenset({"supervisor", "admin"})
READER_ROLES = frozenset({"researcher", "supervisor", "admin"})


@dataclass(frozen=True)
class Navigation:
    """Which parts of the app the user may use, from their roles across projects."""

    projects: list[dict[str, Any]] = field(default_factory=list)
    roles: frozenset[str] = frozenset()
    is_staff: bool = False

    @property
    def can_code(self) -> bool:
        return CODER in self.roles

    @property
    def can_manage(self) -> bool:
        return bool(self.roles & MANAGER_ROLES)

    @property
    def can_use_api(self) -> bool:
        """Researchers export and supervisors manage through the API (and its docs page)."""
        return bool(self.roles & READER_ROLES)

    def role_in(self, project_id: int) -> str | None:
        """The user's role in a project of the navigation (None: not a member, or unknown)."""
        for project in self.projects:
            if project["id"] == project_id:
                return str(project.get("my_role") or "") or None
        return None


@dataclass(frozen=True)
class ProjectPage:
    """A page of a project that some roles may open (the API decides for real)."""

    key: str
    url_name: str
    roles: frozenset[str]

    def label(self) -> str:
        return {
            "agreement": _("Agreement"),
            "adjudication": _("Adjudication"),
            "same-events": _("Same event?"),
            "feedback": _("Coder feedback"),
            "data": _("Data and exports"),
            "proposed-names": _("Proposed names"),
            "throughput": _("Throughput"),
            "import": _("Import articles"),
        }[self.key]


PROJECT_PAGES = (
    ProjectPage("agreement", "frontend:agreement", READER_ROLES),
    ProjectPage("adjudication", "frontend:adjudication", MANAGER_ROLES),
    ProjectPage("same-events", "frontend:same-events", MANAGER_ROLES),
    ProjectPage("feedback", "frontend:feedback", MANAGER_ROLES | {CODER}),
    ProjectPage("proposed-names", "frontend:proposed-names", MANAGER_ROLES),
    ProjectPage("throughput", "frontend:throughput", MANAGER_ROLES),
    ProjectPage("import", "frontend:import", MANAGER_ROLES),
    ProjectPage("data", "frontend:data", READER_ROLES),
)


def project_links(role: str | None, project_id: int, current: str = "") -> list[dict[str, Any]]:
    """The project pages `role` may open, as {key, label, url, current} (for the tabs under
    the top bar and the project cards of the home page)."""
    return [
        {
            "key": page.key,
            "label": page.label(),
            "url": reverse(page.url_name, args=[project_id]),
            "current": page.key == current,
        }
        for page in PROJECT_PAGES
        if role in page.roles
    ]


NAV_SESSION_KEY = "frontend:nav"
NAV_MAX_AGE_SECONDS = 60


def navigation_for(request: HttpRequest, *, fresh: bool = False) -> Navigation:
    """The user's projects and roles, from /api/v1/projects/.

    Kept in the session for a minute (`fresh=True` reads again): it only decides which links
    the pages offer; every action is checked by the API itself.
    """
    if not request.user.is_authenticated:
        return Navigation()
    cached = request.session.get(NAV_SESSION_KEY)
    if not fresh and cached and time.time() - cached["at"] < NAV_MAX_AGE_SECONDS:
        projects = cached["projects"]
    else:
        answer = api_get(request, "/api/v1/projects/", {"page_size": "500"})
        projects = [
            {
                "id": p["id"],
                "name": p["name"],
                "description": p.get("description", ""),
                "my_role": p.get("my_role"),
                "codebook_version": dict(p["codebook_version"]),
            }
            for p in api_results(answer)
        ]
        if answer.ok:
            request.session[NAV_SESSION_KEY] = {"at": time.time(), "projects": projects}
    roles = frozenset(str(p["my_role"]) for p in projects if p.get("my_role"))
    return Navigation(projects=projects, roles=roles, is_staff=bool(request.user.is_staff))


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    nav: Navigation | None = None,
) -> HttpResponse:
    """Render a page with `nav` (the user's navigation) in its context."""
    full = {"nav": nav or navigation_for(request), **(context or {})}
    return render(request, template, full, status=status)
