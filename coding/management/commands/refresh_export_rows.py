from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coding.models import Project
from coding.services.export_rows import csv_rows_refresh, csv_rows_refresh_all


class Command(BaseCommand):
    help = (
        "Store the CSV export lines that are missing or stale (after bulk dictionary or "
        "article changes), so that CSV exports stream stored lines. PostgreSQL only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", help="Project slug (default: every project)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["project"] is None:
            written = csv_rows_refresh_all()
        else:
            project = (
                Project.objects.select_related("codebook_version__codebook")
                .filter(slug=options["project"])
                .first()
            )
            if project is None:
                raise CommandError(f"no project {options['project']!r}")
            written = csv_rows_refresh(project=project)
        self.stdout.write(f"{written} CSV line(s) stored")
