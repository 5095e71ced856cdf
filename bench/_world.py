"""A coding project of realistic size for the write benchmarks, grown in place.

`grow_world(n)` brings the bench database's project ``world`` to `n` articles of ~3,000
characters (Arabic/French/English, as bench/_common.article_text writes them), each assigned to
2 of `CODERS` coders, with about 1.5 coder events of 4 evidence spans per assignment already
stored, over an actor dictionary of 2,000 entries and a gazetteer of 1,000 places. Sizes only
grow, so one database serves 1k, then 10k, then 100k articles, and a kept database is reused.

Articles and assignments go through the services (`articles_create`, `assignments_balance`);
the events already stored are cloned in SQL (varied types, values and spans over each
article's own text, quotes cut from that text by PostgreSQL) with triggers off for that
statement only (`session_replication_role = replica`): every row is valid by construction, and
the span-quote trigger would otherwise spend minutes re-checking 1,000,000 generated spans.

`varied_events(...)` makes the requests a coder sends: each a different event on one of their
own assignments (type and sub-type, date and precision, actors, place, fatalities, notes) with
4 evidence spans on words anywhere in that article, in UTF-16 offsets as the browser sends them.
"""

from __future__ import annotations

import json
import random
import re
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bench._common import _Item, article_text, token_for

SLUG = "world"
CODERS = 40
OVERLAP = 2
N_ACTORS = 2_000
N_PLACES = 1_000
BATCH = 5_000
ROLES = ("trigger", "actor1", "location", "date")
WORD = re.compile(r"\w{3,}(?: \w{3,})?")
NOTES = [
    "هاجم مسلحون {place} وقتل {n} أشخاص حسب مصادر محلية.",
    "Des hommes armés ont attaqué {place}; bilan: {n} morts selon des sources locales.",
    "{n} killed near {place}, per local sources and a statement on Telegram.",
    "",
]


@dataclass(frozen=True)
class Coder:
    user_id: int
    username: str
    token: str


@dataclass(frozen=True)
class World:
    project_id: int
    articles: int
    events: int
    spans: int
    coders: list[Coder]
    actor_ids: list[int]
    place_ids: list[int]
    subtypes: list[tuple[str, str]]  # (type code, sub-type code)


def _project() -> Any:
    from coding.codebook_spec.presets import load_preset
    from coding.models import Actor, CodebookVersion, Location, Project, User
    from coding.services.codebooks import codebook_version_create
    from coding.services.projects import membership_set, project_create

    project = Project.objects.filter(slug=SLUG).first()
    if project is not None:
        return project
    version = CodebookVersion.objects.filter(
        codebook__slug="acled", status=CodebookVersion.Status.PUBLISHED
    ).first() or codebook_version_create(spec=load_preset("acled"), publish=True)
    project = project_create(slug=SLUG, name="World", codebook_version=version, overlap=OVERLAP)
    for i in range(CODERS):
        user = User.objects.create(username=f"world-coder{i:02d}")
        membership_set(project=project, user=user, role="coder")
    Actor.objects.bulk_create(
        Actor(
            key=f"w-actor-{i}",
            name=f"{('JNIM', 'FAMa', 'Wagner', 'Dozo', 'ISSP', 'MNLA')[i % 6]} {i}",
            actor_type=1 + i % 8,
            country=("ML", "BF", "NE")[i % 3],
        )
        for i in range(N_ACTORS)
    )
    Location.objects.bulk_create(
        Location(
            key=f"w-place-{i}",
            name=f"{('Gao', 'بولكيسي', 'Ménaka', 'Mopti', 'تمبكتو')[i % 5]} {i}",
            country=("ML", "BF", "NE")[i % 3],
            latitude=10 + (i * 0.137) % 12,
            longitude=-12 + (i * 0.291) % 20,
            coord_source="bench",
        )
        for i in range(N_PLACES)
    )
    return project


