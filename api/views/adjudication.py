"""Adjudication for supervisors: the disagreement queue, the side-by-side view, decisions,
validation and reopening; and the adjudicated version for the article's coders."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import BoundedJSONParser
from api.serializers.events import EventWriteSerializer, SpanWriteSerializer
from api.serializers.workflow import error_responses
from api.time_reports import TIME_HEADER, record_header_time
from coding import access
from coding.adjudication_selectors import (
    side_by_side,
)
from coding.codebook_spec import MAX_REF_ID
from coding.errors import NotFound, ValidationFailed
from coding.models import Adjudication, Article, User
from coding.services import adjudication as service
from coding.services.agreement import latest_article_run
from coding.services.events import EventInput, SpanInput
from coding.services.time_on_task import review_target


def adjudicated_article(user: User, project_id: int, article_id: int) -> Article:
    project, _ = access.access_project(user, project_id, roles=access.MANAGERS)
    article = (
        Article.objects.select_related("project").filter(project=project, pk=article_id).first()
    )
    if article is None:
        raise NotFound("article not found")
    return article


def record_review_time(request: Request, article: Article) -> None:
    """The request's Athar-Time report, as the supervisor's review time on the article."""
    record_header_time(
        request,
        lambda: review_target(article.project, article, request.user),  # type: ignore[arg-type]
    )


def opened_adjudication(article: Article) -> Adjudication:
    adjudication = Adjudication.objects.select_related("project").filter(article=article).first()
    if adjudication is None:
        raise NotFound("this article's adjudication has not been opened")
    return adjudication


# Every view below but the coder's one is for the project's supervisors and admins: other
# members get 403 before anything is looked up, non-members 404.
E403 = "Supervisors and admins of the project only"
E404 = "No such project or article (or the adjudication is not opened)"
# Writes take JSON only: a form encoding would silently drop nested objects (`fields`, spans).
WRITE_ERRORS = (400, 401, 403, 404, 409, 415, 422)


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in {"1", "true", "yes"}


class DecisionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["accept", "merge", "reject", "add"])
    cluster = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The aligned event's key (not for add)",
    )
    event = serializers.IntegerField(required=False, help_text="accept: the coder event")
    base_event = serializers.IntegerField(required=False, help_text="merge: start from this")
    fields = serializers.DictField(
        child=serializers.DictField(),
        required=False,
        default=dict,
        help_text='merge: {"field": {"from": event_id} | {"value": v}}',
    )
    event_type_from = serializers.IntegerField(required=False, allow_null=True)
    spans_from = serializers.ListField(
        child=serializers.IntegerField(), required=False, allow_null=True
    )
    spans = SpanWriteSerializer(many=True, required=False, allow_null=True)
    new_event = EventWriteSerializer(required=False, help_text="add: the event to add")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    reason_code = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)

    def validate_fields(self, fields: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """A merged field's `from` is an event id: a positive integer (not "abc", null, a list,
        an object, a float or a number beyond 64 bits). The rest is the service's to check."""
        problems: dict[str, dict[str, str]] = {}
        for key, choice in fields.items():
            source = choice.get("from")
            plain_int = isinstance(source, int) and not isinstance(source, bool)
            if "from" in choice and not (plain_int and 1 <= source <= MAX_REF_ID):
                problems[key] = {"from": f"an event id (an integer in [1, {MAX_REF_ID}])"}
        if problems:
            raise serializers.ValidationError(problems)
        return fields


class DecisionOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    cluster = serializers.CharField(allow_blank=True)
    gold_event = serializers.IntegerField(allow_null=True)
    revision = serializers.IntegerField()
    reason = serializers.CharField(allow_blank=True)
    reason_code = serializers.CharField(allow_blank=True)
    field_sources = serializers.DictField()
    decided_by = serializers.IntegerField()
    decided_at = serializers.DateTimeField(allow_null=True)
    source_events = serializers.ListField(child=serializers.IntegerField())
    active = serializers.BooleanField()
    version = serializers.IntegerField()


class SideBySideSerializer(serializers.Serializer):
    article = serializers.DictField(help_text="text, paragraphs (code points, direction), lengths")
    coders = serializers.ListField(
        child=serializers.DictField(), help_text="label, and id unless anonymized"
    )
    clusters = serializers.ListField(
        child=serializers.DictField(),
        help_text="key, unmatched, events by coder label, differences, differing_fields, decision",
    )
    adjudication = serializers.DictField(allow_null=True)
    gold_events = serializers.ListField(child=serializers.DictField())
    added_decisions = serializers.ListField(child=serializers.DictField())


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)


@extend_schema(tags=["adjudication"])
class ArticleAdjudicationView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("anonymize", bool, description="Hide coders' names")],
        responses={200: SideBySideSerializer, **error_responses(401, 403, 404, e403=E403)},
        summary="Side by side: the text once, aligned events in rows, coders in columns",
    )
    def get(self, request: Request, project_id: int, article_id: int) -> Response:
        article = adjudicated_article(request.user, project_id, article_id)  # type: ignore[arg-type]
        run = latest_article_run(article.pk)
        return Response(side_by_side(article, run, anonymize=_flag(request, "anonymize")))

    @extend_schema(
        request=None,
        responses={
            201: SideBySideSerializer,
            **error_responses(401, 403, 404, 409, e403=E403, e409="Coders still working"),
        },
        summary="Open the article's adjudication (auto-accepts unanimous events when "
        "the project allows it)",
    )
    def post(self, request: Request, project_id: int, article_id: int) -> Response:
        article = adjudicated_article(request.user, project_id, article_id)  # type: ignore[arg-type]
        adjudication = service.adjudication_open(article_id=article.pk, actor=request.user)  # type: ignore[arg-type]
        if (
            article.project.settings.get("auto_accept_unanimous")
            and adjudication.status == Adjudication.Status.OPEN
        ):
            service.auto_accept_unanimous(adjudication=adjudication)
        run = latest_article_run(article.pk)
        return Response(side_by_side(article, run, anonymize=False), status=status.HTTP_201_CREATED)


