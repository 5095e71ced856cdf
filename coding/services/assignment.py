"""Balanced, reproducible assignment: each article to exactly k coders (the project overlap).

Policy: articles in id order; each takes the coders with the lowest current load in the
project, ties broken by a hash of (seed, article, coder) so that the result depends only on
the seed and the data, never on dict order or timing. Running it again assigns only what is
missing (new articles, or articles short of k because coders were few), so adding articles
or coders later never moves existing work.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from coding.models import REAL_ASSIGNMENT, Assignment, Membership, Project, User
from coding.services.audit import audit_record
from coding.services.calibration import calibration_link, calibration_plan_rows
from coding.services.gold_reopen import (
    adjudications_lock_for_recoding,
    adjudications_reopen_for_recoding,
)
from coding.services.review_queue import review_queue_follow_coding


@dataclass(frozen=True)
class AssignmentReport:
    created: int
    short_articles: int  # articles that still have fewer than k coders (too few coders)
    reopened_articles: int = 0  # validated articles sent back to adjudication (a new coder)
    calibration: int = 0  # calibration items slipped into queues (coding.services.calibration)


def _tiebreak(seed: int, article_id: int, coder_id: int) -> bytes:
    return hashlib.blake2b(f"{seed}:{article_id}:{coder_id}".encode(), digest_size=8).digest()


def _insert_assignments(project: Project, pairs: list[tuple[int, int]]) -> None:
    """Write one new assignment per (article id, coder id): COPY on PostgreSQL (an import
    creates k per article and nothing here needs their ids), bulk_create elsewhere."""
    if not pairs:
        return
    if connection.vendor != "postgresql":
        Assignment.objects.bulk_create(
            (Assignment(project=project, article_id=a, coder_id=c) for a, c in pairs),
            batch_size=2000,
        )
        return
    # The model's defaults for a new assignment, so that both paths write the same row.
    blank = Assignment()
    fixed = (blank.status, blank.version, blank.reopen_count, timezone.now())
    columns = "project_id, article_id, coder_id, status, version, reopen_count, created_at"
    with connection.cursor() as cursor:
        sql = f"COPY {Assignment._meta.db_table} ({columns}) FROM STDIN"
        with cursor.copy(sql) as copy:
            for article_id, coder_id in pairs:
                copy.write_row((project.pk, article_id, coder_id, *fixed))


@transaction.atomic
def assignments_balance(*, project: Project, actor: User | None = None) -> AssignmentReport:
    """Top every article of the project up to `overlap` coders. Locks the project row so two
    concurrent runs cannot both assign the same gap. An article already validated that gets a
    new coder is reopened for adjudication (audited; see coding.services.gold_reopen).

    Calibration items are then slipped among the new rows at the project's rate
    (coding.services.calibration): they count neither as one of an article's k coders nor in
    a coder's load, and never reopen anything."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    coder_ids = list(
        Membership.objects.filter(project=project, role=Membership.Role.CODER, is_active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    load: Counter[int] = Counter(
        dict(
            Assignment.objects.filter(REAL_ASSIGNMENT, project=project)
            .values("coder_id")
            .annotate(n=Count("id"))
            .values_list("coder_id", "n")
        )
    )
    taken: dict[int, set[int]] = {}  # every coder on the article (real or calibration)
    real: dict[int, set[int]] = {}  # its real coders: the k of the overlap
    for article_id, coder_id, calibration in Assignment.objects.filter(project=project).values_list(
        "article_id", "coder_id", "calibration"
    ):
        taken.setdefault(article_id, set()).add(coder_id)
        if calibration is None:
            real.setdefault(article_id, set()).add(coder_id)

    k = project.overlap
    new_rows: list[tuple[int, int]] = []  # (article id, coder id)
    short = 0
    for article_id in project.articles.order_by("id").values_list("id", flat=True).iterator():
        need = k - len(real.get(article_id, ()))
        if need <= 0:
            continue
        have = taken.get(article_id, set())
        candidates = sorted(
            (c for c in coder_ids if c not in have),
            key=lambda c: (load[c], _tiebreak(project.assignment_seed, article_id, c)),
        )
        chosen = candidates[:need]
        if len(chosen) < need:
            short += 1
        for coder_id in chosen:
            load[coder_id] += 1
            new_rows.append((article_id, coder_id))
    adjudications = adjudications_lock_for_recoding(article_ids={a for a, _ in new_rows})
    planned = calibration_plan_rows(
        project=project, coder_ids=coder_ids, new_rows=new_rows, real_load=load, taken=taken
    )
    _insert_assignments(project, [(a, c) for a, c, _ in planned])
    review_queue_follow_coding(article_ids={a for a, _, _ in planned})  # coder filter keys
    calibration = calibration_link(
        project=project, pairs=[(a, c) for a, c, is_calibration in planned if is_calibration]
    )
    reopened: list[int] = []
    if new_rows or calibration:
        audit_record(
            action="assignment.balance",
            actor=actor,
            project=project,
            data={"created": len(new_rows), "short_articles": short, "calibration": calibration},
        )
        # A new coder on an adjudicated article changes the agreement its gold layer was
        # decided on: the article goes back to adjudication.
        reopened = adjudications_reopen_for_recoding(
            locked=adjudications,
            actor=actor,
            cause="assignment.balance",
            reason="a coder was added to the article",
        )
    return AssignmentReport(
        created=len(new_rows),
        short_articles=short,
        reopened_articles=len(reopened),
        calibration=calibration,
    )
