"""A full project agreement recompute on 1 and on 2 real Celery worker processes (issue #19.4).

The recompute is requested the way a supervisor's "recompute" is (a queued run and its
outbox row; the drain hands it to the broker), and split into chunks
(coding.services.agreement_chunks) that the worker processes take from Redis. Measured per
project size (1k / 10k / 100k articles, 3 of 12 coders per article, ~4 events, generated
6-field codebook of bench_agreement.py) and per number of worker processes:

- wall time from the request to the published run, and the serial tail (from the last
  chunk stored to the run published: folding the chunks and the bootstrap, on one worker);
- CPU (utime + stime from /proc) of every Celery process (the worker's parent and its pool
  children) and of every PostgreSQL backend of the bench database, parallel workers
  included (sampled every 0.5 s from pg_stat_activity; a backend's CPU in its last half
  second before exiting can be missed);
- the load average before and after, and the projected time for 100k articles on N worker
  processes: T(N) = parallel part / N + serial tail, from the measured 1-worker run.

Each run starts cold (every agreement run deleted: all article runs computed again), which
is what a codebook or algorithm change costs. PostgreSQL's CPU counts the backends of the
bench database that connected after the request (the workers' and their parallel workers).

    ATHAR_BENCH_DB=athar_bench_recompute .venv/bin/python bench/bench_agreement_workers.py --seed
    ATHAR_BENCH_DB=athar_bench_recompute REDIS_BENCH=redis://127.0.0.1:6379/4 \
        .venv/bin/python bench/bench_agreement_workers.py --sizes 1000,10000,100000 --repeat 3

The database is kept (seeding 100k articles takes a while); --seed drops and rebuilds it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("ATHAR_BENCH_DB", "athar_bench_recompute")
import bench_agreement as base  # noqa: E402  (sets DATABASE_URL to the bench database)

BROKER = os.environ.get("REDIS_BENCH", "redis://127.0.0.1:6379/4")
SLUG = "workers-{n}"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            if ppid == pid:
                found.append(int(entry.name))
    return found


class CpuMeter:
    """Sums the CPU of a set of processes as they come and go (last value seen per pid)."""

    def __init__(self) -> None:
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}

    def sample(self, pids: list[int], *, new_from_zero: bool) -> None:
        for pid in pids:
            value = cpu_seconds(pid)
            if value is None:
                continue
            if pid not in self.first:
                self.first[pid] = 0.0 if new_from_zero else value
            self.last[pid] = value

    def total(self) -> float:
        return sum(self.last[p] - self.first[p] for p in self.last)


def seed(sizes: list[int]) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    version, refs = base.seed_dictionaries_and_codebook("generated")
    rng = random.Random(11)
    for n in sizes:
        t = time.perf_counter()
        seeded = base.seed_project(
            SLUG.format(n=n), version, refs, n, lambda: rng.choice((3, 4, 4, 5))
        )
        print(
            f"seeded {n:,} articles, {seeded.n_events:,} events, {seeded.n_spans:,} spans "
            f"in {time.perf_counter() - t:.0f} s (load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"seeding took {time.perf_counter() - started:.0f} s in all", flush=True)


CLONE_SQL = """
DROP TABLE IF EXISTS amap, emap;
CREATE TEMP TABLE amap AS
  SELECT a.id AS old_id, nextval(pg_get_serial_sequence('coding_article', 'id')) AS new_id, k
  FROM coding_article a CROSS JOIN generate_series(%(copy)s, %(copy)s) AS k
  WHERE a.project_id = %(source)s;
