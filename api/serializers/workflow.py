"""Serializers for projects, members, articles and assignments.

Output of the heavy reads (assignment detail with hundreds of events) is built by
api.presenters as plain dicts; these serializers document the shapes for the schema and
validate input.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from api.serializers.events import json_storage_problems
from coding.dedup.rules import FATALITIES_POLICIES
from coding.models import Article, Assignment, Membership, Project, User


class ErrorSerializer(serializers.Serializer):
    """The body of every error response.

    `detail` is always there. The API's own errors (404, 403, 409, 412, 422) also carry a
    stable `code` and, for 422, `errors`: one object per problem, usually
    {"field", "code", "message"} (imports add the row's location, submit adds the event id).
    Some errors add context, e.g. `current_version` on 412.
    """

    code = serializers.CharField(required=False)
    detail = serializers.CharField()
    errors = serializers.ListField(child=serializers.DictField(), required=False)


_ERROR_MEANINGS = {
    400: "The body could not be parsed",
    401: "Not signed in",
    403: "Your role does not allow this",
    404: "Not found, or not visible to you (another coder's work, another project's)",
    409: "The object's state does not allow this",
    412: "Stale version: someone saved first; nothing changed",
    413: "The body is over the size limit; nothing was stored",
    415: "The body is not JSON",
    422: "Invalid input: the list of problems",
}


def error_responses(*statuses: int, **meanings: str) -> dict[int, OpenApiResponse]:
    """Schema entries for the error statuses an operation can answer with; `meanings`
    (keyed "e409" etc.) replace the generic descriptions."""
    return {
        status: OpenApiResponse(
            ErrorSerializer, description=meanings.get(f"e{status}", _ERROR_MEANINGS[status])
        )
        for status in statuses
    }


class CodebookRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    number = serializers.IntegerField()


class ProjectSerializer(serializers.ModelSerializer):
    codebook_version = serializers.SerializerMethodField()
    my_role = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "codebook_version",
            "overlap",
            "settings",
            "my_role",
            "created_at",
        ]
        read_only_fields = fields

    def get_codebook_version(self, project: Project) -> dict[str, Any]:
        version = project.codebook_version
        return {"id": version.pk, "slug": version.codebook.slug, "number": version.number}

    def get_my_role(self, project: Project) -> str | None:
        roles: dict[int, str] = self.context.get("roles", {})
        return roles.get(project.pk)


class ProjectCreateSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=80)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    codebook_version = serializers.IntegerField(help_text="Id of a published codebook version.")
    overlap = serializers.IntegerField(min_value=1, max_value=20, default=2)
    assignment_seed = serializers.IntegerField(default=0, min_value=-(2**63), max_value=2**63 - 1)
    settings = serializers.DictField(required=False, default=dict)

    def validate_settings(self, settings: dict[str, Any]) -> dict[str, Any]:
        problems = json_storage_problems(settings)
        if problems:
            raise serializers.ValidationError(problems)
        if not isinstance(settings.get("csv_formula_guard", True), bool):
            raise serializers.ValidationError("csv_formula_guard must be true or false")
        if settings.get("fatalities_policy", "conservative") not in FATALITIES_POLICIES:
            raise serializers.ValidationError(
                "fatalities_policy must be conservative or low_best_high"
            )
        idle = settings.get("idle_seconds", 60)
        if isinstance(idle, bool) or not isinstance(idle, int) or not 5 <= idle <= 3600:
            raise serializers.ValidationError("idle_seconds must be a whole number from 5 to 3600")
        return settings


class MemberSerializer(serializers.ModelSerializer):
    # An id, not a related field: which accounts a manager may add (and see) is decided by
    # coding.access.access_member_candidate, which refuses "no such user" and "not yours to
    # see" alike; a PrimaryKeyRelatedField would tell them apart.
    user = serializers.IntegerField(source="user_id", min_value=1)
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "username", "role", "is_active", "created_at"]
        read_only_fields = ["id", "username", "created_at"]


class ArticleSerializer(serializers.ModelSerializer):
    # Not a URLField: an article without an address has "" (which is no URI).
    url = serializers.CharField(read_only=True, help_text="Where it was published, or empty.")

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "language",
            "direction",
            "source",
            "url",
            "published_at",
            "external_id",
            "len_cp",
            "len_u16",
            "text_sha256",
            "imported_at",
        ]
        read_only_fields = fields


class ArticleDetailSerializer(ArticleSerializer):
    class Meta:
        model = Article
        fields = [*ArticleSerializer.Meta.fields, "text", "paragraphs", "metadata"]
        read_only_fields = fields


class CodingArticleSerializer(ArticleDetailSerializer):
    """The article on a coder's assignment: without its import time, which would tell an
    article slipped in as a calibration item (imported long ago) from new work."""

    class Meta:
        model = Article
        fields = [f for f in ArticleDetailSerializer.Meta.fields if f != "imported_at"]
        read_only_fields = fields


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="JSON, JSONL, CSV, TXT or a ZIP of them.")
    format = serializers.ChoiceField(
        choices=["json", "jsonl", "csv", "txt", "zip"],
        required=False,
        help_text="Overrides the format guessed from the file name.",
    )


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    duplicates = serializers.ListField(child=serializers.DictField())
    errors = serializers.ListField(
        child=serializers.DictField(),
        help_text="The first problems found",
    )
    errors_total = serializers.IntegerField(help_text="Every problem found, listed or not")
    errors_by_kind = serializers.DictField(
        child=serializers.IntegerField(),
        help_text='Problems by the field at fault, or "row" / "file"',
    )
    errors_listed = serializers.IntegerField(help_text="How many of them `errors` lists")
    assignments_created = serializers.IntegerField()


class AssignmentArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    language = serializers.CharField()
    direction = serializers.CharField()
    source = serializers.CharField(help_text="Who published it, or empty.")
    published_at = serializers.DateTimeField(allow_null=True)


class AssignmentSerializer(serializers.ModelSerializer):
    article = serializers.SerializerMethodField()
    coder = serializers.SerializerMethodField()
    n_events = serializers.IntegerField(read_only=True)
    last_activity = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "project",
            "article",
            "coder",
            "status",
            "version",
            "n_events",
            "created_at",
            "started_at",
            "submitted_at",
            "last_activity",
            "reopen_count",
        ]
        read_only_fields = fields

    def get_article(self, assignment: Assignment) -> dict[str, Any]:
        article = assignment.article
        return {
            "id": article.pk,
            "title": article.title,
            "language": article.language,
            "direction": article.direction,
            "source": article.source,
            "published_at": article.published_at.isoformat() if article.published_at else None,
        }

    def get_coder(self, assignment: Assignment) -> dict[str, Any]:
        return {"id": assignment.coder_id, "username": assignment.coder.username}


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ReassignSerializer(serializers.Serializer):
    coder = serializers.IntegerField(help_text="User id of the new coder.")
    discard_drafts = serializers.BooleanField(default=False)


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, min_length=10, required=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "email",
            "is_active",
            "ui_language",
            "password",
            "date_joined",
        ]
        read_only_fields = ["id", "date_joined"]
