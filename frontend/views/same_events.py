"""The "Same event?" pages for supervisors: the queue of candidate pairs (two reports in two
articles that may be one real-world event) and the comparison of one pair.

As on the other project pages, each page first asks the API endpoint it is built on, in-process
and as the signed-in user, so who may open it is exactly who may call that endpoint (403 for a
member whose role does not allow it, 404 for anyone outside the project or for a pair that is
not there). The comparison renders both articles' text here (escaped, one block per paragraph
with the direction the API computed), so each pane's text content is the stored text and the
module's code-point offsets land on the right words.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from .api_bridge import api_get
from .pages import article_paragraphs
from .project_pages import _page, project_context, refused
from .shell import navigation_for

QUEUE_PAGE_SIZE = 25


def candidates_path(project_id: int) -> str:
    return f"/api/v1/projects/{project_id}/duplicate-candidates/"


@login_required
def queue(request: HttpRequest, project_id: int) -> HttpResponse:
    """Open candidate pairs, best score first, with the reasons line and both articles."""
    nav = navigation_for(request)
    query = {"status": "open", "page_size": str(QUEUE_PAGE_SIZE)}
    answer = api_get(request, candidates_path(project_id), query)
    context = project_context(request, nav, project_id, "same-events") if answer.ok else None
    if context is None:
        return refused(request, nav, answer)
    boot = {"candidates": answer.data, "page_size": QUEUE_PAGE_SIZE}
    return _page(request, "frontend/same_events_queue.html", nav, context, boot)


def _without_text(article: dict[str, Any]) -> tuple[dict[str, Any], str]:
    article = dict(article)
    return article, str(article.pop("text", ""))


def _side(
    request: HttpRequest, project_id: int, side: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """One side of the pair with its article text taken out (it goes in the page, not in the
    boot data), and that text's paragraphs with the directions the server computed at import.

    The pair's answer carries the text but not the paragraphs' directions, so they are read
    from the article endpoint; a direction guessed by the browser (`dir="auto"`, the first
    strong letter) would be wrong for a line that opens with a Latin name or a flag."""
    side = dict(side)
    article, text = _without_text(side["article"])
    if side.get("report"):
        report = dict(side["report"])
        report["article"], report_text = _without_text(report["article"])
        text = text or report_text
        side["report"] = report
    side["article"] = article
    paragraphs = article.get("paragraphs")
    if not paragraphs:
        stored = api_get(request, f"/api/v1/projects/{project_id}/articles/{article['id']}/")
        if stored.ok and stored.data["text"] == text:
            paragraphs = stored.data["paragraphs"]
    if paragraphs:
        return side, article_paragraphs(text, paragraphs)
    return side, [{"text": line, "dir": "auto"} for line in text.split("\n")]


@login_required
def compare(request: HttpRequest, project_id: int, candidate_id: int) -> HttpResponse:
    """Both articles side by side with each report's evidence, the fields that differ with a
    choice each, and the actions link, not the same and split."""
    nav = navigation_for(request)
    answer = api_get(request, f"{candidates_path(project_id)}{candidate_id}/")
    context = project_context(request, nav, project_id, "same-events") if answer.ok else None
    if context is None:
        return refused(request, nav, answer)
    view = dict(answer.data)
    view["a"], paragraphs_a = _side(request, project_id, view["a"])
    view["b"], paragraphs_b = _side(request, project_id, view["b"])
    context["sides"] = [
        {"key": "a", "letter": "A", "article": view["a"]["article"], "paragraphs": paragraphs_a},
        {"key": "b", "letter": "B", "article": view["b"]["article"], "paragraphs": paragraphs_b},
    ]
    return _page(request, "frontend/same_events_compare.html", nav, context, {"view": view})
