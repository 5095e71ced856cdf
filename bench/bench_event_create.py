"""Benchmark: coders writing events (POST /api/v1/assignments/{id}/events/) over HTTP through
gunicorn in the production shape, in a project of realistic size, at several sizes.

Run: ATHAR_BENCH_DB=athar_bench_events .venv/bin/python bench/bench_event_create.py
     [--sizes 1000,10000,100000] [--workers 2] [--clients 16] [--duration 20] [--warmup 5]
     [--keep-db] [--rate R] [--profile-requests 200]
Target (issue 4): p95 <= 50 ms and >= 300 requests/s with 16 concurrent clients.

What a request is (the user's path): each client is a different coder with their own API
token, writing into 20 of their own assignments, spread over the project; every request is a
different ACLED event (random type and sub-type, date and precision, one or two actors from a
2,000-entry dictionary with their types, a place from 1,000, fatalities, a note in Arabic,
French or English) with 4 evidence spans on words anywhere in a ~3,000-character
Arabic/French/English article, offsets in UTF-16 as the browser sends them. 400 different
requests per client, sent in turn (closed loop: the next as soon as the answer arrives).

The database (bench/_world.py) grows through the sizes: N articles, each assigned to 2 of 40
coders, ~1.5 stored events of 4 spans per assignment (100,000 articles: 300,000 events,
1,200,000 spans). With --keep-db the database is kept and the next run reuses what it holds.

Printed per size: throughput, p50/p95/p99, the CPU per request of the gunicorn workers (master
included) and of the PostgreSQL backends of the bench database (read from /proc, so parallel
workers and autovacuum of that database count), of the load generator, the share of the
machine other processes took, and the 1-minute load average. The load generator
(bench/_load.py) shares the machine with gunicorn and PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (
    Call,
    Component,
    LoadResult,
    breakdown_lines,
    database_url,
    describe_cpu,
    drop_database,
    gunicorn,
    latency_summary,
    measure_breakdown,
    print_summary,
    recreate_database,
    run_load,
    setup_django,
)
from bench._world import World, coder_assignments, grow_world, varied_event

DB_NAME = os.environ.get("ATHAR_BENCH_DB", "athar_bench_events")
TARGET_P95_MS = 50.0
TARGET_RPS = 300.0
SPANS_PER_EVENT = 4

# What one POST does, in call order; each timed inclusively (nested ones within their parent).
COMPONENTS: list[Component] = [
    ("DRF view dispatch (all below)", 0, "api.views.events:AssignmentEventsView.dispatch"),
    ("token authentication", 1, "rest_framework.authentication:TokenAuthentication.authenticate"),
    ("access check + assignment row lock", 1, "coding.access:access_assignment_for_write"),
    ("body validation", 1, "api.views.events:validated_event_body"),
    ("service event_create_locked", 1, "api.views.events:event_create_locked"),
    ("validation (spans and codebook)", 2, "coding.services.events:_validated"),
    ("insert event + spans + audit row", 2, "coding.services.events:insert_event"),
    ("response body", 1, "api.views.events:event_dict"),
]


def client_calls(world: World, clients: int, per_client: int, seed: int) -> list[list[Call]]:
    """For each of `clients` coders: `per_client` different event requests over 20 of the
    coder's assignments, with the coder's own token."""
    rng = random.Random(seed)
    out = []
    for coder in world.coders[:clients]:
        assignments = coder_assignments(coder, world.project_id, 20)
        calls = []
        for i in range(per_client):
            assignment_id, text = assignments[i % len(assignments)]
            calls.append(
                Call(
                    "POST",
                    f"/api/v1/assignments/{assignment_id}/events/?offset_unit=utf16",
                    {"Authorization": f"Token {coder.token}", "Content-Type": "application/json"},
                    json.dumps(varied_event(text, world, rng), ensure_ascii=False).encode(),
                )
            )
        out.append(calls)
    return out


def database_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return int(cursor.fetchone()[0])


def describe(label: str, result: LoadResult, clients: int) -> str:
    stats = latency_summary(result.latencies_ms)
    per = result.cpu_ms_per_request()
    server = per["app"] + per["database"]
    offered = f", open loop at {result.offered_rate:.0f} req/s" if result.offered_rate else ""
    return (
        f"{label}, {clients} client{'s' if clients > 1 else ''}{offered}: "
        f"**{result.requests_per_second:.0f} req/s**, p50 {stats['p50']:.1f} ms, "
        f"**p95 {stats['p95']:.1f} ms**, p99 {stats['p99']:.1f} ms, errors {result.errors} "
        f"({len(result.latencies_ms):,} requests in {result.seconds:.0f} s; load average "
        f"{result.load_average:.1f}); server CPU {server:.2f} ms per request = "
        f"{server / SPANS_PER_EVENT:.2f} ms per span. " + describe_cpu(result)
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--per-client", type=int, default=400)
    parser.add_argument("--rate", type=float, default=None, help="also an open loop at R req/s")
    parser.add_argument("--profile-requests", type=int, default=200)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))

    url = prepare_database(DB_NAME)
    setup_django(url)
    lines: list[str] = []
    rows: list[str] = []
    failed = False
    met = True
    try:
        for size in sizes:
            started = time.perf_counter()
            world = grow_world(size)
            build = time.perf_counter() - started
            calls = client_calls(world, args.clients, args.per_client, seed=size)
            with gunicorn(url, args.workers) as server:
                single = run_load(
                    server,
                    calls[:1],
                    warmup=2.0,
                    duration=args.duration / 2,
                    expect=201,
                    db_name=DB_NAME,
                )
                loaded = run_load(
                    server,
                    calls,
                    warmup=args.warmup,
                    duration=args.duration,
                    expect=201,
                    db_name=DB_NAME,
                )
                opened = (
                    run_load(
                        server,
                        calls,
                        warmup=args.warmup,
                        duration=args.duration,
                        expect=201,
                        db_name=DB_NAME,
                        rate=args.rate,
                    )
                    if args.rate
                    else None
                )
            size_note = (
                f"{world.articles:,} articles, {world.events:,} events, {world.spans:,} spans, "
                f"database {database_bytes() / 2**20:,.0f} MiB (ready in {build:.0f} s)"
            )
            print(f"== {size_note}")
            for result, n in ((single, 1), (loaded, args.clients), (opened, args.clients)):
                if result is None:
                    continue
                line = describe(f"{world.articles:,} articles, {args.workers} workers", result, n)
                print(line)
                lines.append(line)
                for example in result.error_examples:
                    print(f"  error: {example}")
                failed = failed or result.errors > 0
            lines.append(f"database at that size: {size_note}")
            rows.append(growth_row(world, single, loaded))
            stats = latency_summary(loaded.latencies_ms)
            met = met and stats["p95"] <= TARGET_P95_MS
            met = met and loaded.requests_per_second >= TARGET_RPS
        lines.append(
            "growth (articles | 1 client p50 / p95 ms | 16 clients req/s, p50 / p95 ms | "
            "server CPU ms per request: gunicorn + PostgreSQL | load average):"
        )
        lines.extend(f"  {row}" for row in rows)
        lines.append(
            f"target p95 ≤ {TARGET_P95_MS:.0f} ms and ≥ {TARGET_RPS:.0f} req/s with "
            f"{args.clients} clients: {'met' if met else 'MISSED'} at every size "
            "(closed loop: latency ≈ clients ÷ throughput, so the p95 is queueing behind the "
            "2 cores; the 1-client line is the time a request takes)"
        )
        if args.profile_requests:
            lines.extend(profile(world, args.profile_requests))
    finally:
        if not args.keep_db:
            drop_database(DB_NAME)
    command = (
        f"ATHAR_BENCH_DB={DB_NAME} .venv/bin/python bench/bench_event_create.py "
        f"--sizes {args.sizes} --workers {args.workers} --clients {args.clients} "
        f"--duration {args.duration:g}" + (f" --rate {args.rate:g}" if args.rate else "")
    )
    print_summary("Event writes by many coders (POST …/events/)", command, lines)
    if failed:
        raise SystemExit("some requests failed")


def growth_row(world: World, single: LoadResult, loaded: LoadResult) -> str:
    one = latency_summary(single.latencies_ms)
    many = latency_summary(loaded.latencies_ms)
    per = loaded.cpu_ms_per_request()
    return (
        f"{world.articles:>7,} | {one['p50']:.1f} / {one['p95']:.1f} | "
        f"{loaded.requests_per_second:.0f}, {many['p50']:.1f} / {many['p95']:.1f} | "
        f"{per['app']:.2f} + {per['database']:.2f} | {loaded.load_average:.1f}"
    )


def profile(world: World, requests: int) -> list[str]:
    """Where one request's time goes, in-process (Django's test client), on this database."""
    calls = client_calls(world, 1, 1, seed=7)[0]
    report = measure_breakdown(calls[0], COMPONENTS, requests=requests, expect=201)
    return breakdown_lines(report)


def prepare_database(name: str) -> str:
    """Reuse the bench database if it exists (sizes only grow), else create and migrate it."""
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if exists:
        print(f"reusing the database {name} (drop it to start afresh)")
        return database_url(name)
    return recreate_database(name)


if __name__ == "__main__":
    main()
