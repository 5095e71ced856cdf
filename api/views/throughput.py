"""The throughput and progress dashboard's figures (supervisors and admins of the project):
per user and week, and the project's articles per state over time; JSON or CSV (payroll).
Definitions: coding/throughput_selectors.py and docs/supervisor-guide.md."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.workflow import error_responses
from coding import access
from coding.errors import ValidationFailed
from coding.exporting.cells import guard_formula
from coding.models import Project, User
from coding.services.time_on_task import idle_seconds
from coding.throughput_selectors import ThroughputFilter, throughput

MAX_CODERS = 500
# The dates a filter may name: the weekly progress series has one row per week between them.
FIRST_YEAR, LAST_YEAR = 2000, 2100

PARAMETERS = [
    OpenApiParameter(
        "coder", str, description="Only these users: ids separated by commas (e.g. 4,7)"
    ),
    OpenApiParameter("from", date, description="First day (YYYY-MM-DD), inclusive"),
    OpenApiParameter("to", date, description="Last day (YYYY-MM-DD), inclusive"),
]

CSV_COLUMNS = [
    "week",
    "user",
    "username",
    "articles",
    "events",
    "active_minutes",
    "review_minutes",
    "median_minutes_per_article",
    "median_minutes_per_event",
    "share_submitted",
    "share_adjudicated",
]


class ThroughputRowSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The week's Monday")
    user = serializers.IntegerField()
    username = serializers.CharField()
    articles = serializers.IntegerField(help_text="Assignments submitted that week")
    events = serializers.IntegerField(help_text="Coder events in those assignments")
    active_minutes = serializers.FloatField(help_text="Active coding time counted that week")
    review_minutes = serializers.FloatField(help_text="Active review time counted that week")
    median_minutes_per_article = serializers.FloatField(allow_null=True)
    median_minutes_per_event = serializers.FloatField(allow_null=True)
    share_submitted = serializers.FloatField(allow_null=True)
    share_adjudicated = serializers.FloatField(allow_null=True)


class ProgressRowSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The week's Monday; counts at its end")
    to_code = serializers.IntegerField()
    submitted = serializers.IntegerField()
    in_adjudication = serializers.IntegerField()
    validated = serializers.IntegerField()


class ThroughputSerializer(serializers.Serializer):
    idle_seconds = serializers.IntegerField()
    rows = ThroughputRowSerializer(many=True)
    progress = ProgressRowSerializer(many=True)


def _bad(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        f"{field}: {message}", errors=[{"field": field, "code": "invalid", "message": message}]
    )


def _day(request: Request, name: str) -> date | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        day = date.fromisoformat(raw)  # type: ignore[arg-type]
    except ValueError:
        raise _bad(name, "a date as YYYY-MM-DD") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise _bad(name, f"a date from {FIRST_YEAR} to {LAST_YEAR}")
    return day


def _filter(request: Request) -> ThroughputFilter:
    raw = request.query_params.get("coder", "")
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if len(parts) > MAX_CODERS or not all(p.isdigit() and len(p) <= 12 for p in parts):
        raise _bad("coder", f"up to {MAX_CODERS} user ids separated by commas")
    first, last = _day(request, "from"), _day(request, "to")
    if first and last and first > last:
        raise _bad("from", "the first day is after the last day")
    return ThroughputFilter(coder_ids=tuple(int(p) for p in parts), date_from=first, date_to=last)


def _figures(request: Request, project_id: int) -> tuple[Project, dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    project, _ = access.access_project(user, project_id, roles=access.MANAGERS)
    return project, throughput(project, _filter(request))


@extend_schema(tags=["throughput"])
class ThroughputView(APIView):
    @extend_schema(
        parameters=PARAMETERS,
        responses={
            200: ThroughputSerializer,
            **error_responses(401, 403, 404, 422, e403="Supervisors and admins only"),
        },
        summary="Throughput per user and week, and the project's progress per week",
    )
    def get(self, request: Request, project_id: int) -> Response:
        project, figures = _figures(request, project_id)
        return Response({"idle_seconds": idle_seconds(project), **figures})


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return value


@extend_schema(tags=["throughput"])
class ThroughputCsvView(APIView):
    @extend_schema(
        parameters=PARAMETERS,
        responses={
            (200, "text/csv"): OpenApiResponse(
                description="One row per user and week: " + ", ".join(CSV_COLUMNS)
            ),
            **error_responses(401, 403, 404, 422, e403="Supervisors and admins only"),
        },
        summary="The per-user weekly figures as CSV (for payroll and reports)",
    )
    def get(self, request: Request, project_id: int) -> HttpResponse:
        project, figures = _figures(request, project_id)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for row in figures["rows"]:
            cells = [_cell(row[c]) for c in CSV_COLUMNS]
            cells[2] = guard_formula(row["username"])
            writer.writerow(cells)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{project.slug}-throughput.csv"'
        return response
