"""Zip uploads: mixed members, ignored entries, member errors, and the zip-bomb limits."""

from __future__ import annotations

import io
import json
import struct
import zipfile

import pytest

from coding.importing import ArticleInput, ImportLimits, RowError, iter_article_rows
from coding.importing.zip_guard import DeclaredDirectory, read_declared_directory
from tests.importing.helpers import ARABIC_TEXT, articles, jsonl, make_zip, messages, report, rows

_CENTRAL_HEADER = b"PK\x01\x02"


def _patch_central_header(
    data: bytes, member_index: int, offset: int, fmt: str, value: int
) -> bytes:
    """Overwrite one field of the `member_index`-th central directory header."""
    position = -1
    for _ in range(member_index + 1):
        position = data.index(_CENTRAL_HEADER, position + 1)
    patched = bytearray(data)
    struct.pack_into(fmt, patched, position + offset, value)
    return bytes(patched)


def test_members_of_every_format_are_read_in_name_order_with_locations() -> None:
    data = make_zip(
        {
            "day2.csv": b"title,text,desk\nc,cc,Gao\n",
            "day1.jsonl": jsonl({"title": "a", "text": "aa"}) + b"\n" + b"{oops\n",
            "list.json": json.dumps([{"title": "d", "text": "dd"}]).encode(),
            "notes/أخبار.txt": ARABIC_TEXT.encode(),
            "__MACOSX/._day1.jsonl": b"\x00\x05\x16\x07",
            ".DS_Store": b"\x00\x00\x00\x01Bud1",
            "notes/.hidden/x.txt": b"hidden",
            "notes/": b"",
        }
    )
    parsed = rows(data, "uploads/batch.zip")
    assert [(a.location, a.line, a.title) for a in articles(parsed)] == [
        ("batch.zip:day1.jsonl line 1", 1, "a"),
        ("batch.zip:day2.csv line 2", 2, "c"),
        ("batch.zip:list.json item 1", 1, "d"),
        ("batch.zip:notes/أخبار.txt", 1, "أخبار"),
    ]
    assert messages(parsed) == [
        "batch.zip:day1.jsonl line 3: malformed JSON: "
        "Expecting property name enclosed in double quotes at column 2"
    ]
    (csv_article,) = [a for a in articles(parsed) if a.title == "c"]
    assert csv_article.metadata == {"desk": "Gao"}


def test_report_over_a_zip_counts_rows_across_members_and_finds_duplicates() -> None:
    data = make_zip(
        {
            "a.jsonl": jsonl({"title": "a", "text": ARABIC_TEXT}, {"title": "b", "text": ""}),
            "b.txt": ARABIC_TEXT.encode(),
        }
    )
    result = report(data, "batch.zip")
    assert (result.n_rows, len(result.articles), result.n_invalid_rows) == (3, 1, 1)
    assert result.duplicates_in_file == [("batch.zip:b.txt", "batch.zip:a.jsonl line 1")]


def test_unsupported_and_nested_members_are_fatal_for_themselves_only() -> None:
    inner = make_zip({"x.jsonl": jsonl({"title": "x", "text": "x"})})
    data = make_zip(
        {"a.docx": b"PK...", "b.zip": inner, "c.jsonl": jsonl({"title": "c", "text": "c"})}
    )
    parsed = rows(data, "batch.zip")
    assert [(e.location, e.reason, e.fatal) for e in parsed if isinstance(e, RowError)] == [
        (
            "batch.zip:a.docx",
            'unsupported file type ".docx": a zip may hold .json, .jsonl, .csv, .txt files',
            True,
        ),
        ("batch.zip:b.zip", "a zip inside a zip is not supported", True),
    ]
    assert [a.title for a in articles(parsed)] == ["c"]


