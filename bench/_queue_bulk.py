"""The queue-scale project's underlying rows generated in PostgreSQL (bench_adjudication.py
--scale): articles, assignments, coder events, one finished agreement run per article with
its disagreements, open and validated adjudications, written with INSERT … SELECT over
generate_series, a chunk of articles per transaction.

The distributions are those of bench/_queue_scale.py's former Python generator: 20 coders,
overlap 3 (three distinct coders drawn uniformly; in 1 article of 200 the third is the rare
coder), 1 or 2 events per assignment (2 with probability 1/3) of type ATTACK/ARMED_ASSAULT
(0.6), ATTACK/DRONE_STRIKE (0.25) or TRUCE (0.15); one article in five without disagreement,
the others with 1, 1, 2, 3 or 4 disagreements (equally likely) of severity drawn from
1, 1, 2, 2, 2, 3, 3, 4, 5; 7 articles in 40 with an adjudication, 2 in 7 of those validated.
random() is seeded per chunk (setseed), so a database is reproducible.

The queue's own rows (entries, filter keys, counts) are NOT written here: the caller writes
them with the real service (coding.services.review_queue.review_queue_refresh).
"""

from __future__ import annotations

from typing import Any

CHUNK = 50_000

_STEPS = [
    # The chunk's articles (texts as the Python generator wrote them).
    """
    CREATE TEMP TABLE qs_new ON COMMIT DROP AS
    WITH made AS (
        INSERT INTO coding_article (title, text, text_sha256, len_cp, len_u16, language,
            direction, paragraphs, source, url, published_at, external_id, metadata,
            imported_at, project_id)
        SELECT 'Report ' || i, t, encode(sha256(convert_to(t, 'UTF8')), 'hex'), length(t),
            length(t), 'en', 'ltr', jsonb_build_array(jsonb_build_array(0, length(t), 'ltr')),
            'Bench Wire', '', NULL, '', '{}'::jsonb, now(), %(project)s
        FROM (SELECT i, 'Report ' || lpad(i::text, 7, '0')
                        || ': gunmen attacked a post near Boulkessi.' AS t
              FROM generate_series(%(first)s, %(last)s) AS i) AS s
        ORDER BY i
        RETURNING id
    )
    SELECT id FROM made
    """,
    # Three distinct coders per article; 1 in 200 articles: the third is the rare coder.
    """
    CREATE TEMP TABLE qs_pick ON COMMIT DROP AS
    SELECT a.id AS article_id,
        CASE WHEN p.ord = 3 AND a.rare THEN %(rare)s ELSE p.coder_id END AS coder_id
    FROM (SELECT id, random() < 0.005 AS rare FROM qs_new) AS a
    CROSS JOIN LATERAL (
        SELECT c AS coder_id, row_number() OVER () AS ord
        FROM (SELECT c FROM unnest(%(coders)s::bigint[]) AS c
              WHERE a.id IS NOT NULL ORDER BY random() LIMIT 3) AS drawn
    ) AS p
    """,
    """
    CREATE TEMP TABLE qs_assignment ON COMMIT DROP AS
    WITH made AS (
        INSERT INTO coding_assignment (status, version, created_at, started_at,
            submitted_at, reopen_count, article_id, coder_id, project_id)
        SELECT 'submitted', 1, now(), now(), now(), 0, article_id, coder_id, %(project)s
        FROM qs_pick ORDER BY article_id, coder_id
        RETURNING id, article_id, coder_id
    )
    SELECT * FROM made
    """,
    # 1 or 2 events per assignment (2 with probability 1/3), types by the weights above.
    """
    INSERT INTO coding_codedevent (layer, "values", memo, version, created_at, updated_at,
        article_id, assignment_id, codebook_version_id, created_by_id, event_type_id,
        event_subtype_id, suggestion_key)
    SELECT 'coder', '{}'::jsonb, '', 1, now(), now(), article_id, id, %(version)s, coder_id,
        CASE WHEN r < 0.85 THEN %(attack)s ELSE %(truce)s END,
        CASE WHEN r < 0.6 THEN %(armed)s WHEN r < 0.85 THEN %(drone)s END, ''
    FROM (
        SELECT a.article_id, a.id, a.coder_id, random() AS r
        FROM (SELECT *, CASE WHEN random() < 1.0 / 3 THEN 2 ELSE 1 END AS n
              FROM qs_assignment) AS a
        CROSS JOIN LATERAL generate_series(1, a.n) AS g
    ) AS e
    ORDER BY id
    """,
    # One finished article run per article, its coders in params as the service stores them.
    """
    CREATE TEMP TABLE qs_run ON COMMIT DROP AS
    WITH made AS (
        INSERT INTO coding_agreementrun (scope, status, input_digest, params, progress_done,
            progress_total, error, created_at, started_at, finished_at, article_id,
            project_id, attempts, lease_token)
        SELECT 'article', 'done', 'scale-' || article_id,
            jsonb_build_object('coders', jsonb_agg(coder_id ORDER BY coder_id),
                               'clusters', '[]'::jsonb),
            1, 1, '', now(), now(), now(), article_id, %(project)s, 0, ''
        FROM qs_pick GROUP BY article_id ORDER BY article_id
        RETURNING id, article_id
    )
    SELECT * FROM made
    """,
    """
    INSERT INTO coding_disagreement (kind, severity, cluster_key, field_key, details,
        article_id, run_id)
    SELECT 'other_field', (ARRAY[1, 1, 2, 2, 2, 3, 3, 4, 5])[1 + floor(random() * 9)::int],
        'c' || (j - 1), '', '{}'::jsonb, r.article_id, r.id
    FROM (SELECT *, random() AS u, (ARRAY[1, 1, 2, 3, 4])[1 + floor(random() * 5)::int] AS k
          FROM qs_run) AS r
    CROSS JOIN LATERAL generate_series(1, r.k) AS j
    WHERE r.u >= 0.2
    """,
    """
    INSERT INTO coding_adjudication (status, revision, version, validated_at, created_at,
        validated_by_id, article_id, project_id)
    SELECT CASE WHEN v THEN 'validated' ELSE 'open' END, 1, 1, CASE WHEN v THEN now() END,
        now(), CASE WHEN v THEN %(supervisor)s END, id, %(project)s
    FROM (SELECT id, random() AS u, random() < 2.0 / 7 AS v FROM qs_new) AS s
    WHERE u < 7.0 / 40
    ORDER BY id
    """,
]


