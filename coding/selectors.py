"""Reads for views and tasks, scoped to what the user may see. Pair with coding.access."""

from __future__ import annotations

import functools
import json
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    TextField,
)
from django.db.models.functions import Cast

from coding.models import (
    AgreementResult,
    Article,
    Assignment,
    AuditEntry,
    CodedEvent,
    Disagreement,
    EvidenceSpan,
    Membership,
    Project,
    User,
)
from coding.prepared import prepared_cursor

# PostgreSQL text cannot hold NUL, so a search for one matches nothing (and must not be sent:
# the driver refuses it).
_NUL = "\x00"


def projects_for_user(user: User) -> tuple[QuerySet[Project], dict[int, str]]:
    """The projects the user belongs to (all of them for superusers) and their role in each."""
    projects = Project.objects.select_related("codebook_version__codebook").order_by("slug")
    if user.is_superuser:
        return projects, dict.fromkeys(projects.values_list("pk", flat=True), "admin")
    roles = dict(
        Membership.objects.filter(user=user, is_active=True).values_list("project_id", "role")
    )
    return projects.filter(pk__in=roles), roles


def assignment_list(
    *,
    project: Project | None = None,
    coder: User | None = None,
    status: str | None = None,
    search: str | None = None,
    article: int | None = None,
) -> QuerySet[Assignment]:
    queryset = (
        Assignment.objects.select_related("article", "coder")
        .annotate(n_events=Count("events"), last_activity=Max("events__updated_at"))
        .defer("article__text", "article__paragraphs", "article__metadata")
    )
    if project is not None:
        queryset = queryset.filter(project=project)
    if coder is not None:
        queryset = queryset.filter(coder=coder)
    if status:
        queryset = queryset.filter(status=status)
    if article:
        queryset = queryset.filter(article_id=article)
    if search:
        queryset = queryset.filter(
            Q(article__title__icontains=search) | Q(article__external_id=search)
        )
        if _NUL in search:
            queryset = queryset.none()
    return queryset.order_by("id")


def coder_queue(user: User, **filters: object) -> QuerySet[Assignment]:
    """A coder's own assignments in the projects where they are an active coder now: in progress
    first (most recently worked on first), then not started, then submitted."""
    status_rank = {"in_progress": 0, "assigned": 1, "submitted": 2}
    from django.db.models import Case, IntegerField, Value, When

    rank = Case(
        *[When(status=s, then=Value(r)) for s, r in status_rank.items()],
        output_field=IntegerField(),
    )
    active = Membership.objects.filter(
        project_id=OuterRef("project_id"), user=user, is_active=True, role=Membership.Role.CODER
    )
    return (
        assignment_list(coder=user, **filters)  # type: ignore[arg-type]
        .filter(Exists(active))
        .order_by(rank, F("last_activity").desc(nulls_last=True), "id")
    )


def assignment_events(assignment: Assignment) -> list[CodedEvent]:
    return list(
        CodedEvent.objects.filter(assignment=assignment)
        .prefetch_related(
            Prefetch("spans", queryset=EvidenceSpan.objects.order_by("start", "end", "id"))
        )
        .order_by("id")
    )


def project_articles(project: Project, *, search: str | None = None) -> QuerySet[Article]:
    queryset = Article.objects.filter(project=project).defer("text", "paragraphs", "metadata")
    if search:
        queryset = queryset.filter(Q(title__icontains=search) | Q(external_id=search))
        if _NUL in search:
            queryset = queryset.none()
    return queryset.order_by("id")


