from __future__ import annotations

import math
from typing import Any

from rest_framework import serializers

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


def json_storage_problems(value: Any, path: str = "") -> dict[str, str]:
    """What PostgreSQL cannot store of a JSON value, by path: NUL characters (in keys or
    strings; jsonb refuses them) and non-finite numbers. Empty if all is well."""
    problems: dict[str, str] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                problems[where] = "keys may not contain NUL characters"
            problems.update(json_storage_problems(item, where))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problems.update(json_storage_problems(item, f"{path}[{index}]"))
    elif isinstance(value, str) and "\x00" in value:
        problems[path] = "text may not contain NUL characters"
    elif isinstance(value, float) and not math.isfinite(value):
        problems[path] = "numbers must be finite"
    return problems


def _storable_values(values: dict[str, Any]) -> dict[str, Any]:
    problems = json_storage_problems(values)
    # Top-level integers may land in 32-bit typed columns (fatalities, ...).
    for key, value in values.items():
        is_int = isinstance(value, int) and not isinstance(value, bool)
        if is_int and not INT32_MIN <= value <= INT32_MAX:
            problems[str(key)] = f"integers must lie within [{INT32_MIN}, {INT32_MAX}]"
    if problems:
        raise serializers.ValidationError(problems)
    return values


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


RENAMED_NOTES = "notes"
RENAMED_NOTES_MESSAGE = (
    "the event's own remark is now `memo`; a codebook field keyed notes goes in `values`"
)


class EventWriteSerializer(serializers.Serializer):
    event_type = serializers.CharField(max_length=80, help_text="Event type code.")
    event_subtype = serializers.CharField(
        max_length=80, required=False, allow_null=True, allow_blank=True, default=None
    )
    values = serializers.DictField(
        required=False, default=dict, help_text="Codebook field values by field key."
    )
    memo = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=20000,
        help_text="Your own remark on the event (not a codebook field; never exported). "
        "Formerly `notes`, which is refused: codebook values go in `values`.",
    )
    spans = SpanWriteSerializer(many=True, required=False, default=list)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text='For updates: the version you edited (or send If-Match: "v<version>").',
    )

    def validate_values(self, values: dict[str, Any]) -> dict[str, Any]:
        return _storable_values(values)

    def to_internal_value(self, data: Any) -> Any:
        # The event's remark was `notes`: a client still sending it would lose it silently.
        if isinstance(data, dict) and RENAMED_NOTES in data:
            raise serializers.ValidationError(
                {RENAMED_NOTES: [RENAMED_NOTES_MESSAGE]}, code="renamed"
            )
        return super().to_internal_value(data)


class EventReadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    assignment = serializers.IntegerField()
    article = serializers.IntegerField()
    event_type = serializers.CharField()
    event_subtype = serializers.CharField(allow_null=True)
    values = serializers.DictField()
    memo = serializers.CharField()
    version = serializers.IntegerField()
    spans = SpanReadSerializer(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


# --- The common case without DRF's field machinery ---------------------------------------------
# Instantiating EventWriteSerializer deep-copies its fields and its nested span serializer's
# (about 0.25 ms a request, the single largest cost of validation). A well-formed body, as the
# browser sends it, is recognized here in plain Python and given exactly the validated data
# DRF would give; anything else (a wrong type, surrounding whitespace that DRF would strip, a
# NUL, a lone surrogate, a length over a limit, a number DRF would coerce, a value PostgreSQL
# cannot store) goes through EventWriteSerializer, which reports the errors as always.
# tests/api/test_event_body_validation.py checks the two agree.


def _plain_text(value: Any, max_length: int, *, trimmed: bool = True) -> bool:
    """A str that DRF's CharField keeps as it is: not blank, within `max_length`, no NUL, no
    surrogate (which UTF-8 cannot encode), and with nothing for `trim_whitespace` to strip."""
    if not isinstance(value, str) or not 0 < len(value) <= max_length or "\x00" in value:
        return False
    if trimmed and value != value.strip():
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _plain_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _fast_validated(data: Any) -> dict[str, Any] | None:
    if not isinstance(data, dict) or RENAMED_NOTES in data:
        return None
    event_type = data.get("event_type")
    if not _plain_text(event_type, 80):
        return None
    subtype = data.get("event_subtype")
    if subtype is not None and not (subtype == "" or _plain_text(subtype, 80)):
        return None
    values = data.get("values", {})
    if not isinstance(values, dict):
        return None
    memo = data.get("memo", "")
    if not (memo == "" or _plain_text(memo, 20000)):
        return None
    spans = data.get("spans", [])
    if not isinstance(spans, list):
        return None
    checked_spans = []
    for span in spans:
        if not isinstance(span, dict):
            return None
        role, start, end, quote = (span.get(k) for k in ("role", "start", "end", "quote"))
        if not (
            _plain_text(role, 80)
            and _plain_int(start)
            and _plain_int(end)
            and _plain_text(quote, 20000, trimmed=False)
        ):
            return None
        checked_spans.append({"role": role, "start": start, "end": end, "quote": quote})
    try:
        values = _storable_values(dict(values))
    except serializers.ValidationError:
        return None
    validated: dict[str, Any] = {
        "event_type": event_type,
        "event_subtype": subtype,
        "values": values,
        "memo": memo,
        "spans": checked_spans,
    }
    if "version" in data:
        version = data["version"]
        if not (_plain_int(version) and version >= 1):
            return None
        validated["version"] = version
    return validated


def validated_event_body(data: Any) -> dict[str, Any]:
    """EventWriteSerializer(data=data)'s validated data; raises its ValidationError (422)."""
    fast = _fast_validated(data)
    if fast is not None:
        return fast
    serializer = EventWriteSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data  # type: ignore[no-any-return]
