"""Calibration items, their scores and coder drift: /api/v1/projects/{id}/calibration/.

Supervisors and admins manage items and the policy and see every coder. A coder reads only
their own scores, of submitted assignments, and their own drift; everything else is 403.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.calibration import (
    CalibrationItemSerializer,
    CalibrationOverviewSerializer,
    CalibrationPolicySerializer,
    CalibrationScoreSerializer,
    CoderDriftSerializer,
    MarkSerializer,
)
from api.serializers.workflow import error_responses
from coding import access
from coding.calibration_selectors import calibration_items, calibration_scores, coder_drift
from coding.errors import ValidationFailed
from coding.models import Project
from coding.services.calibration import (
    POLICY_FIELDS,
    calibration_item_mark,
    calibration_item_unmark,
    calibration_policy,
    calibration_policy_update,
)


def _overview(project: Project) -> dict[str, Any]:
    policy = calibration_policy(project)
    return {
        "policy": {key: getattr(policy, key) for key in POLICY_FIELDS},
        "items": calibration_items(project),
    }


def _item(project: Project, article_id: int) -> dict[str, Any]:
    return next(i for i in calibration_items(project) if i["article"]["id"] == article_id)


@extend_schema(tags=["calibration"])
class CalibrationView(APIView):
    @extend_schema(
        responses={200: CalibrationOverviewSerializer, **error_responses(401, 403, 404)},
        summary="The calibration policy and every calibration item (supervisors)",
    )
    def get(self, request: Request, project_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=access.MANAGERS)  # type: ignore[arg-type]
        return Response(_overview(project))

    @extend_schema(
        request=CalibrationPolicySerializer(partial=True),
        responses={200: CalibrationOverviewSerializer, **error_responses(400, 401, 403, 404, 422)},
        summary="Change the calibration rate or the drift rule (supervisors; audited)",
    )
    def patch(self, request: Request, project_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=access.MANAGERS)  # type: ignore[arg-type]
        if not isinstance(request.data, dict):
            raise ValidationFailed("the body must be a JSON object")
        unknown = sorted(set(request.data) - set(POLICY_FIELDS))
        if unknown:
            raise ValidationFailed(
                f"{unknown[0]}: not a calibration setting",
                errors=[{"field": k, "code": "unknown", "message": "unknown"} for k in unknown],
            )
        serializer = CalibrationPolicySerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        calibration_policy_update(
            project=project,
            actor=request.user,  # type: ignore[arg-type]
            changes=dict(serializer.validated_data),
        )
        return Response(_overview(project))


@extend_schema(tags=["calibration"])
class CalibrationItemsView(APIView):
    @extend_schema(
        request=MarkSerializer,
        responses={
            201: CalibrationItemSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                409,
                422,
                e409="The article is not validated, or is already a calibration item",
            ),
        },
        summary="Mark a validated article as a calibration item (supervisors; audited)",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=access.MANAGERS)  # type: ignore[arg-type]
        serializer = MarkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        article_id = serializer.validated_data["article"]
        calibration_item_mark(project=project, article_id=article_id, actor=request.user)  # type: ignore[arg-type]
        return Response(_item(project, article_id), status=status.HTTP_201_CREATED)


@extend_schema(tags=["calibration"])
class CalibrationItemView(APIView):
    @extend_schema(
        responses={200: CalibrationItemSerializer, **error_responses(401, 403, 404)},
        summary="Remove the calibration mark: no new assignments; scores stay (supervisors)",
    )
    def delete(self, request: Request, project_id: int, article_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=access.MANAGERS)  # type: ignore[arg-type]
        calibration_item_unmark(project=project, article_id=article_id, actor=request.user)  # type: ignore[arg-type]
        return Response(_item(project, article_id))


@extend_schema(tags=["calibration"])
class CalibrationScoresView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("coder", int, description="Supervisors: one coder only")],
        responses={
            200: CalibrationScoreSerializer(many=True),
            **error_responses(401, 403, 404, 422, e422="coder is not an integer"),
        },
        summary="Calibration scores: every coder's (supervisors), or my submitted ones (coders)",
    )
    def get(self, request: Request, project_id: int) -> Response:
        project, role = access.access_project(
            request.user,  # type: ignore[arg-type]
            project_id,
            roles={access.CODER, *access.MANAGERS},
        )
        if role == access.CODER:
            rows = calibration_scores(project, coder_id=request.user.pk, submitted_only=True)
        else:
            raw = request.query_params.get("coder", "")
            coder_id = int(raw) if raw.isascii() and raw.isdigit() else None
            if raw and coder_id is None:
                raise ValidationFailed(
                    "coder must be an integer",
                    errors=[{"field": "coder", "code": "invalid", "message": "not an integer"}],
                )
            rows = calibration_scores(project, coder_id=coder_id)
        return Response(rows)


@extend_schema(tags=["calibration"])
class DriftView(APIView):
    @extend_schema(
        responses={200: CoderDriftSerializer(many=True), **error_responses(401, 403, 404)},
        summary="Agreement with gold by time window and the drift flag: every coder "
        "(supervisors), or mine (coders)",
    )
    def get(self, request: Request, project_id: int) -> Response:
        project, role = access.access_project(
            request.user,  # type: ignore[arg-type]
            project_id,
            roles={access.CODER, *access.MANAGERS},
        )
        coder_id = request.user.pk if role == access.CODER else None
        return Response(coder_drift(project, coder_id=coder_id))
