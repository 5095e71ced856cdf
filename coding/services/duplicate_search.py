"""Finding "same event?" candidate pairs and storing them for supervisors.

After an article is validated (an outbox row `dedup_article`, recorded by the validation),
its reports are scored against the blocking-compatible reports of the project
(coding.dedup_selectors, coding.dedup.candidates). A whole-project pass (`dedup_project`,
requested by a supervisor through the API or by the management command) goes through the
project's reports in chunks of consecutive dates, one chunk per transaction, each chunk
recording the next: memory stays bounded and a failed chunk is retried alone.

Pairs are stored as DuplicateCandidate rows (`event_a` < `event_b`). A pair already decided
(linked or not the same) is never touched; an open one gets its new score and reasons.
Pairs are never proposed between reports of one article or one dataset event, nor between
two dataset events a supervisor has marked not the same (any of their report pairs). Of the
report pairs joining two dataset events, only the best scoring is proposed.

Preconditions: called inside a transaction (the outbox drain's, or the request's).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from django.db import connection
from django.utils import timezone

from coding.dedup.candidates import Candidate, FinderSettings, Report
from coding.dedup.pool import ReportPool, find_pairs
from coding.dedup_selectors import (
    ReportRow,
    article_reports,
    blocking_pool,
    compatible_type_ids,
    finder_settings,
    longest_gold_spans,
    not_same_dataset_events,
    project_reports_chunk,
    pure_reports,
    query_link,
)
from coding.models import Article, OutboxItem, Project, User
from coding.services.audit import audit_record
from coding.services.outbox import outbox_record

CHUNK_SIZE = 1000

# Constant text (no input is interpolated); only the JSON cast differs on SQLite.
_UPSERT_PG = (
    "INSERT INTO coding_duplicatecandidate (project_id, event_a_id, event_b_id, score, "
    "reasons, status, found_at, reason) VALUES (%s, %s, %s, %s, CAST(%s AS jsonb), 'open', "
    "%s, '') ON CONFLICT (event_a_id, event_b_id) DO UPDATE SET score = excluded.score, "
    "reasons = excluded.reasons WHERE coding_duplicatecandidate.status = 'open'"
)

Cursor = tuple[dt.date, int]


def _widening(row: ReportRow, settings: FinderSettings) -> dt.timedelta:
    return dt.timedelta(days=settings.pad_days(row.date_precision) + settings.window_days)


def _store(project: Project, rows: Sequence[ReportRow], found: Sequence[Candidate]) -> int:
    """Upsert the best report pair of each pair of dataset events; returns how many."""
    dataset_event = {row.gold_id: row.dataset_event_id for row in rows}
    best: dict[tuple[int, int], Candidate] = {}
    for candidate in found:
        a, b = dataset_event[candidate.a], dataset_event[candidate.b]
        key = (min(a, b), max(a, b))
        kept = best.get(key)
        if kept is None or (candidate.score, -candidate.a, -candidate.b) > (
            kept.score,
            -kept.a,
            -kept.b,
        ):
            best[key] = candidate
    if not best:
        return 0
    now = timezone.now()
    # One statement per pair, atomic against a concurrent decision: a decided row is left
    # as the supervisor left it (the WHERE of DO UPDATE).
    sql = (
        _UPSERT_PG
        if connection.vendor == "postgresql"
        else _UPSERT_PG.replace("CAST(%s AS jsonb)", "%s")
    )
    params = [
        (project.pk, c.a, c.b, c.score, json.dumps(c.reasons, ensure_ascii=False), now)
        for _, c in sorted(best.items())
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    return len(params)


def _score(
    project: Project,
    queries: Sequence[ReportRow],
    pool_rows: Sequence[ReportRow],
    settings: FinderSettings,
    *,
    older_only: bool,
) -> int:
    """Score `queries` against `pool_rows` and store the candidates. `older_only` scores a
    pair only from its newer report (the whole-project pass meets every pair twice)."""
    rows = {row.gold_id: row for row in [*pool_rows, *queries]}
    reports = pure_reports(project, list(rows.values()))
    blocked = not_same_dataset_events({row.dataset_event_id for row in queries})

    def skip(query: Report, other: Report) -> bool:
        mine, theirs = rows[query.id], rows[other.id]
        return (
            (older_only and other.id > query.id)
            or theirs.article_id == mine.article_id
            or theirs.dataset_event_id == mine.dataset_event_id
            or theirs.dataset_event_id in blocked.get(mine.dataset_event_id, ())
        )

    pool = ReportPool((reports[row.gold_id] for row in pool_rows), settings)
    found = find_pairs([reports[row.gold_id] for row in queries], pool, settings, skip=skip)
    return _store(project, list(rows.values()), found)


def duplicate_candidates_find_article(*, article_id: int) -> int:
    """Find and store the candidates of a just-validated article's reports. Returns how
    many pairs were stored (new or refreshed). Nothing when the article has no live report
    (deleted, or reopened since)."""
    project_id = Article.objects.filter(pk=article_id).values_list("project_id", flat=True)
    project = Project.objects.select_related("codebook_version").filter(pk=project_id[:1]).first()
    if project is None:
        return 0
    queries = article_reports(article_id)
    if not queries:
        return 0
    settings = finder_settings(project)
    longest = longest_gold_spans(settings.precision_days)
    pool: dict[int, ReportRow] = {}
    for query in queries:
        widening = _widening(query, settings)
        for row in blocking_pool(
            project_id=project.pk,
            type_ids=compatible_type_ids(project.codebook_version_id, [query.event_type_id]),
            low=query.date_start - widening,
            high=query.date_end + widening,
            settings=settings,
            longest_spans=longest,
            exclude_articles=[article_id],
            link=query_link(project, query, settings),
        ):
            pool[row.gold_id] = row
    return _score(project, queries, list(pool.values()), settings, older_only=False)


def duplicate_candidates_find_chunk(
    *, project_id: int, after: Cursor | None, size: int | None = None
) -> Cursor | None:
    """One chunk of a whole-project pass: the next `size` reports in (date, id) order after
    `after`, scored against the reports around them. Returns the cursor of the next chunk,
    or None when this was the last. `size` defaults to CHUNK_SIZE."""
    size = size or CHUNK_SIZE
    project = Project.objects.select_related("codebook_version").filter(pk=project_id).first()
    if project is None:
        return None
    chunk = project_reports_chunk(project_id, after, size)
    if not chunk:
        return None
    settings = finder_settings(project)
    widest = max(_widening(row, settings) for row in chunk)
    pool_rows = blocking_pool(
        project_id=project_id,
        type_ids=compatible_type_ids(
            project.codebook_version_id, {row.event_type_id for row in chunk}
        ),
        low=min(row.date_start for row in chunk) - widest,
        high=max(row.date_end for row in chunk) + widest,
        settings=settings,
        longest_spans=longest_gold_spans(settings.precision_days),
    )
    _score(project, chunk, pool_rows, settings, older_only=True)
    if len(chunk) < size:
        return None
    return chunk[-1].date_start, chunk[-1].gold_id


def duplicate_candidates_find_project(*, project_id: int, size: int | None = None) -> int:
    """A whole-project pass in this process, chunk after chunk (the management command).
    Returns the number of chunks. Each chunk runs in the caller's transaction state: call it
    outside a transaction to commit chunk by chunk."""
    from django.db import transaction

    after: Cursor | None = None
    chunks = 0
    while True:
        with transaction.atomic():
            after = duplicate_candidates_find_chunk(project_id=project_id, after=after, size=size)
        chunks += 1
        if after is None:
            return chunks


def duplicate_candidates_request(*, project: Project, actor: User | None) -> OutboxItem:
    """A supervisor's request for a whole-project pass: recorded (with its audit row) and
    done in the background, chunk by chunk."""
    item = outbox_record(
        kind=OutboxItem.Kind.DEDUP_PROJECT,
        key=f"project:{project.pk}",
        payload={"project_id": project.pk, "after": None},
    )
    audit_record(
        action="duplicate_candidates.find",
        actor=actor,
        project=project,
        target=project,
        data={"scope": "project"},
    )
    return item
