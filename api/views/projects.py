"""Projects, members, articles (and their import), the audit log, users."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.audit import AuditEntrySerializer
from api.serializers.workflow import (
    ArticleDetailSerializer,
    ArticleSerializer,
    ImportRequestSerializer,
    ImportResultSerializer,
    MemberSerializer,
    ProjectCreateSerializer,
    ProjectSerializer,
    UserSerializer,
)
from coding import access, selectors
from coding.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from coding.models import Article, AuditEntry, CodebookVersion, Membership, Project, User
from coding.services.imports import articles_import
from coding.services.projects import membership_set, project_create


@extend_schema(tags=["projects"])
class ProjectListView(generics.ListAPIView):
    serializer_class = ProjectSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Project.objects.none()
        projects, self._roles = selectors.projects_for_user(self.request.user)  # type: ignore[arg-type]
        return projects

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "roles": getattr(self, "_roles", {})}

    @extend_schema(
        request=ProjectCreateSerializer,
        responses={201: ProjectSerializer},
        summary="Create a project (site admins only)",
    )
    def post(self, request: Request) -> Response:
        if not request.user.is_superuser:
            raise PermissionDenied("only site admins create projects")
        serializer = ProjectCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = CodebookVersion.objects.filter(pk=data.pop("codebook_version")).first()
        if version is None:
            raise ValidationFailed(
                "unknown codebook version",
                errors=[{"field": "codebook_version", "code": "not_found", "message": "not found"}],
            )
        try:
            project = project_create(codebook_version=version, actor=request.user, **data)
        except IntegrityError:
            raise Conflict(
                f"a project with slug {data['slug']!r} exists", code="slug_taken"
            ) from None
        body = ProjectSerializer(project, context={"roles": {project.pk: "admin"}}).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(tags=["projects"])
class ProjectDetailView(APIView):
    @extend_schema(responses=ProjectSerializer)
    def get(self, request: Request, project_id: int) -> Response:
        project, role = access.access_project(request.user, project_id)  # type: ignore[arg-type]
        return Response(ProjectSerializer(project, context={"roles": {project.pk: role}}).data)


@extend_schema(tags=["projects"])
class MemberListView(generics.ListAPIView):
    serializer_class = MemberSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Membership.objects.none()
        project, _ = access.access_project(
            self.request.user,
            self.kwargs["project_id"],
            roles=access.MANAGERS,  # type: ignore[arg-type]
        )
        return selectors.project_members(project)

    @extend_schema(
        request=MemberSerializer,
        responses={201: MemberSerializer},
        summary="Add a member or change a member's role",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project, role = access.access_project(request.user, project_id, roles=access.MANAGERS)  # type: ignore[arg-type]
        serializer = MemberSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        new_role = serializer.validated_data["role"]
        if new_role in access.MANAGERS and role != access.ADMIN:
            raise PermissionDenied("only project admins appoint supervisors and admins")
        membership = membership_set(
            project=project,
            user=serializer.validated_data["user"],
            role=new_role,
            is_active=serializer.validated_data.get("is_active", True),
            actor=request.user,  # type: ignore[arg-type]
        )
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["articles"])
class ArticleListView(generics.ListAPIView):
    serializer_class = ArticleSerializer

    @extend_schema(parameters=[OpenApiParameter("search", str, description="Title or external id")])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Article.objects.none()
        project, _ = access.access_project(
            self.request.user,
            self.kwargs["project_id"],
            roles=access.MANAGERS,  # type: ignore[arg-type]
        )
        return selectors.project_articles(project, search=self.request.query_params.get("search"))


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
            201: ImportResultSerializer,
            422: OpenApiResponse(description="Bad rows; nothing imported"),
        },
        summary="Import articles from an uploaded file",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=access.MANAGERS)  # type: ignore[arg-type]
        serializer = ImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        skip = request.query_params.get("skip_invalid", "false").lower() in {"1", "true", "yes"}
        outcome = articles_import(
            project=project,
            fileobj=upload,
            filename=upload.name,
            actor=request.user,  # type: ignore[arg-type]
            skip_invalid=skip,
            fmt=serializer.validated_data.get("format"),
        )
        return Response(outcome.as_dict(), status=status.HTTP_201_CREATED)


@extend_schema(tags=["articles"])
class ArticleDetailView(APIView):
    @extend_schema(responses=ArticleDetailSerializer)
    def get(self, request: Request, project_id: int, article_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=access.MANAGERS)  # type: ignore[arg-type]
        article = Article.objects.filter(project=project, pk=article_id).first()
        if article is None:
            raise NotFound("article not found")
        return Response(ArticleDetailSerializer(article).data)


@extend_schema(tags=["audit"])
class AuditListView(generics.ListAPIView):
    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return AuditEntry.objects.none()
        project, _ = access.access_project(
            self.request.user,
            self.kwargs["project_id"],
            roles=access.MANAGERS,  # type: ignore[arg-type]
        )
        return selectors.project_audit(project)

    serializer_class = AuditEntrySerializer


@extend_schema(tags=["users"])
class UserListView(generics.ListCreateAPIView):
    """Site admins manage user accounts; project roles are set through members."""

    permission_classes = [IsAdminUser]
    serializer_class = UserSerializer
    queryset = User.objects.order_by("id")

    def perform_create(self, serializer: UserSerializer) -> None:  # type: ignore[override]
        password = serializer.validated_data.pop("password")
        user = serializer.save()
        user.set_password(password)
        user.save(update_fields=["password"])
