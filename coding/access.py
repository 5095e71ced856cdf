"""Fetch-and-authorize helpers: every view gets its objects through these, so no view can
forget a permission check.

Conventions:
- An object the user may not *see* is reported as NotFound (404), never as 403, so ids,
  counts and error messages reveal nothing (blind coding: a coder never learns that another
  coder's event exists).
- An object the user may see but not *act on* is PermissionDenied (403).
- Django superusers act as admins of every project.
- Access follows the *current, active* membership: a coder whose membership is deactivated,
  or whose role is changed (to researcher, say), loses their own assignments too: 404 as for
  anyone outside the project, or a supervisor's read-only view (403 on writes). Only an
  active coder of the project (or a superuser) works on their assignments.
- Blind coding holds in every state: a coder sees the gold layer and the comments of their
  article only while their own assignment is submitted and the article validated.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db import connection
from django.db.models import Exists, OuterRef

from coding.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from coding.models import (
    Adjudication,
    Article,
    Assignment,
    CodebookVersion,
    CodedEvent,
    ImportJob,
    Membership,
    Project,
    User,
)
from coding.prepared import prepared_cursor

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


def access_import_job(user: User, project_id: int, job_id: int) -> ImportJob:
    """An import job of the project, for its supervisors and admins (403 for other members);
    NotFound for non-members and for a job of another project."""
    project, _ = access_project(user, project_id, roles=MANAGERS)
    job = ImportJob.objects.filter(project=project, pk=job_id).first()
    if job is None:
        raise NotFound("import job not found")
    return job


def access_member_candidate(user: User, candidate_id: int) -> User:
    """The account ``user`` may add to a project (POST members), by id.

    Site admins (staff or superusers, who list every account at ``users/`` anyway) may add
    any account. Anyone else may add only accounts they can already see: members (in any
    role, active or not) of a project where ``user`` is an active supervisor or admin. An
    account that exists but is out of sight gets exactly the refusal of an id that does not
    exist (ValidationFailed on ``user``), so the endpoint cannot be used to enumerate
    accounts. One query."""
    candidates = User.objects.filter(pk=candidate_id)
    if not (user.is_staff or user.is_superuser):
        managed = Membership.objects.filter(user=user, is_active=True, role__in=MANAGERS)
        candidates = candidates.filter(
            Exists(
                Membership.objects.filter(
                    user=OuterRef("pk"), project_id__in=managed.values("project_id")
                )
            )
        )
    candidate = candidates.first()
    if candidate is None:
        raise ValidationFailed(
            "no such user",
            errors=[{"field": "user", "code": "does_not_exist", "message": "no such user"}],
        )
    return candidate


def access_assignment(user: User, assignment_id: int, *, write: bool = False) -> Assignment:
    """A coder reaches only their own assignments, while an active coder of the project;
    supervisors and admins of the project may read any of its assignments. Only the assigned
    coder may write (`write=True`)."""
    assignment = (
        Assignment.objects.select_related("project__codebook_version", "article", "coder")
        .annotate(coder_is_coder=_coder_is_active_coder())
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None:
        raise NotFound("assignment not found")
    own = assignment.coder_id == user.pk
    if own and (assignment.coder_is_coder or user.is_superuser):
        return assignment
    role = project_role(user, assignment.project)
    if role not in MANAGERS:
        raise NotFound("assignment not found")
    if write:
        raise PermissionDenied("only the assigned coder may change this assignment's events")
    return assignment


# The columns access_assignment_for_write loads, per model; the rest stay deferred (loaded on
# first use). Not loaded: the codebook version's spec (about 29 KB of JSON for ACLED; a
# published version's parsed spec is cached per process by coding.codebook_runtime) and the
# article's paragraphs and metadata.
_ASSIGNMENT_FIELDS = [f.attname for f in Assignment._meta.concrete_fields]
_ASSIGNMENT_COLUMNS = [f"a.{f.column}" for f in Assignment._meta.concrete_fields]
_ARTICLE_FIELDS = ["id", "text", "len_cp", "len_u16"]
_PROJECT_FIELDS = ["id", "codebook_version_id"]
_VERSION_FIELDS = ["id", "status"]
# Table and column names come from the models; the one value is a parameter.
_FOR_WRITE_SQL = f"""
SELECT {", ".join(_ASSIGNMENT_COLUMNS)},
       art.text, art.len_cp, art.len_u16,
       p.codebook_version_id, v.status,
       EXISTS (
           SELECT 1 FROM {Membership._meta.db_table} m
           WHERE m.project_id = a.project_id AND m.user_id = a.coder_id AND m.is_active
             AND m.role = '{CODER.value}'
       )
