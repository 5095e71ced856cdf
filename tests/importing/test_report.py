"""parse_upload: counting rows, duplicates within the file, serialization, format choice."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coding.importing import ArticleInput, RowError, iter_article_rows
from coding.text.canonical import canonicalize, text_sha256
from tests.importing.helpers import ARABIC_TEXT, jsonl, report, rows


def test_counts_duplicates_and_errors() -> None:
    data = (
        jsonl(
            {"title": "a", "text": ARABIC_TEXT},
            {"title": "b", "text": "other"},
            {"title": "bad", "text": "", "url": "nope"},
            {"title": "a again", "text": ARABIC_TEXT},
            {"title": "a with a BOM", "text": "\ufeff" + ARABIC_TEXT},
        )
        + b"[1]\n"
    )
    result = report(data, "feed.jsonl")
    assert [a.title for a in result.articles] == ["a", "b"]
    assert result.duplicates_in_file == [("line 4", "line 1"), ("line 5", "line 1")]
    assert (result.n_rows, result.n_invalid_rows, len(result.errors)) == (6, 2, 3)
    assert not result.has_fatal_errors


def test_duplicates_are_found_after_canonicalization() -> None:
    data = jsonl({"title": "a", "text": "ا\u0654\r\nب"}, {"title": "b", "text": "أ\nب"})
    result = report(data, "feed.jsonl")
    assert result.duplicates_in_file == [("line 2", "line 1")]
    assert result.articles[0].text_sha256 == text_sha256("أ\nب")


def test_to_dict_is_json_serializable_and_exact() -> None:
    data = jsonl(
        {"title": "a", "text": "x", "published_at": "2023-05-01T12:00:00+01:00", "language": "en"},
        {"title": "b"},
        {"title": "c", "text": "x"},
    )
    summary = report(data, "feed.jsonl").to_dict(include_articles=True)
    assert json.loads(json.dumps(summary)) == summary
    assert summary == {
        "filename": "feed.jsonl",
        "format": "jsonl",
        "n_rows": 3,
        "n_articles": 1,
        "n_invalid_rows": 1,
        "n_duplicates_in_file": 1,
        "has_fatal_errors": False,
        "errors": [
            {
                "location": "line 2",
                "line": 2,
                "field": "text",
                "reason": "text: is required",
                "fatal": False,
            }
        ],
        "duplicates_in_file": [{"location": "line 3", "first_location": "line 1"}],
        "articles": [
            {
                "location": "line 1",
                "line": 1,
                "title": "a",
                "text": "x",
                "text_sha256": text_sha256("x"),
                "language": "en",
                "language_detected": False,
                "source": "",
                "url": "",
                "published_at": "2023-05-01T11:00:00+00:00",
                "external_id": "",
                "metadata": {},
            }
        ],
    }
    assert "articles" not in report(data, "feed.jsonl").to_dict()


def test_fatal_errors_are_not_rows() -> None:
    result = report(b"title;body\na;b\n", "a.csv")
    assert (result.n_rows, result.n_invalid_rows, result.has_fatal_errors) == (0, 0, True)


def test_unknown_extension_is_one_fatal_error_unless_a_format_is_given() -> None:
    assert rows(b"hello", "notes.docx") == [
        RowError(
            "notes.docx",
            0,
            None,
            'unsupported file type ".docx": expected .json, .jsonl, .csv, .txt or .zip',
            fatal=True,
        )
    ]
    (article,) = rows(b"hello world", "notes.docx", fmt="txt")
    assert isinstance(article, ArticleInput)
    assert article.title == "notes"


def test_an_unknown_format_argument_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown import format 'xml'"):
        list(iter_article_rows(io.BytesIO(b""), "a.xml", "xml"))


def test_rows_are_streamed_before_the_file_is_finished() -> None:
    class OneLineAtATime(io.BytesIO):
        """Fails if the parser reads past the second line before yielding the first row."""

        lines_read = 0

        def readline(self, size: int | None = -1) -> bytes:
            self.lines_read += 1
            return super().readline(size)

    stream = OneLineAtATime(jsonl(*({"title": str(i), "text": "x"} for i in range(1000))))
    first = next(iter_article_rows(stream, "feed.jsonl"))
    assert isinstance(first, ArticleInput)
    assert stream.lines_read == 1


_STORABLE_TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    min_size=1,
    max_size=200,
).filter(lambda text: canonicalize(text).strip() != "")


@settings(max_examples=150, deadline=None)
@given(text=_STORABLE_TEXT)
def test_any_storable_text_round_trips_to_its_canonical_form_in_jsonl_and_csv(text: str) -> None:
    expected = canonicalize(text)
    (from_jsonl,) = rows(jsonl({"title": "t", "text": text}), "a.jsonl")
    assert isinstance(from_jsonl, ArticleInput)
    assert from_jsonl.text == expected
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["title", "text"], ["t", text]])
    (from_csv,) = rows(buffer.getvalue().encode(), "a.csv")
    assert isinstance(from_csv, ArticleInput)
    assert from_csv.text == expected
    assert from_csv.text_sha256 == from_jsonl.text_sha256 == text_sha256(expected)
