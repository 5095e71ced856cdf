"""The machine coder's suggestions on the coding screen, accepting one, and (supervisors)
which coder events began from a suggestion."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import BoundedJSONParser
from api.presenters import event_dict
from api.serializers.events import EventReadSerializer
from api.serializers.workflow import error_responses
from coding import access
from coding.codebook_runtime import event_type_codes
from coding.errors import ValidationFailed
from coding.models import CodedEvent
from coding.recommender_suggestions import MachineEvent, assignment_suggestions
from coding.services.recommender_accept import suggestion_accept
from coding.text.offsets import OffsetMap


class MachineSpanSerializer(serializers.Serializer):
    role = serializers.CharField()
    start = serializers.IntegerField(help_text="Code points")
    end = serializers.IntegerField()
    start_u16 = serializers.IntegerField(help_text="UTF-16 units (browsers)")
    end_u16 = serializers.IntegerField()
    quote = serializers.CharField()


class MachineSuggestionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Names the suggestion when accepting it")
    event_type = serializers.CharField()
    event_subtype = serializers.CharField(allow_null=True)
    confidence = serializers.FloatField(help_text="Calibrated probability of the type")
    subtype_confidence = serializers.FloatField(allow_null=True)
    sentence = MachineSpanSerializer()
    values = serializers.DictField(help_text="Fields pre-filled from the dictionary and dates")
    spans = MachineSpanSerializer(many=True)


def _span(role: str, start: int, end: int, text: str, offsets: OffsetMap) -> dict[str, Any]:
    return {
        "role": role,
        "start": start,
        "end": end,
        "start_u16": offsets.cp_to_u16(start),
        "end_u16": offsets.cp_to_u16(end),
        "quote": text[start:end],
    }


def _suggestion(event: MachineEvent, text: str, offsets: OffsetMap) -> dict[str, Any]:
    return {
        "key": event.key,
        "event_type": event.event_type,
        "event_subtype": event.event_subtype,
        "confidence": event.confidence,
        "subtype_confidence": event.subtype_confidence,
        "sentence": _span("sentence", *event.sentence, text, offsets),
        "values": event.values,
        "spans": [_span(role, s, e, text, offsets) for role, s, e in event.spans],
    }


@extend_schema(tags=["recommender"])
class MachineSuggestionsView(APIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "MachineSuggestions",
                {
                    "status": serializers.CharField(help_text="ready, off, none, stale, training"),
                    "message": serializers.CharField(),
                    "model": serializers.IntegerField(allow_null=True),
                    "suggestions": MachineSuggestionSerializer(many=True),
                },
            ),
            **error_responses(401, 404, e404="No such assignment, or not yours (coders)"),
        },
        summary="The machine coder's suggested events for this assignment's article (never "
        "saved as the coder's work unless accepted)",
    )
    def get(self, request: Request, assignment_id: int) -> Response:
        assignment = access.access_assignment(request.user, assignment_id)  # type: ignore[arg-type]
        found = assignment_suggestions(assignment, request.user)
        text = assignment.article.text
        offsets = OffsetMap(text)
        return Response(
            {
                "status": found.status,
                "message": found.message,
                "model": None if found.model is None else found.model.number,
                "suggestions": [_suggestion(e, text, offsets) for e in found.events],
            }
        )


class AcceptSuggestionSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=120)


@extend_schema(tags=["recommender"])
class AcceptSuggestionView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        request=AcceptSuggestionSerializer,
        responses={
            201: EventReadSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                409,
                415,
                422,
                e404="No such assignment (or not yours), or no such suggestion",
                e409="Submitted, suggestions off, or this suggestion was already accepted",
            ),
        },
        summary="Accept a suggestion: it becomes the coder's own (editable) event",
    )
    def post(self, request: Request, assignment_id: int) -> Response:
        serializer = AcceptSuggestionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            assignment = access.access_assignment_for_write(request.user, assignment_id)  # type: ignore[arg-type]
            written = suggestion_accept(
                assignment=assignment,
                actor=request.user,  # type: ignore[arg-type]
                key=serializer.validated_data["key"],
            )
        body = event_dict(
            written.event,
            event_type_codes(assignment.project.codebook_version_id),
            OffsetMap(assignment.article.text),
            written.spans,
        )
        return Response(
            body, status=status.HTTP_201_CREATED, headers={"ETag": f'"v{body["version"]}"'}
        )


class SuggestionOriginSerializer(serializers.Serializer):
    event = serializers.IntegerField()
    article = serializers.IntegerField()
    assignment = serializers.IntegerField()
    coder = serializers.IntegerField()
    model = serializers.IntegerField(help_text="Number of the model that suggested it")
    confidence = serializers.FloatField()
    key = serializers.CharField()


@extend_schema(tags=["recommender"])
class SuggestionOriginsView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("article", int, description="Only this article's events")],
        responses={
            200: SuggestionOriginSerializer(many=True),
            **error_responses(401, 403, 404, 422),
        },
        summary="Coder events that began from a machine suggestion (supervisors; read-only)",
    )
    def get(self, request: Request, project_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=access.MANAGERS)  # type: ignore[arg-type]
        rows = CodedEvent.objects.filter(
            article__project=project, layer="coder", suggested_by__isnull=False
        )
        raw = request.query_params.get("article")
        if raw is not None:
            if not (raw.isascii() and raw.isdigit()):
                raise ValidationFailed(
                    "article must be an id",
                    errors=[{"field": "article", "code": "invalid", "message": raw[:40]}],
                )
            rows = rows.filter(article_id=int(raw))
        return Response(
            [
                {
                    "event": pk,
                    "article": article,
                    "assignment": assignment,
                    "coder": coder,
                    "model": number,
                    "confidence": confidence,
                    "key": key,
                }
                for pk, article, assignment, coder, number, confidence, key in rows.order_by(
                    "pk"
                ).values_list(
                    "pk",
                    "article_id",
                    "assignment_id",
                    "assignment__coder_id",
                    "suggested_by__number",
                    "suggestion_confidence",
                    "suggestion_key",
                )[:10_000]
            ]
        )
