"""JSON list uploads: items, malformed files, wrong shapes, size bound."""

from __future__ import annotations

import json

from coding.importing import ArticleInput, ImportLimits, RowError
from tests.importing.helpers import articles, messages, rows


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2).encode()


def test_items_are_numbered_from_one() -> None:
    data = _json([{"title": "a", "text": "x"}, {"title": "b", "text": "y"}])
    parsed = rows(data, "list.json")
    assert [(a.location, a.line, a.title) for a in articles(parsed)] == [
        ("item 1", 1, "a"),
        ("item 2", 2, "b"),
    ]
    assert messages(parsed) == []


def test_bad_items_get_errors_and_good_items_still_parse() -> None:
    data = _json([{"title": "a", "text": "x"}, 42, {"title": "c"}, {"title": "d", "text": "w"}])
    parsed = rows(data, "list.json")
    assert [a.title for a in articles(parsed)] == ["a", "d"]
    assert messages(parsed) == [
        "item 2: expected a JSON object, found a number",
        "item 3: text: is required",
    ]


def test_malformed_json_is_one_fatal_error_at_the_decoder_position() -> None:
    data = b'[\n  {"title": "a", "text": "x"},\n  {"title": "b" "text": "y"}\n]\n'
    parsed = rows(data, "list.json")
    assert parsed == [
        RowError(
            location="line 3",
            line=3,
            field=None,
            reason="malformed JSON: Expecting ',' delimiter at line 3 column 17",
            fatal=True,
        )
    ]


def test_truncated_json_reports_the_end() -> None:
    parsed = rows(b'[{"title": "a", "text": "x"},\n', "list.json")
    assert messages(parsed) == ["line 2: malformed JSON: Expecting value at line 2 column 1"]


def test_json_lines_named_json_gets_a_hint() -> None:
    data = b'{"title": "a", "text": "x"}\n{"title": "b", "text": "y"}\n'
    assert messages(rows(data, "feed.json")) == [
        "line 2: malformed JSON: Extra data at line 2 column 1 "
        "(a file with one object per line must be named .jsonl)"
    ]


def test_a_single_object_is_not_a_list() -> None:
    assert messages(rows(b'{"title": "a", "text": "x"}', "one.json")) == [
        "line 1: expected a JSON list of article objects, found an object"
    ]


def test_bom_is_accepted() -> None:
    data = b"\xef\xbb\xbf" + _json([{"title": "a", "text": "x"}])
    assert [a.title for a in articles(rows(data, "list.json"))] == ["a"]


def test_invalid_utf8_names_line_and_offset() -> None:
    data = b'[\n {"title": "a", "text": "\xff"}\n]'
    assert data.index(b"\xff") == 27
    assert rows(data, "list.json") == [
        RowError(
            "line 2",
            2,
            None,
            "invalid UTF-8 in line 2 (byte 0xFF at byte offset 27); the file must be UTF-8",
            fatal=True,
        )
    ]


def test_file_over_the_json_limit_is_refused() -> None:
    data = _json([{"title": "a", "text": "x" * 200}])
    parsed = rows(data, "big.json", limits=ImportLimits(json_max_bytes=100))
    assert messages(parsed) == [
        "big.json: the JSON file is larger than the limit of 100 bytes; "
        "upload it as JSON Lines (.jsonl) instead"
    ]


def test_unknown_keys_go_to_metadata() -> None:
    data = _json([{"title": "a", "text": "x", "author": "Z", "metadata": {"desk": "Gao"}}])
    (article,) = rows(data, "list.json")
    assert isinstance(article, ArticleInput)
    assert article.metadata == {"desk": "Gao", "author": "Z"}


def test_format_argument_overrides_the_extension() -> None:
    data = _json([{"title": "a", "text": "x"}])
    assert [a.title for a in articles(rows(data, "upload.bin", fmt="json"))] == ["a"]


def test_infinity_is_refused_for_the_whole_file() -> None:
    assert rows(b'[{"title": "a", "text": "x", "metadata": {"v": -Infinity}}]', "l.json") == [
        RowError("l.json", 0, None, "malformed JSON: -Infinity is not a valid JSON value", True)
    ]
