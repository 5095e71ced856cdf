"""Comments on articles and events, and coder feedback against the gold layer."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import BoundedJSONParser
from api.serializers.workflow import error_responses
from coding import access
from coding.errors import NotFound, PermissionDenied, ValidationFailed
from coding.models import Article, Assignment, CodedEvent, Comment, Project, User
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

    Supervisors and admins: always, every event. A coder of the article: only while their
    assignment is submitted and the article validated (`access.coder_review_is_open`), and
    only comments on the article, the gold events and their own events.
    Researchers: never (403, like every coder-layer view; checked before the article is
    looked up, so article ids reveal nothing).
    """
    project, role = access.access_project(user, project_id, roles={access.CODER, *access.MANAGERS})
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
    if not access.coder_review_is_open(assignment):
        raise PermissionDenied(
            "comments open to a coder once their assignment is submitted and the article validated"
        )
    visible = set(
        CodedEvent.objects.filter(
            Q(assignment=assignment) | Q(article=article, layer="gold")
        ).values_list("pk", flat=True)
    )
    return article, visible


def _visible_comments(article: Article, visible_events: set[int] | None) -> list[Comment]:
    """The article's comments the user may read, oldest first. For a coder
    (`visible_events` given): those on the article or a visible event, and not in the
    thread of a hidden one (a reply to a comment on another coder's event is about that
    event too, whatever its own `event`)."""
    comments = list(
        Comment.objects.filter(article=article)
        .select_related("author")
        .order_by("created_at", "id")
    )
    if visible_events is None:
        return comments
    shown: set[int] = set()
    for comment in sorted(comments, key=lambda c: c.pk):  # a reply is newer than its parent
        if (comment.event_id is None or comment.event_id in visible_events) and (
            comment.parent_id is None or comment.parent_id in shown
        ):
            shown.add(comment.pk)
    return [c for c in comments if c.pk in shown]


COMMENT_ERRORS = error_responses(
    401,
    403,
    404,
    e403="A researcher, or a coder before their assignment is submitted and the article validated",
    e404="No such article in the project, or not one of yours (coders)",
)


@extend_schema(tags=["adjudication"])
class CommentsView(APIView):
    parser_classes = [BoundedJSONParser]

    @extend_schema(responses={200: CommentSerializer(many=True), **COMMENT_ERRORS})
    def get(self, request: Request, project_id: int, article_id: int) -> Response:
        article, visible = _comment_scope(request.user, project_id, article_id)  # type: ignore[arg-type]
        return Response([_comment(c) for c in _visible_comments(article, visible)])

    @extend_schema(
        request=CommentSerializer,
        responses={201: CommentSerializer, **COMMENT_ERRORS, **error_responses(400, 415, 422)},
    )
    def post(self, request: Request, project_id: int, article_id: int) -> Response:
        article, visible = _comment_scope(request.user, project_id, article_id)  # type: ignore[arg-type]
        serializer = CommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        parent = data.get("parent")
        hidden_parent = (
            visible is not None
            and parent is not None
            and parent not in {c.pk for c in _visible_comments(article, visible)}
        )
        if hidden_parent:  # the same answer as for a comment that does not exist
            raise ValidationFailed(
                "no such comment in this article",
                errors=[{"field": "parent", "code": "not_found", "message": str(parent)}],
            )
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
        responses={200: FeedbackSerializer(many=True), **error_responses(401, 403, 404)},
        summary="Every coder's precision / recall / F1 against the gold layer",
    )
    def get(self, request: Request, project_id: int) -> Response:
        project, _ = access.access_project(request.user, project_id, roles=access.MANAGERS)  # type: ignore[arg-type]
        return Response(_feedback_rows(project, None))


@extend_schema(tags=["adjudication"])
class MyFeedbackView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("project", int, required=True)],
        responses={
            200: FeedbackSerializer(many=True),
            **error_responses(401, 403, 404, e403="Not a coder of the project"),
        },
        summary="My own figures against the gold layer (coders)",
    )
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("project", "")
        if not (raw.isascii() and raw.isdigit()):  # int() refuses "²", which isdigit()
            raise NotFound("project not found")
        project, _ = access.access_project(request.user, int(raw), roles={access.CODER})  # type: ignore[arg-type]
        return Response(_feedback_rows(project, request.user.pk))
