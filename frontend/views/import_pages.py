"""The supervisors' import page: upload a file of articles, follow its job (a worker imports
it) to the end, read its report (frontend/static/frontend/js/imports/page.js)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from frontend.ui_plurals import ui_catalog

from .api_bridge import api_get
from .project_pages import project_context, refused
from .shell import navigation_for, render_page


@login_required
def import_articles(request: HttpRequest, project_id: int) -> HttpResponse:
    """The project's recent import jobs from the API (who may call it may open the page);
    the module uploads and polls the job itself."""
    nav = navigation_for(request)
    answer = api_get(request, f"/api/v1/projects/{project_id}/imports/")
    context = project_context(request, nav, project_id, "import") if answer.ok else None
    if context is None:
        return refused(request, nav, answer)
    boot = {
        "project": context["project"],
        "jobs": answer.data,
        "max_bytes": settings.ATHAR["MAX_IMPORT_BYTES"],
    }
    full = {**context, "boot": boot, "ui_strings": ui_catalog()}
    return render_page(request, "frontend/import.html", full, nav=nav)
