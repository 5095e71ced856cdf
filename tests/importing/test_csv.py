"""CSV uploads: header matching, delimiters, BOM, line numbers, metadata columns, errors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from coding.importing import ArticleInput, ImportLimits, RowError
from tests.importing.helpers import ARABIC_TEXT, articles, messages, rows


def _csv(text: str, *, bom: bool = False, crlf: bool = False) -> bytes:
    if crlf:
        text = text.replace("\n", "\r\n")
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("crlf", [False, True])
def test_columns_in_any_order_case_and_spaces_ignored(bom: bool, crlf: bool) -> None:
    data = _csv(
        " URL ,Text,Title,published_at,Language\n"
        f'https://example.org/1,"{ARABIC_TEXT}",عنوان,2023-05-01,ar\n',
        bom=bom,
        crlf=crlf,
    )
    (article,) = rows(data, "articles.csv")
    assert isinstance(article, ArticleInput)
    assert (article.location, article.line, article.title, article.text) == (
        "line 2",
        2,
        "عنوان",
        ARABIC_TEXT,
    )
    assert article.url == "https://example.org/1"
    assert article.published_at == datetime(2023, 5, 1, tzinfo=UTC)
    assert (article.language, article.language_detected) == ("ar", False)
    assert article.metadata == {}


def test_unknown_columns_go_to_metadata_and_empty_cells_are_left_out() -> None:
    data = _csv("title,text,Author,desk,\na,x,Moussa,,extra\nb,y,,Gao,\n")
    parsed = articles(rows(data, "a.csv"))
    assert [a.metadata for a in parsed] == [
        {"Author": "Moussa", "column_5": "extra"},
        {"desk": "Gao"},
    ]


def test_a_metadata_column_is_an_ordinary_extra_column() -> None:
    (article,) = rows(_csv('title,text,metadata\na,x,"{""k"": 1}"\n'), "a.csv")
    assert isinstance(article, ArticleInput)
    assert article.metadata == {"metadata": '{"k": 1}'}


def test_crlf_inside_a_quoted_cell_becomes_lf_and_line_numbers_follow_physical_lines() -> None:
    data = _csv('title,text\na,"first\r\nsecond\r\nthird"\r\nb,y\r\n')
    parsed = articles(rows(data, "a.csv"))
    assert [(a.line, a.text) for a in parsed] == [(2, "first\nsecond\nthird"), (5, "y")]


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolon"), ("\t", "tab")])
def test_semicolon_and_tab_delimiters_are_detected(delimiter: str, name: str) -> None:
    header = delimiter.join(["title", "text", "note"])
    data = _csv(f"{header}\n" + delimiter.join(["Journal", "Texte, avec virgule", name]) + "\n")
    (article,) = rows(data, "a.csv")
    assert isinstance(article, ArticleInput)
    assert (article.title, article.text, article.metadata) == (
        "Journal",
        "Texte, avec virgule",
        {"note": name},
    )


def test_missing_required_column_is_one_fatal_error_for_the_header() -> None:
    parsed = rows(_csv("headline,body\na,b\nc,d\n"), "a.csv")
    assert parsed == [
        RowError(
            "line 1",
            1,
            None,
            'the header has no "title" and no "text" column (columns found: "headline", "body")',
            fatal=True,
        )
    ]


def test_one_missing_column() -> None:
    assert messages(rows(_csv("title,body\na,b\n"), "a.csv")) == [
        'line 1: the header has no "text" column (columns found: "title", "body")'
    ]


def test_duplicate_column_is_refused() -> None:
    assert messages(rows(_csv("title,text,Title\na,b,c\n"), "a.csv")) == [
        'line 1: the header has two columns named "Title"'
    ]


def test_bad_rows_in_the_middle_keep_exact_line_numbers() -> None:
    data = _csv(
        "title,text,published_at,external_id\n"
        "one,first,2023-01-02,1\n"
        ",,2023-01-02,2\n"
        "three,third,2023-02-30,3\n"
        "four,fourth,,4,surplus\n"
        "\n"
        ",,,\n"
        "seven,seventh,,7\n"
    )
    parsed = rows(data, "a.csv")
    assert [(a.title, a.line, a.external_id) for a in articles(parsed)] == [
        ("one", 2, "1"),
        ("seven", 8, "7"),
    ]
    assert messages(parsed) == [
        "line 3: title: is required",
        "line 3: text: is required",
        'line 4: published_at: "2023-02-30" is not a valid date: day is out of range for month',
        "line 5: the row has 5 cells but the header has 4 columns",
    ]


def test_fewer_cells_than_columns_means_empty_cells() -> None:
    (article,) = rows(_csv("title,text,source,url\na,x\n"), "a.csv")
    assert isinstance(article, ArticleInput)
    assert (article.source, article.url) == ("", "")


def test_invalid_utf8_fails_only_the_record_that_holds_it() -> None:
    data = b'title,text\na,x\nb,"multi\nline \xc3("\nc,z\n'
    parsed = rows(data, "a.csv")
    offset = data.index(b"\xc3")
    assert messages(parsed) == [
        f"line 3: invalid UTF-8 in line 4 (byte 0xC3 at byte offset {offset}); "
        "the file must be UTF-8"
    ]
    assert [(a.title, a.line) for a in articles(parsed)] == [("a", 2), ("c", 5)]


def test_nul_in_a_cell_is_an_error_for_that_row() -> None:
    parsed = rows(b"title,text\na,x\x00y\nb,z\n", "a.csv")
    assert messages(parsed) == ["line 2: text: contains a NUL character (U+0000) at character 2"]
    assert [a.title for a in articles(parsed)] == ["b"]


def test_cells_longer_than_the_csv_module_default_are_accepted() -> None:
    long_text = "ب" * 200_000
    (article,) = rows(_csv(f"title,text\na,{long_text}\n"), "a.csv")
    assert isinstance(article, ArticleInput)
    assert len(article.text) == 200_000


def test_a_stray_carriage_return_is_a_row_error() -> None:
    parsed = rows(b"title,text\na,x\rb,y\nc,z\n", "a.csv")
    assert messages(parsed) == ["line 2: malformed CSV: a line break (CR) inside an unquoted cell"]
    assert [a.title for a in articles(parsed)] == ["c"]


def test_a_line_over_the_limit_fails_its_row() -> None:
    data = _csv("title,text\na," + "x" * 300 + "\nb,y\n")
    parsed = rows(data, "a.csv", limits=ImportLimits(line_max_bytes=200))
    assert messages(parsed) == ["line 2: the line is longer than the limit of 200 bytes"]
    assert [(a.title, a.line) for a in articles(parsed)] == [("b", 3)]


def test_empty_file_and_header_only() -> None:
    assert messages(rows(b"", "a.csv")) == ["a.csv: the CSV file is empty"]
    assert rows(b"\xef\xbb\xbftitle,text\r\n", "a.csv") == []


def test_blank_lines_before_the_header_are_skipped() -> None:
    parsed = rows(b"\n\ntitle,text\na,x\n", "a.csv")
    assert [(a.title, a.line) for a in articles(parsed)] == [("a", 4)]


def test_numeric_external_id_keeps_its_leading_zeros() -> None:
    (article,) = rows(_csv("title,text,external_id\na,x,00123\n"), "a.csv")
    assert isinstance(article, ArticleInput)
    assert article.external_id == "00123"


def test_utf16_csv_is_refused_at_the_header() -> None:
    data = "title,text\na,x\n".encode("utf-16")
    assert rows(data, "a.csv") == [
        RowError(
            "line 1",
            1,
            None,
            "the file is UTF-16 encoded; save it as UTF-8 and upload it again",
            fatal=True,
        )
    ]


def test_an_unclosed_quote_is_an_error_where_it_opens() -> None:
    parsed = rows(b'title,text\na,x\nb,"never closed\nc,z\nd,w\n', "a.csv")
    assert messages(parsed) == [
        "line 3: malformed CSV: a quoted cell is not closed before the end of the file"
    ]
    assert [a.title for a in articles(parsed)] == ["a"]


def test_text_after_a_closing_quote_is_an_error_for_that_row() -> None:
    parsed = rows(b'title,text\na,"x"y\nb,"he said ""hi"""\n', "a.csv")
    assert messages(parsed) == [
        "line 2: malformed CSV: text follows the closing quote of a cell "
        '(a quote inside a quoted cell is written "")'
    ]
    assert [(a.title, a.text) for a in articles(parsed)] == [("b", 'he said "hi"')]


def test_tsv_extension_is_csv_with_tabs() -> None:
    assert [a.source for a in articles(rows(b"title\ttext\tsource\na\tb\tc\n", "x.tsv"))] == ["c"]
