"""Article import: a small upload is imported in the request and answered 201 with its
finished job; a larger one answers at once (202) with a job a worker does; the job's state,
progress and report (coding.services.import_uploads, coding.services.import_jobs)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.workflow import (
    ImportRequestSerializer,
    ImportResultSerializer,
    error_responses,
)
from coding import access
from coding.models import ImportJob
from coding.services.import_uploads import import_upload

RECENT_JOBS = 20
FINISHED = (ImportJob.Status.DONE, ImportJob.Status.FAILED)


class ImportErrorSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="invalid_file (bad rows: nothing imported), worker_lost, import_error"
    )
    detail = serializers.CharField()
    errors = serializers.ListField(child=serializers.DictField(), required=False)
    errors_total = serializers.IntegerField(required=False)
    errors_by_kind = serializers.DictField(child=serializers.IntegerField(), required=False)
    errors_listed = serializers.IntegerField(required=False)


class ImportJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(help_text="This job (poll it until status is done or failed)")
    status = serializers.ChoiceField(choices=ImportJob.Status.choices)
    filename = serializers.CharField()
    format = serializers.CharField(allow_blank=True, help_text="Empty: from the file name")
    skip_invalid = serializers.BooleanField()
    size = serializers.IntegerField(help_text="Bytes uploaded")
    sha256 = serializers.CharField()
    rows_read = serializers.IntegerField(help_text="Rows read so far (while running)")
    bytes_read = serializers.IntegerField(help_text="Bytes of the file read so far")
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    attempts = serializers.IntegerField(help_text="Times handed to a worker")
    created_by = serializers.CharField()
    result = ImportResultSerializer(
        allow_null=True, help_text="Once done: what the import created and found"
    )
    error = ImportErrorSerializer(
        allow_null=True, help_text="Once failed: why, and the bad rows; nothing was imported"
    )


def job_body(job: ImportJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "url": reverse("api:import-job", args=[job.project_id, job.pk]),
        "status": job.status,
        "filename": job.filename,
        "format": job.format,
        "skip_invalid": job.skip_invalid,
        "size": job.size,
        "sha256": job.sha256,
        "rows_read": job.rows_read,
        "bytes_read": job.bytes_read,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "attempts": job.attempts,
        "created_by": job.created_by.username,
        "result": job.result,
        "error": job.error,
    }


@extend_schema(tags=["articles"])
class ArticleImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ImportRequestSerializer},
        parameters=[
            OpenApiParameter(
                "skip_invalid",
                bool,
                description=(
                    "Import the good rows of a file that has bad ones "
                    "(default: refuse the whole file)."
                ),
            )
        ],
        responses={
            201: ImportJobSerializer,
            202: ImportJobSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                413,
                422,
                e413="The upload is over ATHAR_MAX_IMPORT_BYTES; nothing stored",
                e422="No file, or an unknown `format` value; nothing stored",
            ),
        },
        summary=(
            "Upload a file of articles: a small one is imported at once (201, the job done or "
            "failed); a larger one by a worker (202: poll the job's url)"
        ),
    )
    def post(self, request: Request, project_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=access.MANAGERS)  # type: ignore[arg-type]
        serializer = ImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        skip = request.query_params.get("skip_invalid", "false").lower() in {"1", "true", "yes"}
        job = import_upload(
            project=project,
            actor=request.user,  # type: ignore[arg-type]
            fileobj=upload,
            filename=upload.name,
            size=upload.size,
            skip_invalid=skip,
            fmt=serializer.validated_data.get("format"),
        )
        if job.status not in FINISHED:
            job.refresh_from_db()  # done already where tasks run in-process (the demo)
        body = job_body(job)
        code = status.HTTP_201_CREATED if job.status in FINISHED else status.HTTP_202_ACCEPTED
        return Response(body, status=code, headers={"Location": body["url"]})


@extend_schema(tags=["articles"])
class ImportJobListView(APIView):
    @extend_schema(
        responses={200: ImportJobSerializer(many=True), **error_responses(401, 403, 404)},
        summary=f"The project's last {RECENT_JOBS} imports, newest first",
    )
    def get(self, request: Request, project_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=access.MANAGERS)  # type: ignore[arg-type]
        jobs = ImportJob.objects.filter(project=project).select_related("created_by")
        return Response([job_body(job) for job in jobs[:RECENT_JOBS]])


@extend_schema(tags=["articles"])
class ImportJobDetailView(APIView):
    @extend_schema(
        responses={200: ImportJobSerializer, **error_responses(401, 403, 404)},
        summary="An import job: its state, progress and report",
    )
    def get(self, request: Request, project_id: int, job_id: int) -> Response:
        job = access.access_import_job(request.user, project_id, job_id)  # type: ignore[arg-type]
        return Response(job_body(job))
