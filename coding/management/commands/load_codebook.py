from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coding.codebook_spec import CodebookFileError, load_codebook_text, load_preset
from coding.errors import DomainError, counted
from coding.services.codebooks import codebook_version_create


class Command(BaseCommand):
    help = (
        "Load a codebook version from a YAML or JSON file (or a built-in preset with --preset). "
        "A bad file is refused whole, listing every problem; nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="Path to a codebook file (.yaml/.yml/.json)")
        parser.add_argument("--preset", help="Load a built-in preset by name (acled, cameo, …)")
        parser.add_argument("--publish", action="store_true", help="Publish the new version")

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["file"]) == bool(options["preset"]):
            raise CommandError("give either a FILE or --preset NAME")
        try:
            if options["preset"]:
                spec = load_preset(options["preset"])
            else:
                spec = load_codebook_text(Path(options["file"]).read_text("utf-8"))
        except CodebookFileError as exc:
            lines = "\n".join(f"  {p.path}: {p.message}" for p in exc.problems)
            raise CommandError(
                f"{counted(len(exc.problems), 'problem')}; nothing was loaded:\n{lines}"
            ) from exc
        except (OSError, UnicodeDecodeError, LookupError) as exc:
            raise CommandError(str(exc)) from exc
        try:
            version = codebook_version_create(spec=spec, publish=options["publish"])
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(f"loaded {version} ({version.status})")
