"""Import an uploaded file of articles into a project: all or nothing by default.

With `skip_invalid=False` (the default) a file with any bad row is refused whole, with the
report; nothing is written. With `skip_invalid=True` the good rows are imported and the same
report is returned. Either way the import runs in one transaction, so a failure midway
(database error, crash) leaves nothing half-imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, BinaryIO

from django.db import transaction

from coding.errors import ValidationFailed
from coding.importing import parse_upload
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

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "duplicates": self.duplicates,
            "errors": self.errors,
            "assignments_created": self.assignments_created,
        }


def articles_import(
    *,
    project: Project,
    fileobj: BinaryIO,
    filename: str,
    actor: User | None,
    skip_invalid: bool = False,
    fmt: str | None = None,
    assign: bool = True,
) -> ImportOutcome:
    report = parse_upload(fileobj, filename, fmt)
    errors = [error.to_dict() for error in report.errors]
    if errors and not skip_invalid:
        raise ValidationFailed(
            f"{len(errors)} problem(s) in {filename}; nothing was imported "
            "(fix them, or pass skip_invalid=true to import the good rows)",
            code="invalid_file",
            errors=errors,
        )
    in_file = [
        {"location": location, "same_as": first} for location, first in report.duplicates_in_file
    ]
    with transaction.atomic():
        created = articles_create(
            project=project, items=report.articles, actor=actor, origin=filename
        )
        assigned = assignments_balance(project=project, actor=actor) if assign else None
    return ImportOutcome(
        created=len(created.created),
        duplicates=in_file + created.duplicates,
        errors=errors,
        assignments_created=assigned.created if assigned else 0,
        article_ids=[a.pk for a in created.created],
    )
