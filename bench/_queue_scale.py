"""The adjudication queue at growing project sizes, over HTTP (bench_adjudication.py --scale).

One database (ATHAR_BENCH_DB) grows to each size in turn (--scale, e.g. 1k, 10k, 100k, 1M
articles): the new articles, their assignments (overlap 3 among 20 coders, one of whom codes
one article in 200), coder events, one finished agreement run per article with its
disagreements, open and validated adjudications are generated in SQL (bench/_queue_bulk.py),
then the queue's rows, filter keys and counts are written by the service
(coding.services.review_queue.review_queue_refresh, 2,000 articles per transaction, as the
agreement service does for a chunk of stored runs). With --keep-db each size but the last is
kept as a copy (ATHAR_BENCH_DB_<size>, CREATE DATABASE … TEMPLATE) and the last in
ATHAR_BENCH_DB itself, so --reuse-db measures every size again without building anything. At
each size gunicorn (production settings, 2 sync workers) serves the queue to several
supervisors, each with their own token, in an open loop (requests spread evenly at --rate
per second, so latency is not a closed loop's queueing); CPU per request = gunicorn master
and workers + the database's PostgreSQL backends (/proc/PID/stat) over the measured window,
divided by the requests; the parallel workers PostgreSQL starts for the request's statements
are counted with EXPLAIN ANALYZE (their CPU is not in the backends' and would be added if
any ran).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

N_CODERS = 20
OVERLAP = 3
SUPERVISORS = 4
REFRESH_CHUNK = 2000


@dataclass
class Scene:
    project_id: int
    codebook_version_id: int
    coder_ids: list[int]
    rare_coder_id: int
    supervisor_tokens: list[str]
    supervisor_ids: list[int]
    type_ids: dict[str, int]
    n_articles: int = 0


def create_scene() -> Scene:
    from pathlib import Path

    from bench._common import token_for
    from coding.codebook_spec import load_codebook_text
    from coding.models import EventType, Membership, User
    from coding.services.codebooks import codebook_version_create
    from coding.services.projects import project_create

    repo = Path(__file__).resolve().parent.parent
    spec = load_codebook_text((repo / "tests/data/mini_codebook.yaml").read_text("utf-8"))
    version = codebook_version_create(spec=spec, publish=True)
    project = project_create(slug="queue-scale", name="Queue scale", codebook_version=version)
    coders = User.objects.bulk_create(User(username=f"qcoder{i}") for i in range(N_CODERS + 1))
    supervisors = User.objects.bulk_create(
        User(username=f"qsupervisor{i}") for i in range(SUPERVISORS)
    )
    Membership.objects.bulk_create(
        [Membership(project=project, user=u, role="coder") for u in coders]
        + [Membership(project=project, user=u, role="supervisor") for u in supervisors]
    )
    return Scene(
        project_id=project.pk,
        codebook_version_id=version.pk,
        coder_ids=[c.pk for c in coders[:N_CODERS]],
        rare_coder_id=coders[N_CODERS].pk,
        supervisor_tokens=[token_for(u) for u in supervisors],
        supervisor_ids=[u.pk for u in supervisors],
        type_ids=dict(EventType.objects.filter(version=version).values_list("code", "id")),
    )


def reuse_scene() -> Scene:
    """The scene a --keep-db run left in the current database."""
    from bench._common import token_for
    from coding.models import Article, EventType, Project, User

    project = Project.objects.get(slug="queue-scale")
    coders = list(
        User.objects.filter(username__startswith="qcoder")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    supervisors = list(User.objects.filter(username__startswith="qsupervisor").order_by("pk"))
    return Scene(
        project_id=project.pk,
        codebook_version_id=project.codebook_version_id,
        coder_ids=coders[:N_CODERS],
        rare_coder_id=coders[N_CODERS],
        supervisor_tokens=[token_for(u) for u in supervisors],
        supervisor_ids=[u.pk for u in supervisors],
        type_ids=dict(
            EventType.objects.filter(version_id=project.codebook_version_id).values_list(
                "code", "id"
            )
        ),
        n_articles=Article.objects.filter(project=project).count(),
    )


def grow(scene: Scene, target: int, sql_queue: bool) -> dict[str, Any]:
    """Add articles up to `target`: their rows generated in SQL (bench/_queue_bulk.py), then
    the queue's rows, keys and counts written by the real service, REFRESH_CHUNK articles
    per transaction as the agreement service refreshes a chunk of stored runs — or, with
    `sql_queue`, the entries and keys written in SQL, the counts recounted by the service,
    and a random sample of 5,000 new articles refreshed by the service (rolled back) to show
    the rows are the service's. Returns the seconds spent on each, and the check."""
    from django.db import connection

    from bench._queue_bulk import CHUNK, grow_chunk, queue_rows_sql, verify_sample
    from coding.models import Project
    from coding.services.review_queue import review_queue_refresh
    from coding.services.review_queue_counts import counts_recount

    params = {
        "project": scene.project_id,
        "version": scene.codebook_version_id,
        "coders": scene.coder_ids,
        "rare": scene.rare_coder_id,
        "supervisor": scene.supervisor_ids[0],
        "attack": scene.type_ids["ATTACK"],
        "armed": scene.type_ids["ARMED_ASSAULT"],
        "drone": scene.type_ids["DRONE_STRIKE"],
        "truce": scene.type_ids["TRUCE"],
    }
    start = time.perf_counter()
    new_ids: list[int] = []
    while scene.n_articles < target:
        size = min(CHUNK, target - scene.n_articles)
        new_ids += grow_chunk(params, scene.n_articles, size)
        scene.n_articles += size
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    created = time.perf_counter() - start
    start = time.perf_counter()
    check = ""
    if sql_queue:
        for first in range(0, len(new_ids), CHUNK):
            chunk = new_ids[first : first + CHUNK]
            queue_rows_sql(chunk[0], chunk[-1])
        counts_recount(project=Project.objects.get(pk=scene.project_id))
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        refreshed = time.perf_counter() - start
        check = verify_sample(new_ids, 5000)
    else:
        for first in range(0, len(new_ids), REFRESH_CHUNK):
            review_queue_refresh(article_ids=new_ids[first : first + REFRESH_CHUNK])
            if first and first % 100_000 == 0:
                print(f"#   queue refreshed for {first:,} new articles", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        refreshed = time.perf_counter() - start
    return {"created": created, "refreshed": refreshed, "check": check}


@dataclass(frozen=True)
class Variant:
    label: str
    params: dict[str, str]
    depth: int = 0  # follow `next` this many times first (a deep page)


def variants(scene: Scene) -> list[Variant]:
    coder = str(scene.coder_ids[0])
    return [
        Variant("first page, no filter", {}),
        Variant("page 41 (2,000 articles in) or the last", {}, depth=40),
        Variant("min_severity=4", {"min_severity": "4"}),
        Variant("status=open", {"status": "open"}),
        Variant("unanimous=true", {"unanimous": "true"}),
        Variant("event_type=TRUCE", {"event_type": "TRUCE"}),
        Variant(
            "event_type=DRONE_STRIKE & status=none",
            {"event_type": "DRONE_STRIKE", "status": "none"},
        ),
        Variant(f"coder={coder}", {"coder": coder}),
        Variant("coder (1 article in 200)", {"coder": str(scene.rare_coder_id)}),
        Variant("event_type=TRUCE & coder", {"event_type": "TRUCE", "coder": coder}),
        Variant(
            "event_type=TRUCE & coder (1 article in 200)",
            {"event_type": "TRUCE", "coder": str(scene.rare_coder_id)},
        ),
    ]


def resolve(base: str, token: str, project_id: int, variant: Variant) -> str:
    """The path of the variant's page: its filters, then `next` followed `depth` times."""
    from urllib.parse import urlencode, urlsplit

    import httpx

    path = f"/api/v1/projects/{project_id}/adjudication/queue/"
    query = urlencode(variant.params | {"page_size": "50"})
    url = f"{path}?{query}"
    with httpx.Client(base_url=base, headers={"Authorization": f"Token {token}"}) as client:
        for _ in range(variant.depth):
            answer = client.get(url)
            answer.raise_for_status()
            link = answer.json()["next"]
            if link is None:  # a smaller queue: its last page
                break
            parts = urlsplit(link)
            url = f"{parts.path}?{parts.query}"
    return url


@dataclass
class Measured:
    label: str
    count: str
    p50: float
    p95: float
    cpu_app: float
    cpu_db: float
    requests: int
    parallel: int
    load: float
    inprocess: tuple[float, float]  # CPU ms per request in this process: Django, its backend
    plan: str  # the access paths of the request's statements (EXPLAIN ANALYZE)


Explain = Callable[[str], tuple[int, str]]


def measure(
    scene: Scene,
    url: str,
    *,
    rate: float,
    duration: float,
    db_name: str,
    explain: Explain,
    inprocess_cpu: Callable[[str], tuple[float, float]],
) -> list[Measured]:
    import httpx

    from bench._common import Call, gunicorn, percentile, run_load

    rows = []
    with gunicorn(url, 2) as server:
        for variant in variants(scene):
            paths = [
                resolve(server.base_url, token, scene.project_id, variant)
                for token in scene.supervisor_tokens
            ]
            first = httpx.get(
                server.base_url + paths[0],
                headers={"Authorization": f"Token {scene.supervisor_tokens[0]}"},
            ).json()
            count = f"{first['count']:,}" + ("" if first["count_exact"] else "+")
            calls = [
                Call("GET", path, {"Authorization": f"Token {token}"})
                for path, token in zip(paths, scene.supervisor_tokens, strict=True)
            ]
            result = run_load(
                server, calls, warmup=3.0, duration=duration, expect=200, db_name=db_name, rate=rate
            )
            if result.errors:
                raise RuntimeError(f"{variant.label}: {result.error_examples}")
            cpu = result.cpu_ms_per_request()
            workers, plan = explain(paths[0])
            rows.append(
                Measured(
                    variant.label,
                    count,
                    percentile(result.latencies_ms, 50),
                    percentile(result.latencies_ms, 95),
                    cpu["app"],
                    cpu["database"],
                    len(result.latencies_ms),
                    workers,
                    result.load_average,
                    inprocess_cpu(paths[0]),
                    plan,
                )
            )
    return rows


def _use_database(name: str) -> str:
    """Point Django's connection at another database of the same server; its URL."""
    from django.db import connections

    from bench.bench_adjudication import SERVER

    connections.close_all()
    connections["default"].settings_dict["NAME"] = name
    return f"{SERVER}/{name}"


def _snapshot(db_name: str, size: int) -> str:
    """Copy the database as it is (ATHAR_BENCH_DB_<size>) for a later --reuse-db."""
    from django.db import connection

    copy = f"{db_name}_{size}"
    _use_database("postgres")
    with connection.cursor() as cursor:  # a template must have no other session
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            [db_name],
        )
        cursor.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        cursor.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{db_name}"')
    _use_database(db_name)
    return copy


