"""The throughput dashboard's reads over HTTP at 50 coders and up to 100,000 assignments.

Target (issue 17): GET /api/v1/projects/{id}/throughput/ (every figure of the page: the rows
per person and week and the project's progress per week) answers in under 200 ms for a
project of 50 coders × 100,000 assignments; also measured with a coder and date filter, and
the CSV download.

Three projects of growing size (10,000, 30,000 and 100,000 assignments; 50 coders, two per
article) are built once into the benchmark's own database (ATHAR_BENCH_DB, default
athar_bench_throughput) with bulk_create, over a year: assignments created in 40 weeks, three
in four submitted within a month, 0 to 3 coder events each, active time (one or two days) on
four in five, adjudication opened on half the articles and validated on a third. The
database is kept between runs (--rebuild builds it again; --drop drops it at the end).
PostgreSQL triggers fill the dashboard's stored facts and weekly counts as the build writes.

Each read goes to gunicorn (production settings, sync workers) from one client, one request
at a time, after a warm-up; reported: median and p95 latency, gunicorn and PostgreSQL CPU
per request, the machine's load average before and after, and the CPU other processes used
meanwhile (the machine is shared).

    ATHAR_BENCH_DB=athar_bench_teamdash .venv/bin/python bench/bench_throughput.py --reuse
    .venv/bin/python bench/bench_throughput.py --requests 40 --workers 2 --rebuild

--reuse only measures (it refuses to build); without it the database is built when missing.
Before measuring, the kept database is migrated (a new migration fills the dashboard's stored
rows) and those rows are vacuumed and analyzed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import random
import sys
import time
from pathlib import Path

import httpx
import psycopg

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench._common import (  # noqa: E402
    _process_stats,
    cpu_snapshot,
    database_url,
    drop_database,
    gunicorn,
    latency_summary,
    print_summary,
    recreate_database,
    setup_django,
    token_for,
)

DB = os.environ.get("ATHAR_BENCH_DB", "athar_bench_throughput")
# gunicorn's start-up (importing Django and the app) took over the shared launcher's 30 s
# on the shared 2-core machine at load 25; wait up to 3 minutes here.
STARTUP_SECONDS = 180.0
SIZES = (10_000, 30_000, 100_000)
CODERS = 50
TARGET_MS = 200.0
START = dt.datetime(2025, 1, 6, 8, 0, tzinfo=dt.UTC)  # a Monday
BATCH = 5000
# The dashboard's stored rows: vacuumed and analyzed before measuring on a reused database
# (a migration may just have filled them).
ANALYZED = (
    "coding_assignmentfact",
    "coding_articlefact",
    "coding_throughputcount",
    "coding_progresscount",
)


def _exists(name: str) -> bool:
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def _built(url: str) -> bool:
    try:
        with psycopg.connect(url) as conn:
            found = conn.execute(
                "SELECT count(*) FROM coding_project WHERE slug LIKE 'tp-%%'"
            ).fetchone()
    except psycopg.Error:
        return False
    return bool(found and found[0] == len(SIZES))


def build_project(size: int, coders: list, version, supervisor) -> None:  # type: ignore[no-untyped-def]
    """One project of `size` assignments (two per article) with times, events, active time
    and adjudications; every time deterministic (seeded by the size)."""
    from django.db import connection

    from coding.models import (
        Adjudication,
        Article,
        Assignment,
        CodedEvent,
        EventType,
        Membership,
        TimeDay,
        TimeLedger,
    )
    from coding.services.projects import project_create

    rng = random.Random(size)
    project = project_create(slug=f"tp-{size}", name=f"Throughput {size}", codebook_version=version)
    Membership.objects.bulk_create(
        [Membership(project=project, user=c, role="coder") for c in coders]
        + [Membership(project=project, user=supervisor, role="supervisor")]
    )
    types = list(EventType.objects.filter(version=version).values_list("pk", flat=True))
    n_articles = size // 2
    articles = [
        Article(
            project=project,
            title=f"Article {i}",
            text=f"Article {size}-{i}: armed men attacked a village.",
            text_sha256=f"{size:08d}{i:056d}",
            len_cp=40,
            len_u16=40,
            language="en",
        )
        for i in range(n_articles)
    ]
    Article.objects.bulk_create(articles, batch_size=BATCH)
    assignments = []
    for article in articles:
        first = rng.randrange(CODERS)
        for coder in (coders[first], coders[(first + 1 + rng.randrange(CODERS - 1)) % CODERS]):
            assignments.append(Assignment(project=project, article=article, coder=coder))
    Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    # Times: articles imported over 40 weeks; assignments created an hour later, three in
    # four submitted within 30 days (auto_now_add fields are set by UPDATE).
    plan_article = {}
    for article in articles:
        plan_article[article.pk] = START + dt.timedelta(minutes=rng.randrange(40 * 7 * 24 * 60))
    submitted: dict[int, dt.datetime | None] = {}
    for a in assignments:
        created = plan_article[a.article_id] + dt.timedelta(hours=1)
        done = rng.random() < 0.75
        submitted[a.pk] = (
            created + dt.timedelta(minutes=rng.randrange(1, 30 * 24 * 60)) if done else None
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE coding_article a SET imported_at = v.t"
            " FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, t) WHERE a.id = v.id",
            [list(plan_article), list(plan_article.values())],
        )
        ids = [a.pk for a in assignments]
        cursor.execute(
            "UPDATE coding_assignment a SET created_at = v.c, submitted_at = v.s, "
            "status = CASE WHEN v.s IS NULL THEN 'in_progress' ELSE 'submitted' END "
            "FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[]) AS v(id, c, s) "
            "WHERE a.id = v.id",
            [
                ids,
                [plan_article[a.article_id] + dt.timedelta(hours=1) for a in assignments],
                [submitted[i] for i in ids],
            ],
        )
    events = []
    ledgers = []
    for a in assignments:
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            events.append(
                CodedEvent(
                    article_id=a.article_id,
                    assignment=a,
                    codebook_version=version,
                    layer="coder",
                    event_type_id=rng.choice(types),
                    created_by=a.coder,
                )
            )
        if rng.random() < 0.8:
            ledgers.append(
                TimeLedger(
                    project=project,
                    user=a.coder,
                    article_id=a.article_id,
                    assignment=a,
                    activity="coding",
                    seconds=0.0,
                )
            )
    CodedEvent.objects.bulk_create(events, batch_size=BATCH)
    TimeLedger.objects.bulk_create(ledgers, batch_size=BATCH)
    days = []
    created_of = {a.pk: plan_article[a.article_id] for a in assignments}
    for ledger in ledgers:
        total = 0.0
        for k in range(rng.choice((1, 2))):
            seconds = float(rng.randrange(60, 3600))
            total += seconds
            days.append(
                TimeDay(
                    ledger=ledger,
                    project=project,
                    user_id=ledger.user_id,
                    activity="coding",
                    day=(created_of[ledger.assignment_id] + dt.timedelta(days=k)).date(),
                    seconds=seconds,
                )
            )
        ledger.seconds = total
    TimeDay.objects.bulk_create(days, batch_size=BATCH)
    TimeLedger.objects.bulk_update(ledgers, ["seconds"], batch_size=BATCH)
    complete = {}
    for a in assignments:
        s = submitted[a.pk]
        prev = complete.get(a.article_id, START)
        complete[a.article_id] = None if s is None or prev is None else max(prev, s)
    opened = [aid for aid, done in complete.items() if done is not None and rng.random() < 0.65]
    Adjudication.objects.bulk_create(
        [Adjudication(project=project, article_id=aid) for aid in opened], batch_size=BATCH
    )
    with connection.cursor() as cursor:
        open_at = [complete[aid] + dt.timedelta(days=rng.randrange(0, 7)) for aid in opened]
        cursor.execute(
            "UPDATE coding_adjudication j SET created_at = v.t FROM unnest(%s::bigint[], "
            "%s::timestamptz[]) AS v(id, t) WHERE j.article_id = v.id",
            [opened, open_at],
        )
        chosen = [(aid, t) for aid, t in zip(opened, open_at, strict=True) if rng.random() < 0.6]
        cursor.execute(
            "UPDATE coding_adjudication j SET status = 'validated', validated_by_id = %s, "
            "validated_at = v.t FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, t) "
            "WHERE j.article_id = v.id",
            [
                supervisor.pk,
                [aid for aid, _ in chosen],
                [t + dt.timedelta(days=rng.randrange(0, 10)) for _, t in chosen],
            ],
        )
        cursor.execute("ANALYZE")
    print(
        f"  built tp-{size}: {n_articles} articles, {len(assignments)} assignments, "
        f"{len(events)} events, {len(ledgers)} ledgers, {len(days)} days, "
        f"{len(opened)} adjudications",
        flush=True,
    )


def build(url: str) -> None:
    from django.contrib.auth.hashers import make_password

    from coding.models import User
    from tests.world import mini_version

    version = mini_version()
    unusable = make_password(None)  # the benchmark signs in with a token only
    coders = User.objects.bulk_create(
        [User(username=f"tp-coder-{i:02d}", password=unusable) for i in range(CODERS)]
    )
    supervisor = User.objects.create(username="tp-supervisor", password=unusable)
    for size in SIZES:
        started = time.monotonic()
        build_project(size, coders, version, supervisor)
        print(f"    ({time.monotonic() - started:.0f} s)", flush=True)


def _backend_cpu(db_name: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving `db_name` (autovacuum and other
    maintenance processes left out: one that ends between two readings took its CPU with
    it, which made the former sum of all of them go negative)."""
    out = {}
    for pid, (_ppid, cpu) in _process_stats().items():
        try:
            title = (Path("/proc") / str(pid) / "cmdline").read_text()
        except OSError:
            continue
        if title.startswith("postgres:") and f" {db_name} " in title and "autovacuum" not in title:
            out[pid] = cpu
    return out


