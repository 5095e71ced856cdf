"""An assignment's events a page at a time (keyset pagination), for the coding screen and
scripts: GET /api/v1/assignments/{id}/events/page/?after=<event id>&limit=<n>.

The events are in id order; `next` is the URL of the following page (null on the last one).
A page is JSON text built by PostgreSQL (coding.event_pages) and spliced into the response.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from api.renderers import RawJSON
from api.serializers.events import EventReadSerializer
from api.serializers.workflow import error_responses
from coding.assignment_reads import access_assignment_for_read
from coding.errors import ValidationFailed
from coding.event_pages import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, EventPage, assignment_event_page

AFTER = OpenApiParameter(
    "after", int, description="Events with ids above this one (the last id of the page before)."
)
LIMIT = OpenApiParameter(
    "limit",
    int,
    description=f"Events per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
)


def count_param(request: Request, name: str, *, minimum: int, maximum: int | None) -> int | None:
    """The query parameter `name` as an int within [minimum, maximum]; None if absent."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    value = int(raw) if raw.isascii() and raw.isdigit() else None
    if value is None or value < minimum or (maximum is not None and value > maximum):
        bounds = f"{minimum} to {maximum}" if maximum is not None else f"at least {minimum}"
        raise ValidationFailed(
            f"{name} must be an integer from {bounds}",
            errors=[{"field": name, "code": "invalid", "message": f"{raw!r}"}],
        )
    return value


def next_url(request: Request, assignment_id: int, page: EventPage, limit: int) -> str | None:
    """The URL of the page after `page`, or None when it is the last."""
    if not page.has_more or page.last_id is None:
        return None
    path = reverse("api:assignment-event-page", kwargs={"assignment_id": assignment_id})
    query = urlencode({"after": page.last_id, "limit": limit})
    return request.build_absolute_uri(f"{path}?{query}")


EventPageResponse = inline_serializer(
    "EventPage",
    {
        "events": EventReadSerializer(many=True),
        "next": serializers.URLField(allow_null=True, help_text="The next page; null if none."),
    },
)


@extend_schema(tags=["events"])
class AssignmentEventPageView(APIView):
    """One page of the assignment's events with their spans (offsets in code points and
    UTF-16 units), in id order. Who may read: as GET /assignments/{id}/ (the assigned coder
    while an active coder of the project; the project's supervisors and admins)."""

    @extend_schema(
        parameters=[AFTER, LIMIT],
        responses={200: EventPageResponse, **error_responses(401, 404, 422)},
        summary="A page of the assignment's events (keyset pagination)",
    )
    def get(self, request: Request, assignment_id: int) -> Response:
        after = count_param(request, "after", minimum=0, maximum=None) or 0
        limit = count_param(request, "limit", minimum=1, maximum=MAX_PAGE_SIZE)
        limit = limit or DEFAULT_PAGE_SIZE
        assignment = access_assignment_for_read(request.user, assignment_id)  # type: ignore[arg-type]
        article = assignment.article
        page = assignment_event_page(
            assignment,
            article_text=article.text,
            text_sha256=article.text_sha256,
            after=after,
            limit=limit,
        )
        body: dict[str, Any] = {
            "events": RawJSON(page.events_json),
            "next": next_url(request, assignment_id, page, limit),
        }
        return Response(body)
