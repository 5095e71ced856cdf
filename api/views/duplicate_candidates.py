"""Candidate pairs ("same event?") for supervisors and admins: the ranked queue, the
comparison, and the answers link / not the same. Other members get 403, non-members 404."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import BoundedJSONParser
from api.serializers import dataset_events as shapes
from api.serializers.workflow import error_responses
from api.views.dataset_events import E403, E409, E412, WRITE_ERRORS, choice_objects
from coding import access
from coding.dataset_event_selectors import (
    candidate_detail,
    candidate_row,
    candidates_query,
    dataset_event_detail,
)
from coding.errors import NotFound, ValidationFailed
from coding.models import DuplicateCandidate, User
from coding.services import duplicate_candidates as service

E404 = "No such project or candidate pair (or not a member)"
STATUSES = ("open", "linked", "not_same", "all")


def _candidate(user: User, project_id: int, candidate_id: int) -> DuplicateCandidate:
    project, _ = access.access_project(user, project_id, roles=access.MANAGERS)
    candidate = (
        DuplicateCandidate.objects.select_related("project__codebook_version")
        .filter(project=project, pk=candidate_id)
        .first()
    )
    if candidate is None:
        raise NotFound("no such candidate pair in this project")
    return candidate


def _min_score(raw: str | None) -> float | None:
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if value != value or value in (float("inf"), float("-inf")):  # NaN or infinite
        raise ValidationFailed(
            "min_score must be a number",
            errors=[{"field": "min_score", "code": "invalid", "message": raw[:40]}],
        )
    return value


@extend_schema(
    tags=["dataset events"],
    parameters=[
        OpenApiParameter("status", str, enum=list(STATUSES), description="Default open"),
        OpenApiParameter("min_score", float),
    ],
)
@extend_schema_view(
    get=extend_schema(
        responses={
            200: shapes.CandidateRowSerializer(many=True),
            **error_responses(401, 403, 404, 422, e403=E403, e404=E404),
        },
        summary="Candidate pairs, best score first (paginated)",
    )
)
class CandidateListView(generics.ListAPIView):
    serializer_class = shapes.CandidateRowSerializer
    queryset = DuplicateCandidate.objects.none()  # for the schema; `list` builds the real one

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        project, _ = access.access_project(
            request.user,  # type: ignore[arg-type]
            self.kwargs["project_id"],
            roles=access.MANAGERS,
        )
        status = request.query_params.get("status") or "open"
        if status not in STATUSES:
            raise ValidationFailed(
                "unknown status",
                errors=[{"field": "status", "code": "invalid_choice", "message": status[:40]}],
            )
        query = candidates_query(
            project,
            status=None if status == "all" else status,
            min_score=_min_score(request.query_params.get("min_score")),
        )
        page = self.paginate_queryset(query)
        assert page is not None  # the API always paginates (settings)
        return self.get_paginated_response([candidate_row(c) for c in page])


@extend_schema(tags=["dataset events"])
class CandidateDetailView(APIView):
    @extend_schema(
        responses={
            200: shapes.CandidateDetailSerializer,
            **error_responses(401, 403, 404, e403=E403, e404=E404),
        },
        summary="The comparison: both reports with their article text, the differences",
    )
    def get(self, request: Request, project_id: int, candidate_id: int) -> Response:
        candidate = _candidate(request.user, project_id, candidate_id)  # type: ignore[arg-type]
        return Response(candidate_detail(candidate.project, candidate.pk))


def _versions(raw: dict[str, int]) -> dict[int, int]:
    versions = {}
    for key, version in raw.items():
        if not (key.isascii() and key.isdigit()):
            raise ValidationFailed(
                "versions are keyed by dataset event id",
                errors=[{"field": f"versions.{key[:40]}", "code": "invalid", "message": "id"}],
            )
        versions[int(key)] = version
    return versions


@extend_schema(tags=["dataset events"])
class CandidateLinkView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        request=shapes.CandidateLinkInSerializer,
        responses={
            200: shapes.CandidateLinkOutSerializer,
            **error_responses(
                *WRITE_ERRORS,
                e403=E403,
                e404=E404,
                e409=E409 + "; or the pair is decided, already one event, or a report is no "
                "longer validated",
                e412=E412,
                e422="A version missing, or a resolution choice that cannot apply",
            ),
        },
        summary="Same event: link the two reports' dataset events (the older id survives)",
    )
    def post(self, request: Request, project_id: int, candidate_id: int) -> Response:
        candidate = _candidate(request.user, project_id, candidate_id)  # type: ignore[arg-type]
        body = shapes.CandidateLinkInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        survivor = service.duplicate_candidate_link(
            candidate=candidate,
            expected_versions=_versions(body.validated_data["versions"]),
            resolution=choice_objects(body.validated_data["resolution"]),
            actor=request.user,  # type: ignore[arg-type]
            reason=body.validated_data["reason"],
        )
        answer = {
            "candidate": candidate_row(
                candidates_query(candidate.project, status=None).get(pk=candidate.pk)
            ),
            "dataset_event": dataset_event_detail(candidate.project, survivor.pk),
        }
        return Response(answer)


@extend_schema(tags=["dataset events"])
class CandidateNotSameView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        request=shapes.NotSameInSerializer,
        responses={
            200: shapes.CandidateRowSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                409,
                415,
                422,
                e403=E403,
                e404=E404,
                e409="Decided already, both reports are one event (split it), or a report is "
                "no longer validated",
            ),
        },
        summary="Not the same event: remembered, never proposed again (audited)",
    )
    def post(self, request: Request, project_id: int, candidate_id: int) -> Response:
        candidate = _candidate(request.user, project_id, candidate_id)  # type: ignore[arg-type]
        body = shapes.NotSameInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        service.duplicate_candidate_not_same(
            candidate=candidate,
            actor=request.user,  # type: ignore[arg-type]
            reason=body.validated_data["reason"],
        )
        return Response(
            candidate_row(candidates_query(candidate.project, status=None).get(pk=candidate.pk))
        )
