from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from coding.management.commands._project import project_by_slug
from coding.services.duplicate_search import (
    CHUNK_SIZE,
    duplicate_candidates_find_project,
    duplicate_candidates_request,
)


class Command(BaseCommand):
    help = (
        "Look for 'same event?' candidate pairs across a whole project: here, chunk by chunk "
        "(each chunk committed), or with --queue in the background through the outbox."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("project", help="Project slug")
        parser.add_argument("--chunk", type=int, default=CHUNK_SIZE, help="Reports per chunk")
        parser.add_argument(
            "--queue", action="store_true", help="Record the pass for a worker and return"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        project = project_by_slug(options["project"])
        if options["queue"]:
            with transaction.atomic():
                duplicate_candidates_request(project=project, actor=None)
            self.stdout.write(f"candidate pass of {project.slug} queued")
            return
        chunks = duplicate_candidates_find_project(project_id=project.pk, size=options["chunk"])
        count = project.duplicate_candidates.count()
        self.stdout.write(
            f"{chunks} chunk(s) searched; {count} candidate pair(s) in {project.slug}"
        )
