"""The validated dataset for researchers: filtered streaming exports and immutable releases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import BoundedJSONParser
from api.serializers.workflow import error_responses
from coding import access
from coding.codebook_runtime import version_spec
from coding.errors import NotFound, ValidationFailed
from coding.export_selectors import ExportFilters
from coding.export_streams import export_bytes
from coding.exporting.reliability_html import STYLE_CSP_SOURCE
from coding.models import DatasetRelease, ReleaseFile
from coding.services.projects import csv_formula_guard
from coding.services.releases import release_request

READERS = {*access.MANAGERS, access.RESEARCHER}
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "jsonl": ("application/x-ndjson; charset=utf-8", "jsonl"),
    "geojson": ("application/geo+json; charset=utf-8", "geojson"),
    "plover": ("application/x-ndjson; charset=utf-8", "plover.jsonl"),
}
FILTER_PARAMS = [
    OpenApiParameter("format", str, enum=list(FORMATS), description="Default csv"),
    OpenApiParameter("bom", bool, description="CSV: start with a UTF-8 byte-order mark (Excel)"),
    OpenApiParameter(
        "formula_guard",
        bool,
        description=(
            "CSV: prefix ' to text cells a spreadsheet would run as formulas. Default: the "
            "project's csv_formula_guard setting (on unless set to false); false gives the "
            "values exactly."
        ),
    ),
    OpenApiParameter("date_from", str, description="YYYY-MM-DD (events ending on/after)"),
    OpenApiParameter("date_to", str, description="YYYY-MM-DD (events starting on/before)"),
    OpenApiParameter("event_type", str, description="A type or sub-type code"),
    OpenApiParameter("actor", int, description="Actor dictionary id (any actor field)"),
    OpenApiParameter("location", int),
    OpenApiParameter("admin1", str, description="Region: ISO 3166-2 code (ML-6) or name"),
    OpenApiParameter("country", str, description="ISO 3166-1 alpha-2"),
    OpenApiParameter("source", str, description="Article source, exactly"),
    OpenApiParameter(
        "validated_since",
        str,
        description=(
            "ISO datetime: only changes after it (incremental sync; JSONL carries retractions). "
            "Keep the X-Athar-As-Of response header as your next value."
        ),
    ),
]


def _bad(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        f"{field}: {message}", errors=[{"field": field, "code": "invalid", "message": message}]
    )


def _flag(params: Any, name: str, default: bool) -> bool:
    """A true/false query parameter; anything but true/false/1/0/yes/no is refused."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    value = raw.lower()
    if value in {"1", "true", "yes"}:
        return True
    if value in {"0", "false", "no"}:
        return False
    raise _bad(name, "true or false")


def _filters(params: Any) -> ExportFilters:
    def date(name: str) -> dt.date | None:
        raw = params.get(name)
        if not raw:
            return None
        try:
            value = parse_date(raw)
        except ValueError:  # well-formed but impossible, e.g. 2022-02-31
            value = None
        if value is None:
            raise _bad(name, f"{raw!r} is not a YYYY-MM-DD date")
        return value

    def integer(name: str) -> int | None:
        raw = params.get(name)
        if not raw:
            return None
        if not (raw.isascii() and raw.isdigit()):
            raise _bad(name, f"{raw!r} is not an id")
        return int(raw)

    since = None
    if params.get("validated_since"):
        try:
            since = parse_datetime(params["validated_since"])
        except ValueError:
            since = None
        if since is None:
            raise _bad("validated_since", "not an ISO 8601 datetime")
        if timezone.is_naive(since):
            since = timezone.make_aware(since, dt.UTC)
    return ExportFilters(
        date_from=date("date_from"),
        date_to=date("date_to"),
        event_type=params.get("event_type") or None,
        actor=integer("actor"),
        location=integer("location"),
        admin1=params.get("admin1") or None,
        country=params.get("country") or None,
        source=params.get("source") or None,
        validated_since=since,
    )


@extend_schema(tags=["export"])
class ExportView(APIView):
    """Validated (gold) events only, streamed with bounded memory; every row carries the
    article id, event id, codebook version and its evidence (role, code-point offsets, quote)."""

    @extend_schema(
        parameters=FILTER_PARAMS,
        responses={
            (200, "text/csv"): OpenApiResponse(description="The export, streamed"),
            **error_responses(401, 403, 404, 422, e422="A bad filter"),
        },
    )
    def get(self, request: Request, project_id: int) -> StreamingHttpResponse:
        project, _ = access.access_project(request.user, project_id, roles=READERS)  # type: ignore[arg-type]
        fmt = request.query_params.get("format", "csv")
        if fmt not in FORMATS:
            raise _bad("format", f"one of {', '.join(FORMATS)}")
        spec = version_spec(project.codebook_version)
        if fmt == "plover" and spec.preset != "plover":
            raise _bad("format", "PLOVER JSONL needs a project on the PLOVER codebook")
        filters = _filters(request.query_params)
        as_of = timezone.now()
        bom = request.query_params.get("bom", "").lower() in {"1", "true", "yes"}
        guard = _flag(request.query_params, "formula_guard", csv_formula_guard(project))
        # UTF-8 chunks; when the client goes away mid-stream the server closes the response,
        # which closes the generator: that ends the export's server-side cursor and read-only
        # transaction at once (tests/exports/test_export_disconnect.py).
        chunks = export_bytes(project, fmt, filters, as_of, bom=bom, formula_guard=guard)
        content_type, extension = FORMATS[fmt]
        response = StreamingHttpResponse(chunks, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="{project.slug}-events.{extension}"'
        )
        response["X-Athar-As-Of"] = as_of.isoformat()
        return response