def _backend_cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU the backends used between two readings: per process, so a backend that ended
    meanwhile counts nothing instead of a negative amount (parallel query workers, which
    end with each query, are not seen; the dashboard's queries are planned without them at
    these sizes)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def measure(base: str, token: str, path: str, n: int, server_pid: int) -> dict[str, float]:
    headers = {"Authorization": f"Token {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        for _ in range(3):
            answer = client.get(path)
            answer.raise_for_status()
        load_before = os.getloadavg()[0]
        cpu_before = cpu_snapshot(server_pid, DB)
        backends_before = _backend_cpu(DB)
        started = time.monotonic()
        latencies = []
        for _ in range(n):
            t0 = time.perf_counter()
            answer = client.get(path)
            latencies.append((time.perf_counter() - t0) * 1000)
            answer.raise_for_status()
        seconds = time.monotonic() - started
        used = cpu_snapshot(server_pid, DB) - cpu_before
        db_seconds = _backend_cpu_used(backends_before, _backend_cpu(DB))
        load_after = os.getloadavg()[0]
    stats = latency_summary(latencies)
    ours = used.app + db_seconds + used.driver
    return {
        **stats,
        "app_cpu_ms": used.app / n * 1000,
        "db_cpu_ms": db_seconds / n * 1000,
        "other_cpu_share": max(0.0, used.machine - ours) / (seconds * (os.cpu_count() or 1)),
        "load_before": load_before,
        "load_after": load_after,
        "bytes": len(answer.content),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="only measure: refuse to run unless the database was built before (the default "
        "builds it when it is missing)",
    )
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args()

    url = database_url(DB)
    if args.reuse and args.rebuild:
        parser.error("--reuse and --rebuild exclude each other")
    if args.reuse and not (_exists(DB) and _built(url)):
        parser.error(f"--reuse: {DB} is not built; run once without --reuse to build it")
    if args.rebuild or not _exists(DB) or not _built(url):
        print(f"building {DB} (once; --rebuild to build again)", flush=True)
        recreate_database(DB)
        setup_django(url)
        build(url)
    else:
        setup_django(url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # a new migration fills its stored rows
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ANALYZED:
            # VACUUM too: the weekly medians read an index alone once the table's
            # visibility map is set, as autovacuum leaves a settled table.
            cursor.execute(f"VACUUM ANALYZE {table}")
    from coding.models import Project, User

    supervisor = User.objects.get(username="tp-supervisor")
    token = token_for(supervisor)
    lines = []
    rows = []
    import bench._common as common

    common._wait_ready = functools.partial(common._wait_ready, timeout=STARTUP_SECONDS)
    with gunicorn(url, args.workers) as server:
        for size in SIZES:
            project = Project.objects.get(slug=f"tp-{size}")
            coder = User.objects.get(username="tp-coder-07")
            paths = {
                "all": f"/api/v1/projects/{project.pk}/throughput/",
                "filtered": f"/api/v1/projects/{project.pk}/throughput/"
                f"?coder={coder.pk}&from=2025-03-03&to=2025-05-25",
                "csv": f"/api/v1/projects/{project.pk}/throughput/csv/",
            }
            for name, path in paths.items():
                r = measure(server.base_url, token, path, args.requests, server.process.pid)
                rows.append((size, name, r))
                print(
                    f"{size:>7} {name:<9} median {r['p50']:7.1f} ms  p95 {r['p95']:7.1f} ms  "
                    f"gunicorn {r['app_cpu_ms']:6.1f} ms CPU/req  PostgreSQL {r['db_cpu_ms']:6.1f} "
                    f"ms CPU/req  others {r['other_cpu_share']:.0%} of the CPUs  load "
                    f"{r['load_before']:.2f}→{r['load_after']:.2f}  {r['bytes']} bytes",
                    flush=True,
                )
    for size, name, r in rows:
        verdict = "" if name == "csv" else (" ✓" if r["p50"] < TARGET_MS else " ✗ over 200 ms")
        lines.append(
            f"{size:,} assignments, {name}: median {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms "
            f"(gunicorn {r['app_cpu_ms']:.0f} + PostgreSQL {r['db_cpu_ms']:.0f} ms CPU a request; "
            f"load {r['load_before']:.2f}→{r['load_after']:.2f}, others "
            f"{r['other_cpu_share']:.0%} of the CPUs){verdict}"
        )
    print_summary(
        "Throughput dashboard (issue 17)",
        f"ATHAR_BENCH_DB={DB} .venv/bin/python bench/bench_throughput.py --reuse --requests "
        f"{args.requests} --workers {args.workers}",
        lines,
    )
    if args.drop:
        from django.db import connections

        connections.close_all()
        drop_database(DB)


if __name__ == "__main__":
    main()
