"""Benchmark: coders opening their assignments, as the coding screen reads them, over HTTP
through gunicorn, in databases of realistic size.

Run: ATHAR_BENCH_DB=athar_bench_readstore .venv/bin/python bench/bench_assignment_read.py
     [--sizes 100000,300000,1000000] [--reuse] [--workers 2] [--clients 8] [--rate 8]
     [--duration 10] [--baseline DIR]
Targets (issue #19, item 3): p95 <= 25 ms for 8 coders reading *different* 500-event
assignments in a database of >= 1M spans; a 2,000-event assignment read in <= 50 ms.

The world (bench/_read_world.py): one project, 16 coders with their own API tokens, 504
articles of 20,000 characters (Arabic/French/English, emoji), each assigned to one coder;
assignments of 500 events (and four of 2,000) with 3 to 5 spans each. One database per size,
`<ATHAR_BENCH_DB>_100k`, `_300k`, `_1m` (1M spans take minutes to write here): each is built
once from the one below it (CREATE DATABASE … TEMPLATE, then grown) and kept. `--reuse`
measures the kept databases as they are and refuses to build one.

At each size:
- the plans: EXPLAIN ANALYZE of the page query (coding.event_pages, generic plan as the
  prepared statement runs it), to show it stays on indexes;
- first reads: one coder opening each of their 500-event assignments once after every stored
  rendering of them was deleted (what the first read after changes costs: it renders and
  stores);
- then every assignment of the coders below is read once, untimed (stored renderings are the
  steady state: an event is rendered again only by the first read after it changed);
- 8 clients, each a different coder with their own token cycling through their own
  500-event assignments (GET /api/v1/assignments/{id}/?events_limit=1000, what the coding
  page asks for), open loop at --rate reads/s in all (8 coders opening an assignment about
  every second) and closed loop (back to back: on 2 cores, mostly queueing for the cores);
- one client alone, back to back (the latency a lone coder sees);
- the 2,000-event assignments read as the coding screen reads them (a page of 1,000 and the
  next page) and whole in one request (the unpaginated detail scripts use), alone and
  closed loop with one client per assignment.
With --baseline DIR (a checkout of another commit, e.g. the one before this change), the same
reads are sent to a gunicorn running that code, on the same database.

CPU per read counts the gunicorn workers, the PostgreSQL backends and their parallel workers
(the load generator apart); the machine's load average is printed as each window begins.
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
from bench._read_load import CpuMeter, ReadResult, run_reads
from bench._read_world import EVENTS_LARGE, EVENTS_SMALL, Reader, ensure_world, grow_to, readers

DB_PREFIX = os.environ.get("ATHAR_BENCH_DB", "athar_bench_read")
PAGE = 1000  # the coding screen's page (frontend/views/pages.py)
TARGET_500_P95_MS = 25.0
TARGET_2000_MS = 50.0


def size_label(size: int) -> str:
    return f"{size // 1_000_000}m" if size % 1_000_000 == 0 else f"{size // 1000}k"


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def ensure_database(name: str, template: str | None = None) -> str:
    """The database `name`, created (empty, or as a copy of `template`) if missing; migrated."""
    import psycopg

    if not database_exists(name):
        with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
            copy = f' TEMPLATE "{template}"' if template and database_exists(template) else ""
            conn.execute(f'CREATE DATABASE "{name}"{copy}')
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


def switch_database(name: str) -> None:
    """Point this process's Django connection at the database `name`."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


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
    """The reads of `reader`'s assignments of `size` events: paged as the coding screen reads
    (its first page, then the pages after it), or whole in one request."""
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


