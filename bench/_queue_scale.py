"""The adjudication queue at growing project sizes, over HTTP (bench_adjudication.py --scale).

One database (ATHAR_BENCH_DB, default athar_bench_queue) grows to each size in turn (1k, 10k,
100k articles by default): the new articles, their assignments (overlap 3 among 20 coders,
one of whom codes one article in 200), coder events, one finished agreement run per
article with its disagreements, open and validated adjudications are bulk-created, then the
queue's rows, filter keys and counts are written by the service
(coding.services.review_queue.review_queue_refresh, 2,000 articles per transaction, as the
agreement service does for a chunk of stored runs). At each size gunicorn (production
settings, 2 sync workers) serves the queue to several supervisors, each with their own token,
in an open loop (requests spread evenly at --rate per second, so latency is not a closed
loop's queueing); CPU per request = gunicorn master and workers + the database's PostgreSQL
backends (/proc/PID/stat) over the measured window, divided by the requests; the parallel
workers PostgreSQL starts for the request's statements are counted with EXPLAIN ANALYZE
(their CPU is not in the backends' and would be added if any ran).
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TYPES = [("ATTACK", "ARMED_ASSAULT", 0.6), ("ATTACK", "DRONE_STRIKE", 0.25), ("TRUCE", None, 0.15)]
N_CODERS = 20
OVERLAP = 3
SUPERVISORS = 4
BATCH = 5000
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


def grow(scene: Scene, target: int, rng: random.Random) -> dict[str, float]:
    """Add articles up to `target`; seconds spent bulk-creating and refreshing the queue."""
    from django.db import transaction

    from coding.services.review_queue import review_queue_refresh

    start = time.perf_counter()
    new_ids: list[int] = []
    while scene.n_articles < target:
        size = min(BATCH, target - scene.n_articles)
        with transaction.atomic():
            new_ids += _batch(scene, scene.n_articles, size, rng)
        scene.n_articles += size
    created = time.perf_counter() - start
    start = time.perf_counter()
    for first in range(0, len(new_ids), REFRESH_CHUNK):
        review_queue_refresh(article_ids=new_ids[first : first + REFRESH_CHUNK])
    refreshed = time.perf_counter() - start
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"created": created, "refreshed": refreshed}


def _batch(scene: Scene, first: int, size: int, rng: random.Random) -> list[int]:
    from django.utils import timezone

    from coding.models import (
        Adjudication,
        AgreementRun,
        Article,
        Assignment,
        CodedEvent,
        Disagreement,
    )
    from coding.text.canonical import text_sha256

    now = timezone.now()
    texts = [f"Report {first + i:07d}: gunmen attacked a post near Boulkessi." for i in range(size)]
    articles = Article.objects.bulk_create(
        Article(
            project_id=scene.project_id,
            title=f"Report {first + i}",
            text=text,
            text_sha256=text_sha256(text),
            len_cp=len(text),
            len_u16=len(text),
            language="en",
            direction="ltr",
            paragraphs=[[0, len(text), "ltr"]],
            source="Bench Wire",
        )
        for i, text in enumerate(texts)
    )
    pairs = []
    for article in articles:
        coders = rng.sample(scene.coder_ids, OVERLAP)
        if rng.random() < 0.005:
            coders[-1] = scene.rare_coder_id
        pairs += [(article, coder) for coder in coders]
    assignments = Assignment.objects.bulk_create(
        Assignment(
            project_id=scene.project_id,
            article=article,
            coder_id=coder,
            status="submitted",
            started_at=now,
            submitted_at=now,
        )
        for article, coder in pairs
    )
    kinds = [(t, s) for t, s, _ in TYPES]
    weights = [w for _, _, w in TYPES]
    events = []
    for assignment in assignments:
        for _ in range(rng.choice((1, 1, 2))):
            type_code, subtype = rng.choices(kinds, weights)[0]
            events.append(
                CodedEvent(
                    article_id=assignment.article_id,
                    codebook_version_id=scene.codebook_version_id,
                    layer="coder",
                    assignment=assignment,
                    event_type_id=scene.type_ids[type_code],
                    event_subtype_id=scene.type_ids[subtype] if subtype else None,
                    values={},
                    created_by_id=assignment.coder_id,
                )
            )
    CodedEvent.objects.bulk_create(events, batch_size=2000)
    coders_of: dict[int, list[int]] = {}
    for article, coder in pairs:
        coders_of.setdefault(article.pk, []).append(coder)
    runs = AgreementRun.objects.bulk_create(
        AgreementRun(
            project_id=scene.project_id,
            article_id=article.pk,
            scope="article",
            status="done",
            input_digest=f"scale-{article.pk}",
            params={"coders": sorted(coders_of[article.pk]), "clusters": []},
            progress_done=1,
            progress_total=1,
            started_at=now,
            finished_at=now,
        )
        for article in articles
    )
    Disagreement.objects.bulk_create(
        (
            Disagreement(
                run=run,
                article_id=run.article_id,
                kind="other_field",
                severity=rng.choice((1, 1, 2, 2, 2, 3, 3, 4, 5)),
                cluster_key=f"c{j}",
            )
            for run in runs
            if rng.random() >= 0.2  # one article in five: the coders agree
            for j in range(rng.choice((1, 1, 2, 3, 4)))
        ),
        batch_size=5000,
    )
    chosen = [a.pk for a in articles if rng.random() < 7 / 40]
    validated = set(chosen[: len(chosen) * 2 // 7])
    Adjudication.objects.bulk_create(
        Adjudication(
            project_id=scene.project_id,
            article_id=pk,
            status="validated" if pk in validated else "open",
            validated_at=now if pk in validated else None,
            validated_by_id=scene.supervisor_ids[0] if pk in validated else None,
        )
        for pk in chosen
    )
    return [a.pk for a in articles]


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
        Variant("event_type=TRUCE & coder (count capped)", {"event_type": "TRUCE", "coder": coder}),
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


def measure(
    scene: Scene,
    url: str,
    *,
    rate: float,
    duration: float,
    db_name: str,
    parallel_workers: Callable[[str], int],
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
            rows.append(
                Measured(
                    variant.label,
                    count,
                    percentile(result.latencies_ms, 50),
                    percentile(result.latencies_ms, 95),
                    cpu["app"],
                    cpu["database"],
                    len(result.latencies_ms),
                    parallel_workers(paths[0]),
                    result.load_average,
                    inprocess_cpu(paths[0]),
                )
            )
    return rows


def run_scale(
    args: Any,
    db_name: str,
    url: str,
    parallel_workers: Callable[[str], int],
    inprocess_cpu: Callable[[str], tuple[float, float]],
) -> None:
    """Grow, measure at each size, print one table per size and the growth table."""
    from bench._common import machine_note

    rng = random.Random(20_261_207)
    scene = create_scene()
    sizes = [int(s) for s in args.scale.split(",")]
    results: dict[int, list[Measured]] = {}
    builds: dict[int, dict[str, float]] = {}
    for size in sizes:
        builds[size] = grow(scene, size, rng)
        print(
            f"# {size:,} articles: bulk-created in {builds[size]['created']:.0f} s, queue rows "
            f"refreshed by the service in {builds[size]['refreshed']:.0f} s; load "
            f"{os.getloadavg()[0]:.1f}",
            flush=True,
        )
        results[size] = measure(
            scene,
            url,
            rate=args.rate,
            duration=args.duration,
            db_name=db_name,
            parallel_workers=parallel_workers,
            inprocess_cpu=inprocess_cpu,
        )
        for row in results[size]:
            print(
                f"#   {row.label}: {row.count} rows, p50 {row.p50:.1f} / p95 {row.p95:.1f} ms, "
                f"CPU {row.cpu_app + row.cpu_db:.1f} ms ({row.cpu_app:.1f} gunicorn + "
                f"{row.cpu_db:.1f} PostgreSQL), in-process CPU {sum(row.inprocess):.1f} ms "
                f"({row.inprocess[0]:.1f} + {row.inprocess[1]:.1f}), {row.parallel} parallel "
                f"workers, load {row.load:.1f}",
                flush=True,
            )
    print(f"\n### Adjudication queue at scale (19.1)\n\nMachine: {machine_note()}  ")
    print(
        f"{SUPERVISORS} supervisors (own tokens), open loop at {args.rate:g} requests/s for "
        f"{args.duration:g} s per row after 3 s of warm-up, gunicorn 2 sync workers, "
        "page_size 50. HTTP CPU per request = gunicorn + the database's PostgreSQL backends "
        "over the window; in-process CPU = the same GET through Django's test client, this "
        "process + its backend, median of 5 batches of 10 (less sensitive to the load)."
    )
    for size in sizes:
        print(
            f"- {size:,} articles: built in {builds[size]['created']:.0f} s (bulk) + "
            f"{builds[size]['refreshed']:.0f} s (queue refresh by the service)"
        )
    header = "| request | " + " | ".join(
        f"rows / CPU ms in-process / HTTP / p50 / p95 ms / par. workers / load at {s // 1000}k"
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