def grow_world(n_articles: int, log: Any = print) -> World:
    """Bring the project to `n_articles` (never shrinks); returns what it holds."""
    from django.db import connection, transaction

    from coding.models import Article
    from coding.services.articles import articles_create
    from coding.services.assignment import assignments_balance

    project = _project()
    have = Article.objects.filter(project=project).count()
    if have < n_articles:
        started = time.perf_counter()
        rng = random.Random(have)
        for first in range(have, n_articles, BATCH):
            last = min(first + BATCH, n_articles)
            items = (
                _Item(f"Dépêche {i}", article_text(i, 3000, rng)[1], external_id=f"w-{i}")
                for i in range(first, last)
            )
            with transaction.atomic():
                articles_create(project=project, items=items, actor=None, keep_articles=False)
                assignments_balance(project=project)
                _clone_events(connection, project.pk)
        log(
            f"  grew the project from {have:,} to {n_articles:,} articles "
            f"in {time.perf_counter() - started:.0f} s"
        )
    return describe_world(project)


def _subtypes(version_id: int) -> list[tuple[int, int, str, str]]:
    from coding.models import EventType

    return [
        (sub.parent_id, sub.pk, sub.parent.code, sub.code)  # type: ignore[union-attr]
        for sub in EventType.objects.filter(version_id=version_id, depth=1)
        .select_related("parent")
        .order_by("pk")
    ]