class ReleaseFileSerializer(serializers.Serializer):
    format = serializers.CharField()
    filename = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    url = serializers.CharField()


class ReleaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tag = serializers.CharField()
    status = serializers.CharField()
    notes = serializers.CharField(allow_blank=True)
    row_count = serializers.IntegerField()
    codebook = serializers.CharField(help_text="slug@version")
    data_as_of = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    agreement_summary = serializers.DictField()
    formula_guard = serializers.BooleanField(help_text="Whether the CSV files guard formulas.")
    error = serializers.CharField(allow_blank=True)
    files = ReleaseFileSerializer(many=True)


class ReleaseRequestSerializer(serializers.Serializer):
    tag = serializers.CharField(max_length=60)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    formula_guard = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Guard formula-like text cells in the CSV files (default: the project's "
        "csv_formula_guard setting, on unless set to false).",
    )
    confirm_empty = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Create the release even though the project has no validated event yet "
        "(its files would be empty); without it such a request is refused with 422 "
        "(code empty_release) and nothing is created.",
    )


def _release(release: DatasetRelease) -> dict[str, Any]:
    version = release.codebook_version
    return {
        "id": release.pk,
        "tag": release.tag,
        "status": release.status,
        "notes": release.notes,
        "row_count": release.row_count,
        "codebook": f"{version.codebook.slug}@{version.number}",
        "data_as_of": release.data_as_of,
        "created_at": release.created_at,
        "finished_at": release.finished_at,
        "agreement_summary": release.agreement_summary,
        "formula_guard": release.formula_guard,
        "error": release.error,
        "files": [
            {
                "format": f.format,
                "filename": f.filename,
                "size": f.size,
                "sha256": f.sha256,
                "url": f"/api/v1/projects/{release.project_id}/releases/{release.pk}/files/"
                f"{f.format}/",
            }
            for f in sorted(release.files.all(), key=lambda f: f.format)
        ],
    }


@extend_schema(tags=["export"])
class ReleaseListView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(responses={200: ReleaseSerializer(many=True), **error_responses(401, 403, 404)})
    def get(self, request: Request, project_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=READERS)  # type: ignore[arg-type]
        releases = (
            DatasetRelease.objects.filter(project=project)
            .select_related("codebook_version__codebook")
            .prefetch_related("files")
            .order_by("-created_at")
        )
        return Response([_release(r) for r in releases])

    @extend_schema(
        request=ReleaseRequestSerializer,
        responses={
            202: ReleaseSerializer,
            **error_responses(400, 401, 403, 404, 409, 415, 422, e409="Tag already used"),
        },
        summary="Build an immutable release of the validated dataset (in the background)",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=access.MANAGERS)  # type: ignore[arg-type]
        serializer = ReleaseRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        release = release_request(
            project=project,
            actor=request.user,  # type: ignore[arg-type]
            tag=serializer.validated_data["tag"],
            notes=serializer.validated_data["notes"],
            formula_guard=serializer.validated_data["formula_guard"],
            confirm_empty=serializer.validated_data["confirm_empty"],
        )
        release.refresh_from_db()
        return Response(_release(release), status=status.HTTP_202_ACCEPTED)


def _release_for(request: Request, project_id: int, release_id: int) -> DatasetRelease:
    project, _ = access.access_project(request.user, project_id, roles=READERS)  # type: ignore[arg-type]
    release = (
        DatasetRelease.objects.filter(project=project, pk=release_id)
        .select_related("codebook_version__codebook")
        .first()
    )
    if release is None:
        raise NotFound("release not found")
    return release


@extend_schema(tags=["export"])
class ReleaseDetailView(APIView):
    @extend_schema(responses={200: ReleaseSerializer, **error_responses(401, 403, 404)})
    def get(self, request: Request, project_id: int, release_id: int) -> Response:
        return Response(_release(_release_for(request, project_id, release_id)))


@extend_schema(tags=["export"])
class ReleaseFileView(APIView):
    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                description="The file; its SHA-256 is in the X-Checksum-SHA256 header"
            ),
            **error_responses(401, 403, 404),
        }
    )
    def get(self, request: Request, project_id: int, release_id: int, fmt: str) -> FileResponse:
        release = _release_for(request, project_id, release_id)
        record = ReleaseFile.objects.filter(release=release, format=fmt).first()
        if record is None or release.status != DatasetRelease.Status.READY:
            raise NotFound("file not found")
        page = fmt == "reliability_html"  # read in the browser, not saved
        response = FileResponse(
            record.file.open("rb"),
            as_attachment=not page,
            filename=f"{release.project.slug}-{release.tag}-{record.filename}",
            **({"content_type": "text/html; charset=utf-8"} if page else {}),
        )
        if page:
            # The site's policy plus a hash source for the page's one fixed stylesheet
            # (django-csp merges it in): still no inline script, no other inline style.
            response._csp_update = {"style-src": [STYLE_CSP_SOURCE]}  # type: ignore[attr-defined]
        response["X-Checksum-SHA256"] = record.sha256
        response["ETag"] = f'"{record.sha256}"'
        return response
