"""Comments on articles and events, and coder feedback against the gold layer."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from coding import access
from coding.errors import NotFound, PermissionDenied
from coding.models import Adjudication, Article, Assignment, CodedEvent, Comment, Project, User
from coding.services.comments import comment_add
from coding.services.feedback import coder_feedback


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    body = serializers.CharField(max_length=10000)
    event = serializers.IntegerField(required=False, allow_null=True)
    parent = serializers.IntegerField(required=False, allow_null=True)
    author = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


def _comment(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "body": comment.body,
        "event": comment.event_id,
        "parent": comment.parent_id,
        "author": comment.author.username,
        "created_at": comment.created_at,
    }


def _comment_scope(user: User, project_id: int, article_id: int) -> tuple[Article, set[int] | None]:
    """The article and which events the user may see comments on (None = all).

    Supervisors and admins: always, every event. A coder of the article: only once it is
    validated, and only comments on the article, the gold events and their own events.
    """
    project, role = access.access_project(user, project_id)
    article = (
        Article.objects.select_related("project").filter(project=project, pk=article_id).first()
    )
    if article is None:
        raise NotFound("article not found")
    if role in access.MANAGERS:
        return article, None
    assignment = Assignment.objects.filter(article=article, coder=user).first()
    if assignment is None:
        raise NotFound("article not found")
    if not Adjudication.objects.filter(
        article=article, status=Adjudication.Status.VALIDATED
    ).exists():
        raise PermissionDenied("comments open to coders once the article is adjudicated")
    visible = set(
        CodedEvent.objects.filter(
            Q(assignment=assignment) | Q(article=article, layer="gold")
        ).values_list("pk", flat=True)
    )
    return article, visible


@extend_schema(tags=["adjudication"])
class CommentsView(APIView):
    @extend_schema(responses=CommentSerializer(many=True))
    def get(self, request: Request, project_id: int, article_id: int) -> Response:
        article, visible = _comment_scope(request.user, project_id, article_id)  # type: ignore[arg-type]
        comments = Comment.objects.filter(article=article).select_related("author")
        if visible is not None:
            comments = comments.filter(Q(event__isnull=True) | Q(event_id__in=visible))
        return Response([_comment(c) for c in comments.order_by("created_at", "id")])

    @extend_schema(request=CommentSerializer, responses={201: CommentSerializer})
    def post(self, request: Request, project_id: int, article_id: int) -> Response:
        article, visible = _comment_scope(request.user, project_id, article_id)  # type: ignore[arg-type]
        serializer = CommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        comment = comment_add(
            article=article,
            author=request.user,
            body=data["body"],  # type: ignore[arg-type]
            event_id=data.get("event"),
            parent_id=data.get("parent"),
            visible_events=visible,
        )
        return Response(_comment(comment), status=status.HTTP_201_CREATED)


class CountsSerializer(serializers.Serializer):
    tp = serializers.IntegerField()
    fp = serializers.IntegerField()
    fn = serializers.IntegerField()
    precision = serializers.FloatField(allow_null=True)
    recall = serializers.FloatField(allow_null=True)
    f1 = serializers.FloatField(allow_null=True)


class FeedbackSerializer(serializers.Serializer):
    coder = serializers.IntegerField()
    username = serializers.CharField()
    articles = serializers.IntegerField()
    detection = CountsSerializer()
    fields = serializers.DictField(child=CountsSerializer())
    by_month = serializers.DictField(child=CountsSerializer())


def _feedback_rows(project: Project, coder_id: int | None) -> list[dict[str, Any]]:
    figures = coder_feedback(project, coder_id=coder_id)
    names = dict(User.objects.filter(pk__in=figures).values_list("pk", "username"))
    return [
        {"coder": coder, "username": names.get(coder, ""), **data}
        for coder, data in figures.items()
    ]


@extend_schema(tags=["adjudication"])
class ProjectFeedbackView(APIView):
    @extend_schema(
        responses=FeedbackSerializer(many=True),
        summary="Every coder's precision / recall / F1 against the gold layer",
    )
    def get(self, request: Request, project_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=access.MANAGERS)  # type: ignore[arg-type]
        return Response(_feedback_rows(project, None))


@extend_schema(tags=["adjudication"])
class MyFeedbackView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("project", int, required=True)],
        responses=FeedbackSerializer(many=True),
        summary="My own figures against the gold layer (coders)",
    )
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("project", "")
        if not raw.isdigit():
            raise NotFound("project not found")
        project, _ = access.access_project(request.user, int(raw), roles={access.CODER})  # type: ignore[arg-type]
        return Response(_feedback_rows(project, request.user.pk))