def first_reads(base_url: str, server_pid: int, db_name: str, reader: Reader) -> dict[str, float]:
    """`reader` opens each of their 500-event assignments once, one after the other, after
    every stored rendering of them was deleted: each read renders and stores 500 events."""
    import httpx
    from django.db import connection

    from coding.models import EventRendering

    assignments = reader.assignments[EVENTS_SMALL]
    EventRendering.objects.filter(event__assignment_id__in=assignments).delete()
    connection.close()  # no idle backend of ours in the window
    headers = {"Authorization": f"Token {reader.token}"}
    meter = CpuMeter(server_pid, db_name)
    took: list[float] = []
    load = os.getloadavg()[0]
    with httpx.Client(headers=headers, timeout=120) as client:
        client.get(f"{base_url}/healthz")
        meter.start()
        started = time.perf_counter()
        for assignment in assignments:
            begin = time.perf_counter()
            answer = client.get(f"{base_url}/api/v1/assignments/{assignment}/?events_limit={PAGE}")
            took.append((time.perf_counter() - begin) * 1000)
            if answer.status_code != 200:
                raise SystemExit(f"first read: {answer.status_code} {answer.text[:300]}")
        seconds = time.perf_counter() - started
        cpu = meter.stop()
    stats = latency_summary(took)
    n = len(took)
    return {
        "p50": stats["p50"],
        "p95": stats["p95"],
        "reads/s": n / seconds,
        "gunicorn": cpu.app / n * 1000,
        "pg": cpu.database / n * 1000,
        "driver": cpu.driver / n * 1000,
        "load": load,
        "others": max(0.0, cpu.machine - cpu.app - cpu.database - cpu.driver)
        / (seconds * (os.cpu_count() or 1))
        * 100,
        "errors": 0,
    }


def prime(base_url: str, coders: list[Reader]) -> None:
    """Read every assignment of `coders` once, untimed: the measured reads then meet stored
    renderings, as a team's reads do once each event was read after its last change (the
    first reads above measure the other case)."""
    import httpx

    for reader in coders:
        with httpx.Client(headers={"Authorization": f"Token {reader.token}"}, timeout=300) as c:
            for assignments in reader.assignments.values():
                for assignment in assignments:
                    c.get(f"{base_url}/api/v1/assignments/{assignment}/").raise_for_status()