INSERT INTO coding_article (id, title, text, text_sha256, len_cp, len_u16, language, direction,
    paragraphs, source, url, published_at, external_id, metadata, imported_at, project_id)
  SELECT m.new_id, a.title || ' #' || m.k, a.text || E'\n[' || m.k || ']',
    encode(sha256(convert_to(a.text || E'\n[' || m.k || ']', 'UTF8')), 'hex'),
    a.len_cp + char_length(E'\n[' || m.k || ']'), a.len_u16 + char_length(E'\n[' || m.k || ']'),
    a.language, a.direction, a.paragraphs, a.source, a.url, a.published_at, a.external_id,
    a.metadata, a.imported_at, %(target)s
  FROM coding_article a JOIN amap m ON m.old_id = a.id;
INSERT INTO coding_assignment (status, version, created_at, started_at, submitted_at,
    reopen_count, article_id, coder_id, project_id)
  SELECT s.status, s.version, s.created_at, s.started_at, s.submitted_at, s.reopen_count,
    m.new_id, s.coder_id, %(target)s
  FROM coding_assignment s JOIN amap m ON m.old_id = s.article_id;
CREATE TEMP TABLE emap AS
  SELECT e.id AS old_id, nextval(pg_get_serial_sequence('coding_codedevent', 'id')) AS new_id,
    m.new_id AS article_id, m.k
  FROM coding_codedevent e JOIN amap m ON m.old_id = e.article_id;
INSERT INTO coding_codedevent (id, layer, values, date_start, date_end, date_precision,
    geo_precision, fatalities, memo, version, created_at, updated_at, adjudication_id,
    article_id, assignment_id, codebook_version_id, created_by_id, event_subtype_id,
    event_type_id, location_id, suggestion_key)
  SELECT em.new_id, e.layer, e.values, e.date_start, e.date_end, e.date_precision,
    e.geo_precision, e.fatalities, e.memo, e.version, e.created_at, e.updated_at, NULL,
    em.article_id, n.id, e.codebook_version_id, e.created_by_id, e.event_subtype_id,
    e.event_type_id, e.location_id, e.suggestion_key
  FROM coding_codedevent e
  JOIN emap em ON em.old_id = e.id
  JOIN coding_assignment o ON o.id = e.assignment_id
  JOIN coding_assignment n ON n.article_id = em.article_id AND n.coder_id = o.coder_id;
INSERT INTO coding_evidencespan (role, start, "end", quote, event_id)
  SELECT s.role, s.start, s."end", s.quote, em.new_id
  FROM coding_evidencespan s JOIN emap em ON em.old_id = s.event_id;
