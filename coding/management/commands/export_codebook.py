from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coding.codebook_spec import dump_codebook
from coding.models import CodebookVersion
from coding.services.codebooks import codebook_version_spec


class Command(BaseCommand):
    help = "Write a codebook version (SLUG@VERSION) as canonical YAML to standard output."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ref", help="SLUG@VERSION, e.g. acled@1")

    def handle(self, *args: Any, **options: Any) -> None:
        slug, _, number = options["ref"].partition("@")
        if not number.isdigit():
            raise CommandError("give the codebook as SLUG@VERSION, e.g. acled@1")
        version = CodebookVersion.objects.filter(codebook__slug=slug, number=int(number)).first()
        if version is None:
            raise CommandError(f"no codebook version {options['ref']}")
        self.stdout.write(dump_codebook(codebook_version_spec(version)), ending="")