def grow_chunk(params: dict[str, Any], first: int, size: int) -> list[int]:
    """Generate articles number first .. first+size-1 of the project and everything under
    them in one transaction; returns the new article ids."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        # reproducible: the same chunk gets the same draws
        cursor.execute("SELECT setseed(%s)", [((first * 7919) % 1_000_003) / 1_000_003])
        values = params | {"first": first, "last": first + size - 1}
        for step in _STEPS:
            cursor.execute(step, values)
        cursor.execute("SELECT id FROM qs_new ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


# The queue's entries and filter keys of a range of articles, written in SQL as
# coding.services.review_queue writes them (queue_rows, store_rows, queue_keys, _store_keys):
# for a size where the service's refresh, 2,000 articles per transaction, would take hours on
# this machine. `verify_sample` proves the rows equal the service's on a random sample.
_QUEUE_STEPS = [
    """
    INSERT INTO coding_reviewqueueentry (project_id, article_id, run_id, unanimous,
        top_severity, n_disagreements, n_coders, adjudication_state, finished_at)
    SELECT r.project_id, r.article_id, r.id,
        COALESCE(d.n, 0) = 0 AND COALESCE(jsonb_array_length(r.params -> 'coders') >= 2, false),
        COALESCE(d.m, 0), COALESCE(d.n, 0), jsonb_array_length(r.params -> 'coders'),
        COALESCE(a.status, ''), r.finished_at
    FROM coding_agreementrun AS r
    LEFT JOIN LATERAL (SELECT max(severity) AS m, count(*) AS n
                       FROM coding_disagreement WHERE run_id = r.id) AS d ON true
    LEFT JOIN coding_adjudication AS a ON a.article_id = r.article_id
    WHERE r.article_id BETWEEN %(low)s AND %(high)s AND r.scope = 'article'
      AND r.status = 'done'
      AND NOT EXISTS (SELECT 1 FROM coding_agreementrun AS newer
                      WHERE newer.article_id = r.article_id AND newer.scope = 'article'
                        AND newer.status = 'done' AND newer.id > r.id)
    """,
    """
    INSERT INTO coding_reviewqueuekey (project_id, article_id, kind, value, unanimous,
        adjudication_state, order_key)
    WITH listed AS (
        SELECT * FROM coding_reviewqueueentry
        WHERE article_id BETWEEN %(low)s AND %(high)s AND order_key IS NOT NULL
    ),
    codes AS (  -- the coder events' type and sub-type codes, calibration work left out
        SELECT DISTINCT ev.article_id, t.code
        FROM coding_codedevent AS ev
        JOIN coding_eventtype AS t ON t.id IN (ev.event_type_id, ev.event_subtype_id)
        WHERE ev.article_id BETWEEN %(low)s AND %(high)s AND ev.layer = 'coder'
          AND NOT EXISTS (SELECT 1 FROM coding_calibrationassignment AS c
                          WHERE c.assignment_id = ev.assignment_id)
    ),
    coders AS (
        SELECT DISTINCT s.article_id, s.coder_id::text AS coder
        FROM coding_assignment AS s
        WHERE s.article_id BETWEEN %(low)s AND %(high)s
          AND NOT EXISTS (SELECT 1 FROM coding_calibrationassignment AS c
                          WHERE c.assignment_id = s.id)
    ),
    keys AS (
        SELECT article_id, 'type' AS kind, code AS value FROM codes
        UNION ALL SELECT article_id, 'coder', coder FROM coders
        UNION ALL SELECT codes.article_id, 'pair', coders.coder || ':' || codes.code
        FROM codes JOIN coders USING (article_id)
    )
    SELECT l.project_id, l.article_id, k.kind, k.value, l.unanimous, l.adjudication_state,
        l.order_key
    FROM listed AS l JOIN keys AS k USING (article_id)
    ORDER BY l.article_id, k.kind, k.value
    """,
]


def queue_rows_sql(low: int, high: int) -> None:
    """Write the entries and filter keys of the articles with ids low..high (none stored
    yet) in one transaction. The counts are then recounted by the service
    (coding.services.review_queue_counts.counts_recount)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for step in _QUEUE_STEPS:
            cursor.execute(step, {"low": low, "high": high})


