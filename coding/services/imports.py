"""Import an uploaded file of articles into a project: all or nothing by default.

With `skip_invalid=False` (the default) a file with any bad row is refused whole, with the
report; nothing is written. With `skip_invalid=True` the good rows are imported and the same
report is returned. Either way the import runs in one transaction, so a failure midway
(database error, crash) leaves nothing half-imported.

The file is read as a stream: rows are parsed, written and forgotten one batch at a time, so
memory does not grow with the size of the upload. A bad row found after good rows were written
rolls the whole transaction back (after the rest of the file was read for the report).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction

from coding.errors import ValidationFailed, counted
from coding.importing import ArticleInput, ParsedRow, RowError, iter_article_rows
from coding.models import Project, User
from coding.services.articles import articles_create
from coding.services.assignment import assignments_balance


@dataclass(frozen=True)
class ImportOutcome:
    created: int
    duplicates: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    assignments_created: int
    article_ids: list[int]
    #: errors_total, errors_by_kind, errors_listed (see _problem_counts).
    problems: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "duplicates": self.duplicates,
            "errors": self.errors,
            **self.problems,
            "assignments_created": self.assignments_created,
        }


def _problem_counts(sieve: _RowSieve) -> dict[str, Any]:
    """Every problem counted, by kind, and how many of them `errors` lists."""
    return {
        "errors_total": sieve.n_errors,
        "errors_by_kind": dict(sorted(sieve.errors_by_kind.items())),
        "errors_listed": len(sieve.errors),
    }


def problem_kind(error: RowError) -> str:
    """What a problem is about, for the counts: the article field at fault, else the whole
    file (a fatal error) or the row."""
    return error.field or ("file" if error.fatal else "row")


@dataclass
class _RowSieve:
    """Splits the parsed rows into articles to create, errors, and duplicates within the file
    (same rules as coding.importing.parse_upload: a text seen earlier in the file is listed
    as (its location, the first one's location) and not created)."""

    rows: Iterator[ParsedRow]
    stop_at_first_error: bool
    #: How many problems are kept in full; the rest are only counted (a file of a million
    #: bad lines must not become a million-entry report held in memory).
    max_listed: int
    errors: list[RowError] = field(default_factory=list)
    n_errors: int = 0
    errors_by_kind: dict[str, int] = field(default_factory=dict)
    duplicates_in_file: list[tuple[str, str]] = field(default_factory=list)
    #: Called with the number of rows read so far, after each row (see import_jobs).
    progress: Callable[[int], None] | None = None

    def articles(self) -> Iterator[ArticleInput]:
        first_location_by_hash: dict[str, str] = {}
        for n_read, row in enumerate(self.rows, 1):
            if self.progress is not None:
                self.progress(n_read)
            if isinstance(row, RowError):
                self.n_errors += 1
                kind = problem_kind(row)
                self.errors_by_kind[kind] = self.errors_by_kind.get(kind, 0) + 1
                if len(self.errors) < self.max_listed:
                    self.errors.append(row)
                continue
            first = first_location_by_hash.get(row.text_sha256)
            if first is not None:
                self.duplicates_in_file.append((row.location, first))
                continue
            first_location_by_hash[row.text_sha256] = row.location
            # Once the file is known to be refused, read on only to report every error.
            if not (self.n_errors and self.stop_at_first_error):
                yield row


def articles_import(
    *,
    project: Project,
    fileobj: BinaryIO,
    filename: str,
    actor: User | None,
    skip_invalid: bool = False,
    fmt: str | None = None,
    assign: bool = True,
    progress: Callable[[int], None] | None = None,
) -> ImportOutcome:
    """Import the file; ValidationFailed (nothing written) if it has a bad row and not
    `skip_invalid`. `progress`, if given, is called with the number of rows read so far."""
    sieve = _RowSieve(
        iter_article_rows(fileobj, filename, fmt),
        not skip_invalid,
        max_listed=settings.ATHAR["MAX_IMPORT_REPORT_PROBLEMS"],
        progress=progress,
    )
    with transaction.atomic():
        created = articles_create(
            project=project,
            items=sieve.articles(),
            actor=actor,
            origin=filename,
            keep_articles=False,
        )
        errors = [error.to_dict() for error in sieve.errors]
        if errors and not skip_invalid:
            # Raised inside the transaction: rows written before the first error roll back.
            raise ValidationFailed(
                f"{counted(sieve.n_errors, 'problem')} in {filename}; nothing was imported "
                "(fix them, or pass skip_invalid=true to import the good rows)",
                code="invalid_file",
                errors=errors,
                extra=_problem_counts(sieve),
            )
        assigned = assignments_balance(project=project, actor=actor) if assign else None
    in_file = [
        {"location": location, "same_as": first} for location, first in sieve.duplicates_in_file
    ]
    return ImportOutcome(
        created=len(created.created_ids),
        duplicates=in_file + created.duplicates,
        errors=errors,
        problems=_problem_counts(sieve),
        assignments_created=assigned.created if assigned else 0,
        article_ids=created.created_ids,
    )
