from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coding.management.commands._project import project_by_slug
from coding.services.export_rows import csv_rows_refresh, csv_rows_refresh_all


class Command(BaseCommand):
    help = (
        "Store the export renderings (CSV, JSONL, GeoJSON, PLOVER) that are missing or stale "
        "(after bulk dictionary or article changes, a recompute, or the migration that added "
        "the formats), so that exports stream them. PostgreSQL only. Prints the events "
        "stored (as 'CSV line(s)', the wording scripts know)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", help="Project slug (default: every project)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["project"] is None:
            written = csv_rows_refresh_all()
        else:
            project = project_by_slug(options["project"])
            written = csv_rows_refresh(project=project)
        self.stdout.write(f"{written} CSV line(s) stored")
