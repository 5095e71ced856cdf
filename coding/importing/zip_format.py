"""A zip archive of .json, .jsonl, .csv and .txt files, read member by member.

Folders named `__MACOSX` and any file or folder whose name starts with "." are ignored, at
any depth. Before any member is read, the archive is refused (one fatal RowError) if it
declares more than `zip_max_entries` entries, a central directory over
`zip_max_directory_bytes`, or members to read that expand to more than
`zip_max_total_bytes` in total. `zipfile` never returns more bytes than a member declares, so
the declared sizes are a real bound. Members are read in name order. A member whose path is
absolute or has a `..` part is not read and is reported (fatal for that member); a member
with another extension, an encrypted member or a nested zip gives a fatal RowError for that
member only.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import IO

from coding.importing.formats import PLAIN_READERS, describe_unsupported, format_from_name
from coding.importing.limits import ImportLimits
from coding.importing.records import Origin, ParsedRow, RowError
from coding.importing.zip_guard import read_declared_directory

_ENCRYPTED_FLAG = 0x1


def iter_zip_rows(stream: IO[bytes], origin: Origin, limits: ImportLimits) -> Iterator[ParsedRow]:
    """Yield the rows of every supported member, located as "<zip>:<member> line N"."""
    archive_name = origin.label
    refusal = _refusal_before_opening(stream, limits)
    if refusal is not None:
        yield RowError(archive_name, 0, None, refusal, fatal=True)
        return
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        yield RowError(archive_name, 0, None, f"not a readable zip archive: {exc}", fatal=True)
        return
    with archive:
        entries = archive.infolist()
        unsafe = sorted(entry.filename for entry in entries if is_unsafe(entry.filename))
        members = sorted(
            (
                entry
                for entry in entries
                if not entry.is_dir()
                and not is_unsafe(entry.filename)
                and not is_ignored(entry.filename)
            ),
            key=lambda entry: entry.filename,
        )
        refusal = _refusal_after_opening(entries, members, limits)
        if refusal is not None:
            yield RowError(archive_name, 0, None, refusal, fatal=True)
            return
        for name in unsafe:
            reason = (
                "not read: the path is absolute or climbs out of the archive with '..' "
                "(a sign of a crafted archive)"
            )
            yield RowError(Origin(name, archive_name).label, 0, None, reason, fatal=True)
        for member in members:
            yield from _member_rows(archive, member, Origin(member.filename, archive_name), limits)


def is_unsafe(member_name: str) -> bool:
    """Whether a member's path is absolute (/x, \\x, C:x) or has a '..' part: reported as a
    problem, never read (and never silently taken for a hidden file)."""
    name = member_name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":" and name[0].isalpha()):
        return True
    return ".." in name.split("/")


def is_ignored(member_name: str) -> bool:
    """Whether a member is skipped silently: macOS resource forks and hidden files/folders."""
    parts = PurePosixPath(member_name).parts
    return any(part == "__MACOSX" or part.startswith(".") for part in parts)


def _refusal_before_opening(stream: IO[bytes], limits: ImportLimits) -> str | None:
    try:
        declared = read_declared_directory(stream)
    except io.UnsupportedOperation:
        return "not a readable zip archive: the upload was given as a stream that cannot seek"
    if declared is None:
        return "not a readable zip archive: no end-of-archive record found"
    if declared.entries > limits.zip_max_entries:
        return _too_many_entries(declared.entries, limits)
    if declared.directory_bytes > limits.zip_max_directory_bytes:
        return (
            f"the zip's table of contents is {declared.directory_bytes:,} bytes, over the "
            f"limit of {limits.zip_max_directory_bytes:,}"
        )
    return None


def _refusal_after_opening(
    entries: list[zipfile.ZipInfo], members: list[zipfile.ZipInfo], limits: ImportLimits
) -> str | None:
    # The declared count can disagree with the directory actually read: check both.
    if len(entries) > limits.zip_max_entries:
        return _too_many_entries(len(entries), limits)
    total = sum(member.file_size for member in members if format_from_name(member.filename))
    if total > limits.zip_max_total_bytes:
        return (
            f"the zip's files would expand to {total:,} bytes, over the limit of "
            f"{limits.zip_max_total_bytes:,} bytes"
        )
    return None


def _too_many_entries(count: int, limits: ImportLimits) -> str:
    return f"the zip has {count:,} entries, over the limit of {limits.zip_max_entries:,}"


def _member_rows(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, origin: Origin, limits: ImportLimits
) -> Iterator[ParsedRow]:
    fmt = format_from_name(member.filename)
    reader = PLAIN_READERS.get(fmt) if fmt else None
    if reader is None:
        reason = (
            "a zip inside a zip is not supported"
            if fmt == "zip"
            else describe_unsupported(member.filename, inside_zip=True)
        )
        yield RowError(origin.label, 0, None, reason, fatal=True)
        return
    if member.flag_bits & _ENCRYPTED_FLAG:
        reason = "the file is encrypted (password-protected zips are not supported)"
        yield RowError(origin.label, 0, None, reason, fatal=True)
        return
    try:
        with archive.open(member) as stream:
            yield from reader(stream, origin, limits)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError) as exc:
        # Rows yielded before the damage stay valid; the rest of this member is lost.
        reason = f"the file could not be decompressed: {exc}"
        yield RowError(origin.label, 0, None, reason, fatal=True)
