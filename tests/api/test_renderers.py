"""api.renderers.ORJSONRenderer gives what DRF's JSONRenderer gives, faster."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import json
import uuid
from typing import Any

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

from api.renderers import ORJSONRenderer

UTC = dt.UTC
ARABIC = "هاجم مسلحو JNIM قرية بولكيسي 🇲🇱 ١٢ يونيو"


@dataclasses.dataclass
class Point:
    x: int


def _both(data: Any, media_type: str = "application/json") -> tuple[bytes, bytes]:
    return (
        ORJSONRenderer().render(data, media_type, {}),
        JSONRenderer().render(data, media_type, {}),
    )


def test_it_is_the_only_api_renderer() -> None:
    assert [r.__name__ for r in api_settings.DEFAULT_RENDERER_CLASSES] == ["ORJSONRenderer"]
    assert ORJSONRenderer.media_type == "application/json"
    assert ORJSONRenderer.charset is None


def test_plain_data_is_byte_for_byte_drfs_and_non_ascii_stays_utf8() -> None:
    data = {
        "text": ARABIC,
        "harakat": "قُتِلَ",
        "n": [1, -2, 2**63 - 1, True, False, None, 0.5],
        "nested": {"b": [{"z": 1, "a": 2}], "a": ""},
        "escapes": 'quote " backslash \\ tab \t newline \n nul \x00',
    }
    ours, drf = _both(data)
    assert ours == drf
    assert ARABIC.encode() in ours  # not \u escapes
    assert json.loads(ours) == data


def test_types_go_through_drfs_encoder() -> None:
    lazy = gettext_lazy("Not found.")
    data = {
        "aware": dt.datetime(2026, 12, 6, 9, 11, 54, 123456, tzinfo=UTC),
        "aware_whole_second": dt.datetime(2026, 12, 6, 9, 11, 54, tzinfo=UTC),
        "other_offset": dt.datetime(2026, 1, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        "naive": dt.datetime(2026, 1, 1, 12, 0, 0, 5),
        "date": dt.date(2022, 6, 12),
        "time": dt.time(1, 2, 3, 456789),
        "duration": dt.timedelta(minutes=1, microseconds=5),
        "decimal": decimal.Decimal("12.50"),
        "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "lazy": lazy,
        "set": {3},
        "dataclass": Point(1),
        "tuple": (1, "a"),
    }
    ours = ORJSONRenderer().render({k: v for k, v in data.items() if k != "dataclass"})
    drf = JSONRenderer().render({k: v for k, v in data.items() if k != "dataclass"})
    assert ours == drf
    parsed = json.loads(ours)
    assert parsed["aware"] == "2026-12-06T09:11:54.123456Z"
    assert parsed["aware_whole_second"] == "2026-12-06T09:11:54Z"
    assert parsed["other_offset"] == "2026-01-01T12:00:00+01:00"
    assert parsed["naive"] == "2026-01-01T12:00:00.000005"
    assert parsed["decimal"] == 12.5
    assert parsed["lazy"] == "Not found."
    assert parsed["uuid"] == "12345678-1234-5678-1234-567812345678"
    assert parsed["duration"] == "60.000005"
    # DRF's encoder refuses a dataclass; so does this renderer (through the same fallback).
    with pytest.raises(TypeError):
        JSONRenderer().render({"p": Point(1)})
    with pytest.raises(TypeError):
        ORJSONRenderer().render({"p": Point(1)})


def test_line_and_paragraph_separators_are_escaped_as_drf_does() -> None:
    ours, drf = _both({"s": "a\u2028b\u2029c"})
    assert ours == drf == b'{"s":"a\\u2028b\\u2029c"}'


def test_floats_parse_to_the_same_numbers() -> None:
    data = [0.1, 1e-05, 1e16, 1.5e300, -0.0, 3.0]
    ours, drf = _both(data)
    assert json.loads(ours) == json.loads(drf) == data


@pytest.mark.parametrize(
    "data",
    [{1: "int key", "a": 2}, {"big": 2**70}, {"nested": [{None: 1, True: 2, 1.5: 3}]}],
)
def test_what_orjson_refuses_is_rendered_by_drf(data: Any) -> None:
    ours, drf = _both(data)
    assert ours == drf


def test_indent_requested_by_the_client_is_honoured_as_drf_does() -> None:
    data = {"a": [1, 2], "t": ARABIC}
    ours, drf = _both(data, "application/json; indent=4")
    assert ours == drf
    assert b'\n    "a"' in ours


def test_none_renders_an_empty_body() -> None:
    assert ORJSONRenderer().render(None) == b""
