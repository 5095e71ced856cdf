from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coding.dictionary_files import write_places
from coding.services.dictionary_export import place_records


class Command(BaseCommand):
    help = "Write every gazetteer entry to standard output as YAML (default) or CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["yaml", "csv"], default="yaml")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(write_places(place_records(), options["format"]), ending="")
