"""Rebuilding the throughput dashboard's stored facts and counts
(coding/models/throughput_facts.py).

Triggers keep them current on every write (migration 0030); this recomputes a project's
from its sources, as a repair after a table was restored or triggers were disabled, and
after settings.TIME_ZONE changed (the weeks are counted in it: the zone function the
triggers call is written again first). It takes the tables' SHARE ROW EXCLUSIVE lock:
concurrent writers wait for it and then recompute their own rows from what it committed.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import connection, transaction

from coding.models import ArticleFact, AssignmentFact, Project


def zone_sql(zone: str) -> str:
    """The SQL that (re)defines athar_tp_zone(), the zone the triggers count weeks in."""
    if not re.fullmatch(r"[A-Za-z0-9_+\-/]+", zone):
        raise ValueError(f"unexpected TIME_ZONE {zone!r}")
    return (
        "CREATE OR REPLACE FUNCTION athar_tp_zone() RETURNS text AS "
        f"$$ SELECT '{zone}'::text $$ LANGUAGE sql IMMUTABLE"
    )


def throughput_facts_rebuild(*, project: Project) -> tuple[int, int]:
    """Recompute ``project``'s facts and counts from scratch in one transaction; returns the
    number of (assignment, article) fact rows. Other databases than PostgreSQL keep none:
    (0, 0)."""
    if connection.vendor != "postgresql":
        return 0, 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(zone_sql(settings.TIME_ZONE))
        cursor.execute("SELECT athar_tp_rebuild(%s)", [project.pk])
        return (
            AssignmentFact.objects.filter(project=project).count(),
            ArticleFact.objects.filter(project=project).count(),
        )
