from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from coding.management.commands._project import project_by_slug
from coding.services.export_rows import csv_rows_refresh, csv_rows_refresh_all, csv_rows_schedule


class Command(BaseCommand):
    help = (
        "Store the export renderings (CSV, JSONL, GeoJSON, PLOVER) that are missing or stale "
        "(after bulk dictionary or article changes, a recompute, or the migration that added "
        "the formats), so that exports stream them. PostgreSQL only. Prints the events "
        "stored (as 'CSV line(s)', the wording scripts know)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", help="Project slug (default: every project)")
        parser.add_argument(
            "--background",
            action="store_true",
            help="Ask the Celery workers instead (a large project in chunks that every "
            "worker process takes) and return at once",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["background"]:
            project_id = None
            if options["project"] is not None:
                project_id = project_by_slug(options["project"]).pk
            with transaction.atomic():
                csv_rows_schedule(project_id=project_id)
            self.stdout.write("refresh requested; the workers store the lines")
            return
        if options["project"] is None:
            written = csv_rows_refresh_all()
        else:
            project = project_by_slug(options["project"])
            written = csv_rows_refresh(project=project)
        self.stdout.write(f"{written} CSV line(s) stored")
