"""Rebuilding the throughput dashboard's stored facts (coding/models/throughput_facts.py).

Triggers keep the facts current on every write (migration 0030); this recomputes a
project's from its sources, as a repair after a table was restored or triggers were
disabled. It takes the facts tables' SHARE ROW EXCLUSIVE lock: concurrent writers wait for
it and then recompute their own rows from what it committed, so nothing is lost.
"""

from __future__ import annotations

from django.db import connection, transaction

from coding.models import ArticleFact, AssignmentFact, Project


def throughput_facts_rebuild(*, project: Project) -> tuple[int, int]:
    """Recompute ``project``'s facts from scratch in one transaction; returns the number of
    (assignment, article) fact rows. Other databases than PostgreSQL keep no facts: (0, 0)."""
    if connection.vendor != "postgresql":
        return 0, 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT athar_tp_rebuild(%s)", [project.pk])
        return (
            AssignmentFact.objects.filter(project=project).count(),
            ArticleFact.objects.filter(project=project).count(),
        )
