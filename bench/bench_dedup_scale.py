"""Scale of the "same event?" candidate search: one article's search, and a whole-project pass.

usage: .venv/bin/python bench/bench_dedup_scale.py [--sizes 10000,100000,1000000]
                                                  [--queries 60] [--pass-at 100000] [--keep]

Builds one project (ACLED codebook, 500 places with random coordinates in the Sahel, 200 actors)
in its own database (athar_bench_dedup) and grows it to each size in turn: validated articles,
their adjudications, one gold event each with an Arabic evidence span, its dataset event and
report, inserted with INSERT … SELECT generate_series (triggers off for the load: it is a
benchmark build, not a client). Dates spread over five years (85 % to the day, 12 % to the
week, 3 % to the month), types over ACLED's 25 sub-types, places and actors uniformly at random
(each attribute drawn from its own hash of the event), and every tenth event is a second
outlet's report of the one before (same type, date, place and actors; its own article).

At each size: the median (and p90) wall time of `duplicate_candidates_find_article` for
`--queries` random articles (each in a transaction rolled back, so the table of candidates
does not grow between queries). At `--pass-at`: the whole-project pass
(`duplicate_candidates_find_project`, chunks of 1,000) in a fresh subprocess, with its time,
chunks, candidate pairs and the subprocess's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import database_url, drop_database, print_summary, recreate_database, setup_django  # noqa: E402

DB = "athar_bench_dedup"
SLUG = "dedup-scale"
PHRASES = [
    "هاجم مسلحون مجهولون قرية {p} فجر اليوم وقتل عدد من المدنيين",
    "اشتباكات عنيفة بين الجيش ومسلحين قرب {p}",
    "انفجار عبوة ناسفة بمركبة عسكرية على الطريق إلى {p}",
    "غارة بطائرة مسيرة على مواقع للمسلحين في محيط {p}",
    "خروج مظاهرة سلمية في {p} للمطالبة بالأمن",
    "الإفراج عن رهائن في {p} بعد وساطة محلية",
    "اختطاف مزارعين على أيدي مسلحين قرب {p}",
    "قصف مدفعي يستهدف أحياء في {p} ليلا",
    "كمين لقافلة إمداد عسكرية قرب {p}",
    "تفريق متظاهرين بالقوة في {p} وسقوط جرحى",
]
PLACE_WORDS = [
    "بولكيسي",
    "تمبكتو",
    "ميناكا",
    "غاو",
    "موبتي",
    "جيبو",
    "كايا",
    "ديفا",
    "تيلابيري",
    "كيدال",
]


def _setup() -> dict[str, Any]:
    """Codebook, project, user, gazetteer and actors, through the ordinary services/models."""
    from coding.codebook_spec.load import load_codebook_text
    from coding.models import Actor, EventType, Location, User
    from coding.services.codebooks import codebook_version_create
    from coding.services.projects import project_create

    spec = load_codebook_text((ROOT / "fixtures" / "codebooks" / "acled.yaml").read_text("utf-8"))
    version = codebook_version_create(spec=spec, publish=True)
    project = project_create(slug=SLUG, name="Dedup scale", codebook_version=version, overlap=1)
    user = User.objects.create(username="bench-supervisor")
    rng = random.Random(14)
    places = Location.objects.bulk_create(
        Location(
            key=f"place-{n}",
            name=f"{PLACE_WORDS[n % len(PLACE_WORDS)]} {n}",
            country="ML",
            admin1=f"ML-{1 + n % 10}",
            admin2=f"cercle-{n % 50}",
            latitude=round(rng.uniform(11.0, 20.0), 4),
            longitude=round(rng.uniform(-11.0, 4.0), 4),
            feature_kind="town",
            coord_source="synthetic (bench_dedup_scale.py)",
        )
        for n in range(500)
    )
    actors = Actor.objects.bulk_create(
        Actor(key=f"actor-{n}", name=f"Actor {n}") for n in range(200)
    )
    subtypes = list(
        EventType.objects.filter(version=version, parent__isnull=False).values_list(
            "id", "parent_id"
        )
    )
    return {
        "project": project.pk,
        "version": version.pk,
        "user": user.pk,
        "places": [p.pk for p in places],
        "place_names": [p.name for p in places],
        "actors": [a.pk for a in actors],
        "subtypes": subtypes,
    }


def _draw(name: str) -> str:
    """SQL for a non-negative 32-bit number drawn from event seed `s` for one attribute (md5
    of "s:name"): each attribute its own draw, so none is correlated with another."""
    return f"(('x' || substr(md5(s::text || ':{name}'), 1, 8))::bit(32)::bigint)"


BUILD_SQL = f"""
WITH src AS (
    SELECT i, i - (CASE WHEN i %% 10 = 0 THEN 1 ELSE 0 END) AS s
    FROM generate_series(%(lo)s, %(hi)s) i
)
SELECT i, s,
       DATE '2020-01-01' + ({_draw("day")} %% 1826)::int AS day,
       CASE WHEN {_draw("prec")} %% 100 < 85 THEN 1
            WHEN {_draw("prec")} %% 100 < 97 THEN 2 ELSE 3 END AS prec,
       1 + {_draw("type")} %% %(ntypes)s AS k,
       1 + {_draw("place")} %% 500 AS p,
       1 + {_draw("actor1")} %% 200 AS a1,
       1 + {_draw("actor2")} %% 200 AS a2,
       1 + {_draw("phrase")} %% %(nphrases)s AS ph
