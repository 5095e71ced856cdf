"""Field rules shared by every format, checked through JSON Lines rows."""

from __future__ import annotations

from typing import Any

import pytest

from coding.importing import ArticleInput, ImportLimits
from tests.importing.helpers import (
    ARABIC_TEXT,
    ENGLISH_TEXT,
    FRENCH_TEXT,
    jsonl,
    messages,
    rows,
)


def _article(**fields: Any) -> ArticleInput:
    (article,) = rows(jsonl({"title": "t", "text": "x", **fields}), "a.jsonl")
    assert isinstance(article, ArticleInput), article
    return article


def _errors(limits: ImportLimits | None = None, **fields: Any) -> list[str]:
    data = jsonl(fields)
    return messages(rows(data, "a.jsonl", limits=limits or ImportLimits()))


def test_title_whitespace_and_line_breaks_collapse_and_title_is_nfc() -> None:
    assert _article(title="\ufeff Le\r\n  village\tde  Boni ").title == "Le village de Boni"
    assert _article(title="e\u0301t\u00e9").title == "\u00e9t\u00e9"


def test_title_limits() -> None:
    assert _article(title="ع" * 500).title == "ع" * 500
    assert _errors(title="ع" * 501, text="x") == [
        "line 1: title: is 501 characters long; the limit is 500"
    ]
    assert _errors(title=" \n ", text="x") == ["line 1: title: is empty"]


def test_text_canonical_form_keeps_arabic_marks_in_nfc_order() -> None:
    shadda_then_fatha = "م\u0651\u064e"
    assert _article(text=shadda_then_fatha).text == "م\u064e\u0651"


def test_wrong_types_are_named() -> None:
    assert _errors(title=12, text=["a"], source=True, metadata="x") == [
        "line 1: title: must be a string, not a number",
        "line 1: text: must be a string, not a list",
        "line 1: source: must be a string, not true/false",
        "line 1: metadata: must be an object, not a string",
    ]


def test_missing_title_with_wrong_case_key_gets_a_hint() -> None:
    assert _errors(Title="t", text="x") == [
        'line 1: title: is required (found "Title"; field names are lower case)'
    ]


def test_text_length_limit() -> None:
    limits = ImportLimits(text_max_chars=10)
    assert _errors(limits, title="t", text="😢" * 11) == [
        "line 1: text: is 11 characters long; the limit is 10"
    ]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("ar", "ar"),
        ("AR", "ar"),
        ("ar-ml", "ar-ML"),
        ("fr_ML", "fr-ML"),
        ("sr-latn", "sr-Latn"),
        (" en ", "en"),
        ("ar-ML-x1", "ar-ML-x1"),
    ],
)
def test_language_codes_are_normalized(given: str, stored: str) -> None:
    article = _article(language=given, text=FRENCH_TEXT)
    assert (article.language, article.language_detected) == (stored, False)


@pytest.mark.parametrize("given", ["arabic", "a", "ar ML", "ar--ML", "12", "ar-" + "x" * 40])
def test_invalid_language_codes_are_refused(given: str) -> None:
    expected = f'language: "{given}" is not a language code like "ar", "fr" or "ar-ML"'
    if len(given) > 60:
        expected = f'language: "{given[:59]}…" is not a language code like "ar", "fr" or "ar-ML"'
    assert _errors(title="t", text="x", language=given) == [f"line 1: {expected}"]


@pytest.mark.parametrize(
    ("text", "language"),
    [(ARABIC_TEXT, "ar"), (FRENCH_TEXT, "fr"), (ENGLISH_TEXT, "en"), ("12 345", "")],
)
def test_language_is_detected_when_absent_empty_or_null(text: str, language: str) -> None:
    for absent in ({}, {"language": ""}, {"language": None}):
        article = _article(text=text, **absent)
        assert (article.language, article.language_detected) == (language, True)


@pytest.mark.parametrize(
    "url",
    ["https://example.org", "http://example.org:8080/a/b?c=d#e", "https://العربية.example/خبر"],
)
def test_valid_urls(url: str) -> None:
    assert _article(url=f"  {url} ").url == url


@pytest.mark.parametrize(
    "url",
    [
        "example.org/a",
        "ftp://example.org/a",
        "https://",
        "https://exa mple.org",
        "https://example.org:port/",
        "mailto:x@example.org",
    ],
)
def test_invalid_urls(url: str) -> None:
    assert _errors(title="t", text="x", url=url) == [
        f'line 1: url: "{url}" is not a valid http or https URL'
    ]


def test_external_id_accepts_integers_and_has_a_limit() -> None:
    assert _article(external_id=12345).external_id == "12345"
    assert _article(external_id=" a-1 ").external_id == "a-1"
    assert _errors(title="t", text="x", external_id="i" * 201) == [
        "line 1: external_id: is 201 characters long; the limit is 200"
    ]
    assert _errors(title="t", text="x", external_id=1.5) == [
        "line 1: external_id: must be a string, not a number"
    ]


def test_null_optional_fields_are_absent() -> None:
    article = _article(source=None, url=None, published_at=None, external_id=None, metadata=None)
    assert (article.source, article.url, article.published_at, article.external_id) == (
        "",
        "",
        None,
        "",
    )
    assert article.metadata == {}


def test_unknown_keys_merge_into_metadata_and_conflicts_are_errors() -> None:
    assert _article(author="Z", metadata={"desk": "Gao"}).metadata == {"desk": "Gao", "author": "Z"}
    assert _errors(title="t", text="x", author="Z", metadata={"author": "Y"}) == [
        'line 1: metadata: "author" is given both as a top-level key and inside metadata'
    ]


def test_nul_in_a_short_field() -> None:
    assert _errors(title="t", text="x", external_id="a\u0000") == [
        "line 1: external_id: contains a NUL character (U+0000) at character 2"
    ]


def test_nul_anywhere_in_metadata_is_refused_with_its_path() -> None:
    assert _errors(title="t", text="x", metadata={"tags": ["ok", "b\u0000d"]}) == [
        'line 1: metadata: contains a NUL character (U+0000) in "tags[1]"'
    ]
    assert _errors(title="t", text="x", desk={"k\u0000": 1}) == [
        'line 1: metadata: contains a NUL character (U+0000) in "desk.k\\u0000"'
    ]
    deep: object = "bad\u0000"
    for _ in range(500):
        deep = [deep]
    assert _errors(title="t", text="x", metadata={"deep": deep}) == [
        # The path is shortened like every quoted value, to 60 characters.
        f'line 1: metadata: contains a NUL character (U+0000) in "deep{"[0]" * 18}[…"'
    ]
