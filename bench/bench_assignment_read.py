"""Benchmark: GET /api/v1/assignments/{id}/ for a heavy assignment, through gunicorn in the
production shape: a 20,000-character article and 500 coded events with ~4 evidence spans each
(the whole coding screen in one request: assignment, article text and paragraphs, events).

Run: .venv/bin/python bench/bench_assignment_read.py [--workers 2] [--events 500]
     [--duration 15] [--clients 8]
Target: p95 <= 50 ms.

Measured twice: one client sending requests back to back (the latency one coder sees), then 8
concurrent clients reading the same assignment (a read takes no lock, so this costs what 8
coders reading their own would). The load
generator (bench/_common.run_load) runs on the same machine. Then the request is replayed in-process
to show where its time goes.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (
    EVENT_LEAD,
    Call,
    Component,
    LoadResult,
    Seat,
    article_text,
    breakdown_lines,
    describe_cpu,
    drop_database,
    event_payload,
    gunicorn,
    latency_summary,
    measure_breakdown,
    percentile,
    print_summary,
    recreate_database,
    run_load,
    seed_seats,
    setup_django,
)

DB_NAME = "athar_bench_read"
TARGET_P95_MS = 50.0
ROLES = ("trigger", "actor1", "location", "date")

COMPONENTS: list[Component] = [
    ("DRF view dispatch (all below)", 0, "api.views.assignments:AssignmentDetailView.dispatch"),
    ("token authentication", 1, "rest_framework.authentication:TokenAuthentication.authenticate"),
    ("access check (assignment + article)", 1, "coding.access:access_assignment"),
    ("events + spans queries (plain rows)", 1, "coding.selectors:assignment_event_rows"),
    ("event dicts (500 × event_row_dict)", 1, "api.views.assignments:event_row_dict"),
    (
        "assignment serializer",
        1,
        "api.views.assignments:AssignmentSerializer.to_representation",
    ),
    (
        "article serializer",
        1,
        "api.views.assignments:ArticleDetailSerializer.to_representation",
    ),
    ("JSON rendering (orjson)", 1, "api.renderers:ORJSONRenderer.render"),
]


def heavy_text(chars: int, seed: int) -> str:
    """A text of exactly `chars` code points once stored (LF line breaks, NFC)."""
    _, body = article_text(seed, chars, random.Random(seed))
    text = unicodedata.normalize("NFC", (EVENT_LEAD + body).replace("\r\n", "\n"))
    return text[:chars]


def add_events(seat: Seat, refs: dict[str, int], n: int, seed: int) -> int:
    """`n` events through the real service, each with 3 to 5 spans at varied places of the
    text (quotes taken from the text); returns the number of spans written."""
    from coding.models import Assignment, User
    from coding.services.events import EventInput, SpanInput, event_create

    rng = random.Random(seed)
    assignment = Assignment.objects.select_related("project__codebook_version", "article").get(
        pk=seat.assignment_id
    )
    coder = User.objects.get(username=seat.username)
    base = event_payload(seat.text, refs, unit="cp")
    text = seat.text
    n_spans = 0
    for i in range(n):
        spans = []
        for _ in range(rng.choice((3, 4, 4, 5))):
            start = rng.randrange(0, len(text) - 40)
            end = start + rng.randint(4, 30)
            spans.append(SpanInput(rng.choice(ROLES), start, end, text[start:end]))
        values = dict(base["values"], fatalities=i % 17)
        data = EventInput(
            event_type="BATTLES", event_subtype="ARMED_CLASH", values=values, spans=spans
        )
        event_create(assignment=assignment, actor=coder, data=data)
        n_spans += len(spans)
    return n_spans


def events_via_models(assignment_id: int) -> list[dict[str, Any]]:
    """The events part of the response, as the view builds it (model instances, prefetch)."""
    from api.presenters import event_dict
    from coding import selectors
    from coding.codebook_runtime import event_type_codes
    from coding.models import Assignment
    from coding.text.offsets import OffsetMap

    assignment = Assignment.objects.select_related("article", "project").get(pk=assignment_id)
    codes = event_type_codes(assignment.project.codebook_version_id)
    offsets = OffsetMap(assignment.article.text)
    return [event_dict(e, codes, offsets) for e in selectors.assignment_events(assignment)]


def events_via_rows(assignment_id: int) -> list[dict[str, Any]]:
    """The same list as the view builds it: plain rows (coding.selectors.assignment_event_rows:
    timestamps formatted by PostgreSQL, values decoded in one orjson call) and
    api.presenters.event_row_dict."""
    from api.presenters import event_row_dict
    from coding import selectors
    from coding.codebook_runtime import event_type_codes
    from coding.models import Assignment
    from coding.text.offsets import OffsetMap

    assignment = Assignment.objects.select_related("article", "project").get(pk=assignment_id)
    codes = event_type_codes(assignment.project.codebook_version_id)
    offsets = OffsetMap(assignment.article.text)
    rows, spans = selectors.assignment_event_rows(assignment)
    return [event_row_dict(row, spans[row[0]], codes, offsets) for row in rows]


def compare_readers(assignment_id: int, repeats: int = 20) -> str:
    """Median time of the two ways of building the events list (checked equal)."""
    if events_via_models(assignment_id) != events_via_rows(assignment_id):
        raise SystemExit("the view's row reader does not reproduce the model-instance events")
    timings = {}
    for name, build in (("models", events_via_models), ("rows", events_via_rows)):
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            build(assignment_id)
            samples.append((time.perf_counter() - start) * 1000)
        timings[name] = statistics.median(samples)
    return (
        f"building the 500 event dicts in-process: {timings['models']:.1f} ms from model "
        f"instances + prefetch_related vs {timings['rows']:.1f} ms as the view does (two plain "
        f"row queries, timestamps as text from PostgreSQL; same output, checked) — "
        f"{timings['models'] / timings['rows']:.1f}× less"
    )


def compare_gc(call: Call, requests: int = 60) -> str:
    """The same request in-process with Python's default cyclic-GC settings, and with the
    start-up objects frozen out of collection (gc.freeze) and a higher first threshold, as
    config/gunicorn.conf.py does in each worker: a read allocates ~100,000 objects, which
    triggers full collections of the whole heap."""
    from django.test import Client

    client = Client()

    def timed_requests() -> tuple[float, float]:
        samples = []
        for _ in range(requests):
            start = time.perf_counter()
            response = client.get(
                call.path, headers={"authorization": call.headers["Authorization"]}
            )
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        return statistics.mean(samples), percentile(samples, 95)

    default = gc.get_threshold()
    tuned_thresholds = _gunicorn_config()["GC_THRESHOLDS"]
    timed_requests()  # warm-up
    try:
        plain = timed_requests()
        gc.collect()
        gc.freeze()
        gc.set_threshold(*tuned_thresholds)
        tuned = timed_requests()
    finally:
        gc.unfreeze()
        gc.set_threshold(*default)
    return (
        f"Python's cyclic GC: in-process mean {plain[0]:.1f} ms / p95 {plain[1]:.1f} ms with "
        f"the default thresholds {default}; mean {tuned[0]:.1f} ms / p95 {tuned[1]:.1f} ms "
        f"after gc.freeze() and gc.set_threshold{tuned_thresholds} (what the gunicorn workers "
        "do: config/gunicorn.conf.py)"
    )


def _gunicorn_config() -> dict[str, Any]:
    import runpy

    return runpy.run_path(str(Path(__file__).resolve().parent.parent / "config/gunicorn.conf.py"))


@contextmanager
def gc_as_in_the_workers() -> Iterator[None]:
    """This process's heap frozen and GC thresholds set as config/gunicorn.conf.py does in a
    gunicorn worker, then put back."""
    default = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*_gunicorn_config()["GC_THRESHOLDS"])
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*default)


def read_call(seat: Seat) -> Call:
    return Call(
        "GET",
        f"/api/v1/assignments/{seat.assignment_id}/",
        {"Authorization": f"Token {seat.token}"},
    )


def describe(label: str, result: LoadResult) -> str:
    stats = latency_summary(result.latencies_ms)
    return (
        f"{label}: p50 {stats['p50']:.1f} ms, **p95 {stats['p95']:.1f} ms**, p99 "
        f"{stats['p99']:.1f} ms, {result.requests_per_second:.0f} req/s, errors {result.errors} "
        f"({len(result.latencies_ms):,} requests in {result.seconds:.0f} s). "
        + describe_cpu(result)
    )


def response_size(server_url: str, call: Call) -> int:
    import httpx

    response = httpx.get(server_url + call.path, headers=call.headers, timeout=30)
    body = response.json()
    assert len(body["events"]) > 0
    return len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--chars", type=int, default=20_000)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--profile-requests", type=int, default=100)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    url = recreate_database(DB_NAME)
    setup_django(url)
    try:
        seats, refs = seed_seats("read", [heavy_text(args.chars, seed=1)])
        n_spans = add_events(seats[0], refs, args.events, seed=1)
        print(f"seeded 1 assignment with {args.events} events and {n_spans:,} spans")
        calls = [read_call(seats[0])] * args.clients
        with gunicorn(url, args.workers) as server:
            size = response_size(server.base_url, calls[0])
            sequential, concurrent = (
                run_load(
                    server,
                    clients,
                    warmup=args.warmup,
                    duration=args.duration,
                    expect=200,
                    db_name=DB_NAME,
                )
                for clients in (calls[:1], calls)
            )
        print(describe("sequential", sequential))
        print(describe(f"{args.clients} clients", concurrent))
        seq_p95 = latency_summary(sequential.latencies_ms)["p95"]
        con_p95 = latency_summary(concurrent.latencies_ms)["p95"]
        lines = [
            f"assignment with a {args.chars:,}-character article (Arabic/French/English, emoji) "
            f"and {args.events} events with {n_spans / args.events:.1f} spans each "
            f"on average; response {size / 1024:.0f} KiB of JSON; token authentication",
            describe("one client, back to back", sequential),
            describe(f"{args.clients} concurrent clients", concurrent),
            f"target p95 ≤ {TARGET_P95_MS:.0f} ms: sequential "
            f"{'met' if seq_p95 <= TARGET_P95_MS else 'MISSED'}, {args.clients} clients "
            f"{'met' if con_p95 <= TARGET_P95_MS else 'MISSED'}",
            f"server: gunicorn {args.workers} sync workers with config/gunicorn.conf.py (GC "
            f"frozen after start-up, thresholds {_gunicorn_config()['GC_THRESHOLDS']}), "
            "ATHAR_ENV=production, DEBUG off; "
            "the load generator and PostgreSQL share the same 2 cores",
            "for scale: doccano 1.8.4 p95 61 ms for a 3,000-character document with 500 bare "
            "spans in two requests; Label Studio p95 1.5 s",
        ]
        with gc_as_in_the_workers():
            report = measure_breakdown(
                calls[0], COMPONENTS, requests=args.profile_requests, expect=200
            )
        lines.append("(the in-process replay below runs with the workers' GC settings)")
        lines.extend(breakdown_lines(report))
        lines.append(compare_readers(seats[0].assignment_id))
        lines.append(compare_gc(calls[0]))
        failed = sequential.errors + concurrent.errors > 0
    finally:
        if not args.keep_db:
            drop_database(DB_NAME)
    command = (
        f".venv/bin/python bench/bench_assignment_read.py --workers {args.workers} "
        f"--events {args.events} --clients {args.clients} --duration {args.duration:g}"
    )
    print_summary("Reading a heavy assignment (GET /api/v1/assignments/{id}/)", command, lines)
    if failed:
        raise SystemExit("some requests failed")


if __name__ == "__main__":
    main()
