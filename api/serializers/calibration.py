"""Serializers of calibration items, their scores and coder drift (issue #17)."""

from __future__ import annotations

from rest_framework import serializers


class CalibrationPolicySerializer(serializers.Serializer):
    rate = serializers.FloatField(
        min_value=0.0,
        max_value=1.0,
        help_text="Calibration items per real assignment: a coder with n real assignments "
        "gets floor(rate × n) items, slipped blind into the queue by the next balance.",
    )
    drift_threshold = serializers.FloatField(min_value=0.0, max_value=1.0)
    drift_drop = serializers.FloatField(min_value=0.0, max_value=1.0)
    drift_min_items = serializers.IntegerField(min_value=1, max_value=1000)
    drift_window = serializers.ChoiceField(choices=["week", "month"])


class CalibrationArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class CalibrationCoderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class CalibrationItemSerializer(serializers.Serializer):
    article = CalibrationArticleSerializer()
    active = serializers.BooleanField(help_text="False once unmarked: no new assignments.")
    marked_by = serializers.CharField()
    marked_at = serializers.DateTimeField()
    unmarked_at = serializers.DateTimeField(allow_null=True)
    assignments = serializers.IntegerField()
    scored = serializers.IntegerField()
    mean_f1 = serializers.FloatField(allow_null=True)


class CalibrationOverviewSerializer(serializers.Serializer):
    policy = CalibrationPolicySerializer()
    items = CalibrationItemSerializer(many=True)


class MarkSerializer(serializers.Serializer):
    article = serializers.IntegerField(min_value=1, help_text="A validated article's id.")


class FieldAgreementSerializer(serializers.Serializer):
    agree = serializers.IntegerField()
    compared = serializers.IntegerField()


class CalibrationScoreSerializer(serializers.Serializer):
    assignment = serializers.IntegerField()
    article = CalibrationArticleSerializer()
    coder = CalibrationCoderSerializer()
    assignment_status = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(
        choices=["open", "pending", "scored"],
        help_text="open: not submitted; pending: submitted, being scored; scored.",
    )
    tp = serializers.IntegerField(allow_null=True)
    fp = serializers.IntegerField(allow_null=True)
    fn = serializers.IntegerField(allow_null=True)
    f1 = serializers.FloatField(allow_null=True, help_text="Event detection F1 against gold.")
    fields = serializers.DictField(
        child=FieldAgreementSerializer(),
        help_text="Per field: matched pairs with the gold value / pairs where either has one.",
    )
    gold_revision = serializers.IntegerField(allow_null=True)
    scored_at = serializers.DateTimeField(allow_null=True)


class DriftWindowSerializer(serializers.Serializer):
    window = serializers.CharField(help_text='"2026-W07" or "2026-02"')
    items = serializers.IntegerField()
    calibration = serializers.IntegerField()
    adjudicated = serializers.IntegerField()
    tp = serializers.IntegerField()
    fp = serializers.IntegerField()
    fn = serializers.IntegerField()
    f1 = serializers.FloatField(allow_null=True)
    counts = serializers.BooleanField(help_text="Enough items to count for the flag.")


class DriftFlagSerializer(serializers.Serializer):
    flagged = serializers.BooleanField()
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=["below_threshold", "dropped"])
    )
    latest = serializers.FloatField(allow_null=True)
    baseline = serializers.FloatField(allow_null=True)


class DriftRuleSerializer(serializers.Serializer):
    threshold = serializers.FloatField()
    drop = serializers.FloatField()
    min_items = serializers.IntegerField()
    window = serializers.CharField()


class CoderDriftSerializer(serializers.Serializer):
    coder = CalibrationCoderSerializer()
    rule = DriftRuleSerializer()
    windows = DriftWindowSerializer(many=True)
    flag = DriftFlagSerializer()
