"""The machine coder of a project: status, versions, figures, settings, the train action."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import BoundedJSONParser
from api.serializers.workflow import error_responses
from coding import access
from coding import recommender_selectors as selectors
from coding.models import Project, RecommenderModel
from coding.services.recommender import recommender_settings_update, recommender_train_request

READERS = {*access.MANAGERS, access.RESEARCHER}


class RecommenderModelSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField(help_text="Version of the model within the project")
    status = serializers.CharField(help_text="queued, training, ready or failed")
    reason = serializers.CharField(help_text="manual (train action) or auto (new gold)")
    codebook_version = serializers.IntegerField()
    usable = serializers.BooleanField(
        help_text="Trained under the project's current codebook version (else never used)"
    )
    seed = serializers.IntegerField()
    algorithm = serializers.CharField()
    training_digest = serializers.CharField(help_text="SHA-256 of the gold it read")
    model_sha256 = serializers.CharField(help_text="SHA-256 of the trained weights")
    trained_through = serializers.DateTimeField(allow_null=True)
    articles = serializers.IntegerField()
    events = serializers.IntegerField()
    min_events = serializers.IntegerField()
    threshold = serializers.FloatField()
    report = serializers.DictField(help_text="Per type: gold events, trained, held-out P/R")
    evaluation = serializers.DictField(
        help_text="Measured like a coder on gold validated after training"
    )
    evaluated_at = serializers.DateTimeField(allow_null=True)
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class RecommenderSettingsSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(required=False)
    min_events = serializers.IntegerField(required=False, min_value=1, max_value=100_000)
    retrain_after = serializers.IntegerField(required=False, min_value=1, max_value=1_000_000)
    threshold = serializers.FloatField(required=False, min_value=0.01, max_value=0.99)
    hidden_from = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=10_000,
        help_text="Coders who never see suggestions (the control group)",
    )


class TrainRequestSerializer(serializers.Serializer):
    seed = serializers.IntegerField(required=False, default=0, min_value=0, max_value=2**31 - 1)


def model_row(model: RecommenderModel, project: Project) -> dict[str, Any]:
    return {
        "id": model.pk,
        "number": model.number,
        "status": model.status,
        "reason": model.reason,
        "codebook_version": model.codebook_version_id,
        "usable": model.codebook_version_id == project.codebook_version_id,
        "seed": model.seed,
        "algorithm": model.algorithm,
        "training_digest": model.training_digest,
        "model_sha256": model.model_sha256,
        "trained_through": model.trained_through,
        "articles": model.articles,
        "events": model.events,
        "min_events": model.min_events,
        "threshold": model.threshold,
        "report": model.report,
        "evaluation": model.evaluation,
        "evaluated_at": model.evaluated_at,
        "error": model.error,
        "created_at": model.created_at,
        "finished_at": model.finished_at,
    }


def _body(project: Project) -> dict[str, Any]:
    config = selectors.recommender_settings(project)
    state, message = selectors.recommender_status(project)
    models = selectors.project_models(project)
    current = selectors.current_model(project) if state == "ready" else None
    return {
        "status": state,
        "message": message,
        "settings": {
            "enabled": config.enabled,
            "min_events": config.min_events,
            "retrain_after": config.retrain_after,
            "threshold": config.threshold,
            "hidden_from": selectors.hidden_coder_ids(project),
        },
        "current": None if current is None else current.number,
        "models": [model_row(m, project) for m in models],
    }


RECOMMENDER = inline_serializer(
    "Recommender",
    {
        "status": serializers.CharField(help_text="off, none, training, stale or ready"),
        "message": serializers.CharField(),
        "settings": RecommenderSettingsSerializer(),
        "current": serializers.IntegerField(
            allow_null=True, help_text="Number of the model that suggests"
        ),
        "models": RecommenderModelSerializer(many=True),
    },
)


@extend_schema(tags=["recommender"])
class RecommenderView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        responses={200: RECOMMENDER, **error_responses(401, 403, 404)},
        summary="The machine coder: status, settings, every model version and its figures",
    )
    def get(self, request: Request, project_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=READERS)  # type: ignore[arg-type]
        return Response(_body(project))

    @extend_schema(
        request=RecommenderSettingsSerializer,
        responses={200: RECOMMENDER, **error_responses(400, 401, 403, 404, 415, 422)},
        summary="Turn the machine coder on or off, set its thresholds and control group",
    )
    def patch(self, request: Request, project_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=access.MANAGERS)  # type: ignore[arg-type]
        serializer = RecommenderSettingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        recommender_settings_update(
            project=project,
            actor=request.user,  # type: ignore[arg-type]
            changes=dict(serializer.validated_data),
        )
        return Response(_body(project))


@extend_schema(tags=["recommender"])
class TrainView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        request=TrainRequestSerializer,
        responses={
            202: RecommenderModelSerializer,
            **error_responses(
                400, 401, 403, 404, 409, 415, 422, e409="The machine coder is turned off"
            ),
        },
        summary="Train a new model version from the validated gold, in the background",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=access.MANAGERS)  # type: ignore[arg-type]
        serializer = TrainRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        model = recommender_train_request(
            project=project,
            actor=request.user,  # type: ignore[arg-type]
            seed=serializer.validated_data["seed"],
        )
        return Response(model_row(model, project), status=status.HTTP_202_ACCEPTED)
