"""The adjudication queue for supervisors: articles by severity of disagreement, filtered,
paged by cursor, with counts from stored counters (coding.review_queue_selectors)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.pagination import QueueCursorPagination
from api.serializers.workflow import error_responses
from api.views.adjudication import E403, _flag
from coding import access
from coding.errors import ValidationFailed
from coding.models import AgreementRun, Project
from coding.review_queue_selectors import adjudication_queue, adjudication_queue_count


def _int(raw: str | None, name: str) -> int | None:
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):  # int() refuses "²", which isdigit()
        raise ValidationFailed(
            f"{name} must be a positive integer",
            errors=[{"field": name, "code": "invalid", "message": raw}],
        )
    return int(raw)


class QueueRowSerializer(serializers.Serializer):
    article_id = serializers.IntegerField()
    title = serializers.CharField()
    max_severity = serializers.IntegerField(allow_null=True)
    n_disagreements = serializers.IntegerField()
    adjudication_status = serializers.CharField(allow_null=True)
    finished_at = serializers.DateTimeField()


@extend_schema(
    tags=["adjudication"],
    parameters=[
        OpenApiParameter("unanimous", bool, description="List the articles without disagreement"),
        OpenApiParameter("event_type", str, description="An event type or sub-type code"),
        OpenApiParameter("coder", int),
        OpenApiParameter("min_severity", int),
        OpenApiParameter("status", str, enum=["none", "open", "validated"]),
        OpenApiParameter(
            "page",
            int,
            description="Gone: pages are cursors now (`next` / `previous`); 1 is the first "
            "page, any other number is refused (422)",
            deprecated=True,
        ),
    ],
)
@extend_schema_view(
    get=extend_schema(
        responses={200: QueueRowSerializer, **error_responses(401, 403, 404, 422, e403=E403)}
    )
)
class QueueView(generics.ListAPIView):
    """Articles whose coders disagree, most severe first: an event found by one coder only (5)
    > different event type (4) > different actors/location (3) > other fields (2) > span
    boundaries only (1). Paged by cursor (`next`, `previous`); `count` is how many articles
    match, from stored counts, exact for every filter (`count_exact` is always true; kept
    for clients written when an event type and a coder together were counted up to a cap)."""

    serializer_class = QueueRowSerializer
    pagination_class = QueueCursorPagination

    def _filters(self) -> tuple[Project, dict[str, Any]]:
        project, _ = access.access_project(
            self.request.user,
            self.kwargs["project_id"],  # type: ignore[arg-type]
            roles=access.MANAGERS,
        )
        params = self.request.query_params
        status_filter = params.get("status")
        if status_filter and status_filter not in {"none", "open", "validated"}:
            raise ValidationFailed(
                "unknown status",
                errors=[{"field": "status", "code": "invalid_choice", "message": status_filter}],
            )
        page = params.get("page")
        if page is not None and page != "1":
            raise ValidationFailed(
                "the queue is no longer paged by number: start without `page` and follow the "
                "`next` and `previous` links (their `cursor`)",
                errors=[{"field": "page", "code": "page_numbers_gone", "message": page}],
            )
        return project, {
            "unanimous": _flag(self.request, "unanimous"),
            "event_type": params.get("event_type") or None,
            "coder": _int(params.get("coder"), "coder"),
            "min_severity": _int(params.get("min_severity"), "min_severity"),
            "status": status_filter or None,
        }

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):
            return AgreementRun.objects.none()
        project, filters = self._filters()
        return adjudication_queue(project, **filters)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project, filters = self._filters()
        paginator = self.paginator
        assert isinstance(paginator, QueueCursorPagination)
        page = paginator.paginate_queryset(adjudication_queue(project, **filters), request, self)
        paginator.count, paginator.count_exact = adjudication_queue_count(project, **filters)
        return paginator.get_paginated_response(self.get_serializer(page, many=True).data)
