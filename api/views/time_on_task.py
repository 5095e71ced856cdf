"""Active time on task: reports from the screens, and reading it back.

A coder reads and reports time on their own assignments only; supervisors and admins read
any assignment's time and report their own review time on the project's articles. Every
report goes through coding.services.time_on_task (see api/time_reports.py for the same
report riding on the screens' write requests).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import BoundedJSONParser
from api.serializers.workflow import error_responses
from coding import access, time_selectors
from coding.errors import NotFound, ValidationFailed
from coding.models import Article, User
from coding.services.time_on_task import (
    coding_target,
    idle_seconds,
    review_target,
    time_report_record,
)
from coding.time_selectors import MY_TASKS

MY_DAYS = 56


class TimeReportSerializer(serializers.Serializer):
    """For the schema: the service checks the body itself (time_report_refused, 422)."""

    tab = serializers.CharField(help_text="The browser tab's id: 8 to 64 letters, digits, - or _.")
    intervals = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2),
        help_text="[[start, end], ...]: active stretches in seconds relative to sending "
        "(start < end <= 0), in order, none before this tab's previous report.",
    )


class TimeReportResultSerializer(serializers.Serializer):
    added_seconds = serializers.FloatField(
        help_text="Seconds not counted before (0 if another tab covered them)."
    )
    total_seconds = serializers.FloatField()


class TimeDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    seconds = serializers.FloatField()


class AssignmentTimeSerializer(serializers.Serializer):
    assignment = serializers.IntegerField()
    total_seconds = serializers.FloatField()
    idle_seconds = serializers.IntegerField(help_text="The project's idle setting.")
    days = TimeDaySerializer(many=True)


class ReviewTimeSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    total_seconds = serializers.FloatField(help_text="The signed-in user's review time")
    idle_seconds = serializers.IntegerField(help_text="The project's idle setting.")


class MyDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    activity = serializers.ChoiceField(choices=["coding", "review"])
    seconds = serializers.FloatField()


class MyTaskSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    article = serializers.IntegerField()
    assignment = serializers.IntegerField(allow_null=True)
    activity = serializers.ChoiceField(choices=["coding", "review"])
    seconds = serializers.FloatField()
    updated_at = serializers.DateTimeField()


class MyTimeSerializer(serializers.Serializer):
    days = MyDaySerializer(many=True, help_text=f"The last {MY_DAYS} days, per activity")
    tasks = MyTaskSerializer(many=True, help_text=f"The {MY_TASKS} tasks worked on last")


def _report_body(request: Request) -> tuple[object, object]:
    data = request.data
    if not isinstance(data, dict) or set(data) != {"tab", "intervals"}:
        raise ValidationFailed(
            'time report refused: the body must be an object with exactly "tab" and "intervals"',
            code="time_report_refused",
        )
    return data["tab"], data["intervals"]


def _result(result: Any) -> dict[str, float]:
    return {"added_seconds": result.added_seconds, "total_seconds": result.total_seconds}


@extend_schema(tags=["time"])
class AssignmentTimeView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        responses={200: AssignmentTimeSerializer, **error_responses(401, 404)},
        summary="Active time on an assignment (its coder, and the project's supervisors)",
    )
    def get(self, request: Request, assignment_id: int) -> Response:
        assignment = access.access_assignment(request.user, assignment_id)  # type: ignore[arg-type]
        days = time_selectors.task_days({"assignment_id": assignment.pk})
        return Response(
            {
                "assignment": assignment.pk,
                "total_seconds": sum(d["seconds"] for d in days),
                "idle_seconds": idle_seconds(assignment.project),
                "days": [{"day": d["day"], "seconds": d["seconds"]} for d in days],
            }
        )

    @extend_schema(
        request=TimeReportSerializer,
        responses={
            200: TimeReportResultSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                409,
                415,
                422,
                e409="The assignment is submitted",
                e422="time_report_refused: negative, future, overlapping or already "
                "reported time (nothing recorded)",
            ),
        },
        summary="Report the coder's active time on their assignment (a tab's last report)",
    )
    def post(self, request: Request, assignment_id: int) -> Response:
        with transaction.atomic():
            assignment = access.access_assignment_for_write(request.user, assignment_id)  # type: ignore[arg-type]
            tab, intervals = _report_body(request)
            result = time_report_record(
                target=coding_target(assignment, request.user),  # type: ignore[arg-type]
                tab=tab,
                intervals=intervals,
            )
        return Response(_result(result))


def _review_article(user: User, project_id: int, article_id: int) -> Article:
    project, _ = access.access_project(user, project_id, roles=access.MANAGERS)
    article = Article.objects.filter(project=project, pk=article_id).first()
    if article is None:
        raise NotFound("article not found")
    article.project = project
    return article


@extend_schema(tags=["time"])
class ReviewTimeView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        responses={
            200: ReviewTimeSerializer,
            **error_responses(401, 403, 404, e403="Supervisors and admins of the project only"),
        },
        summary="My own active review time on an article, and the project's idle setting",
    )
    def get(self, request: Request, project_id: int, article_id: int) -> Response:
        article = _review_article(request.user, project_id, article_id)  # type: ignore[arg-type]
        rows = time_selectors.my_time(
            request.user,  # type: ignore[arg-type]
            project_id=project_id,
            article_id=article.pk,
        )
        return Response(
            {
                "article": article.pk,
                "total_seconds": sum(r["seconds"] for r in rows if r["activity"] == "review"),
                "idle_seconds": idle_seconds(article.project),
            }
        )

    @extend_schema(
        request=TimeReportSerializer,
        responses={
            200: TimeReportResultSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                415,
                422,
                e403="Supervisors and admins of the project only",
                e422="time_report_refused (nothing recorded)",
            ),
        },
        summary="Report a supervisor's active review time on an article",
    )
    def post(self, request: Request, project_id: int, article_id: int) -> Response:
        article = _review_article(request.user, project_id, article_id)  # type: ignore[arg-type]
        tab, intervals = _report_body(request)
        result = time_report_record(
            target=review_target(article.project, article, request.user),  # type: ignore[arg-type]
            tab=tab,
            intervals=intervals,
        )
        return Response(_result(result))


def _id_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise ValidationFailed(
            f"{name} must be an id",
            errors=[{"field": name, "code": "invalid", "message": repr(raw[:40])}],
        )
    return int(raw)


@extend_schema(tags=["time"])
class MyTimeView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("project", int, description="Only this project"),
            OpenApiParameter("article", int, description="Only this article"),
        ],
        responses={200: MyTimeSerializer, **error_responses(401, 422)},
        summary="My active time: per day (the last 8 weeks) and per task (the latest 100)",
    )
    def get(self, request: Request) -> Response:
        user: User = request.user  # type: ignore[assignment]
        project_id = _id_param(request, "project")
        tasks = time_selectors.my_time(
            user, project_id=project_id, article_id=_id_param(request, "article")
        )
        since = timezone.localdate() - timedelta(days=MY_DAYS - 1)
        days = time_selectors.my_days(user, project_id=project_id, since=since)
        return Response(
            {
                "days": days,
                "tasks": [
                    {
                        "project": r["project_id"],
                        "article": r["article_id"],
                        "assignment": r["assignment_id"],
                        "activity": r["activity"],
                        "seconds": r["seconds"],
                        "updated_at": r["updated_at"],
                    }
                    for r in tasks
                ],
            }
        )
