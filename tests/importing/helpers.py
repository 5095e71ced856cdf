"""Small builders shared by the import parser tests."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from coding.importing import (
    DEFAULT_LIMITS,
    ArticleInput,
    ImportLimits,
    ImportReport,
    ParsedRow,
    RowError,
    iter_article_rows,
    parse_upload,
)

ARABIC_TEXT = "أعلنت مصادر محلية في غاو أن مسلحين هاجموا قرية قرب الحدود 😢 🇲🇱"
FRENCH_TEXT = "Des hommes armés ont attaqué le village de Boni selon les autorités de la région."
ENGLISH_TEXT = "Armed men attacked the village of Boni, the regional authorities said on Monday."


def jsonl(*objects: dict[str, Any]) -> bytes:
    """One JSON object per line, UTF-8, non-ASCII characters written as such."""
    return b"".join(json.dumps(o, ensure_ascii=False).encode() + b"\n" for o in objects)


def rows(
    data: bytes, filename: str, fmt: str | None = None, limits: ImportLimits = DEFAULT_LIMITS
) -> list[ParsedRow]:
    return list(iter_article_rows(io.BytesIO(data), filename, fmt, limits=limits))


def report(
    data: bytes, filename: str, fmt: str | None = None, limits: ImportLimits = DEFAULT_LIMITS
) -> ImportReport:
    return parse_upload(io.BytesIO(data), filename, fmt, limits=limits)


def articles(parsed: list[ParsedRow]) -> list[ArticleInput]:
    return [row for row in parsed if isinstance(row, ArticleInput)]


def errors(parsed: list[ParsedRow]) -> list[RowError]:
    return [row for row in parsed if isinstance(row, RowError)]


def messages(parsed: list[ParsedRow]) -> list[str]:
    """Every error as "location: reason", in order."""
    return [str(error) for error in errors(parsed)]


def make_zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()
