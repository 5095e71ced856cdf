"""The adjudication queue's per-project counts (ReviewQueueCount): deltas appended by each
refresh, folded back into one row per combination, and a recount from the stored rows.

A count combination is (kind, value, unanimous, adjudication_state, top_severity): kind and
value "" for the listed entries themselves, else one of their ReviewQueueKey's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Q

from coding.models import Project, ReviewQueueCount, ReviewQueueEntry, ReviewQueueKey

Combination = tuple[str, str, bool, str, int]
# pg_advisory_xact_lock(FOLD_LOCK_CLASS, project id): held by whoever folds or recounts.
FOLD_LOCK_CLASS = 190_101


def combinations(
    entries: Iterable[dict[str, Any]], keys: dict[int, list[tuple[str, str]]]
) -> Counter[Combination]:
    """The count combinations of these entry rows (dicts with article_id, unanimous,
    adjudication_state, top_severity, n_disagreements, n_coders) and their filter keys."""
    found: Counter[Combination] = Counter()
    for row in entries:
        if not listed(row):
            continue
        tail = (bool(row["unanimous"]), row["adjudication_state"], int(row["top_severity"]))
        found[("", "", *tail)] += 1
        for kind, value in keys.get(row["article_id"], ()):
            found[(kind, value, *tail)] += 1
    return found


def listed(row: dict[str, Any]) -> bool:
    """Whether an entry is in a tab (its order key is not NULL: see ORDER_KEY)."""
    return not (row["n_disagreements"] == 0 and row["n_coders"] is None)


def counts_append(*, project_id: int, delta: Counter[Combination]) -> None:
    """Append the non-zero changes, then fold the changed combinations if no one else is.

    Precondition: inside the transaction that changed the entries and keys `delta` describes.
    """
    changes = {c: n for c, n in delta.items() if n}
    if not changes:
        return
    ReviewQueueCount.objects.bulk_create(
        ReviewQueueCount(
            project_id=project_id,
            kind=kind,
            value=value,
            unanimous=unanimous,
            adjudication_state=state,
            top_severity=severity,
            n=n,
        )
        for (kind, value, unanimous, state, severity), n in sorted(changes.items())
    )
    if _try_fold_lock(project_id):
        _fold(project_id, {(kind, value) for kind, value, *_ in changes})


def _try_fold_lock(project_id: int) -> bool:
    if connection.vendor != "postgresql":
        return True  # SQLite lets one writer at a time: nobody else can be folding
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [FOLD_LOCK_CLASS, project_id])
        (locked,) = cursor.fetchone()
    return bool(locked)


def _fold(project_id: int, kinds: set[tuple[str, str]]) -> None:
    """Replace the rows of each combination of these (kind, value) pairs by their sum.

    Rows are deleted by id: a delta another transaction appends meanwhile is not among
    them and stays. Only the holder of the fold lock deletes rows."""
    match = Q()
    for kind, value in kinds:
        match |= Q(kind=kind, value=value)
    rows = ReviewQueueCount.objects.filter(match, project_id=project_id).values_list(
        "id", "kind", "value", "unanimous", "adjudication_state", "top_severity", "n"
    )
    groups: dict[Combination, list[tuple[int, int]]] = {}
    for pk, *combination, n in rows:
        groups.setdefault(tuple(combination), []).append((pk, n))  # type: ignore[arg-type]
    gone: list[int] = []
    sums: list[ReviewQueueCount] = []
    for (kind, value, unanimous, state, severity), members in groups.items():
        if len(members) < 2 and members[0][1]:
            continue
        gone += [pk for pk, _ in members]
        total = sum(n for _, n in members)
        if total:
            sums.append(
                ReviewQueueCount(
                    project_id=project_id,
                    kind=kind,
                    value=value,
                    unanimous=unanimous,
                    adjudication_state=state,
                    top_severity=severity,
                    n=total,
                )
            )
    if gone:
        ReviewQueueCount.objects.filter(pk__in=gone).delete()
        ReviewQueueCount.objects.bulk_create(sums)


def counts_recount(*, project: Project) -> int:
    """Recompute the project's counts from its stored entries and keys, in one transaction
    (after a repair of the rows). Returns the number of count rows written."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)", [FOLD_LOCK_CLASS, project.pk]
                )
        ReviewQueueCount.objects.filter(project=project).delete()
        found: Counter[Combination] = Counter()
        for state in (
            ReviewQueueEntry.objects.filter(project=project, order_key__isnull=False)
            .values("unanimous", "adjudication_state", "top_severity")
            .annotate(n=Count("*"))
            .order_by()
        ):
            combination = ("", "", state["unanimous"], state["adjudication_state"])
            found[(*combination, state["top_severity"])] = state["n"]
        for key_state in (
            ReviewQueueKey.objects.filter(project=project)
            .values(
                "kind",
                "value",
                "unanimous",
                "adjudication_state",
                severity=F("article__review_queue_entry__top_severity"),
            )
            .annotate(n=Count("*"))
            .order_by()
        ):
            key = (
                key_state["kind"],
                key_state["value"],
                key_state["unanimous"],
                key_state["adjudication_state"],
            )
            found[(*key, key_state["severity"])] = key_state["n"]
        ReviewQueueCount.objects.bulk_create(
            (
                ReviewQueueCount(
                    project=project,
                    kind=kind,
                    value=value,
                    unanimous=unanimous,
                    adjudication_state=state,
                    top_severity=severity,
                    n=n,
                )
                for (kind, value, unanimous, state, severity), n in sorted(found.items())
            ),
            batch_size=5000,
        )
        return len(found)