def explain(sql: str, params: list[object]) -> str:
    """The plan summary of `sql` (placeholders $1…) as a prepared statement runs it: a
    generic plan, blind to the parameters' values."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        cursor.execute("PREPARE bench_plan(bigint, bigint, bigint, int[]) AS " + sql)
        cursor.execute("EXPLAIN (ANALYZE, TIMING OFF) EXECUTE bench_plan(%s, %s, %s, %s)", params)
        plan = [row[0] for row in cursor.fetchall()]
        cursor.execute("DEALLOCATE bench_plan")
        cursor.execute("RESET plan_cache_mode")
    scans = sorted({line.split(" on ")[1].split()[0] for line in plan if "Seq Scan on" in line})
    took = next(line for line in plan if line.startswith("Execution Time"))
    where = f"SEQ SCAN of {', '.join(scans)}" if scans else "indexes only"
    return f"{where}, {took.lower()}"


def plans(assignment_id: int) -> list[str]:
    from coding.event_pages import _page_sql

    sql = _page_sql(False)
    for number, name in enumerate(("a", "after", "limit", "astral"), start=1):
        sql = sql.replace(f"%({name})s", f"${number}")
    stored = explain(sql, [assignment_id, 0, PAGE, []])
    return [f"page query, renderings stored: {stored}"]


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


def row(spans: int, code: str, what: str, d: dict[str, float]) -> str:
    return (
        f"| {spans:,} | {code} | {what} | {d['p50']:.1f} | **{d['p95']:.1f}** | "
        f"{d['reads/s']:.0f} | {d['gunicorn']:.1f} + {d['pg']:.1f} = "
        f"**{d['gunicorn'] + d['pg']:.1f}** | {d['load']:.2f} | {d['others']:.0f}% | "
        f"{int(d['errors'])} |"
    )


def measure(args: argparse.Namespace, db_name: str, code: str, app_dir: Path):  # type: ignore[no-untyped-def]
    coders = readers()
    out = []
    with gunicorn_in(app_dir, database_url(db_name), args.workers) as server:
        base = server.base_url
        pid = server.process.pid
        large_reader = next(r for r in coders if EVENTS_LARGE in r.assignments)
        out.append(("check", check_pages(base, large_reader)))
        small_readers = [r for r in coders if r.assignments.get(EVENTS_SMALL)][: args.clients]
        out.append(("first reads", first_reads(base, pid, db_name, small_readers[0])))
        prime(base, [*small_readers, large_reader])
        small = [reads_of(base, r, EVENTS_SMALL, True) for r in small_readers]
        large = [[read] for r in coders for read in reads_of(base, r, EVENTS_LARGE, True)]
        whole = [[read] for r in coders for read in reads_of(base, r, EVENTS_LARGE, False)]
        runs = [
            (f"500 events, {len(small)} coders, open loop {args.rate:g} reads/s", small, args.rate),
            (f"500 events, {len(small)} coders, back to back", small, None),
            ("500 events, 1 coder alone, back to back", small[:1], None),
            (f"2,000 events in pages of {PAGE}, 1 coder alone", large[:1], None),
            ("2,000 events in one request, 1 coder alone", whole[:1], None),
            (f"2,000 events in pages of {PAGE}, {len(large)} coders, back to back", large, None),
        ]
        for what, clients, rate in runs:
            result = run_reads(
                base, pid, db_name, clients, warmup=args.warmup, duration=args.duration, rate=rate
            )
            out.append((what, describe(result)))
            if result.errors:
                print("errors:", result.error_examples)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--reuse", action="store_true", help="only measure the kept databases")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rate", type=float, default=8.0)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--baseline", type=Path, default=None)
    args = parser.parse_args()

    sizes = [int(s) for s in args.sizes.split(",")]
    names = [f"{DB_PREFIX}_{size_label(size)}" for size in sizes]
    if args.reuse:
        missing = [name for name in names if not database_exists(name)]
        if missing:
            raise SystemExit(f"--reuse: no database {', '.join(missing)}; run without --reuse")
    setup_django(database_url(names[0]))
    from django.db import connection

    started = time.perf_counter()
    lines, table = [], []
    template = None
    for size, name in zip(sizes, names, strict=True):
        fresh = not database_exists(name)
        ensure_database(name, template)
        template = name
        switch_database(name)
        ensure_world()
        took = 0.0 if args.reuse else grow_to(size)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM coding_evidencespan")
            spans = cursor.fetchone()[0]
        built = "built" if fresh else "kept"
        lines.append(f"{name}: {spans:,} spans ({built}; grown in {took:.0f} s)")
        apps = [("this", REPO)]
        if args.baseline:
            apps.append(("baseline", args.baseline))
        for code, app_dir in apps:
            for what, d in measure(args, name, code, app_dir):
                if what == "check":
                    lines.append(f"{spans:,} spans, {code}: pages add up to the whole read; {d}")
                    continue
                table.append(row(spans, code, what, d))
                print(table[-1], flush=True)
        sample = next(r for r in readers() if EVENTS_SMALL in r.assignments)
        lines += [f"{spans:,} spans, {p}" for p in plans(sample.assignments[EVENTS_SMALL][-1])]
        connection.close()
    lines.append(f"whole run {time.perf_counter() - started:.0f} s")
    header = [
        "| spans in the database | code | reads | p50 ms | p95 ms | reads/s | CPU ms per read "
        "(gunicorn + PostgreSQL incl. parallel workers) | load average "
        "| other processes | errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    command = (
        f"ATHAR_BENCH_DB={DB_PREFIX} .venv/bin/python bench/bench_assignment_read.py --sizes "
        f"{args.sizes}{' --reuse' if args.reuse else ''} --workers {args.workers} --clients "
        f"{args.clients} --rate {args.rate:g} --duration {args.duration:g}"
        + (f" --baseline {args.baseline}" if args.baseline else "")
    )
    print_summary("Reading assignments (19.3)", command, lines)
    print("\n".join(header + table))


if __name__ == "__main__":
    main()
