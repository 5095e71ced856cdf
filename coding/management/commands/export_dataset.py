from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from coding.codebook_runtime import version_spec
from coding.export_selectors import ExportFilters
from coding.export_streams import FORMATS, export_chunks
from coding.management.commands._project import project_by_slug
from coding.services.projects import csv_formula_guard


class Command(BaseCommand):
    help = "Write a project's validated events to standard output (csv, jsonl, geojson, plover)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", required=True, help="Project slug")
        parser.add_argument("--format", choices=sorted(FORMATS), default="csv")
        parser.add_argument("--bom", action="store_true", help="CSV: start with a UTF-8 BOM")
        parser.add_argument(
            "--no-formula-guard",
            action="store_true",
            help="CSV: write formula-like text cells exactly (default: the project's setting)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        project = project_by_slug(options["project"])
        spec = version_spec(project.codebook_version)
        if options["format"] == "plover" and spec.preset != "plover":
            raise CommandError("PLOVER JSONL needs a project on the PLOVER codebook")
        if (options["bom"] or options["no_formula_guard"]) and options["format"] != "csv":
            raise CommandError("--bom and --no-formula-guard apply to CSV only")
        guard = csv_formula_guard(project) and not options["no_formula_guard"]
        chunks = export_chunks(
            project,
            options["format"],
            ExportFilters(),
            timezone.now(),
            bom=options["bom"],
            formula_guard=guard,
        )
        for chunk in chunks:
            self.stdout.write(chunk, ending="")
        self.stdout.flush()
