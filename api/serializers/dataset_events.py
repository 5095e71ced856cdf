"""Shapes of the dataset-event and candidate-pair endpoints (input validation and the schema).
The bodies are built as plain dicts by coding.dataset_event_selectors; free-form parts (field
values, resolution entries, a candidate's reasons) are JSON objects as stored."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.serializers.events import json_storage_problems
from coding.codebook_spec import MAX_REF_ID

REASON_MAX = 5000
MAX_VERSION = 2**31 - 1  # a PositiveIntegerField


def _storable(value: Any) -> Any:
    """Refuse what PostgreSQL's jsonb cannot keep (NUL characters, non-finite numbers)."""
    problems = json_storage_problems(value)
    if problems:
        raise serializers.ValidationError(problems)
    return value


class ArticleRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    source = serializers.CharField(allow_blank=True)
    published_at = serializers.DateTimeField(allow_null=True)
    language = serializers.CharField(allow_blank=True)
    direction = serializers.CharField()


class ArticleWithTextSerializer(ArticleRefSerializer):
    text = serializers.CharField(allow_blank=True, help_text="NFC, LF; offsets are code points")


class SpanOutSerializer(serializers.Serializer):
    role = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    quote = serializers.CharField(allow_blank=True)


class ReportSpanSerializer(SpanOutSerializer):
    report = serializers.IntegerField(help_text="The gold event whose article the offsets are in")


class ReportSerializer(serializers.Serializer):
    gold_event = serializers.IntegerField()
    dataset_event = serializers.IntegerField()
    article = ArticleRefSerializer()
    event_type = serializers.CharField()
    event_subtype = serializers.CharField(allow_null=True)
    values = serializers.JSONField()
    spans = SpanOutSerializer(many=True)
    added_at = serializers.DateTimeField()


class ReportWithTextSerializer(ReportSerializer):
    article = ArticleWithTextSerializer()


class ResolvedFieldSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="event_type, date, fatalities or a codebook field key")
    value = serializers.JSONField(allow_null=True)
    source = serializers.JSONField(help_text='{"report": gold_event_id} or {"rule": name}')
    differs = serializers.BooleanField(help_text="The reports give different values")
    chosen = serializers.BooleanField(help_text="A supervisor's resolution entry decided it")
    evidence = ReportSpanSerializer(many=True)


class ResolvedEventSerializer(serializers.Serializer):
    primary = serializers.IntegerField(help_text="The primary report (smallest gold event id)")
    fields = ResolvedFieldSerializer(many=True)
    values = serializers.JSONField(help_text="Codebook field key → resolved value")
    differing = serializers.ListField(child=serializers.CharField())
    spans = ReportSpanSerializer(many=True)
    ignored = serializers.ListField(
        child=serializers.CharField(),
        help_text="Keys whose resolution entry no longer applies (the default is shown)",
    )


class ReportRefSerializer(serializers.Serializer):
    gold_event = serializers.IntegerField()
    article = serializers.IntegerField()
    title = serializers.CharField()


class DatasetEventRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    retired_at = serializers.DateTimeField(allow_null=True)
    merged_into = serializers.IntegerField(allow_null=True)
    changed_at = serializers.DateTimeField()
    report_count = serializers.IntegerField()
    reports = ReportRefSerializer(many=True)
    event_type = serializers.JSONField(allow_null=True)
    date = serializers.JSONField(allow_null=True)
    fatalities = serializers.JSONField(allow_null=True)
    differing = serializers.ListField(child=serializers.CharField())


class DatasetEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    retired_at = serializers.DateTimeField(allow_null=True)
    merged_into = serializers.IntegerField(allow_null=True)
    changed_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    report_count = serializers.IntegerField()
    resolution = serializers.JSONField(help_text="The stored choices, key → entry")
    reports = ReportSerializer(many=True)
    resolved = ResolvedEventSerializer(allow_null=True)
    absorbed = serializers.ListField(child=serializers.IntegerField())


