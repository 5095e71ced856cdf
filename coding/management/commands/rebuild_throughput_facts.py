from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coding.management.commands._project import project_by_slug
from coding.models import Project
from coding.services.throughput_facts import throughput_facts_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the throughput dashboard's stored facts (one row per assignment and per "
        "article) from their sources: a repair after a restore or with triggers disabled. "
        "PostgreSQL triggers keep them current otherwise."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", help="Project slug (default: every project)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["project"] is None:
            projects = list(Project.objects.order_by("pk"))
        else:
            projects = [project_by_slug(options["project"])]
        for project in projects:
            assignments, articles = throughput_facts_rebuild(project=project)
            self.stdout.write(
                f"{project.slug}: facts of {assignments} assignment(s), {articles} article(s)"
            )
