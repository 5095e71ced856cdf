"""Codebooks and their versions: read (the coding form is generated from a version's spec),
load from a file or a preset, export, publish, branch a new draft."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import BoundedJSONParser
from api.serializers.workflow import error_responses
from coding.codebook_spec import (
    CodebookFileError,
    UnknownPresetError,
    dump_codebook,
    list_presets,
    load_codebook_text,
    load_preset,
)
from coding.errors import NotFound, PermissionDenied, ValidationFailed, counted
from coding.models import CodebookVersion, User
from coding.services.codebooks import (
    codebook_version_create,
    codebook_version_new_draft,
    codebook_version_publish,
    codebook_version_spec,
)


class VersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=CodebookVersion.Status.choices)
    published_at = serializers.DateTimeField(allow_null=True)


class VersionDetailSerializer(VersionSerializer):
    spec = serializers.DictField(help_text="The canonical codebook document")


class CodebookLoadSerializer(serializers.Serializer):
    document = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="YAML or JSON codebook text",
    )
    preset = serializers.CharField(
        required=False, allow_blank=True, help_text="Or a built-in preset name"
    )
    publish = serializers.BooleanField(required=False, default=False)


E403 = "Site admins only"
E404 = "No such codebook version, or none of your projects uses it"


def _visible_versions(user: User) -> QuerySet[CodebookVersion]:
    versions = CodebookVersion.objects.select_related("codebook").order_by(
        "codebook__slug", "number"
    )
    if user.is_staff or user.is_superuser:
        return versions
    return versions.filter(
        projects__memberships__user=user, projects__memberships__is_active=True
    ).distinct()


def _version_for(user: User, version_id: int) -> CodebookVersion:
    version = _visible_versions(user).filter(pk=version_id).first()
    if version is None:
        raise NotFound("codebook version not found")
    return version


def _require_staff(user: User) -> None:
    if not (user.is_staff or user.is_superuser):
        raise PermissionDenied("only site admins manage codebooks")


def _summary(version: CodebookVersion) -> dict[str, object]:
    return {
        "id": version.pk,
        "slug": version.codebook.slug,
        "name": version.codebook.name,
        "number": version.number,
        "status": version.status,
        "published_at": version.published_at,
    }


@extend_schema(tags=["codebooks"])
class CodebookVersionListView(APIView):
    # JSON only: a form encoding would turn `publish=false` into a true value.
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        responses={200: VersionSerializer(many=True), **error_responses(401)},
        summary="Codebook versions you can see (site admins: all)",
    )
    def get(self, request: Request) -> Response:
        return Response([_summary(v) for v in _visible_versions(request.user)])  # type: ignore[arg-type]

    @extend_schema(
        request=CodebookLoadSerializer,
        responses={
            201: VersionSerializer,
            **error_responses(
                400,
                401,
                403,
                409,
                415,
                422,
                e403=E403,
                e409="The document's version number exists already",
                e422="Every problem of the file, by path; nothing written",
            ),
        },
        summary="Load a codebook version from a document or a preset (site admins)",
    )
    def post(self, request: Request) -> Response:
        _require_staff(request.user)  # type: ignore[arg-type]
        serializer = CodebookLoadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        document, preset = data.get("document"), data.get("preset")
        if bool(document) == bool(preset):
            raise ValidationFailed(
                "give either a document or a preset",
                errors=[{"field": "document", "code": "required", "message": "document or preset"}],
            )
        try:
            spec = load_preset(str(preset)) if preset else load_codebook_text(str(document))
        except CodebookFileError as exc:
            raise ValidationFailed(
                f"{counted(len(exc.problems), 'problem')} in the codebook; nothing was loaded",
                code="invalid_codebook",
                errors=[
                    {"field": p.path, "code": "invalid", "message": p.message} for p in exc.problems
                ],
            ) from exc
        except UnknownPresetError as exc:
            raise ValidationFailed(
                str(exc),
                errors=[{"field": "preset", "code": "invalid_choice", "message": str(exc)}],
            ) from exc
        version = codebook_version_create(
            spec=spec,
            actor=request.user,  # type: ignore[arg-type]
            publish=data["publish"],
        )
        return Response(_summary(version), status=status.HTTP_201_CREATED)


@extend_schema(tags=["codebooks"])
class CodebookPresetListView(APIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "Presets", {"presets": serializers.ListField(child=serializers.CharField())}
            ),
            **error_responses(401),
        }
    )
    def get(self, request: Request) -> Response:
        return Response({"presets": list_presets()})


@extend_schema(tags=["codebooks"])
class CodebookVersionDetailView(APIView):
    @extend_schema(responses={200: VersionDetailSerializer, **error_responses(401, 404, e404=E404)})
    def get(self, request: Request, version_id: int) -> Response:
        version = _version_for(request.user, version_id)  # type: ignore[arg-type]
        return Response({**_summary(version), "spec": version.spec})


@extend_schema(tags=["codebooks"])
class CodebookVersionExportView(APIView):
    @extend_schema(
        responses={
            (200, "application/yaml"): OpenApiResponse(description="The codebook document"),
            **error_responses(401, 404, e404=E404),
        },
        summary="The version as canonical YAML (loads back byte-identically)",
    )
    def get(self, request: Request, version_id: int) -> HttpResponse:
        version = _version_for(request.user, version_id)  # type: ignore[arg-type]
        body = dump_codebook(codebook_version_spec(version))
        response = HttpResponse(body, content_type="application/yaml; charset=utf-8")
        filename = f"{version.codebook.slug}@{version.number}.yaml"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


@extend_schema(tags=["codebooks"])
class CodebookVersionPublishView(APIView):
    @extend_schema(
        request=None,
        responses={
            200: VersionSerializer,
            **error_responses(401, 403, 404, 409, e403=E403, e404=E404, e409="Published already"),
        },
    )
    def post(self, request: Request, version_id: int) -> Response:
        _require_staff(request.user)  # type: ignore[arg-type]
        version = _version_for(request.user, version_id)  # type: ignore[arg-type]
        return Response(_summary(codebook_version_publish(version=version, actor=request.user)))  # type: ignore[arg-type]


@extend_schema(tags=["codebooks"])
class CodebookVersionNewDraftView(APIView):
    @extend_schema(
        request=None,
        responses={201: VersionSerializer, **error_responses(401, 403, 404, e403=E403, e404=E404)},
        summary="A new draft (next number) copied from this version",
    )
    def post(self, request: Request, version_id: int) -> Response:
        _require_staff(request.user)  # type: ignore[arg-type]
        version = _version_for(request.user, version_id)  # type: ignore[arg-type]
        draft = codebook_version_new_draft(version=version, actor=request.user)  # type: ignore[arg-type]
        return Response(_summary(draft), status=status.HTTP_201_CREATED)
