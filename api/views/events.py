"""A coder's events on their assignment, with evidence spans.

Writes accept `?offset_unit=utf16` (browser offsets; converted on the server). Updates need
the version being edited, as `If-Match: "v<version>"` or `version` in the body; a stale one
gets 412 and nothing changes.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import BoundedJSONParser
from api.presenters import event_dict
from api.serializers.events import (
    EventReadSerializer,
    EventWriteSerializer,
    validated_event_body,
)
from api.serializers.workflow import error_responses
from api.time_reports import TIME_HEADER, record_header_time
from coding import access, selectors
from coding.codebook_runtime import event_type_codes
from coding.errors import ValidationFailed
from coding.models import CodedEvent
from coding.services.events import (
    EventInput,
    OffsetUnit,
    SpanInput,
    event_create_locked,
    event_delete_locked,
    event_update_locked,
)
from coding.services.time_on_task import coding_target
from coding.text.offsets import OffsetMap

OFFSET_UNIT = OpenApiParameter(
    "offset_unit",
    str,
    enum=["cp", "utf16"],
    description="Unit of the span offsets you send: code points (default) or UTF-16 units.",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description='The version you edited, as "v3".',
)
_ETAG = re.compile(r'^(?:W/)?"v(\d+)"$')


def _offset_unit(request: Request) -> OffsetUnit:
    unit = request.query_params.get("offset_unit", "cp")
    if unit not in ("cp", "utf16"):
        raise ValidationFailed(
            "offset_unit must be cp or utf16",
            errors=[{"field": "offset_unit", "code": "invalid_choice", "message": f"{unit!r}"}],
        )
    return unit  # type: ignore[return-value]


def _event_input(request: Request, data: dict[str, Any]) -> EventInput:
    return EventInput(
        event_type=data["event_type"],
        event_subtype=data.get("event_subtype") or None,
        values=data.get("values") or {},
        memo=data.get("memo") or "",
        spans=[SpanInput(**span) for span in data.get("spans") or []],
        offset_unit=_offset_unit(request),
    )


def _record_time(request: Request, event: CodedEvent) -> None:
    """The request's Athar-Time report, on the event's (locked) assignment."""
    assignment = event.assignment
    assert assignment is not None
    record_header_time(request, lambda: coding_target(assignment, request.user))  # type: ignore[arg-type]


def _render(event: CodedEvent) -> dict[str, Any]:
    fresh = CodedEvent.objects.select_related("article").prefetch_related("spans").get(pk=event.pk)
    codes = event_type_codes(fresh.codebook_version_id)
    return event_dict(fresh, codes, OffsetMap(fresh.article.text))


def _query_version(request: Request) -> int | None:
    """`?version=` as an int; only ASCII digits (int() would choke on "²", which isdigit())."""
    raw = request.query_params.get("version")
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise ValidationFailed(
            "version must be a positive integer",
            errors=[{"field": "version", "code": "invalid", "message": raw}],
        )
    return int(raw)


def _expected_version(request: Request, body_version: int | None) -> int:
    header = request.headers.get("If-Match")
    if header:
        match = _ETAG.match(header.strip())
        if not match:
            raise ValidationFailed(
                'If-Match must look like "v3"',
                errors=[{"field": "If-Match", "code": "invalid", "message": header}],
            )
        return int(match.group(1))
    if body_version is None:
        raise ValidationFailed(
            "say which version you edited",
            code="version_required",
            errors=[
                {
                    "field": "version",
                    "code": "required",
                    "message": 'send "version" in the body or an If-Match: "v<version>" header',
                }
            ],
        )
    return body_version


@extend_schema(tags=["events"])
class AssignmentEventsView(APIView):
    # JSON only: a form encoding cannot carry `values` and `spans`, which DRF would then
    # silently read as empty.
    parser_classes = [BoundedJSONParser]

    @extend_schema(responses={200: EventReadSerializer(many=True), **error_responses(401, 404)})
    def get(self, request: Request, assignment_id: int) -> Response:
        assignment = access.access_assignment(request.user, assignment_id)  # type: ignore[arg-type]
        codes = event_type_codes(assignment.project.codebook_version_id)
        offsets = OffsetMap(assignment.article.text)
        return Response(
            [event_dict(e, codes, offsets) for e in selectors.assignment_events(assignment)]
        )

    @extend_schema(
        request=EventWriteSerializer,
        parameters=[OFFSET_UNIT, TIME_HEADER],
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
                e409="The assignment is submitted (read-only)",
                e422="Per-field errors; spans that do not match the text",
            ),
        },
    )
    def post(self, request: Request, assignment_id: int) -> Response:
        # One transaction from the access check on: the check takes the assignment's row lock
        # (one query for both), and the service writes under it.
        with transaction.atomic():
            assignment = access.access_assignment_for_write(request.user, assignment_id)  # type: ignore[arg-type]
            record_header_time(request, lambda: coding_target(assignment, request.user))  # type: ignore[arg-type]
            created = event_create_locked(
                assignment=assignment,
                actor=request.user,  # type: ignore[arg-type]
                data=_event_input(request, validated_event_body(request.data)),
            )
        # The response is the event as written (values as stored), not read back.
        body = event_dict(
            created.event,
            event_type_codes(assignment.project.codebook_version_id),
            OffsetMap(assignment.article.text),
            created.spans,
        )
        return Response(
            body, status=status.HTTP_201_CREATED, headers={"ETag": f'"v{body["version"]}"'}
        )


@extend_schema(tags=["events"])
class EventDetailView(APIView):
    parser_classes = [BoundedJSONParser]  # see AssignmentEventsView

    @extend_schema(responses={200: EventReadSerializer, **error_responses(401, 404)})
    def get(self, request: Request, event_id: int) -> Response:
        event = access.access_coder_event(request.user, event_id)  # type: ignore[arg-type]
        body = _render(event)
        return Response(body, headers={"ETag": f'"v{body["version"]}"'})

    @extend_schema(
        request=EventWriteSerializer,
        parameters=[OFFSET_UNIT, IF_MATCH, TIME_HEADER],
        responses={
            200: EventReadSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                409,
                412,
                415,
                422,
                e409="The assignment is submitted (read-only)",
                e422="Per-field errors; a missing or malformed version",
            ),
        },
    )
    def put(self, request: Request, event_id: int) -> Response:
        with transaction.atomic():  # see AssignmentEventsView.post
            event = access.access_coder_event_for_write(request.user, event_id)  # type: ignore[arg-type]
            _record_time(request, event)
            data = validated_event_body(request.data)
            updated = event_update_locked(
                event=event,
                actor=request.user,  # type: ignore[arg-type]
                data=_event_input(request, data),
                expected_version=_expected_version(request, data.get("version")),
            )
        assert event.assignment is not None
        body = event_dict(
            updated.event,
            event_type_codes(event.assignment.project.codebook_version_id),
            OffsetMap(event.assignment.article.text),
            updated.spans,
        )
        return Response(body, headers={"ETag": f'"v{body["version"]}"'})

    @extend_schema(
        parameters=[IF_MATCH, OpenApiParameter("version", int), TIME_HEADER],
        responses={
            204: None,
            **error_responses(
                401,
                403,
                404,
                409,
                412,
                422,
                e409="The assignment is submitted (read-only)",
                e422="No version given (If-Match or ?version=)",
            ),
        },
    )
    def delete(self, request: Request, event_id: int) -> Response:
        with transaction.atomic():  # see AssignmentEventsView.post
            event = access.access_coder_event_for_write(request.user, event_id)  # type: ignore[arg-type]
            _record_time(request, event)
            version = _expected_version(request, _query_version(request))
            event_delete_locked(event=event, actor=request.user, expected_version=version)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)
