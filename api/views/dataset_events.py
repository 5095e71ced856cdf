"""Dataset events (one real-world event and its reports): researchers, supervisors and admins
read them; supervisors and admins link, split and resolve them. Coders get 403, non-members
404, as on the adjudication endpoints."""

from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import BoundedJSONParser
from api.serializers import dataset_events as shapes
from api.serializers.workflow import error_responses
from coding import access
from coding.dataset_event_selectors import (
    dataset_event_detail,
    dataset_event_rows,
    dataset_events_query,
)
from coding.errors import NotFound, ValidationFailed
from coding.models import DatasetEvent, Project, User
from coding.services import dataset_events as service

READERS = access.MANAGERS | {access.RESEARCHER}
E403_READ = "Researchers, supervisors and admins of the project only"
E403 = "Supervisors and admins of the project only"
E404 = "No such project or dataset event (or not a member)"
WRITE_ERRORS = (400, 401, 403, 404, 409, 412, 415, 422)
E409 = "A dataset event is retired (`merged_into` names where it went) or the rule refuses"
E412 = "Stale version: `dataset_event` and `current_version` say which and what it is now"


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in {"1", "true", "yes"}


def _date(request: Request, name: str) -> dt.date | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(
            f"{name} must be a date, YYYY-MM-DD",
            errors=[{"field": name, "code": "invalid", "message": raw[:40]}],
        ) from None


def _managed_event(user: User, project_id: int, dataset_event_id: int) -> DatasetEvent:
    project, _ = access.access_project(user, project_id, roles=access.MANAGERS)
    event = (
        DatasetEvent.objects.select_related("project__codebook_version")
        .filter(project=project, pk=dataset_event_id)
        .first()
    )
    if event is None:
        raise NotFound("no such dataset event in this project")
    return event


def _detail(project: Project, dataset_event_id: int) -> Response:
    return Response(dataset_event_detail(project, dataset_event_id))


@extend_schema(
    tags=["dataset events"],
    parameters=[
        OpenApiParameter("event_type", str, description="A type or sub-type code of a report"),
        OpenApiParameter("date_from", dt.date, description="A report's range ends on/after"),
        OpenApiParameter("date_to", dt.date, description="A report's range starts on/before"),
        OpenApiParameter("multi_report", bool, description="Only events with 2+ reports"),
        OpenApiParameter("include_retired", bool, description="Also tombstones"),
    ],
)
@extend_schema_view(
    get=extend_schema(
        responses={
            200: shapes.DatasetEventRowSerializer(many=True),
            **error_responses(401, 403, 404, 422, e403=E403_READ, e404=E404),
        },
        summary="The project's dataset events, oldest id first (paginated)",
    )
)
class DatasetEventListView(generics.ListAPIView):
    serializer_class = shapes.DatasetEventRowSerializer
    queryset = DatasetEvent.objects.none()  # for the schema; `list` builds the real one

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        project, _ = access.access_project(
            request.user,  # type: ignore[arg-type]
            self.kwargs["project_id"],
            roles=READERS,
        )
        query = dataset_events_query(
            project,
            event_type=request.query_params.get("event_type") or None,
            date_from=_date(request, "date_from"),
            date_to=_date(request, "date_to"),
            multi_report=_flag(request, "multi_report"),
            include_retired=_flag(request, "include_retired"),
        )
        page = self.paginate_queryset(query)
        assert page is not None  # the API always paginates (settings)
        return self.get_paginated_response(dataset_event_rows(project, page))


@extend_schema(tags=["dataset events"])
class DatasetEventDetailView(APIView):
    @extend_schema(
        responses={
            200: shapes.DatasetEventSerializer,
            **error_responses(401, 403, 404, e403=E403_READ, e404=E404),
        },
        summary="A dataset event: its reports, resolved fields with provenance, tombstones",
    )
    def get(self, request: Request, project_id: int, dataset_event_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=READERS)  # type: ignore[arg-type]
        return _detail(project, dataset_event_id)


@extend_schema(tags=["dataset events"])
class DatasetEventSplitView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        request=shapes.SplitInSerializer,
        responses={
            201: shapes.SplitOutSerializer,
            **error_responses(
                *WRITE_ERRORS,
                e403=E403,
                e404=E404,
                e409=E409 + " (or the report is its only one)",
                e412=E412,
                e422="Not a report of this event, or no reason",
            ),
        },
        summary="Split a report out into a new dataset event (a fresh id; audited)",
    )
    def post(self, request: Request, project_id: int, dataset_event_id: int) -> Response:
        event = _managed_event(request.user, project_id, dataset_event_id)  # type: ignore[arg-type]
        body = shapes.SplitInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        created = service.dataset_event_split(
            dataset_event=event,
            report=body.validated_data["report"],
            expected_version=body.validated_data["version"],
            actor=request.user,  # type: ignore[arg-type]
            reason=body.validated_data["reason"],
        )
        answer = {
            "dataset_event": dataset_event_detail(event.project, event.pk),
            "created": dataset_event_detail(event.project, created.pk),
        }
        return Response(answer, status=201)


@extend_schema(tags=["dataset events"])
class DatasetEventResolveView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        request=shapes.ResolveInSerializer,
        responses={
            200: shapes.DatasetEventSerializer,
            **error_responses(
                *WRITE_ERRORS,
                e403=E403,
                e404=E404,
                e409=E409,
                e412=E412,
                e422="Not a field, a rule that does not apply to it, or a value the codebook "
                "refuses",
            ),
        },
        summary="Choose where one field takes its value from (audited)",
    )
    def post(self, request: Request, project_id: int, dataset_event_id: int) -> Response:
        event = _managed_event(request.user, project_id, dataset_event_id)  # type: ignore[arg-type]
        body = shapes.ResolveInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        service.dataset_event_resolve(
            dataset_event=event,
            field=body.validated_data["field"],
            choice=body.validated_data["choice"],
            expected_version=body.validated_data["version"],
            actor=request.user,  # type: ignore[arg-type]
            reason=body.validated_data["reason"],
        )
        return _detail(event.project, event.pk)


def choice_objects(resolution: object) -> dict[str, dict[str, object]]:
    """The resolution choices as validated by DRF (a dict of objects)."""
    return dict(resolution) if isinstance(resolution, dict) else {}


@extend_schema(tags=["dataset events"])
class DatasetEventLinkView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        request=shapes.LinkInSerializer,
        responses={
            200: shapes.DatasetEventSerializer,
            **error_responses(
                *WRITE_ERRORS,
                e403=E403,
                e404=E404 + " (`other` is not in this project)",
                e409=E409 + " (or both have a report in one article)",
                e412=E412,
                e422="Linked with itself, or a resolution choice that cannot apply",
            ),
        },
        summary="Link with another dataset event: the older id survives (audited)",
    )
    def post(self, request: Request, project_id: int, dataset_event_id: int) -> Response:
        event = _managed_event(request.user, project_id, dataset_event_id)  # type: ignore[arg-type]
        body = shapes.LinkInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        survivor = service.dataset_events_link(
            project=event.project,
            event_ids=(event.pk, data["other"]),
            expected_versions={data["other"]: data["other_version"], event.pk: data["version"]},
            resolution=choice_objects(data["resolution"]),
            actor=request.user,  # type: ignore[arg-type]
            reason=data["reason"],
        )
        return _detail(event.project, survivor.pk)
