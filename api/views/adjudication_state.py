"""An adjudication's state: validate, reopen, and the adjudicated version a coder may see."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import BoundedJSONParser
from api.serializers.workflow import error_responses
from api.time_reports import TIME_HEADER
from api.views.adjudication import (
    E403,
    E404,
    WRITE_ERRORS,
    VersionSerializer,
    adjudicated_article,
    opened_adjudication,
    record_review_time,
)
from coding import access
from coding.adjudication_selectors import event_dict
from coding.codebook_runtime import event_type_codes
from coding.models import Adjudication, CodedEvent
from coding.services import adjudication as service


class AdjudicationOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    revision = serializers.IntegerField()
    version = serializers.IntegerField()
    validated_at = serializers.DateTimeField(allow_null=True)
    validated_by = serializers.IntegerField(allow_null=True)


class AdjudicatedSerializer(serializers.Serializer):
    adjudication = AdjudicationOutSerializer()
    gold_events = serializers.ListField(child=serializers.DictField())
    my_events = serializers.ListField(child=serializers.DictField())


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


@extend_schema(tags=["adjudication"])
class ValidateView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        request=VersionSerializer,
        responses={
            200: AdjudicationOutSerializer,
            **error_responses(
                *WRITE_ERRORS,
                412,
                e403=E403,
                e404=E404,
                e409="Validated already",
                e422="Aligned events still undecided (listed), or no version",
            ),
        },
        parameters=[TIME_HEADER],
        summary="Mark the article validated (every aligned event decided)",
    )
    def post(self, request: Request, project_id: int, article_id: int) -> Response:
        with transaction.atomic():  # the review time is kept only if the validation is
            article = adjudicated_article(request.user, project_id, article_id)  # type: ignore[arg-type]
            record_review_time(request, article)
            serializer = VersionSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            adjudication = service.adjudication_validate(
                adjudication=opened_adjudication(article),
                actor=request.user,  # type: ignore[arg-type]
                expected_version=serializer.validated_data["version"],
            )
        return Response(adjudication_dict(adjudication))


@extend_schema(tags=["adjudication"])
class ReopenAdjudicationView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        request=ReasonSerializer,
        responses={
            200: AdjudicationOutSerializer,
            **error_responses(
                *WRITE_ERRORS, e403=E403, e404=E404, e409="Not validated", e422="No reason"
            ),
        },
        summary="Reopen a validated article (a new revision; audited)",
    )
    def post(self, request: Request, project_id: int, article_id: int) -> Response:
        article = adjudicated_article(request.user, project_id, article_id)  # type: ignore[arg-type]
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        adjudication = service.adjudication_reopen(
            adjudication=opened_adjudication(article),
            actor=request.user,  # type: ignore[arg-type]
            reason=serializer.validated_data["reason"],
        )
        return Response(adjudication_dict(adjudication))


def adjudication_dict(adjudication: Adjudication) -> dict[str, Any]:
    return {
        "id": adjudication.pk,
        "status": adjudication.status,
        "revision": adjudication.revision,
        "version": adjudication.version,
        "validated_at": adjudication.validated_at,
        "validated_by": adjudication.validated_by_id,
    }


@extend_schema(tags=["adjudication"])
class AdjudicatedForCoderView(APIView):
    """Once their assignment is submitted and the article validated, a coder sees the
    adjudicated (gold) version of their article next to their own events — never another
    coder's; a coder still (or again) coding gets 409 whatever the article's state."""

    @extend_schema(
        responses={
            200: AdjudicatedSerializer,
            **error_responses(
                401,
                404,
                409,
                e404="No such assignment, or not yours (coders)",
                e409="Not validated yet, or your assignment is not submitted",
            ),
        }
    )
    def get(self, request: Request, assignment_id: int) -> Response:
        assignment, adjudication = access.access_adjudicated(request.user, assignment_id)  # type: ignore[arg-type]
        codes = event_type_codes(assignment.project.codebook_version_id)
        gold = CodedEvent.objects.filter(adjudication=adjudication).prefetch_related("spans")
        mine = CodedEvent.objects.filter(assignment=assignment).prefetch_related("spans")
        return Response(
            {
                "adjudication": adjudication_dict(adjudication),
                "gold_events": [event_dict(e, codes) for e in gold],
                "my_events": [event_dict(e, codes) for e in mine],
            }
        )