def _clone_events(connection: Any, project_id: int) -> None:
    """About 1.5 events (4 spans each) on every assignment that has none yet."""
    from coding.models import Actor, Location, Project

    project = Project.objects.get(pk=project_id)
    subtypes = _subtypes(project.codebook_version_id)
    actors = list(Actor.objects.filter(key__startswith="w-actor-").values_list("pk", flat=True))
    places = list(Location.objects.filter(key__startswith="w-place-").values_list("pk", flat=True))
    templates = []
    for k in range(64):
        type_id, sub_id, _, _ = subtypes[(k * 7) % len(subtypes)]
        start = date(2022, 1, 1) + timedelta(days=(k * 37) % 900)
        values = {
            "event_date": {"start": start.isoformat()},
            "time_precision": "1",
            "actor1": {"id": actors[(k * 31) % len(actors)]},
            "inter1": str(1 + k % 8),
            "location": {"id": places[(k * 17) % len(places)]},
            "geo_precision": str(1 + k % 3),
            "fatalities": k % 13,
            "notes": NOTES[k % len(NOTES)].format(place="Gao", n=k % 13),
        }
        templates.append(
            (k, type_id, sub_id, json.dumps(values), start, places[(k * 17) % len(places)], k % 13)
        )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS bench_template (k int, type_id bigint, "
            "sub_id bigint, vals jsonb, ds date, loc bigint, fat int) ON COMMIT DROP"
        )
        cursor.executemany("INSERT INTO bench_template VALUES (%s,%s,%s,%s,%s,%s,%s)", templates)
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM coding_codedevent")
        before = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO coding_codedevent (article_id, codebook_version_id, layer, assignment_id,
                event_type_id, event_subtype_id, values, date_start, date_end, date_precision,
                location_id, geo_precision, fatalities, memo, version, suggestion_key,
                created_by_id, created_at, updated_at)
            SELECT a.article_id, %s, 'coder', a.id, t.type_id, t.sub_id, t.vals, t.ds, t.ds, 1,
                t.loc, 1, t.fat, '', 1, '', a.coder_id, now(), now()
            FROM coding_assignment a
            CROSS JOIN generate_series(1, 2) g
            JOIN bench_template t ON t.k = (a.id * 7 + g) %% 64
            WHERE a.project_id = %s AND (g = 1 OR a.id %% 2 = 0)
              AND NOT EXISTS (SELECT 1 FROM coding_codedevent e WHERE e.assignment_id = a.id)
            """,
            [project.codebook_version_id, project_id],
        )
        cursor.execute(
            """
            INSERT INTO coding_evidencespan (event_id, role, start, "end", quote)
            SELECT e.id, r.role, s.st, s.st + r.len, substr(ar.text, s.st + 1, r.len)
            FROM coding_codedevent e
            JOIN coding_article ar ON ar.id = e.article_id
            CROSS JOIN (VALUES ('trigger', 1, 6), ('actor1', 2, 11), ('location', 3, 9),
                               ('date', 4, 14)) r(role, k, len)
            CROSS JOIN LATERAL (
                SELECT ((e.id * 7919 + r.k * 104729) %% GREATEST(ar.len_cp - r.len, 1))::int AS st
            ) s
            WHERE e.id > %s
            """,
            [before],
        )
        cursor.execute(
            "UPDATE coding_assignment a SET status = 'in_progress' WHERE a.project_id = %s "
            "AND a.status = 'assigned' AND a.id %% 3 <> 0",
            [project_id],
        )


def describe_world(project: Any) -> World:
    from django.db import connection

    from coding.models import Actor, Article, Location, Membership

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM coding_codedevent e JOIN coding_article a ON a.id = e.article_id "
            "WHERE a.project_id = %s",
            [project.pk],
        )
        events = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM coding_evidencespan")
        spans = cursor.fetchone()[0]
    coders = [
        Coder(m.user_id, m.user.username, token_for(m.user))
        for m in Membership.objects.filter(project=project, role="coder")
        .select_related("user")
        .order_by("user_id")
    ]
    return World(
        project_id=project.pk,
        articles=Article.objects.filter(project=project).count(),
        events=events,
        spans=spans,
        coders=coders,
        actor_ids=list(
            Actor.objects.filter(key__startswith="w-actor-").values_list("pk", flat=True)
        ),
        place_ids=list(
            Location.objects.filter(key__startswith="w-place-").values_list("pk", flat=True)
        ),
        subtypes=[(t, s) for _, _, t, s in _subtypes(project.codebook_version_id)],
    )


def varied_event(text: str, world: World, rng: random.Random) -> dict[str, Any]:
    """One event a coder might write on `text`: a random ACLED (sub-)type, a date and its
    precision, one or two actors with their types, a place, fatalities, a note, and 4 evidence
    spans on different words anywhere in the text, in UTF-16 offsets."""
    from coding.text.offsets import OffsetMap

    type_code, sub_code = rng.choice(world.subtypes)
    start = date(2022, 1, 1) + timedelta(days=rng.randrange(1000))
    precision = rng.choice("1112")
    n = rng.choice([0, 0, 1, 2, 3, 5, 8, 12, 30])
    values: dict[str, Any] = {
        "event_date": {"start": start.isoformat()},
        "time_precision": precision,
        "actor1": {"id": rng.choice(world.actor_ids)},
        "inter1": str(rng.randint(1, 8)),
        "location": {"id": rng.choice(world.place_ids)},
        "geo_precision": rng.choice("1123"),
        "fatalities": n,
        "notes": rng.choice(NOTES).format(place=rng.choice(["Gao", "غاو", "Ménaka"]), n=n),
    }
    if rng.random() < 0.5:
        values["actor2"] = {"id": rng.choice(world.actor_ids)}
        values["inter2"] = str(rng.randint(1, 8))
    if type_code == "VIOLENCE_AGAINST_CIVILIANS":
        values["civilian_targeting"] = rng.random() < 0.5
    words = [(m.start(), m.end()) for m in WORD.finditer(text)]
    offsets = OffsetMap(text)
    spans = []
    for role, (s, e) in zip(ROLES, rng.sample(words, len(ROLES)), strict=True):
        spans.append(
            {
                "role": role,
                "start": offsets.cp_to_u16(s),
                "end": offsets.cp_to_u16(e),
                "quote": text[s:e],
            }
        )
    return {
        "event_type": type_code,
        "event_subtype": sub_code,
        "values": values,
        "memo": "",
        "spans": spans,
    }


def coder_assignments(coder: Coder, project_id: int, how_many: int) -> list[tuple[int, str]]:
    """(assignment id, article text) of `how_many` of the coder's open assignments, spread
    over the project (not its first ones)."""
    from coding.models import Assignment

    ids = list(
        Assignment.objects.filter(project_id=project_id, coder_id=coder.user_id)
        .exclude(status="submitted")
        .order_by("id")
        .values_list("id", flat=True)
    )
    step = max(1, len(ids) // how_many)
    chosen = ids[::step][:how_many]
    texts = dict(Assignment.objects.filter(id__in=chosen).values_list("id", "article__text"))
    return [(a, texts[a]) for a in chosen]
