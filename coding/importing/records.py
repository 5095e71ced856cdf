"""What the parser yields: one `ArticleInput` per valid row, `RowError`s for the rest.

`location` is the human-readable place of a row ("line 12", "item 3",
"batch.zip:day1.jsonl line 3", "story.txt"); `line` is the matching 1-based number (the
physical line where a JSONL/CSV row starts, the position of an item in a JSON list, 1 for a
plain-text file, 0 for an error about a whole zip archive).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeAlias


@dataclass(frozen=True, slots=True)
class ArticleInput:
    """A validated article, ready to be stored.

    `text` is canonical (NFC, LF line endings, no BOM) and `text_sha256` is the hex SHA-256 of
    its UTF-8 bytes. `title` is canonicalized too, with runs of whitespace (line breaks
    included) collapsed to one space. Absent optional strings are "", an absent
    `published_at` is None; `published_at` is always timezone-aware and in UTC.
    `language_detected` is True when `language` was not given and detection was used; the
    language is then "ar", "fr", "en", or "" when detection was unsure.
    """

    location: str
    line: int
    title: str
    text: str
    text_sha256: str
    language: str
    language_detected: bool
    source: str
    url: str
    published_at: datetime | None
    external_id: str
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serializable dict (published_at as an ISO 8601 string or None)."""
        return {
            "location": self.location,
            "line": self.line,
            "title": self.title,
            "text": self.text,
            "text_sha256": self.text_sha256,
            "language": self.language,
            "language_detected": self.language_detected,
            "source": self.source,
            "url": self.url,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "external_id": self.external_id,
            "metadata": self.metadata,
        }


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in the upload.

    A row with several problems yields several RowErrors with the same location. `field` names
    the article field at fault, or is None for a problem with the row or the file as a whole.
    `reason` is a sentence for the person who made the file; it starts with the field name
    when there is one (`published_at: "32/13/2022" is not an ISO 8601 date`).
    `fatal` is True when the problem stopped the reading of the file (or of the zip member):
    malformed JSON, a CSV header without a required column, a zip over the limits. Rows after
    a fatal error were not read; rows before it were yielded as usual.
    """

    location: str
    line: int
    field: str | None
    reason: str
    fatal: bool = False

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "line": self.line,
            "field": self.field,
            "reason": self.reason,
            "fatal": self.fatal,
        }


ParsedRow: TypeAlias = ArticleInput | RowError


@dataclass(frozen=True, slots=True)
class Origin:
    """The file rows come from: the uploaded file itself, or a member of an uploaded zip.

    `name` is the uploaded file name, or the member's path inside the archive `archive`.
    """

    name: str
    archive: str | None = None

    def at(self, place: str) -> str:
        """Location of `place` ("line 3", "item 2") in this file, as shown to the user.

        A standalone file's rows are just "line 3"; a zip member's rows are prefixed with the
        archive and member names: "batch.zip:day1.jsonl line 3".
        """
        if self.archive is None:
            return place
        return f"{self.archive}:{self.name} {place}"

    @property
    def label(self) -> str:
        """The file itself: "story.txt", or "batch.zip:notes/story.txt"."""
        return self.name if self.archive is None else f"{self.archive}:{self.name}"


def quote_value(value: str, limit: int = 60) -> str:
    """`value` as a JSON string literal for an error message, shortened to `limit` code points.

    JSON quoting makes control characters visible (a line break shows as \\n).
    """
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return json.dumps(value, ensure_ascii=False)
