"""The shared body of `load_gazetteer` and `load_actors`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coding.dictionary_files import DictionaryFileError
from coding.errors import counted


def make_load_command(
    kind: str, read: Callable[..., list[Any]], load: Callable[..., Any]
) -> type[BaseCommand]:
    class Command(BaseCommand):
        help = (
            f"Load {kind} entries from a YAML or CSV file "
            "(idempotent by key; a bad file loads nothing)."
        )

        def add_arguments(self, parser: CommandParser) -> None:
            parser.add_argument("file")
            parser.add_argument("--format", choices=["yaml", "csv"], default=None)

        def handle(self, *args: Any, **options: Any) -> None:
            try:
                records = read(Path(options["file"]), options["format"])
            except DictionaryFileError as exc:
                lines = "\n".join(f"  {p.location}: {p.message}" for p in exc.problems)
                raise CommandError(
                    f"{counted(len(exc.problems), 'problem')}; nothing was loaded:\n{lines}"
                ) from exc
            except OSError as exc:
                raise CommandError(str(exc)) from exc
            report = load(records=records)
            self.stdout.write(f"{report.created} created, {report.updated} updated")

    return Command
