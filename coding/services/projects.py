"""Projects and their members."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from coding.errors import Conflict
from coding.models import CodebookVersion, Membership, Project, User
from coding.services.audit import audit_record


@transaction.atomic
def project_create(
    *,
    slug: str,
    name: str,
    codebook_version: CodebookVersion,
    overlap: int = 2,
    assignment_seed: int = 0,
    description: str = "",
    settings: dict[str, Any] | None = None,
    actor: User | None = None,
) -> Project:
    if not codebook_version.is_published:
        raise Conflict(
            "a project codes against a published codebook version; publish the draft first",
            code="codebook_not_published",
        )
    project = Project.objects.create(
        slug=slug,
        name=name,
        codebook_version=codebook_version,
        overlap=overlap,
        assignment_seed=assignment_seed,
        description=description,
        settings=settings or {},
    )
    audit_record(action="project.create", actor=actor, project=project, target=project)
    return project


@transaction.atomic
def membership_set(
    *, project: Project, user: User, role: str, actor: User | None = None, is_active: bool = True
) -> Membership:
    """Give `user` exactly one role in `project` (creating or changing the membership)."""
    membership, created = Membership.objects.select_for_update().get_or_create(
        project=project, user=user, defaults={"role": role, "is_active": is_active}
    )
    if not created and (membership.role, membership.is_active) != (role, is_active):
        membership.role = role
        membership.is_active = is_active
        membership.save(update_fields=["role", "is_active"])
    audit_record(
        action="membership.set",
        actor=actor,
        project=project,
        target=membership,
        data={"user": user.pk, "role": role, "active": is_active},
    )
    return membership


def csv_formula_guard(project: Project) -> bool:
    """The project's default for guarding formula-like CSV cells: its ``csv_formula_guard``
    setting, on unless set to false."""
    return project.settings.get("csv_formula_guard", True) is not False