def test_a_real_compression_bomb_is_refused_before_any_member_is_read() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("good.jsonl", "w") as member:
            member.write(jsonl({"title": "a", "text": "x"}))
        with archive.open("bomb.jsonl", "w", force_zip64=True) as member:
            chunk = b"\n" * (1 << 20)
            for _ in range(200):
                member.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 2_000_000
    total = 200 * (1 << 20) + len(jsonl({"title": "a", "text": "x"}))
    assert rows(data, "batch.zip") == [
        RowError(
            "batch.zip",
            0,
            None,
            f"the zip's files would expand to {total:,} bytes, over the limit of 209,715,200 bytes",
            fatal=True,
        )
    ]


def test_declared_sizes_count_only_members_that_would_be_read() -> None:
    limits = ImportLimits(zip_max_total_bytes=100)
    data = make_zip({"a.jsonl": jsonl({"title": "a", "text": "x"}), "big.pdf": b"x" * 1000})
    parsed = rows(data, "batch.zip", limits=limits)
    assert [a.title for a in articles(parsed)] == ["a"]
    assert messages(parsed) == [
        'batch.zip:big.pdf: unsupported file type ".pdf": a zip may hold .json, .jsonl, .csv, '
        ".txt files"
    ]


def test_too_many_entries_is_refused_before_opening() -> None:
    data = make_zip({f"{i}.txt": b"x" for i in range(6)})
    assert messages(rows(data, "batch.zip", limits=ImportLimits(zip_max_entries=5))) == [
        "batch.zip: the zip has 6 entries, over the limit of 5"
    ]


def test_an_end_record_that_understates_the_count_is_caught_after_opening() -> None:
    data = bytearray(make_zip({f"{i}.txt": b"x" for i in range(6)}))
    end = data.rindex(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 2, 2)  # entries on this disk, entries in total
    declared = read_declared_directory(io.BytesIO(bytes(data)))
    assert declared is not None
    assert declared.entries == 2
    assert messages(rows(bytes(data), "batch.zip", limits=ImportLimits(zip_max_entries=5))) == [
        "batch.zip: the zip has 6 entries, over the limit of 5"
    ]


def test_a_large_central_directory_is_refused() -> None:
    data = make_zip({f"{'n' * 100}{i}.txt": b"x" for i in range(3)})
    declared = read_declared_directory(io.BytesIO(data))
    assert declared is not None
    limits = ImportLimits(zip_max_directory_bytes=declared.directory_bytes - 1)
    assert messages(rows(data, "batch.zip", limits=limits)) == [
        f"batch.zip: the zip's table of contents is {declared.directory_bytes:,} bytes, over "
        f"the limit of {declared.directory_bytes - 1:,}"
    ]


def test_declared_directory_of_a_plain_and_a_zip64_archive(monkeypatch: pytest.MonkeyPatch) -> None:
    members = {"a.txt": b"a", "b.txt": b"b", "c.txt": b"c"}
    plain = make_zip(members)
    expected_size = sum(46 + len(name) for name in members)
    assert read_declared_directory(io.BytesIO(plain)) == DeclaredDirectory(3, expected_size)
    # zipfile writes the zip64 end records when the count exceeds this limit.
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 1)
    zip64 = bytearray(make_zip(members))
    assert zip64.find(b"PK\x06\x06") > 0
    # As in a real zip64 archive, the classic end record then only holds placeholders.
    end = zip64.rindex(b"PK\x05\x06")
    struct.pack_into("<HHL", zip64, end + 8, 0xFFFF, 0xFFFF, 0xFFFFFFFF)
    declared = read_declared_directory(io.BytesIO(bytes(zip64)))
    assert declared == DeclaredDirectory(3, expected_size)
    assert [a.title for a in articles(rows(bytes(zip64), "batch.zip"))] == ["a", "b", "c"]


def test_an_archive_comment_does_not_hide_the_end_record() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.jsonl", jsonl({"title": "a", "text": "x"}))
        archive.comment = b"exported by a tool"
    assert [a.title for a in articles(rows(buffer.getvalue(), "batch.zip"))] == ["a"]


