"""Agreement figures for supervisors (and researchers): project summary with confidence
intervals, drill-downs, per-article results, full recompute. The disagreement list is in
api.views.disagreements."""

from __future__ import annotations

import math
from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import BoundedJSONParser
from api.serializers.workflow import error_responses
from api.views.disagreements import disagreement_rows
from coding import access
from coding.agreement import interpret_alpha
from coding.errors import NotFound, ValidationFailed
from coding.models import AgreementResult, AgreementRun, Article
from coding.services.agreement import (
    ALPHA_BY_WEEK,
    ALPHA_U,
    DETECTION_F1,
    latest_article_run,
    latest_project_run,
    project_recompute_request,
)
from coding.services.agreement_gamma import GAMMA, gamma_row

READERS = {*access.MANAGERS, access.RESEARCHER}


class AlphaRowSerializer(serializers.Serializer):
    field = serializers.CharField(help_text='Field key; "" = event detection (presence)')
    level = serializers.CharField()
    alpha = serializers.FloatField(allow_null=True)
    status = serializers.CharField(help_text='"ok", "undefined: no variation", …')
    interpretation = serializers.CharField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    p_below_667 = serializers.FloatField(allow_null=True)
    p_below_800 = serializers.FloatField(allow_null=True)
    percent_agreement = serializers.FloatField(allow_null=True)
    ac1 = serializers.FloatField(
        allow_null=True, help_text="Gwet's AC1 on the same values (project figures)"
    )
    most_common_share = serializers.FloatField(
        allow_null=True, help_text="Share of the values that are the most common one"
    )
    note = serializers.CharField(
        allow_null=True, help_text="Why α and AC1 diverge (the prevalence effect), if they do"
    )
    distance = serializers.CharField(
        allow_null=True, help_text="The field's distance (docs/agreement.md §3a); null: level"
    )
    n_units = serializers.IntegerField()
    n_pairable = serializers.IntegerField()
    n_coders = serializers.IntegerField()
    event_type = serializers.CharField(allow_blank=True)
    coder_a = serializers.IntegerField(allow_null=True)
    coder_b = serializers.IntegerField(allow_null=True)
    detection_f1 = serializers.FloatField(
        allow_null=True, help_text="Event detection F1 between coders (detection rows only)"
    )
    week = serializers.CharField(
        allow_null=True, help_text='ISO week the articles\' coding ended ("2026-W49"), by=week'
    )


class DetectionSerializer(serializers.Serializer):
    f1 = serializers.FloatField(allow_null=True, help_text="2·TP / (|A| + |B|), micro-averaged")
    true_positives = serializers.IntegerField()
    events = serializers.IntegerField()


class UnitizingSerializer(serializers.Serializer):
    alpha = serializers.FloatField(
        allow_null=True,
        help_text="Krippendorff's α_U on evidence spans (roles as categories), pooled over "
        "articles weighted by length (docs/agreement.md); null when no spans",
    )
    status = serializers.CharField()
    n_articles = serializers.IntegerField(help_text="Articles with two or more coders")
    n_informative = serializers.IntegerField(help_text="Of them, articles with spans")
    n_coders = serializers.IntegerField()
    observed_disagreement = serializers.FloatField(allow_null=True)
    expected_disagreement = serializers.FloatField(allow_null=True)


class GammaSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    gamma = serializers.FloatField(allow_null=True)
    gamma_se = serializers.FloatField(
        allow_null=True, help_text="Monte-Carlo standard error of γ (from D_e's sampling)"
    )
    expected_disorder_se = serializers.FloatField(allow_null=True)
    n_samples = serializers.IntegerField()
    seed = serializers.IntegerField()
    n_units = serializers.IntegerField()
    n_coders = serializers.IntegerField()


class RunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    progress_done = serializers.IntegerField()
    progress_total = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    params = serializers.DictField()


def _interpretation(value: float | None) -> str | None:
    if value is None or math.isnan(value):
        return None
    return str(interpret_alpha(value))


def _row(result: AgreementResult) -> dict[str, Any]:
    return {
        "field": result.field_key,
        "level": result.level,
        "alpha": result.value,
        "status": result.status,
        "interpretation": _interpretation(result.value),
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "p_below_667": result.p_below_667,
        "p_below_800": result.p_below_800,
        "percent_agreement": result.percent_agreement,
        "ac1": result.details.get("ac1"),
        "most_common_share": result.details.get("most_common_share"),
        "note": result.details.get("note"),
        "distance": result.details.get("distance"),
        "n_units": result.n_units,
        "n_pairable": result.n_pairable,
        "n_coders": result.n_coders,
        "event_type": result.event_type_code,
        "coder_a": result.coder_a,
        "coder_b": result.coder_b,
        "detection_f1": None,
        "week": result.details.get("week"),
    }