"""


def clone(source_size: int, copies: int) -> None:
    """The project of source_size × copies articles, built in SQL from the source project's
    articles (each copy's text gets a suffix, so its SHA-256 differs): the same coders,
    events, values and spans, `copies` times. Much faster than generating them in Python.

    One transaction per copy, with triggers off (``session_replication_role = replica``: the
    foreign-key and integrity triggers only check, and every row is a copy of a checked one,
    with the copy's own ids). Checking them at commit took most of the 1,506 s that one
    transaction of ten copies took at load 27."""
    import django

    django.setup()
    from django.db import connection, transaction

    from coding.models import Membership, Project

    started = time.perf_counter()
    source = Project.objects.get(slug=SLUG.format(n=source_size))
    size = source_size * copies
    with transaction.atomic():
        target = Project.objects.create(
            slug=SLUG.format(n=size),
            name=f"{size:,} articles",
            codebook_version=source.codebook_version,
            overlap=source.overlap,
        )
        Membership.objects.bulk_create(
            Membership(project=target, user_id=m.user_id, role=m.role)
            for m in Membership.objects.filter(project=source)
        )
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        for copy in range(copies):
            with transaction.atomic(), connection.cursor() as cursor:
                for statement in CLONE_SQL.split(";\n"):
                    if statement.strip():
                        cursor.execute(
                            statement, {"copy": copy, "source": source.pk, "target": target.pk}
                        )
            print(
                f"  copy {copy + 1}/{copies}: {time.perf_counter() - started:.0f} s "
                f"(load {os.getloadavg()[0]:.1f})",
                flush=True,
            )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"cloned {size:,} articles in {time.perf_counter() - started:.0f} s "
        f"(load {os.getloadavg()[0]:.1f})",
        flush=True,
    )


def start_worker(processes: int, log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        {
            "CELERY_BROKER_URL": BROKER,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "ATHAR_ENV": "test",
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            # No BLAS threads: a worker process is one CPU (the bootstrap uses NumPy).
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        }
    )
    handle = log.open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            f"--concurrency={processes}",
            "--pool=prefork",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"bench-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while "ready." not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("worker did not start: " + log.read_text(errors="replace"))
        time.sleep(0.3)
    return proc


def measure(size: int, processes: int, *, cold: bool) -> dict[str, Any]:
    """One recompute of the project of `size` articles on `processes` worker processes."""
    from django.db import connection

    from coding.models import AgreementRun, Project
    from coding.services.agreement import project_recompute_request
    from config.celery import app

    project = Project.objects.get(slug=SLUG.format(n=size))
    if cold:
        with connection.cursor() as cursor:  # every stored agreement run: all computed again
            cursor.execute("TRUNCATE coding_agreementrun CASCADE")
    app.control.purge()
    log = Path(f"/tmp/bench-agreement-workers-{os.getpid()}.log")
    worker = start_worker(processes, log)
    celery_cpu, pg_cpu = CpuMeter(), CpuMeter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (own,) = cursor.fetchone()

    def pg_pids() -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> %s",
                [own],
            )
            return [row[0] for row in cursor.fetchall()]

    def celery_pids() -> list[int]:
        return [worker.pid, *children_of(worker.pid)]

    celery_cpu.sample(celery_pids(), new_from_zero=False)
    # Backends already connected are not the workers' (those connect after the request).
    before = set(pg_pids())
    load_before = os.getloadavg()
    started = time.perf_counter()
    run = project_recompute_request(project=project)  # the drain is sent on commit
    all_stored = None
    try:
        while True:
            time.sleep(0.5)
            celery_cpu.sample(celery_pids(), new_from_zero=True)
            pg_cpu.sample([p for p in pg_pids() if p not in before], new_from_zero=True)
            state = AgreementRun.objects.values_list(
                "status", "progress_done", "progress_total", "error"
            ).get(pk=run.pk)
            if all_stored is None and state[1] >= state[2] and state[0] == "running":
                all_stored = time.perf_counter() - started
            if state[0] in ("done", "failed"):
                break
        seconds = time.perf_counter() - started
        if state[0] != "done":
            raise RuntimeError(f"run {run.pk} failed: {state[3]}")
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
    done = AgreementRun.objects.get(pk=run.pk)
    return {
        "size": size,
        "processes": processes,
        "cold": cold,
        "seconds": seconds,
        "serial_tail": seconds - (all_stored if all_stored is not None else seconds),
        "celery_cpu": celery_cpu.total(),
        "postgres_cpu": pg_cpu.total(),
        "load_before": load_before[0],
        "load_after": os.getloadavg()[0],
        "n_articles": done.params["n_articles"],
        "digest": done.params["inputs_digest"],
    }


def line(r: dict[str, Any]) -> str:
    return (
        f"{r['size']:>7,} articles, {r['processes']} worker process(es), "
        f"{'cold' if r['cold'] else 'warm'}: wall {r['seconds']:.1f} s (serial tail "
        f"{r['serial_tail']:.1f} s); CPU Celery {r['celery_cpu']:.1f} s + PostgreSQL "
        f"{r['postgres_cpu']:.1f} s; load {r['load_before']:.1f} → {r['load_after']:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", action="store_true", help="drop, rebuild and seed the DB")
    parser.add_argument(
        "--clone", type=int, metavar="SIZE", help="build SIZE×10 articles from project SIZE"
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--processes", default="1,2")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (100k: once)")
    parser.add_argument(
        "--plan", help="runs in this order, e.g. 1000:1:3,1000:2:3 (size:processes:repeats)"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.clone:
        clone(args.clone, 10)
        return
    if args.seed:
        base.psql(f'DROP DATABASE IF EXISTS "{base.DB}" WITH (FORCE)')
        base.psql(f'CREATE DATABASE "{base.DB}"')
        seed(sizes)
        return
    os.environ["CELERY_BROKER_URL"] = BROKER
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    import django

    django.setup()
    print(f"{base.machine_note()}; broker {BROKER}; database {base.DB}", flush=True)
    medians: dict[tuple[int, int], dict[str, float]] = {}
    plan = (
        [tuple(int(x) for x in item.split(":")) for item in args.plan.split(",")]
        if args.plan
        else [
            (size, int(p), 1 if size >= 100_000 else args.repeat)
            for size in sizes
            for p in args.processes.split(",")
        ]
    )
    for size, processes, repeats in plan:
        runs = [measure(size, processes, cold=True) for _ in range(repeats)]
        for r in runs:
            print("  " + line(r), flush=True)
        assert len({r["digest"] for r in runs}) == 1
        medians[size, processes] = {
            key: statistics.median(r[key] for r in runs)
            for key in ("seconds", "serial_tail", "celery_cpu", "postgres_cpu", "load_before")
        }
        medians[size, processes]["runs"] = len(runs)
    print("\nmedians (cold):")
    print(
        "| articles | worker processes | runs | wall s | serial tail s | Celery CPU s | "
        "PostgreSQL CPU s | ms CPU / article | wall speed-up vs 1 | load |"
    )
    for (size, processes), m in sorted(medians.items()):
        one = medians.get((size, 1))
        speedup = one["seconds"] / m["seconds"] if one else float("nan")
        print(
            f"| {size:,} | {processes} | {m['runs']:.0f} | {m['seconds']:.1f} | "
            f"{m['serial_tail']:.1f} | "
            f"{m['celery_cpu']:.1f} | {m['postgres_cpu']:.1f} | "
            f"{1000 * (m['celery_cpu'] + m['postgres_cpu']) / size:.2f} | {speedup:.2f}× | "
            f"{m['load_before']:.1f} |"
        )
    if not any(p == 1 for _, p in medians):
        return
    biggest = max(s for s, p in medians if p == 1)
    one = medians[biggest, 1]
    parallel = one["seconds"] - one["serial_tail"]
    scale = 100_000 / biggest
    print(
        f"\nprojected for 100,000 articles (from the {biggest:,}-article 1-process run, "
        "T(N) = parallel / N + serial tail, both scaled linearly; PostgreSQL not a limit):"
    )
    for n in (1, 2, 4, 8, 16):
        projected = scale * (parallel / n + one["serial_tail"])
        print(f"  {n:>2} worker processes: {projected / 60:.1f} min")
    # Wall time on a shared machine depends on its load; CPU per article does not. With a
    # core per worker process (and PostgreSQL's on its own cores), the chunks take the
    # Celery CPU less the serial tail's, divided by N.
    cpu_article = one["celery_cpu"] / biggest
    tail_share = one["serial_tail"] / one["seconds"] if one["seconds"] else 0.0
    print(
        f"from CPU: {1000 * cpu_article:.2f} ms Celery CPU per article, "
        f"{1000 * one['postgres_cpu'] / biggest:.2f} ms PostgreSQL; serial tail "
        f"{100 * tail_share:.0f}% of the 1-process wall time; 100,000 articles on N processes "
        "with a core each ≈ "
        + ", ".join(
            f"N={n}: {cpu_article * 100_000 * ((1 - tail_share) / n + tail_share) / 60:.1f} min"
            for n in (1, 2, 4, 8, 16)
        )
    )
    print(json.dumps({f"{s}x{p}": m for (s, p), m in medians.items()}))


if __name__ == "__main__":
    main()
