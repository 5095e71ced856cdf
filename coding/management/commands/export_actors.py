from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coding.dictionary_files import write_actors
from coding.services.dictionary_export import actor_records


class Command(BaseCommand):
    help = "Write every actors entry to standard output as YAML (default) or CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["yaml", "csv"], default="yaml")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(write_actors(actor_records(), options["format"]), ending="")
