"""The project pages for supervisors and researchers: agreement, the adjudication queue and
side-by-side view, coder feedback, and data and exports.

Each page first asks the API endpoint it is built on, in-process and as the signed-in user,
so who may open a page is exactly who may call that endpoint (403 for a member whose role
does not allow it, 404 for anyone outside the project); the answer is handed to the page's
module as its first data. Everything after that, the module asks /api/v1/ itself.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from frontend.ui_plurals import ui_catalog

from .api_bridge import ApiResult, api_get, api_results
from .calibration_pages import calibration_state, coder_feedback_page, manager_calibration
from .pages import article_paragraphs, codebook_version, project_of
from .shell import MANAGER_ROLES, Navigation, navigation_for, project_links, render_page


def refused(request: HttpRequest, nav: Navigation, answer: ApiResult) -> HttpResponse:
    """The API said no: 403 (a member whose role does not allow it) or 404 (anything else,
    which never reveals whether the project or article exists)."""
    forbidden = answer.status == 403
    message = (
        _("Your role in this project does not give access to this page.")
        if forbidden
        else _("This page does not exist, or it is not yours to see.")
    )
    return render_page(
        request,
        "frontend/not_found.html",
        {"message": message, "forbidden": forbidden},
        status=403 if forbidden else 404,
        nav=nav,
    )


def project_context(
    request: HttpRequest, nav: Navigation, project_id: int, current: str
) -> dict[str, Any] | None:
    """The project (as the projects API shows it), the user's role, its codebook version
    and the project tabs; None when the project cannot be read."""
    project = project_of(request, nav, project_id)
    if project is None:
        return None
    role = project.get("my_role")
    codebook = codebook_version(request, project["codebook_version"])
    return {
        "project": {"id": project["id"], "name": project["name"], "my_role": role},
        "role": role,
        "can_manage": role in MANAGER_ROLES,
        "codebook_spec": codebook["spec"] if codebook else None,
        "tabs": project_links(role, project_id, current),
    }


def _page(
    request: HttpRequest,
    template: str,
    nav: Navigation,
    context: dict[str, Any],
    boot: dict[str, Any],
) -> HttpResponse:
    full = {
        **context,
        "boot": {
            "project": context["project"],
            "can_manage": context["can_manage"],
            "codebook": context["codebook_spec"],
            "user_id": request.user.pk,
            **boot,
        },
        "ui_strings": ui_catalog(),
    }
    return render_page(request, template, full, nav=nav)


@login_required
def agreement(request: HttpRequest, project_id: int) -> HttpResponse:
    """α per field with its interval and band, drill-downs, disagreements, recompute."""
    nav = navigation_for(request)
    answer = api_get(request, f"/api/v1/projects/{project_id}/agreement/", {"by": "field"})
    context = project_context(request, nav, project_id, "agreement") if answer.ok else None
    if context is None:
        return refused(request, nav, answer)
    return _page(request, "frontend/agreement.html", nav, context, {"by_field": answer.data})


def _members(request: HttpRequest, project_id: int) -> list[dict[str, Any]]:
    answer = api_get(request, f"/api/v1/projects/{project_id}/members/", {"page_size": "500"})
    return [
        {"id": m["user"], "username": m["username"], "role": m["role"]}
        for m in api_results(answer)
        if m.get("is_active", True)
    ]


@login_required
def adjudication_queue(request: HttpRequest, project_id: int) -> HttpResponse:
    """Articles by severity of disagreement, with filters; unanimous ones in a tab."""
    nav = navigation_for(request)
    answer = api_get(request, f"/api/v1/projects/{project_id}/adjudication/queue/")
    context = project_context(request, nav, project_id, "adjudication") if answer.ok else None
    if context is None:
        return refused(request, nav, answer)
    coders = [m for m in _members(request, project_id) if m["role"] == "coder"]
    return _page(request, "frontend/adjudication_queue.html", nav, context, {"coders": coders})


@login_required
def side_by_side(request: HttpRequest, project_id: int, article_id: int) -> HttpResponse:
    """The article once, the coders' events aligned in rows, and the decisions."""
    nav = navigation_for(request)
    path = f"/api/v1/projects/{project_id}/articles/{article_id}/adjudication/"
    answer = api_get(request, path)
    context = project_context(request, nav, project_id, "adjudication") if answer.ok else None
    if context is None:
        return refused(request, nav, answer)
    view = dict(answer.data)
    article = dict(view.pop("article"))
    text = article.pop("text")
    context["article"] = article
    context["paragraphs"] = article_paragraphs(text, article["paragraphs"])
    context["calibration_state"] = calibration_state(request, project_id, article_id, view)
    return _page(
        request,
        "frontend/side_by_side.html",
        nav,
        context,
        {
            "view": view | {"article": article},
            "time": _review_time(request, project_id, article_id),
        },
    )


