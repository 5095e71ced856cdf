"""The world of bench/bench_assignment_read.py: one project on the ACLED preset with many coders,
each with an API token and assignments of their own, every article ~20,000 characters
(Arabic/French/English with emoji), events with 3 to 5 evidence spans each.

Built once in its own database and grown, never re-created, when the benchmark asks for more
spans (`grow_to`): the database of 1M spans takes minutes to build on this machine, so the
benchmark reuses it. Articles, coders and assignments are made through the services; the
events and spans in bulk with INSERT … SELECT (the service path would take hours at this size).
The spans' quotes are cut from the article text by PostgreSQL (`substr` counts code points),
and the insert passes through the database's own checks (the quote trigger, the constraints),
so every row is one the application could have written.
"""

from __future__ import annotations

import random
import time
import unicodedata
from dataclasses import dataclass

from bench._common import EVENT_LEAD, _Item, article_text, token_for

SLUG = "readworld"
CHARS = 20_000
# Per level: assignments of 500 events; the 2,000-event assignments are added at the first level.
EVENTS_SMALL, EVENTS_LARGE = 500, 2_000
N_LARGE = 4
N_CODERS = 16
N_ARTICLES = 500 + N_LARGE
ROLES = ("trigger", "actor1", "location", "date")


@dataclass(frozen=True)
class Reader:
    """A coder, their token and their assignments (ids) by number of events."""

    username: str
    token: str
    assignments: dict[int, list[int]]


def heavy_text(seed: int) -> str:
    _, body = article_text(seed, CHARS, random.Random(seed))
    text = unicodedata.normalize("NFC", (EVENT_LEAD + body).replace("\r\n", "\n"))
    return text[:CHARS]


def ensure_world() -> None:
    """The project, its coders (with tokens), articles and assignments, if not there yet."""
    from coding.codebook_spec.presets import load_preset
    from coding.models import CodebookVersion, Project, User
    from coding.services.articles import articles_create
    from coding.services.assignment import assignments_balance
    from coding.services.codebooks import codebook_version_create
    from coding.services.projects import membership_set, project_create

    if Project.objects.filter(slug=SLUG).exists():
        return
    started = time.perf_counter()
    version = CodebookVersion.objects.filter(
        codebook__slug="acled", status=CodebookVersion.Status.PUBLISHED
    ).first() or codebook_version_create(spec=load_preset("acled"), publish=True)
    project = project_create(slug=SLUG, name=SLUG, codebook_version=version, overlap=1)
    for i in range(N_CODERS):
        user = User.objects.create(username=f"{SLUG}-coder{i}")
        membership_set(project=project, user=user, role="coder")
        token_for(user)
    items = (_Item(f"{SLUG} {i}", heavy_text(i)) for i in range(N_ARTICLES))
    articles_create(project=project, items=items, actor=None, keep_articles=False)
    assignments_balance(project=project)
    print(
        f"world: {N_ARTICLES} articles, {N_CODERS} coders in {time.perf_counter() - started:.0f} s"
    )


_FILL_SQL = """
WITH target AS (
    SELECT a.id AS assignment_id, a.article_id, a.coder_id, p.codebook_version_id
    FROM coding_assignment a JOIN coding_project p ON p.id = a.project_id
    WHERE a.id = %(assignment)s
), kinds AS (
    SELECT t.id AS type_id, s.id AS subtype_id
    FROM coding_eventtype t JOIN coding_eventtype s ON s.parent_id = t.id
    WHERE t.version_id = (SELECT codebook_version_id FROM target)
      AND t.code = 'BATTLES' AND s.code = 'ARMED_CLASH'
), made AS (
    INSERT INTO coding_codedevent (
        article_id, codebook_version_id, layer, assignment_id, event_type_id, event_subtype_id,
        "values", fatalities, memo, version, suggestion_key, created_by_id, created_at,
        updated_at)
    SELECT t.article_id, t.codebook_version_id, 'coder', t.assignment_id, k.type_id,
           k.subtype_id,
           jsonb_build_object(
               'event_date', jsonb_build_object('start', '2022-06-12'),
               'time_precision', '1', 'geo_precision', '1', 'fatalities', n %% 17,
               'notes', 'JNIM attacked the Boulkessi post; five soldiers killed.'),
           n %% 17, '', 1, '', t.coder_id,
           now() - make_interval(secs => n), now() - make_interval(secs => n)
    FROM target t, kinds k, generate_series(1, %(events)s) AS n
    RETURNING id, article_id
)
INSERT INTO coding_evidencespan (event_id, role, start, "end", quote)
SELECT m.id, r.role, r.start, r.start + r.width,
       substr(art.text, r.start + 1, r.width)
FROM made m
JOIN coding_article art ON art.id = m.article_id
CROSS JOIN LATERAL (
    SELECT (ARRAY['trigger', 'actor1', 'location', 'date'])[1 + k %% 4] AS role,
           (abs(hashint8(m.id * 8 + k)) %% (art.len_cp - 40))::int AS start,
           4 + (abs(hashint8(m.id * 8 + k + 4)) %% 27)::int AS width
    FROM generate_series(0, 2 + (abs(hashint8(m.id)) %% 3)::int) AS k
) r
"""


def span_count(cursor) -> int:  # type: ignore[no-untyped-def]
    cursor.execute("SELECT count(*) FROM coding_evidencespan")
    return int(cursor.fetchone()[0])


def grow_to(spans: int) -> float:
    """Fill empty assignments (the N_LARGE 2,000-event ones first, then 500-event ones) until
    the span table holds at least `spans` rows; ANALYZE; return the seconds it took."""
    from django.db import connection, transaction

    from coding.models import Assignment

    started = time.perf_counter()
    with connection.cursor() as cursor:
        have = span_count(cursor)
        if have >= spans:
            return 0.0
        empty = list(
            Assignment.objects.filter(project__slug=SLUG, events__isnull=True)
            .order_by("id")
            .values_list("id", flat=True)
        )
        filled_large = Assignment.objects.filter(project__slug=SLUG).count() - len(empty)
        for assignment in empty:
            if have >= spans:
                break
            events = EVENTS_LARGE if filled_large < N_LARGE else EVENTS_SMALL
            filled_large += 1
            with transaction.atomic():
                cursor.execute(_FILL_SQL, {"assignment": assignment, "events": events})
            have += cursor.rowcount
        cursor.execute("ANALYZE coding_codedevent")
        cursor.execute("ANALYZE coding_evidencespan")
    return time.perf_counter() - started


def readers() -> list[Reader]:
    """Every coder of the world with the assignments they have events on, by size."""
    from django.db.models import Count

    from coding.models import Assignment, User

    found = []
    for user in User.objects.filter(username__startswith=f"{SLUG}-coder").order_by("id"):
        by_size: dict[int, list[int]] = {}
        rows = (
            Assignment.objects.filter(project__slug=SLUG, coder=user)
            .annotate(n=Count("events"))
            .filter(n__gt=0)
            .order_by("id")
            .values_list("id", "n")
        )
        for assignment_id, n in rows:
            by_size.setdefault(n, []).append(assignment_id)
        found.append(Reader(user.username, token_for(user), by_size))
    return found
