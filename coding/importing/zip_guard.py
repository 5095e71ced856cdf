"""Read a zip's declared entry count and central-directory size before `zipfile` does.

`zipfile.ZipFile` loads the whole central directory into memory when it opens an archive, so
a crafted archive with millions of entries costs memory before any check can run on
`infolist()`. This module reads the end-of-central-directory record (and its zip64 variant)
the same way `zipfile` locates them, so the caller can refuse the archive first.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from typing import IO

_END_RECORD = struct.Struct("<4s4H2LH")  # signature, disks, entries on disk/total, size, offset
_END_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_ZIP64_END_RECORD = struct.Struct("<4sQ2H2L4Q")
_ZIP64_END_SIGNATURE = b"PK\x06\x06"
_MAX_COMMENT_BYTES = 65_535


@dataclass(frozen=True, slots=True)
class DeclaredDirectory:
    """What the archive's end record declares: number of entries, directory size in bytes."""

    entries: int
    directory_bytes: int


def read_declared_directory(stream: IO[bytes]) -> DeclaredDirectory | None:
    """The declared sizes, or None when no end record is found (then it is not a zip).

    Leaves the stream positioned at its start.
    """
    size = stream.seek(0, io.SEEK_END)
    tail_size = min(size, _END_RECORD.size + _MAX_COMMENT_BYTES)
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    stream.seek(0)
    # Like zipfile: an archive without a comment ends with the record; else search backwards.
    if tail[-_END_RECORD.size : -_END_RECORD.size + 4] == _END_SIGNATURE:
        position = len(tail) - _END_RECORD.size
    else:
        position = tail.rfind(_END_SIGNATURE)
    if position < 0 or position + _END_RECORD.size > len(tail):
        return None
    fields = _END_RECORD.unpack_from(tail, position)
    entries, directory_bytes = fields[4], fields[5]
    zip64 = _zip64_sizes(stream, size - tail_size + position)
    if zip64 is not None:
        entries, directory_bytes = zip64
    return DeclaredDirectory(entries=entries, directory_bytes=directory_bytes)


def _zip64_sizes(stream: IO[bytes], end_record_offset: int) -> tuple[int, int] | None:
    """(entries, directory bytes) from the zip64 end record just before the locator."""
    locator_offset = end_record_offset - _ZIP64_LOCATOR.size
    record_offset = locator_offset - _ZIP64_END_RECORD.size
    if record_offset < 0:
        return None
    stream.seek(record_offset)
    data = stream.read(_ZIP64_END_RECORD.size + _ZIP64_LOCATOR.size)
    stream.seek(0)
    if data[_ZIP64_END_RECORD.size :][:4] != _ZIP64_LOCATOR_SIGNATURE:
        return None
    record = _ZIP64_END_RECORD.unpack_from(data)
    if record[0] != _ZIP64_END_SIGNATURE:
        return None
    return record[7], record[8]
