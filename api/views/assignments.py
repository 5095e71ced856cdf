"""Assignments (the coder's queue, a supervisor's overview) and their life-cycle actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.presenters import assignment_detail_dicts
from api.renderers import RawJSON
from api.serializers.events import EventReadSerializer
from api.serializers.workflow import (
    AssignmentSerializer,
    CodingArticleSerializer,
    ReassignSerializer,
    ReopenSerializer,
    error_responses,
)
from api.time_reports import TIME_HEADER, record_header_time
from api.views.event_pages import count_param, next_url
from coding import access, selectors
from coding.assignment_reads import access_assignment_for_read
from coding.errors import ValidationFailed
from coding.event_pages import MAX_PAGE_SIZE, assignment_event_page
from coding.models import Assignment, User
from coding.services.assignment import assignments_balance
from coding.services.time_on_task import coding_target
from coding.services.workflow import (
    assignment_reassign,
    assignment_reopen,
    assignment_submit,
)

_FILTERS = [
    OpenApiParameter("status", str, enum=["assigned", "in_progress", "submitted"]),
    OpenApiParameter("search", str, description="Article title contains / external id equals"),
]


def _status_param(request: Request) -> str | None:
    value = request.query_params.get("status")
    if value and value not in Assignment.Status.values:
        raise ValidationFailed(
            "unknown status",
            errors=[
                {
                    "field": "status",
                    "code": "invalid_choice",
                    "message": f"{value!r} is not one of {', '.join(Assignment.Status.values)}",
                }
            ],
        )
    return value or None


@extend_schema(
    tags=["assignments"],
    parameters=_FILTERS,
    summary="My queue: the signed-in coder's assignments in every project",
    responses={200: AssignmentSerializer, **error_responses(401, 404, 422)},
)
class MyAssignmentsView(generics.ListAPIView):
    serializer_class = AssignmentSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Assignment.objects.none()
        return selectors.coder_queue(
            self.request.user,  # type: ignore[arg-type]
            status=_status_param(self.request),  # type: ignore[arg-type]
            search=self.request.query_params.get("search"),
        )


@extend_schema(
    tags=["assignments"],
    parameters=[*_FILTERS, OpenApiParameter("coder", int), OpenApiParameter("article", int)],
    responses={200: AssignmentSerializer, **error_responses(401, 403, 404, 422)},
)
class ProjectAssignmentsView(generics.ListAPIView):
    """Supervisors see every assignment of the project; a coder sees only their own."""

    serializer_class = AssignmentSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Assignment.objects.none()
        user = self.request.user
        project, role = access.access_project(
            user,
            self.kwargs["project_id"],  # type: ignore[arg-type]
            roles={access.CODER, *access.MANAGERS},
        )
        params = self.request.query_params
        coder: Any = user if role == access.CODER else None
        if coder is None and params.get("coder"):
            coder = User.objects.filter(pk=_int_param(params["coder"], "coder")).first()
            if coder is None:
                return Assignment.objects.none()
        return selectors.assignment_list(
            project=project,
            coder=coder,
            status=_status_param(self.request),
            search=params.get("search"),
            article=_int_param(params["article"], "article") if params.get("article") else None,
        )


def _int_param(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValidationFailed(
            f"{name} must be an integer",
            errors=[{"field": name, "code": "invalid", "message": "must be an integer"}],
        ) from None


@extend_schema(tags=["assignments"])
class BalanceAssignmentsView(APIView):
    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "BalanceResult",
                {
                    "created": serializers.IntegerField(),
                    "short_articles": serializers.IntegerField(),
                    "reopened_articles": serializers.IntegerField(
                        help_text="Validated articles a new coder sent back to adjudication"
                    ),
                },
            ),
            **error_responses(401, 403, 404),
        },
        summary="Assign every article to `overlap` coders (only what is missing)",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=access.MANAGERS)  # type: ignore[arg-type]
        report = assignments_balance(project=project, actor=request.user)  # type: ignore[arg-type]
        return Response(
            {
                "created": report.created,
                "short_articles": report.short_articles,
                "reopened_articles": report.reopened_articles,
            }
        )


AssignmentDetailResponse = inline_serializer(
    "AssignmentDetail",
    {
        "assignment": AssignmentSerializer(),
        "article": CodingArticleSerializer(),
        "events": EventReadSerializer(many=True),
        "events_next": serializers.URLField(
            allow_null=True,
            help_text="With events_limit: the URL of the next page of events "
            "(GET /assignments/{id}/events/page/); null when `events` holds them all.",
        ),
    },
)

EVENTS_LIMIT = OpenApiParameter(
    "events_limit",
    int,
    description=f"Answer only the first events_limit events (1 to {MAX_PAGE_SIZE}) and the "
    "URL of the next page in events_next. Without it, every event (as before).",
)


@extend_schema(tags=["assignments"])
class AssignmentDetailView(APIView):
    """One assignment with its article (text, paragraphs with direction) and the coder's events
    (in id order): all of them, or with `events_limit` the first page and `events_next`.

    Span offsets are given in code points and UTF-16 units; `article.len_u16` lets a browser
    check that what it rendered is the stored text.
    """

    @extend_schema(
        parameters=[EVENTS_LIMIT],
        responses={200: AssignmentDetailResponse, **error_responses(401, 404, 422)},
    )
    def get(self, request: Request, assignment_id: int) -> Response:
        limit = count_param(request, "events_limit", minimum=1, maximum=MAX_PAGE_SIZE)
        assignment = access_assignment_for_read(request.user, assignment_id)  # type: ignore[arg-type]
        article = assignment.article
        page = assignment_event_page(
            assignment,
            article_text=article.text,
            text_sha256=article.text_sha256,
            limit=limit,
            with_totals=True,
        )
        # The summary the lists annotate in SQL, over every event of the assignment.
        summary, shown = assignment_detail_dicts(
            assignment,
            n_events=page.total or 0,
            last_activity=(
                datetime.fromisoformat(page.last_activity) if page.last_activity else None
            ),
        )
        return Response(
            {
                "assignment": summary,
                "article": shown,
                "events": RawJSON(page.events_json),
                "events_next": next_url(request, assignment_id, page, limit) if limit else None,
            }
        )


@extend_schema(tags=["assignments"])
class SubmitView(APIView):
    @extend_schema(
        request=None,
        responses={
            200: AssignmentSerializer,
            **error_responses(
                401,
                403,
                404,
                409,
                422,
                e409="Not allowed from the current status",
                e422="Incomplete: the list of what is missing, per event",
            ),
        },
        parameters=[TIME_HEADER],
        summary="Submit the assignment (it becomes read-only)",
    )
    def post(self, request: Request, assignment_id: int) -> Response:
        with transaction.atomic():  # the time report is kept only if the submit is
            assignment = access.access_assignment(request.user, assignment_id, write=True)  # type: ignore[arg-type]
            record_header_time(request, lambda: coding_target(assignment, request.user))  # type: ignore[arg-type]
            updated = assignment_submit(assignment=assignment, actor=request.user)  # type: ignore[arg-type]
        return Response(_assignment_body(updated))


@extend_schema(tags=["assignments"])
class ReopenView(APIView):
    @extend_schema(
        request=ReopenSerializer,
        responses={
            200: AssignmentSerializer,
            **error_responses(400, 401, 403, 404, 409, 422, e409="The assignment is not submitted"),
        },
        summary="Reopen a submitted assignment (supervisors; a reason is required)",
    )
    def post(self, request: Request, assignment_id: int) -> Response:
        assignment = access.access_managed_assignment(request.user, assignment_id)  # type: ignore[arg-type]
        serializer = ReopenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        updated = assignment_reopen(
            assignment=assignment,
            actor=request.user,  # type: ignore[arg-type]
            reason=serializer.validated_data["reason"],
        )
        return Response(_assignment_body(updated))


@extend_schema(tags=["assignments"])
class ReassignView(APIView):
    @extend_schema(
        request=ReassignSerializer,
        responses={
            200: AssignmentSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                409,
                422,
                e409="Submitted, the same coder, the coder already has the article, or drafts "
                "would be discarded without discard_drafts",
            ),
        },
        summary="Give a not-yet-submitted assignment to another coder (supervisors)",
    )
    def post(self, request: Request, assignment_id: int) -> Response:
        assignment = access.access_managed_assignment(request.user, assignment_id)  # type: ignore[arg-type]
        serializer = ReassignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        updated = assignment_reassign(
            assignment=assignment,
            actor=request.user,  # type: ignore[arg-type]
            coder_id=serializer.validated_data["coder"],
            discard_drafts=serializer.validated_data["discard_drafts"],
        )
        return Response(_assignment_body(updated), status=status.HTTP_200_OK)


def _assignment_body(assignment: Assignment) -> dict[str, Any]:
    fresh = selectors.assignment_list().get(pk=assignment.pk)
    return dict(AssignmentSerializer(fresh).data)