class SplitOutSerializer(serializers.Serializer):
    dataset_event = DatasetEventSerializer(help_text="The event the report left")
    created = DatasetEventSerializer(help_text="The new dataset event of the report")


class DatasetEventRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()


class CandidateSideSerializer(serializers.Serializer):
    gold_event = serializers.IntegerField()
    article = ArticleRefSerializer()
    dataset_event = DatasetEventRefSerializer(
        allow_null=True, help_text="null: the report's article was reopened"
    )


class CandidateRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    score = serializers.FloatField()
    reasons = serializers.JSONField()
    status = serializers.CharField(help_text="open, linked or not_same")
    found_at = serializers.DateTimeField()
    decided_by = serializers.IntegerField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    a = CandidateSideSerializer()
    b = CandidateSideSerializer()


class CandidateSideDetailSerializer(CandidateSideSerializer):
    report = ReportWithTextSerializer(allow_null=True)


class FieldDifferenceSerializer(serializers.Serializer):
    key = serializers.CharField()
    a = serializers.JSONField(allow_null=True)
    b = serializers.JSONField(allow_null=True)
    differs = serializers.BooleanField()


class CandidateDetailSerializer(CandidateRowSerializer):
    a = CandidateSideDetailSerializer()
    b = CandidateSideDetailSerializer()
    fields = FieldDifferenceSerializer(many=True)
    linked_preview = ResolvedEventSerializer(
        allow_null=True, help_text="The event a link would make (resolved over both)"
    )


class CandidateLinkOutSerializer(serializers.Serializer):
    candidate = CandidateRowSerializer()
    dataset_event = DatasetEventSerializer(help_text="The surviving dataset event")


# --- input ---------------------------------------------------------------------------------


class SplitInSerializer(serializers.Serializer):
    report = serializers.IntegerField(
        min_value=1, max_value=MAX_REF_ID, help_text="The gold event id to split out"
    )
    version = serializers.IntegerField(min_value=1, max_value=MAX_VERSION)
    reason = serializers.CharField(max_length=REASON_MAX)


class ResolveInSerializer(serializers.Serializer):
    field = serializers.CharField(max_length=200)
    choice = serializers.JSONField(
        allow_null=True,
        help_text='{"report": id} | {"rule": "intersection"|"union"|"conservative"|'
        '"low_best_high"} | {"rule": "typed", "value": v}; null: back to the default',
    )
    version = serializers.IntegerField(min_value=1, max_value=MAX_VERSION)
    reason = serializers.CharField(max_length=REASON_MAX, allow_blank=True, default="")

    def validate_choice(self, value: Any) -> Any:
        return _storable(value)


class LinkInSerializer(serializers.Serializer):
    other = serializers.IntegerField(
        min_value=1, max_value=MAX_REF_ID, help_text="The dataset event to link with"
    )
    version = serializers.IntegerField(min_value=1, max_value=MAX_VERSION)
    other_version = serializers.IntegerField(min_value=1, max_value=MAX_VERSION)
    resolution = serializers.DictField(
        child=serializers.DictField(), required=False, default=dict, help_text="key → choice"
    )
    reason = serializers.CharField(max_length=REASON_MAX, allow_blank=True, default="")

    def validate_resolution(self, value: Any) -> Any:
        return _storable(value)


class CandidateLinkInSerializer(serializers.Serializer):
    versions = serializers.DictField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_VERSION),
        help_text='{"<dataset event id>": version} for both dataset events',
    )
    resolution = serializers.DictField(
        child=serializers.DictField(), required=False, default=dict, help_text="key → choice"
    )
    reason = serializers.CharField(max_length=REASON_MAX, allow_blank=True, default="")

    def validate_resolution(self, value: Any) -> Any:
        return _storable(value)


class NotSameInSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX, allow_blank=True, default="")