def _review_time(request: HttpRequest, project_id: int, article_id: int) -> dict[str, Any] | None:
    """The signed-in supervisor's review time on the article so far, and the idle setting."""
    answer = api_get(request, f"/api/v1/projects/{project_id}/articles/{article_id}/review-time/")
    if not answer.ok:
        return None
    return {k: answer.data[k] for k in ("total_seconds", "idle_seconds")}


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


@login_required
def feedback(request: HttpRequest, project_id: int) -> HttpResponse:
    """Each coder against the gold layer: detection and per-field precision, recall, F1;
    calibration items and drift. A coder gets their own calibration results and drift."""
    nav = navigation_for(request)
    if nav.role_in(project_id) == "coder":
        mine = project_context(request, nav, project_id, "feedback")
        if mine is not None and mine["role"] == "coder":
            return coder_feedback_page(request, nav, project_id, mine)
    answer = api_get(request, f"/api/v1/projects/{project_id}/feedback/")
    context = project_context(request, nav, project_id, "feedback") if answer.ok else None
    if context is None:
        return refused(request, nav, answer)
    spec = context["codebook_spec"] or {}
    labels = {f["key"]: _label(f, request) for f in spec.get("fields", [])}
    rows = list(answer.data)
    used = {key for row in rows for key in row["fields"]}
    keys = [k for k in labels if k in used] + sorted(used - set(labels))  # codebook order
    coders = [
        {
            "username": row["username"],
            "articles": row["articles"],
            "detection": {**row["detection"], **_shown(row["detection"])},
            "fields": [
                {**row["fields"].get(k, {}), **_shown(row["fields"].get(k, {}))} for k in keys
            ],
        }
        for row in rows
    ]
    context.update({"coders": coders, "field_labels": [labels.get(k, k) for k in keys]})
    context["calibration"] = manager_calibration(request, project_id)
    return render_page(request, "frontend/feedback.html", context, nav=nav)


def _shown(counts: dict[str, Any]) -> dict[str, str]:
    return {
        "precision_text": _percent(counts.get("precision")),
        "recall_text": _percent(counts.get("recall")),
        "f1_text": _percent(counts.get("f1")),
    }


def _label(thing: dict[str, Any], request: HttpRequest) -> str:
    labels = thing.get("labels") or {}
    lang = getattr(request, "LANGUAGE_CODE", "en")
    return str(labels.get(lang) or labels.get("en") or next(iter(labels.values()), thing["key"]))


@login_required
def data(request: HttpRequest, project_id: int) -> HttpResponse:
    """Filters, a preview, a map and a timeline of the validated events; downloads and
    releases (supervisors create them)."""
    nav = navigation_for(request)
    answer = api_get(request, f"/api/v1/projects/{project_id}/releases/")
    context = project_context(request, nav, project_id, "data") if answer.ok else None
    if context is None:
        return refused(request, nav, answer)
    return _page(request, "frontend/data.html", nav, context, {"releases": answer.data})