def _print_row(row: Measured) -> None:
    print(
        f"#   {row.label}: {row.count} rows, p50 {row.p50:.1f} / p95 {row.p95:.1f} ms, "
        f"CPU {row.cpu_app + row.cpu_db:.1f} ms ({row.cpu_app:.1f} gunicorn + "
        f"{row.cpu_db:.1f} PostgreSQL), in-process CPU {sum(row.inprocess):.1f} ms "
        f"({row.inprocess[0]:.1f} + {row.inprocess[1]:.1f}), {row.parallel} parallel "
        f"workers, load {row.load:.1f}\n#     plan: {row.plan}",
        flush=True,
    )


def run_scale(
    args: Any,
    db_name: str,
    url: str,
    explain: Explain,
    inprocess_cpu: Callable[[str], tuple[float, float]],
) -> None:
    """Grow (or, with --reuse-db, take the kept copies), measure at each size, print one
    line per request and size and the growth table."""
    from bench._common import machine_note

    sizes = [int(s) for s in args.scale.split(",")]
    results: dict[int, list[Measured]] = {}
    builds: dict[int, str] = {}
    scene = None if args.reuse_db else create_scene()
    for size in sizes:
        if args.reuse_db:
            scene = reuse_scene()
            if scene.n_articles != size:
                url = _use_database(f"{db_name}_{size}")
                scene = reuse_scene()
            if scene.n_articles != size:
                raise SystemExit(f"no kept database of {size:,} articles")
            builds[size] = "kept from an earlier --keep-db run"
            measured_db = str(url.rsplit("/", 1)[1])
        else:
            assert scene is not None
            sql_queue = size > args.service_queue_up_to
            took = grow(scene, size, sql_queue)
            builds[size] = f"rows generated in SQL in {took['created']:.0f} s, then " + (
                f"queue entries and keys in SQL, counts recounted by the service in "
                f"{took['refreshed']:.0f} s; check: {took['check']}"
                if sql_queue
                else f"queue rows, keys and counts written by the service in "
                f"{took['refreshed']:.0f} s"
            )
            measured_db = db_name
        print(f"# {size:,} articles: {builds[size]}; load {os.getloadavg()[0]:.1f}", flush=True)
        results[size] = measure(
            scene,
            url,
            rate=args.rate,
            duration=args.duration,
            db_name=measured_db,
            explain=explain,
            inprocess_cpu=inprocess_cpu,
        )
        for row in results[size]:
            _print_row(row)
        if args.reuse_db:
            url = _use_database(db_name)
        elif args.keep_db and size != sizes[-1]:
            print(f"#   kept as {_snapshot(db_name, size)}", flush=True)
    print(f"\n### Adjudication queue at scale (19.1)\n\nMachine: {machine_note()}  ")
    print(
        f"{SUPERVISORS} supervisors (own tokens), open loop at {args.rate:g} requests/s for "
        f"{args.duration:g} s per row after 3 s of warm-up, gunicorn 2 sync workers, "
        "page_size 50. HTTP CPU per request = gunicorn + the database's PostgreSQL backends "
        "over the window; in-process CPU = the same GET through Django's test client, this "
        "process + its backend, median of 5 batches of 10 (less sensitive to the load)."
    )
    for size in sizes:
        print(f"- {size:,} articles: {builds[size]}")
    header = "| request | " + " | ".join(
        f"rows / CPU ms in-process / HTTP / p50 / p95 ms / par. workers / load at {_k(s)}"
        for s in sizes
    )
    print("\n" + header + " |")
    print("| --- |" + " ---: |" * len(sizes))
    for i, variant in enumerate(results[sizes[0]]):
        cells = []
        for size in sizes:
            row = results[size][i]
            cells.append(
                f"{row.count} / **{sum(row.inprocess):.1f}** / {row.cpu_app + row.cpu_db:.1f} / "
                f"{row.p50:.0f} / {row.p95:.0f} / {row.parallel} / {row.load:.1f}"
            )
        print(f"| {variant.label} | " + " | ".join(cells) + " |")


def _k(size: int) -> str:
    return f"{size // 1_000_000}M" if size >= 1_000_000 else f"{size // 1000}k"
