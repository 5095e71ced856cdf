from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from coding.management.commands._project import project_by_slug
from coding.models import Project
from coding.services.review_queue import review_queue_rebuild


class Command(BaseCommand):
    help = (
        "Recompute the adjudication queue's rows (one per article) from the latest agreement "
        "runs and adjudications: a repair after rows were written outside the services "
        "(a restore, a bulk load). The services keep the rows right otherwise."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", help="Project slug (default: every project)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["project"] is None:
            projects = list(Project.objects.order_by("pk"))
        else:
            projects = [project_by_slug(options["project"])]
        for project in projects:
            seen = review_queue_rebuild(project=project)
            self.stdout.write(f"{project.slug}: {seen} article(s) refreshed")
