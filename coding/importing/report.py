"""ImportReport: everything the parser found in one upload, ready to serialize."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coding.importing.records import ArticleInput, RowError


@dataclass(slots=True)
class ImportReport:
    """The parsed upload.

    `n_rows` counts the data rows read: valid articles, duplicates within the file, and rows
    with at least one non-fatal error (a row with three errors counts once). Fatal errors
    (about a whole file, member or header) are in `errors` but are not rows.
    """

    filename: str
    fmt: str | None
    articles: list[ArticleInput] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    duplicates_in_file: list[tuple[str, str]] = field(default_factory=list)
    n_rows: int = 0
    n_invalid_rows: int = 0

    @property
    def has_fatal_errors(self) -> bool:
        """Whether part of the upload could not be read at all (see RowError.fatal)."""
        return any(error.fatal for error in self.errors)

    def to_dict(self, *, include_articles: bool = False) -> dict[str, Any]:
        """A JSON-serializable summary; articles (with their texts) only if asked for."""
        result: dict[str, Any] = {
            "filename": self.filename,
            "format": self.fmt,
            "n_rows": self.n_rows,
            "n_articles": len(self.articles),
            "n_invalid_rows": self.n_invalid_rows,
            "n_duplicates_in_file": len(self.duplicates_in_file),
            "has_fatal_errors": self.has_fatal_errors,
            "errors": [error.to_dict() for error in self.errors],
            "duplicates_in_file": [
                {"location": location, "first_location": first}
                for location, first in self.duplicates_in_file
            ],
        }
        if include_articles:
            result["articles"] = [article.to_dict() for article in self.articles]
        return result
