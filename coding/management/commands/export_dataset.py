from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from coding.codebook_runtime import version_spec
from coding.export_selectors import ExportFilters, iter_export_events
from coding.exporting import csv_chunks, geojson_chunks, jsonl_chunks, plover_jsonl_chunks
from coding.models import Project

WRITERS = {
    "csv": csv_chunks,
    "jsonl": jsonl_chunks,
    "geojson": geojson_chunks,
    "plover": plover_jsonl_chunks,
}


class Command(BaseCommand):
    help = "Write a project's validated events to standard output (csv, jsonl, geojson, plover)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", required=True, help="Project slug")
        parser.add_argument("--format", choices=sorted(WRITERS), default="csv")
        parser.add_argument("--bom", action="store_true", help="CSV for spreadsheets")

    def handle(self, *args: Any, **options: Any) -> None:
        project = (
            Project.objects.select_related("codebook_version__codebook")
            .filter(slug=options["project"])
            .first()
        )
        if project is None:
            raise CommandError(f"no project {options['project']!r}")
        spec = version_spec(project.codebook_version)
        if options["format"] == "plover" and spec.preset != "plover":
            raise CommandError("PLOVER JSONL needs a project on the PLOVER codebook")
        events = iter_export_events(project, ExportFilters(), timezone.now())
        if options["bom"] and options["format"] != "csv":
            raise CommandError("--bom applies to CSV only")
        if options["format"] == "csv":
            chunks = csv_chunks(events, spec, bom=options["bom"])
        else:
            chunks = WRITERS[options["format"]](events, spec)
        for chunk in chunks:
            self.stdout.write(chunk, ending="")
        self.stdout.flush()
