import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coding.errors import DomainError
from coding.management.commands._project import project_by_slug
from coding.services.imports import articles_import


class Command(BaseCommand):
    help = (
        "Import articles from a JSON, JSONL, CSV, TXT or ZIP file into a project and assign "
        "them. A file with bad rows is refused whole unless --skip-invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--project", required=True, help="Project slug")
        parser.add_argument("--format", choices=["json", "jsonl", "csv", "txt", "zip"])
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the good rows and report the bad ones",
        )
        parser.add_argument(
            "--no-assign", action="store_true", help="Do not assign the new articles to coders"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        project = project_by_slug(options["project"])
        path = Path(options["file"])
        try:
            with path.open("rb") as fileobj:
                outcome = articles_import(
                    project=project,
                    fileobj=fileobj,
                    filename=path.name,
                    actor=None,
                    skip_invalid=options["skip_invalid"],
                    fmt=options["format"],
                    assign=not options["no_assign"],
                )
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        except DomainError as exc:
            details = "\n".join(
                f"  {e.get('location', '')}: {e.get('field') or ''} {e.get('reason', '')}".rstrip()
                for e in exc.errors
            )
            raise CommandError(f"{exc.detail}\n{details}") from exc
        self.stdout.write(
            f"{outcome.created} articles imported, {len(outcome.duplicates)} duplicates, "
            f"{outcome.problems['errors_total']} problems in skipped rows, "
            f"{outcome.assignments_created} assignments created"
        )
        if outcome.errors or outcome.duplicates:
            self.stdout.write(
                json.dumps(
                    {"errors": outcome.errors, "duplicates": outcome.duplicates},
                    ensure_ascii=False,
                    indent=2,
                )
            )
