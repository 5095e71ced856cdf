"""Projects, members, articles (their import is api/views/imports.py), the audit log, users."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, status
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import BoundedJSONParser
from api.serializers.audit import AuditEntrySerializer
from api.serializers.workflow import (
    ArticleDetailSerializer,
    ArticleSerializer,
    MemberSerializer,
    ProjectCreateSerializer,
    ProjectSerializer,
    UserSerializer,
    error_responses,
)
from coding import access, selectors
from coding.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from coding.models import Article, AuditEntry, CodebookVersion, Membership, Project, User
from coding.services.projects import membership_set, project_create
from coding.services.users import user_create


@extend_schema(tags=["projects"])
@extend_schema_view(
    get=extend_schema(responses={200: ProjectSerializer, **error_responses(401, 404)})
)
class ProjectListView(generics.ListAPIView):
    serializer_class = ProjectSerializer
    # JSON only: a form encoding would silently drop the `settings` object.
    parser_classes = [BoundedJSONParser]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Project.objects.none()
        projects, self._roles = selectors.projects_for_user(self.request.user)  # type: ignore[arg-type]
        return projects

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "roles": getattr(self, "_roles", {})}

    @extend_schema(
        request=ProjectCreateSerializer,
        responses={
            201: ProjectSerializer,
            **error_responses(
                400,
                401,
                403,
                409,
                415,
                422,
                e409="The slug is taken, or the codebook version is not published",
            ),
        },
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
    @extend_schema(responses={200: ProjectSerializer, **error_responses(401, 404)})
    def get(self, request: Request, project_id: int) -> Response:
        project, role = access.access_project(request.user, project_id)  # type: ignore[arg-type]
        return Response(ProjectSerializer(project, context={"roles": {project.pk: role}}).data)


@extend_schema(tags=["projects"])
@extend_schema_view(
    get=extend_schema(responses={200: MemberSerializer, **error_responses(401, 403, 404)})
)
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
        responses={201: MemberSerializer, **error_responses(400, 401, 403, 404, 422)},
        summary="Add a member or change a member's role",
    )
    def post(self, request: Request, project_id: int) -> Response:
        project, role = access.access_project(request.user, project_id, roles=access.MANAGERS)  # type: ignore[arg-type]
        serializer = MemberSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        new_role = serializer.validated_data["role"]
        member = access.access_member_candidate(
            request.user,  # type: ignore[arg-type]
            serializer.validated_data["user_id"],
        )
        if role != access.ADMIN:
            if new_role in access.MANAGERS:
                raise PermissionDenied("only project admins appoint supervisors and admins")
            # Nor may a supervisor demote or deactivate a supervisor or an admin.
            if Membership.objects.filter(
                project=project, user=member, role__in=access.MANAGERS
            ).exists():
                raise PermissionDenied("only project admins change a supervisor's or admin's role")
        membership = membership_set(
            project=project,
            user=member,
            role=new_role,
            is_active=serializer.validated_data.get("is_active", True),
            actor=request.user,  # type: ignore[arg-type]
        )
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["articles"])
class ArticleListView(generics.ListAPIView):
    serializer_class = ArticleSerializer

    @extend_schema(
        parameters=[OpenApiParameter("search", str, description="Title or external id")],
        responses={200: ArticleSerializer, **error_responses(401, 403, 404)},
    )
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
class ArticleDetailView(APIView):
    @extend_schema(responses={200: ArticleDetailSerializer, **error_responses(401, 403, 404)})
    def get(self, request: Request, project_id: int, article_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=access.MANAGERS)  # type: ignore[arg-type]
        article = Article.objects.filter(project=project, pk=article_id).first()
        if article is None:
            raise NotFound("article not found")
        return Response(ArticleDetailSerializer(article).data)


@extend_schema(tags=["audit"])
@extend_schema_view(
    get=extend_schema(responses={200: AuditEntrySerializer, **error_responses(401, 403, 404)})
)
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
@extend_schema_view(
    get=extend_schema(responses={200: UserSerializer, **error_responses(401, 403, 404)}),
    post=extend_schema(
        responses={
            201: UserSerializer,
            **error_responses(
                400,
                401,
                403,
                422,
                e422="Invalid fields, or a password the password rules refuse (one error per "
                "rule); nothing is created",
            ),
        }
    ),
)
class UserListView(generics.ListCreateAPIView):
    """Site admins manage user accounts; project roles are set through members."""

    permission_classes = [IsAdminUser]
    serializer_class = UserSerializer
    queryset = User.objects.order_by("id")

    def perform_create(self, serializer: UserSerializer) -> None:  # type: ignore[override]
        # The password must pass AUTH_PASSWORD_VALIDATORS (422 naming each failed rule).
        serializer.instance = user_create(actor=self.request.user, **serializer.validated_data)
