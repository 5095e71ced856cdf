"""The disagreement list: where coders differ, most severe first, with the text as coded."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers.workflow import error_responses
from coding import access, selectors
from coding.disagreement_selectors import disagreements_as_coded
from coding.errors import ValidationFailed
from coding.models import Disagreement


def disagreement_rows(rows: list[Disagreement]) -> list[dict[str, Any]]:
    as_coded = disagreements_as_coded(rows)
    return [_disagreement(d, **as_coded[d.pk]) for d in rows]


def _disagreement(d: Disagreement, *, direction: str, coders: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": d.pk,
        "article": d.article_id,
        "kind": d.kind,
        "severity": d.severity,
        "cluster": d.cluster_key,
        "field": d.field_key,
        "details": d.details,
        "as_coded": coders,
        "text_direction": direction,
        "link": f"/api/v1/projects/{d.run.project_id}/articles/{d.article_id}/agreement/",
    }


class DisagreementSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    article = serializers.IntegerField()
    kind = serializers.CharField()
    severity = serializers.IntegerField(help_text="5 = an event found by one coder only")
    cluster = serializers.CharField()
    field = serializers.CharField(allow_blank=True)
    details = serializers.DictField(
        help_text="The compared forms (folded text, codes, offsets), as agreement saw them."
    )
    as_coded = serializers.DictField(
        help_text='Per coder id: {"value": the stored value (for an event-type disagreement '
        '{"type", "subtype"} codes), "quotes": [{"role", "quote"}]}, the text as coded.'
    )
    text_direction = serializers.CharField(help_text="The article's direction (ltr, rtl).")
    link = serializers.CharField()


@extend_schema(
    tags=["agreement"],
    parameters=[
        OpenApiParameter("kind", str, enum=[k.value for k in Disagreement.Kind]),
        OpenApiParameter("min_severity", int),
        OpenApiParameter("article", int),
    ],
)
@extend_schema_view(
    get=extend_schema(
        responses={
            200: DisagreementSerializer,
            **error_responses(401, 403, 404, 422, e404="No such project or page"),
        }
    )
)
class DisagreementListView(generics.ListAPIView):
    """Where coders differ, most severe first: unmatched events, event type, actors/location,
    other fields, span boundaries. Each links to the article's agreement detail."""

    serializer_class = DisagreementSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):
            return Disagreement.objects.none()
        project, _ = access.access_project(
            self.request.user,
            self.kwargs["project_id"],  # type: ignore[arg-type]
            roles=access.MANAGERS,
        )
        params = self.request.query_params
        kind = params.get("kind")
        if kind and kind not in Disagreement.Kind.values:
            raise ValidationFailed(
                "unknown kind",
                errors=[{"field": "kind", "code": "invalid_choice", "message": kind}],
            )
        return selectors.project_disagreements(
            project,
            kind=kind,
            min_severity=_positive(params.get("min_severity"), "min_severity"),
            article=_positive(params.get("article"), "article"),
        ).select_related("run")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(disagreement_rows(list(page or [])))


def _positive(raw: str | None, name: str) -> int | None:
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()):  # int() refuses "²", which isdigit()
        raise ValidationFailed(
            f"{name} must be a positive integer",
            errors=[{"field": name, "code": "invalid", "message": raw}],
        )
    return int(raw)
