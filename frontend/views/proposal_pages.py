"""The supervisors' page for names coders proposed: merge each into a dictionary entry as an
alias, or make it a new entry (frontend/static/frontend/js/proposals/page.js)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from frontend.ui_plurals import ui_catalog

from .api_bridge import api_get
from .project_pages import project_context, refused
from .shell import navigation_for, render_page


@login_required
def proposed_names(request: HttpRequest, project_id: int) -> HttpResponse:
    """The review list of the API (who may call it may open the page), handed to the module;
    the module asks the API for searches and resolutions itself."""
    nav = navigation_for(request)
    answer = api_get(request, f"/api/v1/projects/{project_id}/proposed-names/", {"status": "open"})
    context = project_context(request, nav, project_id, "proposed-names") if answer.ok else None
    if context is None:
        return refused(request, nav, answer)
    boot = {"project": context["project"], "proposals": answer.data}
    full = {**context, "boot": boot, "ui_strings": ui_catalog()}
    return render_page(request, "frontend/proposed_names.html", full, nav=nav)
