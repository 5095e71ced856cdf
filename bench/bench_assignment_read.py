"""Benchmark: coders opening their assignments, as the coding screen reads them, over HTTP
through gunicorn, in a database that grows to a realistic size.

Run: .venv/bin/python bench/bench_assignment_read.py [--sizes 100000,300000,1000000]
     [--workers 2] [--clients 8] [--duration 10] [--baseline DIR]
Targets (issue #19, item 3): p95 <= 25 ms for 8 coders reading *different* 500-event
assignments in a database of >= 1M spans; a 2,000-event assignment read in <= 50 ms.

The world (bench/_read_world.py): one project, 16 coders with their own API tokens, 504
articles of 20,000 characters (Arabic/French/English, emoji), each assigned to one coder;
assignments of 500 events (and four of 2,000) with 3 to 5 spans each. It lives in its own
database (ATHAR_BENCH_DB, default athar_bench_read), built once and grown size by size, never
dropped: 1M spans take minutes to write here. A size the database already exceeds is skipped.

At each size:
- the plans: EXPLAIN ANALYZE of the page query (coding.event_pages, generic plan as the
  prepared statement runs it) and of the span query the read used before (a join on the
  assignment), to show which reads the whole span table;
- 8 clients, each a different coder with their own token cycling through their own
  500-event assignments (GET /api/v1/assignments/{id}/?events_limit=500, what the coding page
  asks for), closed loop (back to back: a saturation figure) and open loop at --rate reads/s
  (what a busy team does);
- one client alone, back to back (the latency a lone coder sees);
- the 2,000-event assignments read whole (the first page of 500 + three pages of
  /events/page/), closed loop with one client per assignment and alone.
With --baseline DIR (a checkout of another commit, e.g. the one before this change), the same
reads are sent to a gunicorn running that code, on the same database (reads of the whole
assignment in one request there, as it knew no pages).

CPU per read counts the gunicorn workers, the PostgreSQL backends and their parallel workers
and the load generator; the machine's load average is printed as each window begins.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (
    GUNICORN,
    REPO,
    Server,
    _wait_ready,
    database_url,
    free_port,
    latency_summary,
    print_summary,
    production_env,
    setup_django,
)
from bench._load import build_request
from bench._read_load import ReadResult, run_reads
from bench._read_world import EVENTS_LARGE, EVENTS_SMALL, Reader, ensure_world, grow_to, readers

DB_NAME = os.environ.get("ATHAR_BENCH_DB", "athar_bench_read")
PAGE = 500
TARGET_500_P95_MS = 25.0
TARGET_2000_MS = 50.0


def ensure_database(name: str) -> str:
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    url = database_url(name)
    env = {**production_env(url), "ATHAR_ENV": "test"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "--skip-checks", "-v", "0"],
        cwd=REPO,
        env=env,
        check=True,
    )
    return url


@contextmanager
def gunicorn_in(app_dir: Path, url: str, workers: int) -> Iterator[Server]:
    """gunicorn (sync workers, config/gunicorn.conf.py) running the code in `app_dir`."""
    port = free_port()
    command = [
        str(GUNICORN),
        "config.wsgi",
        "-c",
        "config/gunicorn.conf.py",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    env = {**production_env(url), "PYTHONDONTWRITEBYTECODE": "1"}
    process = subprocess.Popen(command, cwd=app_dir, env=env)
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        _wait_ready(server, timeout=180)  # a shared, loaded machine starts slowly
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def page_bounds(assignment_id: int) -> list[int]:
    """The `after` cursor of each page after the first (ids of every PAGE-th event)."""
    from coding.models import CodedEvent

    ids = list(
        CodedEvent.objects.filter(assignment_id=assignment_id)
        .order_by("id")
        .values_list("id", flat=True)
    )
    return [ids[i - 1] for i in range(PAGE, len(ids), PAGE)]


def reads_of(base_url: str, reader: Reader, size: int, paged: bool) -> list[list[bytes]]:
    """The reads of `reader`'s assignments of `size` events: paged (the coding screen's first
    page, then the pages after it), or one request for all (the baseline's only way)."""
    headers = {"Authorization": f"Token {reader.token}"}
    reads = []
    for assignment in reader.assignments.get(size, []):
        if not paged:
            path = f"/api/v1/assignments/{assignment}/"
            reads.append([build_request(base_url, "GET", path, headers, None)])
            continue
        paths = [f"/api/v1/assignments/{assignment}/?events_limit={PAGE}"]
        paths += [
            f"/api/v1/assignments/{assignment}/events/page/?after={after}&limit={PAGE}"
            for after in page_bounds(assignment)
        ]
        reads.append([build_request(base_url, "GET", p, headers, None) for p in paths])
    return reads


def check_pages(base_url: str, reader: Reader) -> str:
    """One 2,000-event assignment read page by page equals its read in one request."""
    import httpx

    headers = {"Authorization": f"Token {reader.token}"}
    assignment = reader.assignments[EVENTS_LARGE][0]
    whole = httpx.get(f"{base_url}/api/v1/assignments/{assignment}/", headers=headers).json()
    first = httpx.get(
        f"{base_url}/api/v1/assignments/{assignment}/?events_limit={PAGE}", headers=headers
    )
    events, url = first.json()["events"], first.json()["events_next"]
    while url:
        page = httpx.get(url, headers=headers).json()
        events += page["events"]
        url = page["next"]
    if events != whole["events"] or len(events) != EVENTS_LARGE:
        raise SystemExit("the pages do not add up to the whole assignment")
    return f"{len(first.content) / 1024:.0f} KiB for a page of {PAGE} events"


def explain(sql: str, params: list[object]) -> tuple[str, bool]:
    """(plan summary, whether it scans the whole span table) of `sql` (placeholders %s) as a
    prepared statement runs it: a generic plan, blind to the parameters' values."""
    from django.db import connection

    numbered = sql
    for i in range(1, len(params) + 1):
        numbered = numbered.replace("%s", f"${i}", 1)
    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        cursor.execute("PREPARE bench_plan AS " + numbered)
        marks = ", ".join(["%s"] * len(params))
        cursor.execute(f"EXPLAIN (ANALYZE) EXECUTE bench_plan({marks})", params)
        plan = [row[0] for row in cursor.fetchall()]
        cursor.execute("DEALLOCATE bench_plan")
        cursor.execute("RESET plan_cache_mode")
    seq = any("Seq Scan on coding_evidencespan" in line for line in plan)
    took = next(line for line in plan if line.startswith("Execution Time"))
    return f"{'SEQ SCAN of every span' if seq else 'index only'}, {took.lower()}", seq


OLD_SPANS_SQL = """SELECT s.id, s.event_id, s.role, s.start, s."end", s.quote
FROM coding_evidencespan s JOIN coding_codedevent e ON s.event_id = e.id
WHERE e.assignment_id = %s ORDER BY s.start, s."end", s.id"""


def plans(assignment_id: int) -> list[str]:
    from coding.event_pages import _page_sql

    sql = _page_sql(False).replace("%(a)s", "%s").replace("%(after)s", "%s")
    sql = sql.replace("%(limit)s", "%s").replace("%(astral)s", "'{}'")
    count = sql.count("%s")
    # a, after, limit in order of appearance; the EXISTS at the end repeats a
    params: list[object] = [assignment_id, 0, PAGE, assignment_id]
    assert count == len(params), sql
    new, seq = explain(sql, params)
    old, _ = explain(OLD_SPANS_SQL, [assignment_id])
    if seq:
        raise SystemExit(f"the page query scans the span table: {new}")
    return [f"page query (now): {new}", f"span query before this change: {old}"]


def describe(result: ReadResult) -> dict[str, float]:
    stats = latency_summary(result.read_ms)
    cpu = result.per_read_cpu_ms()
    return {
        "p50": stats["p50"],
        "p95": stats["p95"],
        "reads/s": len(result.read_ms) / result.seconds,
        "gunicorn": cpu["app"],
        "pg": cpu["database"],
        "driver": cpu["driver"],
        "load": result.load_average,
        "others": result.other_share * 100,
        "errors": result.errors,
    }


def row(size: int, spans: int, code: str, what: str, d: dict[str, float]) -> str:
    return (
        f"| {spans:,} | {code} | {what} | {d['p50']:.1f} | **{d['p95']:.1f}** | "
        f"{d['reads/s']:.0f} | {d['gunicorn']:.1f} + {d['pg']:.1f} | {d['driver']:.1f} | "
        f"{d['load']:.2f} | {d['others']:.0f}% | {int(d['errors'])} |"
    )


def measure(args: argparse.Namespace, url: str, code: str, app_dir: Path, paged: bool):  # type: ignore[no-untyped-def]
    coders = readers()
    out = []
    with gunicorn_in(app_dir, url, args.workers) as server:
        base = server.base_url
        pid = server.process.pid
        if paged:
            out.append(
                (
                    "check",
                    check_pages(base, next(r for r in coders if EVENTS_LARGE in r.assignments)),
                )
            )
        small = [reads_of(base, r, EVENTS_SMALL, paged) for r in coders]
        small = [reads for reads in small if reads][: args.clients]
        large = [reads_of(base, r, EVENTS_LARGE, paged) for r in coders]
        large = [[read] for reads in large for read in reads]
        runs = [
            (f"500 events, {len(small)} coders, back to back", small, None),
            (f"500 events, {len(small)} coders, {args.rate:g} reads/s", small, args.rate),
            ("500 events, 1 coder alone", small[:1], None),
            (f"2,000 events, {len(large)} coders, back to back", large, None),
            ("2,000 events, 1 coder alone", large[:1], None),
        ]
        for what, clients, rate in runs:
            result = run_reads(
                base, pid, DB_NAME, clients, warmup=args.warmup, duration=args.duration, rate=rate
            )
            out.append((what, describe(result)))
            if result.errors:
                print("errors:", result.error_examples)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rate", type=float, default=40.0)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--baseline", type=Path, default=None)
    args = parser.parse_args()

    url = ensure_database(DB_NAME)
    setup_django(url)
    from django.db import connection

    started = time.perf_counter()
    ensure_world()
    lines, table = [], []
    for size in (int(s) for s in args.sizes.split(",")):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM coding_evidencespan")
            if cursor.fetchone()[0] > size * 1.1:
                lines.append(f"size {size:,} skipped: the database already holds more spans")
                continue
        took = grow_to(size)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM coding_evidencespan")
            spans = cursor.fetchone()[0]
        lines.append(f"{spans:,} spans: grown in {took:.0f} s")
        sample = next(r for r in readers() if EVENTS_SMALL in r.assignments)
        lines += [f"{spans:,} spans, {p}" for p in plans(sample.assignments[EVENTS_SMALL][-1])]
        apps = [("this", REPO, True)]
        if args.baseline:
            apps.append(("baseline", args.baseline, False))
        for code, app_dir, paged in apps:
            for what, d in measure(args, url, code, app_dir, paged):
                if what == "check":
                    lines.append(f"{spans:,} spans: pages add up to the whole read; {d}")
                    continue
                table.append(row(size, spans, code, what, d))
                print(table[-1], flush=True)
    lines.append(f"whole run {time.perf_counter() - started:.0f} s")
    header = [
        "| spans in the database | code | reads | p50 ms | p95 ms | reads/s | CPU ms per read "
        "(gunicorn + PostgreSQL incl. parallel workers) | load generator ms | load average "
        "| other processes | errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    command = (
        f"ATHAR_BENCH_DB={DB_NAME} .venv/bin/python bench/bench_assignment_read.py --sizes "
        f"{args.sizes} --workers {args.workers} --clients {args.clients} --rate {args.rate:g} "
        f"--duration {args.duration:g}" + (f" --baseline {args.baseline}" if args.baseline else "")
    )
    print_summary("Reading assignments (19.3)", command, lines)
    print("\n".join(header + table))


if __name__ == "__main__":
    main()
