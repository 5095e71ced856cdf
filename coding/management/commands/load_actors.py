from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coding.dictionary_files import DictionaryFileError, read_actors
from coding.services.dictionaries import actors_load


class Command(BaseCommand):
    help = (
        "Load actors entries from a YAML or CSV file (idempotent by key; bad files load nothing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--format", choices=["yaml", "csv"], default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            records = read_actors(Path(options["file"]), options["format"])
        except DictionaryFileError as exc:
            lines = "\n".join(f"  {p.location}: {p.message}" for p in exc.problems)
            raise CommandError(
                f"{len(exc.problems)} problem(s); nothing was loaded:\n{lines}"
            ) from exc
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        report = actors_load(records=records)
        self.stdout.write(f"{report.created} created, {report.updated} updated")