@extend_schema(tags=["adjudication"])
class DecisionsView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        request=DecisionSerializer,
        responses={
            201: DecisionOutSerializer,
            **error_responses(
                *WRITE_ERRORS,
                e403=E403,
                e404="No such project, article or aligned event, or the adjudication is not opened",
                e409="Already decided (the winning decision is returned as `decision`) "
                "or the article is validated",
                e422="Invalid decision, or the gold event does not fit the codebook",
            ),
        },
        parameters=[TIME_HEADER],
        summary="Decide an aligned event: accept, merge field by field, reject, or add one",
    )
    def post(self, request: Request, project_id: int, article_id: int) -> Response:
        with transaction.atomic():  # the review time is kept only if the decision is
            article = adjudicated_article(request.user, project_id, article_id)  # type: ignore[arg-type]
            record_review_time(request, article)
            return self._decide(request, article)

    def _decide(self, request: Request, article: Article) -> Response:
        adjudication = opened_adjudication(article)
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        kind, actor = data["kind"], request.user
        common = {
            "adjudication": adjudication,
            "actor": actor,
            "reason": data["reason"],
            "reason_code": data["reason_code"],
        }
        if kind != "add" and not data["cluster"]:
            raise ValidationFailed(
                "cluster is required",
                errors=[{"field": "cluster", "code": "required", "message": "required"}],
            )
        if kind == "accept":
            if "event" not in data:
                raise ValidationFailed(
                    "event is required",
                    errors=[{"field": "event", "code": "required", "message": "required"}],
                )
            decision = service.decision_accept(
                cluster_key=data["cluster"], event_id=data["event"], **common
            )
        elif kind == "merge":
            if "base_event" not in data:
                raise ValidationFailed(
                    "base_event is required",
                    errors=[{"field": "base_event", "code": "required", "message": "required"}],
                )
            spans = [SpanInput(**s) for s in data["spans"]] if data.get("spans") else None
            decision = service.decision_merge(
                cluster_key=data["cluster"],
                base_event=data["base_event"],
                fields=data["fields"],
                event_type_from=data.get("event_type_from"),
                spans_from=data.get("spans_from"),
                spans=spans,
                **common,
            )
        elif kind == "reject":
            decision = service.decision_reject(cluster_key=data["cluster"], **common)
        else:
            if "new_event" not in data:
                raise ValidationFailed(
                    "new_event is required",
                    errors=[{"field": "new_event", "code": "required", "message": "required"}],
                )
            decision = service.decision_add(data=_event_input(data["new_event"]), **common)
        return Response(service.decision_dict(decision), status=status.HTTP_201_CREATED)


def _event_input(data: dict[str, Any]) -> EventInput:
    return EventInput(
        event_type=data["event_type"],
        event_subtype=data.get("event_subtype"),
        values=data.get("values") or {},
        memo=data.get("memo") or "",
        spans=[SpanInput(**s) for s in data.get("spans") or []],
    )


@extend_schema(tags=["adjudication"])
class UndoDecisionView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        request=VersionSerializer,
        responses={
            200: DecisionOutSerializer,
            **error_responses(
                *WRITE_ERRORS,
                412,
                e403=E403,
                e404="No such live decision (or project, article)",
                e409="The article is validated",
            ),
        },
    )
    def post(
        self, request: Request, project_id: int, article_id: int, decision_id: int
    ) -> Response:
        article = adjudicated_article(request.user, project_id, article_id)  # type: ignore[arg-type]
        serializer = VersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = service.decision_undo(
            adjudication=opened_adjudication(article),
            actor=request.user,  # type: ignore[arg-type]
            decision_id=decision_id,
            expected_version=serializer.validated_data["version"],
        )
        return Response(service.decision_dict(decision))


@extend_schema(tags=["adjudication"])
class GoldEventView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        request=EventWriteSerializer,
        responses={
            200: DecisionOutSerializer,
            **error_responses(
                *WRITE_ERRORS,
                412,
                e403=E403,
                e404="No such gold event in this adjudication (or project, article)",
                e409="The article is validated",
            ),
        },
    )
    def put(self, request: Request, project_id: int, article_id: int, event_id: int) -> Response:
        article = adjudicated_article(request.user, project_id, article_id)  # type: ignore[arg-type]
        serializer = EventWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if "version" not in serializer.validated_data:
            raise ValidationFailed(
                "version is required",
                errors=[{"field": "version", "code": "required", "message": "required"}],
            )
        decision = service.gold_event_edit(
            adjudication=opened_adjudication(article),
            actor=request.user,
            event_id=event_id,  # type: ignore[arg-type]
            data=_event_input(serializer.validated_data),
            expected_version=serializer.validated_data["version"],
        )
        return Response(service.decision_dict(decision))
