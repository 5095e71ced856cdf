from __future__ import annotations

from rest_framework import serializers


class SpanWriteSerializer(serializers.Serializer):
    role = serializers.CharField(max_length=80)
    start = serializers.IntegerField(
        help_text="Start offset (inclusive), in code points unless offset_unit=utf16."
    )
    end = serializers.IntegerField(help_text="End offset (exclusive).")
    quote = serializers.CharField(
        trim_whitespace=False,
        max_length=20000,
        help_text="The exact text at [start, end); checked against the stored article.",
    )


class SpanReadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField()
    start = serializers.IntegerField(help_text="Code points.")
    end = serializers.IntegerField(help_text="Code points.")
    start_u16 = serializers.IntegerField(help_text="UTF-16 code units (for browsers).")
    end_u16 = serializers.IntegerField(help_text="UTF-16 code units (for browsers).")
    quote = serializers.CharField()


class EventWriteSerializer(serializers.Serializer):
    event_type = serializers.CharField(max_length=80, help_text="Event type code.")
    event_subtype = serializers.CharField(
        max_length=80, required=False, allow_null=True, allow_blank=True, default=None
    )
    values = serializers.DictField(
        required=False, default=dict, help_text="Codebook field values by field key."
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    spans = SpanWriteSerializer(many=True, required=False, default=list)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text='For updates: the version you edited (or send If-Match: "v<version>").',
    )


class EventReadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    assignment = serializers.IntegerField()
    article = serializers.IntegerField()
    event_type = serializers.CharField()
    event_subtype = serializers.CharField(allow_null=True)
    values = serializers.DictField()
    notes = serializers.CharField()
    version = serializers.IntegerField()
    spans = SpanReadSerializer(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
