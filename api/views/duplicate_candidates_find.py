"""Asking for a whole-project "same event?" candidate pass (supervisors). The pass runs in the
background, chunk by chunk (coding.services.duplicate_search); the candidates are read
and decided through the other duplicate-candidate endpoints."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.workflow import error_responses
from coding import access
from coding.services.duplicate_search import duplicate_candidates_request

_Queued = inline_serializer(
    name="DuplicateCandidatePassQueued",
    fields={
        "project_id": serializers.IntegerField(),
        "status": serializers.CharField(help_text='"queued"'),
    },
)


@extend_schema(tags=["dataset events"])
class FindDuplicateCandidatesView(APIView):
    @extend_schema(
        request=None,
        responses={202: _Queued, **error_responses(401, 403, 404)},
        summary="Look for 'same event?' candidate pairs across the whole project",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=access.MANAGERS)  # type: ignore[arg-type]
        with transaction.atomic():
            duplicate_candidates_request(project=project, actor=request.user)  # type: ignore[arg-type]
        return Response(
            {"project_id": project.pk, "status": "queued"}, status=status.HTTP_202_ACCEPTED
        )
