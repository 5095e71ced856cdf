"""JSON Lines uploads: streaming rows, blank lines, bad lines in the middle, encodings."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from coding.importing import ArticleInput, ImportLimits, RowError
from coding.text.canonical import text_sha256
from tests.importing.helpers import ARABIC_TEXT, articles, jsonl, messages, rows


def test_each_line_becomes_an_article_with_all_fields() -> None:
    data = jsonl(
        {
            "title": "  Attaque près de Boni ",
            "text": "Texte de l'article.",
            "language": "FR",
            "source": "AFP",
            "url": "https://example.org/a?id=1",
            "published_at": "2023-05-01T10:30:00+02:00",
            "external_id": "afp-1",
            "metadata": {"desk": "Bamako", "tags": ["a", "b"]},
        }
    )
    assert rows(data, "feed.jsonl") == [
        ArticleInput(
            location="line 1",
            line=1,
            title="Attaque près de Boni",
            text="Texte de l'article.",
            text_sha256=text_sha256("Texte de l'article."),
            language="fr",
            language_detected=False,
            source="AFP",
            url="https://example.org/a?id=1",
            published_at=datetime(2023, 5, 1, 8, 30, tzinfo=UTC),
            external_id="afp-1",
            metadata={"desk": "Bamako", "tags": ["a", "b"]},
        )
    ]


def test_blank_lines_are_skipped_but_still_counted_in_line_numbers() -> None:
    data = (
        b"\n"
        + jsonl({"title": "a", "text": "x"})
        + b"   \r\n\n"
        + jsonl({"title": "b", "text": "y"})
    )
    parsed = articles(rows(data, "feed.jsonl"))
    assert [(a.location, a.line, a.title) for a in parsed] == [
        ("line 2", 2, "a"),
        ("line 5", 5, "b"),
    ]


def test_bad_rows_in_the_middle_give_exact_errors_and_good_rows_still_parse() -> None:
    lines = [
        json.dumps({"title": "one", "text": "first"}),
        '{"title": "two", "text": "second"',
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": "four", "text": "fourth", "published_at": "32/13/2022"}),
        json.dumps({"text": "", "url": "javascript:alert(1)"}),
        json.dumps({"title": "six", "text": "sixth"}),
    ]
    parsed = rows("\n".join(lines).encode(), "feed.jsonl")
    assert [a.title for a in articles(parsed)] == ["one", "six"]
    assert [a.line for a in articles(parsed)] == [1, 6]
    assert messages(parsed) == [
        "line 2: malformed JSON: Expecting ',' delimiter at the end of the line",
        "line 3: expected a JSON object, found a list",
        'line 4: published_at: "32/13/2022" is not an ISO 8601 date '
        "(expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM])",
        "line 5: title: is required",
        "line 5: text: is empty",
        'line 5: url: "javascript:alert(1)" is not a valid http or https URL',
    ]
    assert [(e.line, e.field, e.fatal) for e in parsed if isinstance(e, RowError)] == [
        (2, None, False),
        (3, None, False),
        (4, "published_at", False),
        (5, "title", False),
        (5, "text", False),
        (5, "url", False),
    ]


def test_bom_and_crlf_are_removed_and_text_is_nfc() -> None:
    decomposed = "ا\u0654لجيش\r\nسطر ثان\rثالث"  # alef + combining hamza above
    data = b"\xef\xbb\xbf" + json.dumps({"title": "t", "text": decomposed}).encode() + b"\r\n"
    (article,) = rows(data, "feed.jsonl")
    assert isinstance(article, ArticleInput)
    assert article.text == "ألجيش\nسطر ثان\nثالث"
    assert article.text_sha256 == text_sha256("ألجيش\nسطر ثان\nثالث")


def test_arabic_with_emoji_is_kept_exactly_and_language_is_detected() -> None:
    (article,) = rows(jsonl({"title": "عنوان", "text": ARABIC_TEXT}), "feed.jsonl")
    assert isinstance(article, ArticleInput)
    assert article.text == ARABIC_TEXT
    assert (article.language, article.language_detected) == ("ar", True)


def test_invalid_utf8_names_the_line_and_byte_offset_and_parsing_continues() -> None:
    good = jsonl({"title": "a", "text": "x"})
    bad = b'{"title": "b", "text": "caf\xe9"}\n'
    data = good + bad + jsonl({"title": "c", "text": "z"})
    parsed = rows(data, "feed.jsonl")
    offset = len(good) + bad.index(b"\xe9")
    assert messages(parsed) == [
        f"line 2: invalid UTF-8 in line 2 (byte 0xE9 at byte offset {offset}); "
        "the file must be UTF-8"
    ]
    assert [a.title for a in articles(parsed)] == ["a", "c"]


def test_utf16_file_is_refused_once_as_fatal() -> None:
    data = "\ufeff" + json.dumps({"title": "a", "text": "x"}) + "\n"
    parsed = rows(data.encode("utf-16"), "feed.jsonl")
    assert [(e.location, e.reason, e.fatal) for e in parsed if isinstance(e, RowError)] == [
        ("line 1", "the file is UTF-16 encoded; save it as UTF-8 and upload it again", True)
    ]
    assert len(parsed) == 1


def test_nul_in_text_is_an_error_for_that_row_only() -> None:
    data = jsonl({"title": "a", "text": "ab\u0000c"}, {"title": "b", "text": "ok"})
    parsed = rows(data, "feed.jsonl")
    assert messages(parsed) == ["line 1: text: contains a NUL character (U+0000) at character 3"]
    assert [a.title for a in articles(parsed)] == ["b"]


def test_lone_surrogate_from_a_json_escape_is_an_error() -> None:
    data = b'{"title": "a\\ud800b", "text": "fine"}\n'
    assert messages(rows(data, "feed.jsonl")) == [
        "line 1: title: contains an unpaired surrogate (U+D800) at character 2"
    ]


def test_a_line_over_the_limit_is_skipped_with_an_error() -> None:
    limits = ImportLimits(line_max_bytes=100)
    long_line = json.dumps({"title": "long", "text": "x" * 200}).encode() + b"\n"
    data = jsonl({"title": "a", "text": "x"}) + long_line + jsonl({"title": "c", "text": "z"})
    parsed = rows(data, "feed.jsonl", limits=limits)
    assert messages(parsed) == ["line 2: the line is longer than the limit of 100 bytes"]
    assert [(a.title, a.line) for a in articles(parsed)] == [("a", 1), ("c", 3)]


def test_last_line_without_newline_is_read() -> None:
    data = jsonl({"title": "a", "text": "x"}) + b'{"title": "b", "text": "y"}'
    assert [a.title for a in articles(rows(data, "feed.jsonl"))] == ["a", "b"]


def test_ndjson_extension_is_json_lines() -> None:
    assert [a.title for a in articles(rows(jsonl({"title": "a", "text": "x"}), "x.NDJSON"))] == [
        "a"
    ]


def test_malformed_line_reports_the_column() -> None:
    parsed = rows(b'{"title": "a", "text": x}\n', "feed.jsonl")
    assert messages(parsed) == ["line 1: malformed JSON: Expecting value at column 24"]


def test_values_python_accepts_but_json_does_not_are_row_errors() -> None:
    data = (
        b'{"title": "a", "text": "x", "metadata": {"score": NaN}}\n'
        + b"[" * 100_000
        + b"]" * 100_000
        + b'\n{"title": "b", "text": "x", "external_id": '
        + b"9" * 5000
        + b"}\n"
        + jsonl({"title": "ok", "text": "x"})
    )
    parsed = rows(data, "feed.jsonl")
    assert messages(parsed) == [
        "line 1: malformed JSON: NaN is not a valid JSON value",
        "line 2: malformed JSON: the JSON is nested too deeply",
        "line 3: malformed JSON: Exceeds the limit (4300 digits) for integer string "
        "conversion: value has 5000 digits",
    ]
    assert [a.title for a in articles(parsed)] == ["ok"]


def test_a_number_too_large_for_a_float_is_a_row_error() -> None:
    import io

    from coding.importing import RowError, iter_article_rows

    payload = (
        b'{"title": "t", "text": "x", "metadata": {"n": 1e400}}\n{"title": "ok", "text": "y"}\n'
    )
    rows = list(iter_article_rows(io.BytesIO(payload), "a.jsonl"))
    assert isinstance(rows[0], RowError)
    assert "too large" in rows[0].reason
    assert not isinstance(rows[1], RowError)