def test_not_a_zip() -> None:
    assert rows(b"hello, world", "batch.zip") == [
        RowError(
            "batch.zip",
            0,
            None,
            "not a readable zip archive: no end-of-archive record found",
            fatal=True,
        )
    ]


def test_corrupt_member_is_fatal_for_that_member() -> None:
    good = jsonl({"title": "a", "text": "abcdef"})
    data = make_zip({"a.jsonl": good, "b.jsonl": good.replace(b"a", b"b")}, zipfile.ZIP_STORED)
    corrupt = bytearray(data)
    corrupt[data.index(b"abcdef")] = ord("X")
    parsed = rows(bytes(corrupt), "batch.zip")
    assert messages(parsed) == [
        "batch.zip:a.jsonl: the file could not be decompressed: Bad CRC-32 for file 'a.jsonl'"
    ]
    assert [a.title for a in articles(parsed)] == ["b"]


def test_encrypted_member_is_refused() -> None:
    data = make_zip({"a.jsonl": jsonl({"title": "a", "text": "x"})})
    encrypted = _patch_central_header(data, 0, 8, "<H", 0x1)
    assert messages(rows(encrypted, "batch.zip")) == [
        "batch.zip:a.jsonl: the file is encrypted (password-protected zips are not supported)"
    ]


def test_a_member_that_lies_about_its_size_cannot_expand_beyond_it() -> None:
    content = jsonl({"title": "a", "text": "x" * 1000})
    data = make_zip({"a.jsonl": content})
    understated = _patch_central_header(data, 0, 24, "<L", 10)
    # zipfile stops at the declared 10 bytes, then the checksum of those bytes fails.
    assert messages(rows(understated, "batch.zip")) == [
        "batch.zip:a.jsonl: the file could not be decompressed: Bad CRC-32 for file 'a.jsonl'"
    ]


def test_article_input_from_zip_is_complete() -> None:
    data = make_zip({"x/a.csv": b"title,text\nT,body\n"})
    (article,) = rows(data, "batch.zip")
    assert isinstance(article, ArticleInput)
    assert (article.location, article.line, article.text) == ("batch.zip:x/a.csv line 2", 2, "body")


def test_a_stream_that_cannot_seek_is_refused() -> None:
    class Unseekable(io.BytesIO):
        def seek(self, offset: int, whence: int = 0, /) -> int:
            raise io.UnsupportedOperation("seek")

    assert messages(list(iter_article_rows(Unseekable(make_zip({})), "batch.zip"))) == [
        "batch.zip: not a readable zip archive: the upload was given as a stream that cannot seek"
    ]


def test_members_with_absolute_or_climbing_paths_are_reported_not_skipped() -> None:
    # Issue 13 item 14: "../x.jsonl" used to be taken for a hidden file and skipped silently.
    good = jsonl({"title": "ok", "text": ARABIC_TEXT})
    data = make_zip(
        {
            "../up.jsonl": good,
            "a/../../b.jsonl": good,
            "/etc/abs.jsonl": good,
            "C:/win.jsonl": good,
            "ok.jsonl": good,
            ".hidden.jsonl": good,  # still ignored: a hidden file, not a path trick
            "dots..in..name.jsonl": jsonl({"title": "dots", "text": ARABIC_TEXT + "!"}),
        }
    )
    parsed = rows(data, "batch.zip")
    assert [a.title for a in articles(parsed)] == ["dots", "ok"]
    reason = (
        "not read: the path is absolute or climbs out of the archive with '..' "
        "(a sign of a crafted archive)"
    )
    assert messages(parsed) == [
        f"batch.zip:../up.jsonl: {reason}",
        f"batch.zip:/etc/abs.jsonl: {reason}",
        f"batch.zip:C:/win.jsonl: {reason}",
        f"batch.zip:a/../../b.jsonl: {reason}",
    ]
    assert all(error.fatal for error in parsed if isinstance(error, RowError))
    summary = report(data, "batch.zip")
    assert summary.has_fatal_errors
    assert len(summary.articles) == 2
