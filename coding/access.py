"""Fetch-and-authorize helpers: every view gets its objects through these, so no view can
forget a permission check.

Conventions:
- An object the user may not *see* is reported as NotFound (404), never as 403, so ids,
  counts and error messages reveal nothing (blind coding: a coder never learns that another
  coder's event exists).
- An object the user may see but not *act on* is PermissionDenied (403).
- Django superusers act as admins of every project.
- Access follows *active* membership: a coder whose membership is deactivated loses their
  own assignments too (404, as for anyone outside the project).
"""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Exists, OuterRef

from coding.errors import NotFound, PermissionDenied
from coding.models import Assignment, CodedEvent, Membership, Project, User

CODER = Membership.Role.CODER
SUPERVISOR = Membership.Role.SUPERVISOR
RESEARCHER = Membership.Role.RESEARCHER
ADMIN = Membership.Role.ADMIN
MANAGERS = frozenset({SUPERVISOR, ADMIN})
ANY_ROLE = frozenset({CODER, SUPERVISOR, RESEARCHER, ADMIN})


def project_role(user: User, project: Project) -> str | None:
    """The user's role in the project, or None if not an active member."""
    if user.is_superuser:
        return ADMIN
    return (
        Membership.objects.filter(project=project, user=user, is_active=True)
        .values_list("role", flat=True)
        .first()
    )


def access_project(
    user: User, project_id: int, *, roles: Collection[str] = ANY_ROLE
) -> tuple[Project, str]:
    """The project and the user's role in it; NotFound for non-members."""
    project = (
        Project.objects.select_related("codebook_version__codebook").filter(pk=project_id).first()
    )
    if project is None:
        raise NotFound("project not found")
    role = project_role(user, project)
    if role is None:
        raise NotFound("project not found")
    if role not in roles:
        raise PermissionDenied(f"your role in this project ({role}) does not allow this")
    return project, role


def access_assignment(user: User, assignment_id: int, *, write: bool = False) -> Assignment:
    """A coder reaches only their own assignments, while an active member of the project;
    supervisors and admins of the project may read any of its assignments. Only the assigned
    coder may write (`write=True`)."""
    assignment = (
        Assignment.objects.select_related("project__codebook_version", "article", "coder")
        .annotate(coder_is_member=_coder_is_active_member())
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None:
        raise NotFound("assignment not found")
    own = assignment.coder_id == user.pk
    if own and (assignment.coder_is_member or user.is_superuser):
        return assignment
    role = project_role(user, assignment.project)
    if role not in MANAGERS:
        raise NotFound("assignment not found")
    if write:
        raise PermissionDenied("only the assigned coder may change this assignment's events")
    return assignment


def access_coder_event(user: User, event_id: int, *, write: bool = False) -> CodedEvent:
    """A coder-layer event, through the same rules as its assignment."""
    event = (
        CodedEvent.objects.select_related("assignment", "article")
        .filter(pk=event_id, layer=CodedEvent.Layer.CODER)
        .first()
    )
    if event is None or event.assignment_id is None:
        raise NotFound("event not found")
    try:
        access_assignment(user, event.assignment_id, write=write)
    except NotFound:
        raise NotFound("event not found") from None
    return event


def access_managed_assignment(user: User, assignment_id: int) -> Assignment:
    """An assignment the user manages as supervisor/admin of its project.

    The assigned coder gets 403 (they know it exists); anyone else gets 404.
    """
    assignment = Assignment.objects.select_related("project").filter(pk=assignment_id).first()
    if assignment is None:
        raise NotFound("assignment not found")
    role = project_role(user, assignment.project)
    if role in MANAGERS:
        return assignment
    if role is not None and assignment.coder_id == user.pk:
        raise PermissionDenied("only the project's supervisors may do this")
    raise NotFound("assignment not found")


def _coder_is_active_member() -> Exists:
    """For an Assignment queryset: is the assigned coder still an active member?"""
    return Exists(
        Membership.objects.filter(
            project_id=OuterRef("project_id"), user_id=OuterRef("coder_id"), is_active=True
        )
    )