def project_audit(project: Project) -> QuerySet[AuditEntry]:
    return (
        AuditEntry.objects.filter(project=project)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def project_members(project: Project) -> QuerySet[Membership]:
    return Membership.objects.filter(project=project).select_related("user").order_by("id")


def latest_article_run_ids(project: Project) -> QuerySet[Any, Any]:
    """Ids of the newest finished agreement run of each article of the project (a subquery):
    the ids of `coding.adjudication_selectors.latest_article_runs`, which says why it is a
    NOT EXISTS rather than a GROUP BY article MAX(id)."""
    # The rule lives with the adjudication queue, which needs the runs rather than their ids.
    from coding.adjudication_selectors import latest_article_runs

    return latest_article_runs(project).values("id")


def project_disagreements(
    project: Project,
    *,
    kind: str | None = None,
    min_severity: int | None = None,
    article: int | None = None,
) -> QuerySet[Disagreement]:
    queryset = (
        Disagreement.objects.filter(run_id__in=latest_article_run_ids(project))
        .select_related("article")
        .defer("article__text", "article__paragraphs", "article__metadata")
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if min_severity:
        queryset = queryset.filter(severity__gte=min_severity)
    if article:
        queryset = queryset.filter(article_id=article)
    return queryset.order_by("-severity", "article_id", "id")


def article_run_results(project: Project) -> QuerySet[AgreementResult]:
    return (
        AgreementResult.objects.filter(run_id__in=latest_article_run_ids(project))
        .select_related("run")
        .order_by("run__article_id", "field_key")
    )


class _IsoFormatUtc(Func):
    """`datetime.isoformat()` of a timestamptz in UTC, as text computed by PostgreSQL
    ("2026-12-06T09:11:54.123456+00:00", or "2026-12-06T09:11:54+00:00" on a whole second):
    the string Python would make of the aware datetime Django reads, without Python parsing
    and formatting a datetime per value (~5 µs each, 1,000 of them per heavy read). Strings of
    this shape sort chronologically. Only the fraction can read ".000000" (the date and the
    time hold no dot), so the replace drops exactly a zero fraction, as isoformat() does."""

    output_field = TextField()
    template = (
        "replace(to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), "
        "'.000000', '') || '+00:00'"
    )

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # The demo database: Django stores str() of the naive UTC datetime, which is
        # isoformat() with a space for the "T" (and no fraction when it is zero).
        template = "replace(%(expressions)s, ' ', 'T') || '+00:00'"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def _loads_many(documents: list[str]) -> list[Any]:
    """JSON documents decoded as Django's JSONField decodes each (`json.loads`), in one call:
    a third of the cost of one call per document."""
    return list(json.loads("[" + ",".join(documents) + "]")) if documents else []


EVENT_ROW_COLUMNS = (
    "id",
    "assignment_id",
    "article_id",
    "event_type_id",
    "event_subtype_id",
    "values",
    "memo",
    "version",
    "created_at",
    "updated_at",
)


@functools.cache
def _event_rows_sql(vendor: str) -> tuple[str, str]:
    """The SQL of `assignment_event_rows`' two queries, compiled by the ORM once per process
    and database vendor: their one parameter, the assignment id, is all that varies."""
    events = (
        CodedEvent.objects.filter(assignment_id=0)
        .order_by("id")
        .values_list(
            *EVENT_ROW_COLUMNS[:5],
            Cast("values", TextField()),
            "memo",
            "version",
            _IsoFormatUtc("created_at"),
            _IsoFormatUtc("updated_at"),
        )
    )
    spans = (
        EvidenceSpan.objects.filter(event__assignment_id=0)
        .order_by("start", "end", "id")
        .values_list("id", "event_id", "role", "start", "end", "quote")
    )
    compiled = []
    for queryset in (events, spans):
        sql, params = queryset.query.sql_with_params()
        if params != (0,):
            raise RuntimeError(f"expected the assignment id as the only parameter: {params}")
        compiled.append(sql)
    return compiled[0], compiled[1]


def assignment_event_rows(
    assignment: Assignment,
) -> tuple[list[tuple[Any, ...]], dict[int, list[tuple[int, str, int, int, str]]]]:
    """The assignment's events as plain rows (`EVENT_ROW_COLUMNS`, by id) and their spans by
    event id as (id, role, start, end, quote), ordered by (start, end, id), in two queries.

    `values` is decoded (as JSONField would); `created_at` and `updated_at` are ISO 8601 text,
    exactly `datetime.isoformat()` of the UTC datetimes the model would hold. Hundreds of events
    with thousands of spans read this way cost a fraction of model instances with a prefetch:
    no instances, no per-row converters (the columns read need none), no datetime parsing. The
    queries are compiled once and, on PostgreSQL, prepared (coding.prepared): ORM compilation
    and query planning were a third of this function's cost.
    """
    events_sql, spans_sql = _event_rows_sql(connection.vendor)
    with prepared_cursor() as cursor:
        cursor.execute(events_sql, [assignment.pk])
        raw = cursor.fetchall()
        span_rows = []
        if raw:
            cursor.execute(spans_sql, [assignment.pk])
            span_rows = cursor.fetchall()
    values = _loads_many([row[5] for row in raw])
    rows = [(*row[:5], value, *row[6:]) for row, value in zip(raw, values, strict=True)]
    spans: dict[int, list[tuple[int, str, int, int, str]]] = {row[0]: [] for row in rows}
    for span_id, event_id, role, start, end, quote in span_rows:
        spans[event_id].append((span_id, role, start, end, quote))
    return rows, spans