def _detection(result: AgreementResult | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {
        "f1": result.value,
        "true_positives": result.details.get("true_positives", 0),
        "events": result.details.get("events", 0),
    }


def _unitizing(result: AgreementResult | None) -> dict[str, Any] | None:
    if result is None:  # a run from before α_U was computed
        return None
    return {
        "alpha": result.value,
        "status": result.status,
        "n_articles": result.n_units,
        "n_informative": result.n_pairable,
        "n_coders": result.n_coders,
        "observed_disagreement": result.details.get("observed_disagreement"),
        "expected_disagreement": result.details.get("expected_disagreement"),
    }


def _run(run: AgreementRun | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "id": run.pk,
        "status": run.status,
        "progress_done": run.progress_done,
        "progress_total": run.progress_total,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "params": run.params,
    }


@extend_schema(tags=["agreement"])
class ProjectAgreementView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "by",
                str,
                enum=["field", "event_type", "coder_pair", "week"],
                description="Drill-down (default: per field); week: α per field by the ISO week "
                "in which the articles' coding ended, oldest first",
            )
        ],
        responses={
            200: inline_serializer(
                "ProjectAgreement",
                {
                    "run": RunSerializer(allow_null=True),
                    "in_progress": RunSerializer(allow_null=True),
                    "results": AlphaRowSerializer(many=True),
                    "detection": DetectionSerializer(allow_null=True),
                    "alpha_u": UnitizingSerializer(allow_null=True),
                    "gamma": GammaSerializer(many=True, allow_null=True),
                },
            ),
            **error_responses(401, 403, 404, 422, e403="Coders see only their own figures"),
        },
        summary="Krippendorff's α per field with cluster-bootstrap CI, AC1, % agreement and "
        "pairable units, plus event detection F1 and α_U on evidence spans; or a drill-down",
    )
    def get(self, request: Request, project_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=READERS)  # type: ignore[arg-type]
        by = request.query_params.get("by", "field")
        if by not in {"field", "event_type", "coder_pair", "week"}:
            raise ValidationFailed(
                "by must be field, event_type, coder_pair or week",
                errors=[{"field": "by", "code": "invalid_choice", "message": by}],
            )
        run = latest_project_run(project)
        in_progress = (
            AgreementRun.objects.filter(project=project, scope="project")
            .exclude(status__in=["done", "failed"])
            .order_by("-id")
            .first()
        )
        results: list[dict[str, Any]] = []
        detection = None
        unitizing = None
        gamma = None
        if run is not None:
            stored = list(AgreementResult.objects.filter(run=run))
            if run.params.get("gamma"):
                gamma = sorted(
                    (gamma_row(r) for r in stored if r.metric == GAMMA), key=lambda g: g["article"]
                )
            f1_rows = {(r.coder_a, r.coder_b): r for r in stored if r.metric == DETECTION_F1}
            detection = _detection(f1_rows.get((None, None)))
            unitizing = _unitizing(next((r for r in stored if r.metric == ALPHA_U), None))
            rows = [r for r in stored if r.metric == (ALPHA_BY_WEEK if by == "week" else "alpha")]
            if by == "week":
                rows.sort(key=lambda r: (r.details.get("week", ""), r.field_key))
            elif by == "field":
                rows = [r for r in rows if r.event_type_code == "" and r.coder_a is None]
            elif by == "event_type":
                rows = [r for r in rows if r.event_type_code != ""]
            else:
                rows = [r for r in rows if r.coder_a is not None]
            if by != "week":
                rows.sort(key=lambda r: (r.event_type_code, r.coder_a or 0, r.coder_b or 0, r.id))
            results = [_row(r) for r in rows]
            for row in results:
                f1 = f1_rows.get((row["coder_a"], row["coder_b"]))
                if by != "week" and row["field"] == "" and row["event_type"] == "" and f1:
                    row["detection_f1"] = f1.value
        return Response(
            {
                "run": _run(run),
                "in_progress": _run(in_progress),
                "results": results,
                "detection": detection,
                "alpha_u": unitizing,
                "gamma": gamma,
            }
        )


class RecomputeRequestSerializer(serializers.Serializer):
    gamma = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Also compute γ per article on the coders' evidence spans (about 1.3 s an "
        "article, in the background run; stored with its Monte-Carlo spread).",
    )


@extend_schema(tags=["agreement"])
class RecomputeView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        request=RecomputeRequestSerializer,
        responses={202: RunSerializer, **error_responses(400, 401, 403, 404, 415, 422)},
        summary="Recompute all agreement of the project in the background (γ on request)",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=access.MANAGERS)  # type: ignore[arg-type]
        serializer = RecomputeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = project_recompute_request(
            project=project,
            gamma=serializer.validated_data["gamma"],
            actor=request.user,  # type: ignore[arg-type]
        )
        return Response(_run(run), status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["agreement"])
class RunDetailView(APIView):
    @extend_schema(
        responses={200: RunSerializer, **error_responses(401, 403, 404)},
        summary="A run's status and progress (done/total)",
    )
    def get(self, request: Request, project_id: int, run_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=READERS)  # type: ignore[arg-type]
        run = AgreementRun.objects.filter(project=project, scope="project", pk=run_id).first()
        if run is None:
            raise NotFound("run not found")
        return Response(_run(run))


@extend_schema(tags=["agreement"])
class ArticleAgreementView(APIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "ArticleAgreement",
                {
                    "run": RunSerializer(allow_null=True),
                    "results": AlphaRowSerializer(many=True),
                    "disagreements": serializers.ListField(child=serializers.DictField()),
                },
            ),
            **error_responses(
                401,
                403,
                404,
                e403="Supervisors only: the details are the coders' values",
                e404="No such article in the project",
            ),
        }
    )
    def get(self, request: Request, project_id: int, article_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=access.MANAGERS)  # type: ignore[arg-type]
        if not Article.objects.filter(project=project, pk=article_id).exists():
            raise NotFound("article not found")
        run = latest_article_run(article_id)
        if run is None:
            return Response({"run": None, "results": [], "disagreements": []})
        return Response(
            {
                "run": _run(run),
                "results": [_row(r) for r in run.results.order_by("field_key")],
                "disagreements": disagreement_rows(list(run.disagreements.all())),
            }
        )
