from django.core.management.base import CommandError

from coding.models import Project


def project_by_slug(slug: str) -> Project:
    """The project named on a command line (with its codebook version), or CommandError."""
    project = Project.objects.select_related("codebook_version__codebook").filter(slug=slug).first()
    if project is None:
        raise CommandError(f"no project {slug!r}")
    return project
