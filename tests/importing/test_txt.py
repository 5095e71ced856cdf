"""Plain-text uploads: one article per file, title from the file name or a Title: header."""

from __future__ import annotations

from datetime import UTC, datetime

from coding.importing import ArticleInput, RowError
from coding.importing.txt_format import split_header
from tests.importing.helpers import ARABIC_TEXT, FRENCH_TEXT, rows


def _one(data: bytes, filename: str) -> ArticleInput:
    (article,) = rows(data, filename)
    assert isinstance(article, ArticleInput)
    return article


def test_whole_file_is_the_text_and_the_stem_is_the_title() -> None:
    article = _one(("\ufeff" + ARABIC_TEXT + "\r\n").encode(), "uploads/2023-05-01 Gao.txt")
    assert (article.location, article.line) == ("2023-05-01 Gao.txt", 1)
    assert article.title == "2023-05-01 Gao"
    assert article.text == ARABIC_TEXT + "\n"
    assert (article.language, article.language_detected) == ("ar", True)


def test_title_header_block_sets_fields_and_the_text_follows_the_blank_line() -> None:
    data = (
        "Title: Attaque à Boni\r\n"
        "SOURCE: Studio Tamani\r\n"
        "url: https://example.org/boni\r\n"
        "published_at: 2023-05-01 09:00\r\n"
        "language: fr\r\n"
        "external_id: st-77\r\n"
        "\r\n"
        "\r\n"
        f"{FRENCH_TEXT}\r\nDeuxième ligne: avec deux-points.\r\n"
    ).encode()
    article = _one(data, "story.TXT")
    assert article.title == "Attaque à Boni"
    assert (article.source, article.url, article.external_id) == (
        "Studio Tamani",
        "https://example.org/boni",
        "st-77",
    )
    assert article.published_at == datetime(2023, 5, 1, 9, 0, tzinfo=UTC)
    assert (article.language, article.language_detected) == ("fr", False)
    assert article.text == f"{FRENCH_TEXT}\nDeuxième ligne: avec deux-points.\n"


def test_header_ends_at_the_first_line_that_is_not_a_field() -> None:
    assert split_header("Title: T\nBamako: les faits\nsuite") == {
        "title": "T",
        "text": "Bamako: les faits\nsuite",
    }


def test_a_first_line_that_is_not_title_is_text() -> None:
    assert split_header("\nSource: AFP\nTitle: x\n") == {"text": "\nSource: AFP\nTitle: x\n"}


def test_title_header_without_body_is_an_empty_text_error() -> None:
    assert [str(e) for e in rows(b"Title: only a title\n", "a.txt")] == ["a.txt: text: is empty"]


def test_invalid_utf8_in_a_text_file() -> None:
    data = "ligne un\nligne deux é\n".encode("latin-1")
    assert rows(data, "a.txt") == [
        RowError(
            "line 2",
            2,
            None,
            "invalid UTF-8 in line 2 (byte 0xE9 at byte offset 20); the file must be UTF-8",
        )
    ]


def test_utf16_text_file_is_named_as_such() -> None:
    assert [str(e) for e in rows(ARABIC_TEXT.encode("utf-16"), "a.txt")] == [
        "line 1: the file is UTF-16 encoded; save it as UTF-8 and upload it again"
    ]


def test_empty_text_file() -> None:
    assert [str(e) for e in rows(b" \n\n", "blank.txt")] == ["blank.txt: text: is empty"]