FROM src
"""  # noqa: S608  (constant text: the draws are fixed attribute names)


def _build(cursor: Any, meta: dict[str, Any], lo: int, hi: int) -> None:
    """Rows lo..hi (inclusive): article i, adjudication i, gold event i, span i, dataset
    event i and report i."""
    params = {
        "lo": lo,
        "hi": hi,
        "ntypes": len(meta["subtypes"]),
        "nphrases": len(PHRASES),
        "project": meta["project"],
        "version": meta["version"],
        "user": meta["user"],
        "types": [t for t, _ in meta["subtypes"]],
        "parents": [p for _, p in meta["subtypes"]],
        "places": meta["places"],
        "names": meta["place_names"],
        "actors": meta["actors"],
        "phrases": PHRASES,
    }
    cursor.execute("SET session_replication_role = replica")
    cursor.execute(f"CREATE TEMP TABLE gen ON COMMIT DROP AS {BUILD_SQL}", params)
    cursor.execute(
        """
        CREATE TEMP TABLE gen_text ON COMMIT DROP AS
        SELECT g.*, replace((%(phrases)s::text[])[g.ph], '{p}', (%(names)s::text[])[g.p])
                    || ' ' || g.i AS body
        FROM gen g
        """,
        params,
    )
    cursor.execute(
        """
        INSERT INTO coding_article (id, title, text, text_sha256, len_cp, len_u16, language,
            direction, paragraphs, source, url, published_at, external_id, metadata,
            imported_at, project_id)
        SELECT i, 'report ' || i, body, encode(sha256(convert_to(body, 'UTF8')), 'hex'),
               char_length(body), char_length(body), 'ar', 'rtl', '[]', 'bench', '', NULL,
               '', '{}', now(), %(project)s
        FROM gen_text
        """,
        params,
    )
    cursor.execute(
        """
        INSERT INTO coding_adjudication (id, status, revision, version, validated_at,
            created_at, validated_by_id, article_id, project_id)
        SELECT i, 'validated', 1, 2, now(), now(), %(user)s, i, %(project)s FROM gen
        """,
        params,
    )
    cursor.execute(
        """
        INSERT INTO coding_codedevent (id, layer, values, date_start, date_end, date_precision,
            geo_precision, fatalities, memo, version, created_at, updated_at, adjudication_id,
            article_id, assignment_id, codebook_version_id, created_by_id, event_subtype_id,
            event_type_id, location_id, suggestion_key)
        SELECT i, 'gold',
               jsonb_build_object('actor1', jsonb_build_object('id', (%(actors)s::bigint[])[a1]),
                                  'actor2', jsonb_build_object('id', (%(actors)s::bigint[])[a2])),
               CASE WHEN prec = 3 THEN date_trunc('month', day)::date ELSE day END,
               CASE WHEN prec = 1 THEN day WHEN prec = 2 THEN day + (s %% 7)::int
                    ELSE (date_trunc('month', day) + interval '1 month - 1 day')::date END,
               prec, 1, (s %% 7)::int, '', 1, now(), now(), i, i, NULL, %(version)s, %(user)s,
               (%(types)s::bigint[])[k], (%(parents)s::bigint[])[k], (%(places)s::bigint[])[p], ''
        FROM gen
        """,
        params,
    )
    cursor.execute(
        """
        INSERT INTO coding_evidencespan (id, role, start, "end", quote, event_id)
        SELECT i, 'trigger', 0, char_length(body), body, i FROM gen_text
        """
    )
    cursor.execute(
        """
        INSERT INTO coding_datasetevent (id, resolution, retired_at, version, created_at,
            changed_at, merged_into_id, project_id)
        SELECT i, '{}', NULL, 1, now(), now(), NULL, %(project)s FROM gen
        """,
        params,
    )
    cursor.execute(
        """
        INSERT INTO coding_dataseteventreport (id, added_at, added_by_id, article_id,
            dataset_event_id, gold_event_id)
        SELECT i, now(), NULL, i, i, i FROM gen
        """
    )
    cursor.execute("SET session_replication_role = origin")


def _grow(meta: dict[str, Any], start: int, size: int) -> float:
    from django.db import connection, transaction

    began = time.perf_counter()
    step = 100_000
    for lo in range(start + 1, size + 1, step):
        hi = min(size, lo + step - 1)
        with transaction.atomic(), connection.cursor() as cursor:
            _build(cursor, meta, lo, hi)
    with connection.cursor() as cursor:
        for table in (
            "coding_article",
            "coding_adjudication",
            "coding_codedevent",
            "coding_evidencespan",
            "coding_datasetevent",
            "coding_dataseteventreport",
        ):
            # Table names from the list above, never from input.
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"
            )
            cursor.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - began


def _search_times(size: int, queries: int) -> tuple[list[float], list[int], list[float]]:
    from django.db import transaction

    from coding.services.duplicate_search import duplicate_candidates_find_article

    rng = random.Random(size)
    times, stored, cpu = [], [], []
    articles = [rng.randint(1, size) for _ in range(queries + 5)]
    for n, article_id in enumerate(articles):
        with transaction.atomic():
            began, began_cpu = time.perf_counter(), time.process_time()
            count = duplicate_candidates_find_article(article_id=article_id)
            elapsed = time.perf_counter() - began
            elapsed_cpu = time.process_time() - began_cpu
            transaction.set_rollback(True)
        if n >= 5:  # the first few warm the caches (codebook, connection)
            times.append(elapsed * 1000)
            stored.append(count)
            cpu.append(elapsed_cpu * 1000)
    return times, stored, cpu


def _pass_in_subprocess(url: str) -> dict[str, Any]:
    env = dict(os.environ)
    result = subprocess.run(
        [sys.executable, __file__, "--pass-only", url],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _pass_only(url: str) -> None:
    setup_django(url)
    from coding.models import Project
    from coding.models.dataset_events import DuplicateCandidate
    from coding.services.duplicate_search import duplicate_candidates_find_project

    project = Project.objects.get(slug=SLUG)
    DuplicateCandidate.objects.filter(project=project).delete()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    began, began_cpu = time.perf_counter(), time.process_time()
    chunks = duplicate_candidates_find_project(project_id=project.pk)
    seconds = time.perf_counter() - began
    cpu_seconds = time.process_time() - began_cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pairs = DuplicateCandidate.objects.filter(project=project).count()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "chunks": chunks,
                "pairs": pairs,
                "peak_rss_mib": peak,
                "rss_before_mib": baseline,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--pass-at", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards")
    parser.add_argument("--pass-only", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pass_only:
        _pass_only(args.pass_only)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    url = recreate_database(DB)
    setup_django(url)
    meta = _setup()
    lines = []
    built = 0
    for size in sizes:
        seconds = _grow(meta, built, size)
        built = size
        load = os.getloadavg()
        print(f"built {size:,} dataset events in {seconds:.0f} s (load {load[0]:.2f})", flush=True)
        times, stored, cpu = _search_times(size, args.queries)
        median = statistics.median(times)
        p90 = statistics.quantiles(times, n=10)[-1]
        lines.append(
            f"{size:,} dataset events: one article's search median {median:.1f} ms, "
            f"p90 {p90:.1f} ms over {len(times)} articles (Python CPU median "
            f"{statistics.median(cpu):.1f} ms; median {statistics.median(stored):.0f} pairs "
            f"stored); build {seconds:.0f} s; load {load[0]:.2f}"
        )
        print(lines[-1], flush=True)
        if size == args.pass_at:
            figures = _pass_in_subprocess(url)
            lines.append(
                f"whole-project pass over {size:,}: {figures['seconds']:.0f} s "
                f"({figures['cpu_seconds']:.0f} s Python CPU) in "
                f"{figures['chunks']} chunks, {figures['pairs']:,} candidate pairs, peak RSS "
                f"{figures['peak_rss_mib']:.0f} MiB (before the pass "
                f"{figures['rss_before_mib']:.0f} MiB); load {os.getloadavg()[0]:.2f}"
            )
            print(lines[-1], flush=True)
    print_summary("Dataset events: candidate search", "python bench/bench_dedup_scale.py", lines)
    if not args.keep:
        from django.db import connections

        connections.close_all()
        drop_database(DB)
    else:
        print(f"kept {database_url(DB)}")


if __name__ == "__main__":
    main()