FROM {Assignment._meta.db_table} a
JOIN {Project._meta.db_table} p ON p.id = a.project_id
JOIN {CodebookVersion._meta.db_table} v ON v.id = p.codebook_version_id
JOIN {Article._meta.db_table} art ON art.id = a.article_id
WHERE a.id = {{assignment}}
FOR UPDATE OF a
"""  # noqa: S608
_FOR_WRITE_BY_ID = _FOR_WRITE_SQL.format(assignment="%s")
_EVENT_ASSIGNMENT = f"""(
    SELECT e.assignment_id FROM {CodedEvent._meta.db_table} e
    WHERE e.id = %s AND e.layer = '{CodedEvent.Layer.CODER.value}'
)"""  # noqa: S608
_FOR_WRITE_BY_EVENT = _FOR_WRITE_SQL.format(assignment=_EVENT_ASSIGNMENT)


def _locked_assignment(sql: str, key: int) -> tuple[Assignment, bool] | None:
    """The assignment the query finds, row-locked, with its article (text and lengths) and its
    project's codebook version (id and status) loaded; and whether its coder is an active
    member. None if there is none."""
    with prepared_cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    n = len(_ASSIGNMENT_FIELDS)
    assignment = Assignment.from_db(connection.alias, _ASSIGNMENT_FIELDS, row[:n])
    text, len_cp, len_u16, version_id, version_status, coder_is_coder = row[n:]
    assignment.article = Article.from_db(
        connection.alias, _ARTICLE_FIELDS, [assignment.article_id, text, len_cp, len_u16]
    )
    project = Project.from_db(
        connection.alias, _PROJECT_FIELDS, [assignment.project_id, version_id]
    )
    project.codebook_version = CodebookVersion.from_db(
        connection.alias, _VERSION_FIELDS, [version_id, version_status]
    )
    assignment.project = project
    return assignment, bool(coder_is_coder)


def _writer_or_refuse(user: User, assignment: Assignment, coder_is_coder: bool) -> None:
    """access_assignment(write=True)'s rules on an assignment already read."""
    if assignment.coder_id == user.pk and (coder_is_coder or user.is_superuser):
        return
    if project_role(user, assignment.project) not in MANAGERS:
        raise NotFound("assignment not found")
    raise PermissionDenied("only the assigned coder may change this assignment's events")


def access_assignment_for_write(user: User, assignment_id: int) -> Assignment:
    """The assignment, row-locked, for its assigned coder to write events on; the same rules
    and answers as `access_assignment(user, assignment_id, write=True)`: 404 for whoever may
    not see it, 403 for its supervisors and admins (they may see it, not write).

    Precondition: inside `transaction.atomic()`. The assignment's row lock (FOR UPDATE of that
    row only) is held until the transaction ends, so a submit, a reopen or a reassign and
    another edit of the same assignment wait for it; the status and coder on the returned
    object are current under that lock. The status is not checked here: the write services
    refuse a submitted assignment (409) after the request body was validated, as before.

    One SQL statement for the assigned coder: the assignment, its article's text and lengths,
    its project's codebook version (id and status; the spec stays deferred) and whether the
    coder is still an active coder of the project. Others cost one more (their role in the
    project).
    """
    if connection.vendor != "postgresql":  # the SQLite demo: a write locks the whole database
        return access_assignment(user, assignment_id, write=True)
    found = _locked_assignment(_FOR_WRITE_BY_ID, assignment_id)
    if found is None:
        raise NotFound("assignment not found")
    assignment, coder_is_coder = found
    _writer_or_refuse(user, assignment, coder_is_coder)
    return assignment


def access_coder_event_for_write(user: User, event_id: int) -> CodedEvent:
    """A coder-layer event for its assigned coder to change or delete, its assignment
    row-locked; the same rules and answers as `access_coder_event(user, event_id, write=True)`
    (404 "event not found" for whoever may not see it, 403 for supervisors and admins).

    Precondition: inside `transaction.atomic()` (see `access_assignment_for_write`, whose
    query this is, found through the event). The event itself is not locked: the services'
    conditional UPDATE (or SELECT FOR UPDATE on delete) is what checks its version. The
    returned event has its id, assignment (loaded as above) and article; its other fields are
    read when used.
    """
    if connection.vendor != "postgresql":  # the SQLite demo: a write locks the whole database
        return access_coder_event(user, event_id, write=True)
    found = _locked_assignment(_FOR_WRITE_BY_EVENT, event_id)
    if found is None:
        raise NotFound("event not found")
    assignment, coder_is_coder = found
    try:
        _writer_or_refuse(user, assignment, coder_is_coder)
    except NotFound:
        raise NotFound("event not found") from None
    event = CodedEvent.from_db(
        connection.alias,
        ["id", "article_id", "assignment_id"],
        [event_id, assignment.article_id, assignment.pk],
    )
    event.assignment = assignment
    event.article = assignment.article
    return event


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


def _coder_is_active_coder() -> Exists:
    """For an Assignment queryset: is the assigned coder still an active coder of the project
    (an active membership whose current role is coder)?"""
    return Exists(
        Membership.objects.filter(
            project_id=OuterRef("project_id"),
            user_id=OuterRef("coder_id"),
            is_active=True,
            role=CODER,
        )
    )


def coder_review_is_open(assignment: Assignment) -> bool:
    """May the assignment's coder see the article's gold layer and its comments? Only while
    their assignment is submitted and the article's adjudication validated: a coder added
    later, or sent back to work, codes blind again (and their work reopens the adjudication,
    see coding.services.gold_reopen)."""
    if assignment.status != Assignment.Status.SUBMITTED:
        return False
    return Adjudication.objects.filter(
        article_id=assignment.article_id, status=Adjudication.Status.VALIDATED
    ).exists()


def access_adjudicated(user: User, assignment_id: int) -> tuple[Assignment, Adjudication]:
    """The assignment and its article's validated adjudication, for the assignment's coder
    (see `coder_review_is_open`) or the project's supervisors and admins.

    NotFound as `access_assignment`; Conflict "not_validated" while the gold layer is closed to
    this reader (the same answer whether the article is not validated or the coder's own
    assignment is not submitted: the coder learns nothing about the article's adjudication).
    """
    assignment = access_assignment(user, assignment_id)
    adjudication = Adjudication.objects.filter(article_id=assignment.article_id).first()
    closed = adjudication is None or adjudication.status != Adjudication.Status.VALIDATED
    if assignment.coder_id == user.pk and assignment.status != Assignment.Status.SUBMITTED:
        closed = True
    if closed or adjudication is None:
        raise Conflict(
            "the adjudicated version opens once your assignment is submitted and the article "
            "validated",
            code="not_validated",
        )
    return assignment, adjudication