def verify_sample(article_ids: list[int], n: int) -> str:
    """Refresh `n` random articles of `article_ids` with the real service inside a
    transaction that is rolled back: their entries and keys must come out identical and the
    counts' change empty (no row appended). Raises if not; returns a summary."""
    import random

    from django.db import transaction

    from coding.models import ReviewQueueCount, ReviewQueueEntry, ReviewQueueKey
    from coding.services.review_queue import review_queue_refresh

    sample = sorted(random.Random(19_1).sample(article_ids, min(n, len(article_ids))))

    def state() -> tuple[list[Any], list[Any]]:
        entries = ReviewQueueEntry.objects.filter(article_id__in=sample).order_by("article_id")
        keys = ReviewQueueKey.objects.filter(article_id__in=sample)
        return (
            list(
                entries.values_list(
                    *[
                        f.attname
                        for f in ReviewQueueEntry._meta.concrete_fields
                        if f.attname != "id"
                    ]
                )
            ),
            sorted(
                keys.values_list(
                    "article_id", "kind", "value", "unanimous", "adjudication_state", "order_key"
                )
            ),
        )

    with transaction.atomic():
        before = state()
        counts_before = ReviewQueueCount.objects.count()
        for first in range(0, len(sample), 2000):
            review_queue_refresh(article_ids=sample[first : first + 2000])
        after = state()
        appended = ReviewQueueCount.objects.count() - counts_before
        transaction.set_rollback(True)
    if before != after or appended:
        raise RuntimeError(
            "SQL-built queue rows differ from the service's on the sample "
            f"({appended} count rows appended)"
        )
    return (
        f"{len(sample):,} random articles refreshed by the service: entries ({len(before[0]):,}) "
        f"and keys ({len(before[1]):,}) identical, no count changed"
    )
