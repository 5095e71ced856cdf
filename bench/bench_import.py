"""Benchmark: a supervisor imports articles over HTTP, as a user meets it: sign in for a
token (POST /api/v1/auth/token/), upload a JSONL file (multipart POST
/api/v1/projects/{id}/articles/import/) to gunicorn in the production shape. A file of at most
ATHAR_IMPORT_IN_REQUEST_MAX_BYTES (8 MiB: the 1,000-article one) is imported in the request,
answered 201 with the finished job; a larger one is stored and answered 202 with a job, which
a real Celery worker process imports (parses, canonicalizes, deduplicates, stores, assigns each
article to 2 of 3 coders) while the client polls the job's url until it is done. The time a
user waits is upload → job done.

Run: ATHAR_BENCH_DB=athar_bench_importtask .venv/bin/python bench/bench_import.py
     [--sizes 1000,10000,100000] [--per-file 25000] [--chars 3000] [--runs 1]
     [--celery-workers 1] [--keep] [--reuse]
Re-run alone on an idle machine with the kept database: add --reuse (it is not rebuilt; each
run imports into new projects of it, so it grows as a real one does) and --keep.

Each size is imported into a new, empty project. A file holds at most --per-file articles
(25,000 are ~110 MiB, under the 200 MiB upload limit ATHAR_MAX_IMPORT_BYTES), so 100,000
articles are four uploads, one after another (each waited for until its job is done), into the
same project; each upload's figures are printed (the project grows between them). No request
runs the import, so gunicorn's 300 s timeout no longer bounds a file's size.

CPU of every process that worked, from /proc: the gunicorn master and workers, the Celery
worker (its main process and pool children), the PostgreSQL backends of the bench database
(sampled every 0.2 s, so a connection that ends still counts), and this process (the HTTP
client, polling included). The rest of the machine's busy time is printed as "other
processes", and the load average beside every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (
    article_text,
    cpu_snapshot,
    database_url,
    drop_database,
    gunicorn,
    print_summary,
    recreate_database,
    setup_django,
)
from bench._import_processes import BackendCpu, TreeCpu, celery_worker

DB_NAME = os.environ.get("ATHAR_BENCH_DB", "athar_bench_importtask")
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/5")
POLL_SECONDS = 0.5
CODERS = 3
OVERLAP = 2
TARGET_SECONDS = 5.0
PASSWORD = "bench-import-supervisor-password"  # noqa: S105 (a throw-away bench account)


def write_jsonl(path: Path, first: int, n: int, chars: int) -> int:
    """Write articles first … first+n-1 to `path`, one row at a time; return its size in
    bytes. Half the rows give their language, half leave it to detection."""
    rng = random.Random(20240611 + first)
    with path.open("w", encoding="utf-8", newline="") as out:
        for i in range(first, first + n):
            language, text = article_text(i, chars, rng)
            row: dict[str, Any] = {
                "title": f"Dépêche {i}: " + text[12:70].replace("\r", " ").replace("\n", " "),
                "text": text,
                "source": ("Sahel Wire", "Le Républicain", "الأخبار")[i % 3],
                "url": f"https://news.example.org/{i}",
                "published_at": f"2022-06-{1 + i % 28:02d}T08:00:00Z",
                "external_id": f"sw-{i}",
                "desk": "Mopti" if i % 2 else "Gao",  # an extra key: goes to metadata
            }
            if i % 2 == 0:
                row["language"] = language
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path.stat().st_size


@dataclass
class Upload:
    articles: int
    bytes: int
    request_seconds: float  # the upload request (import a small file, else store it: 202)
    answer: int  # 201: imported in the request; 202: by the worker
    seconds: float  # upload → job done, as the user waits
    gunicorn_cpu: float
    celery_cpu: float
    postgres_cpu: float
    client_cpu: float
    others_share: float  # of all cores, busy time outside the processes above
    load_average: float  # 1-minute load average at the start
    load_end: float  # ... and at the end
    created: int
    assignments: int


def project_for(slug: str) -> tuple[int, str]:
    """A new project with 3 coders and a supervisor who has a password; (project id,
    supervisor's username)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from coding.codebook_spec.presets import load_preset
    from coding.models import CodebookVersion, User
    from coding.services.codebooks import codebook_version_create
    from coding.services.projects import membership_set, project_create

    version = CodebookVersion.objects.filter(
        codebook__slug="acled", status=CodebookVersion.Status.PUBLISHED
    ).first() or codebook_version_create(spec=load_preset("acled"), publish=True)
    project = project_create(slug=slug, name=slug, codebook_version=version, overlap=OVERLAP)
    for c in range(CODERS):
        user, _ = User.objects.get_or_create(username=f"{slug}-coder{c}")
        membership_set(project=project, user=user, role="coder")
    # Hashed as the production server hashes (this process runs the test settings, whose
    # fast MD5 hasher production does not accept).
    hasher = PBKDF2PasswordHasher()
    supervisor = User.objects.create(
        username=f"{slug}-supervisor", password=hasher.encode(PASSWORD, hasher.salt())
    )
    membership_set(project=project, user=supervisor, role="supervisor")
    return project.pk, supervisor.username


def sign_in(base_url: str, username: str, password: str) -> str:
    import httpx

    response = httpx.post(
        f"{base_url}/api/v1/auth/token/",
        json={"username": username, "password": password},
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["token"])


def upload_and_wait(
    base_url: str,
    server_pid: int,
    celery_pid: int,
    project_id: int,
    token: str,
    path: Path,
    *,
    db_name: str = DB_NAME,
    poll_seconds: float = POLL_SECONDS,
) -> tuple[dict[str, Any], dict[str, float]]:
    """POST `path`, then poll the job until it is done; the job and the CPU/time figures."""
    import httpx

    before = cpu_snapshot(server_pid, db_name)
    backends = BackendCpu(db_name)
    celery = TreeCpu(celery_pid)
    load = os.getloadavg()[0]
    headers = {"Authorization": f"Token {token}"}
    start = time.perf_counter()
    with httpx.Client(headers=headers, timeout=600) as client:
        with path.open("rb") as handle:
            response = client.post(
                f"{base_url}/api/v1/projects/{project_id}/articles/import/",
                files={"file": (path.name, handle, "application/x-ndjson")},
            )
        request_seconds = time.perf_counter() - start
        if response.status_code not in (201, 202):
            raise SystemExit(f"import answered {response.status_code}: {response.text[:400]}")
        job = response.json()
        # 201: a small upload, imported in the request (the job is finished); 202: a worker's.
        if (response.status_code == 201) != (job["status"] in ("done", "failed")):
            raise SystemExit(
                f"the upload answered {response.status_code} with a {job['status']} job"
            )
        while job["status"] not in ("done", "failed"):
            time.sleep(poll_seconds)
            job = client.get(base_url + job["url"]).json()
    seconds = time.perf_counter() - start
    database = backends.stop()
    worker = celery.stop()
    spent = cpu_snapshot(server_pid, db_name) - before
    if job["status"] != "done":
        raise SystemExit(f"the import failed: {json.dumps(job['error'])[:400]}")
    ours = spent.app + database + spent.driver + worker
    return job, {
        "answer": response.status_code,
        "request_seconds": request_seconds,
        "seconds": seconds,
        "gunicorn": spent.app,
        "celery": worker,
        "postgres": database,
        "client": spent.driver,
        "others": max(0.0, spent.machine - ours) / (seconds * (os.cpu_count() or 1)),
        "load": load,
        "load_end": os.getloadavg()[0],
    }


def files_for(size: int, per_file: int) -> Iterator[tuple[int, int]]:
    """(first article index, count) of each file that makes up `size` articles."""
    for first in range(0, size, per_file):
        yield first, min(per_file, size - first)


def import_size(
    servers: tuple[Any, subprocess.Popen[bytes]],
    size: int,
    per_file: int,
    chars: int,
    run: int,
    tmp: Path,
) -> list[Upload]:
    """Import `size` articles into a new project, file after file; the uploads."""
    from coding.models import Assignment

    server, celery = servers
    stamp = time.strftime("%Y%m%d%H%M%S")
    project_id, username = project_for(f"imp-{size}-{run}-{stamp}")
    uploads: list[Upload] = []
    token = sign_in(server.base_url, username, PASSWORD)
    for first, n in files_for(size, per_file):
        # Offsets keep every size's texts distinct from the others' (no duplicates); a
        # reused database gets new texts from the time stamp.
        path = tmp / f"articles-{size}-{first}.jsonl"
        nbytes = write_jsonl(path, int(stamp[-6:]) * 10**7 + size * 10 + first, n, chars)
        job, figures = upload_and_wait(
            server.base_url, server.process.pid, celery.pid, project_id, token, path
        )
        path.unlink()
        uploads.append(
            Upload(
                articles=n,
                bytes=nbytes,
                request_seconds=figures["request_seconds"],
                answer=int(figures["answer"]),
                seconds=figures["seconds"],
                gunicorn_cpu=figures["gunicorn"],
                celery_cpu=figures["celery"],
                postgres_cpu=figures["postgres"],
                client_cpu=figures["client"],
                others_share=figures["others"],
                load_average=figures["load"],
                load_end=figures["load_end"],
                created=job["result"]["created"],
                assignments=job["result"]["assignments_created"],
            )
        )
        print(f"  {size:,}: {describe_upload(uploads[-1])}", flush=True)
    created = sum(u.created for u in uploads)
    assigned = Assignment.objects.filter(project_id=project_id).count()
    if created != size or assigned != size * OVERLAP:
        raise SystemExit(
            f"expected {size} articles and {size * OVERLAP} assignments, got "
            f"{created} and {assigned}"
        )
    return uploads


def warm_up(servers: tuple[Any, subprocess.Popen[bytes]], tmp: Path) -> None:
    """One small import first (not measured): the web and pool processes load their code
    and open their connections, as they have long done on a server in use."""
    server, celery = servers
    project_id, username = project_for(f"warm-{time.strftime('%Y%m%d%H%M%S')}")
    token = sign_in(server.base_url, username, PASSWORD)
    for n in range(2):  # each of the two gunicorn workers, most likely
        path = tmp / f"warm-{n}.jsonl"
        write_jsonl(path, 10**12 + int(time.time()) * 100 + n * 10, 10, 300)
        upload_and_wait(server.base_url, server.process.pid, celery.pid, project_id, token, path)
        path.unlink()


def server_cpu(u: Upload) -> float:
    return u.gunicorn_cpu + u.celery_cpu + u.postgres_cpu


def describe_upload(u: Upload) -> str:
    return (
        f"{u.articles:,} articles ({u.bytes / 2**20:.0f} MiB): upload answered {u.answer} in "
        f"{u.request_seconds:.2f} s, job done after {u.seconds:.2f} s "
        f"({u.articles / u.seconds:,.0f}/s); CPU gunicorn {u.gunicorn_cpu:.2f} s + Celery "
        f"{u.celery_cpu:.2f} s + PostgreSQL {u.postgres_cpu:.2f} s = "
        f"{server_cpu(u) / u.articles * 1000:.2f} ms per article (client {u.client_cpu:.2f} s); "
        f"other processes {u.others_share:.0%} of the machine; load average "
        f"{u.load_average:.1f} → {u.load_end:.1f}"
    )


def prepare_database(reuse: bool) -> str:
    """The bench database: created and migrated, or (--reuse) the kept one as it is."""
    if reuse:
        import psycopg

        with psycopg.connect(database_url("postgres")) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
            if found.fetchone() is None:
                raise SystemExit(f"--reuse: no database {DB_NAME}; run once with --keep")
        return database_url(DB_NAME)
    return recreate_database(DB_NAME)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--per-file", type=int, default=25_000)
    parser.add_argument("--chars", type=int, default=3_000)
    parser.add_argument("--runs", type=int, default=1, help="runs per size (medians printed)")
    parser.add_argument("--celery-workers", type=int, default=1, help="worker pool processes")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the kept database as it is")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    url = prepare_database(args.reuse)
    setup_django(url)
    lines: list[str] = []
    try:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            with (
                # With a broker, the web processes send the import to the worker (without
                # one they would run it in the request, eagerly).
                gunicorn(url, 2, ["--timeout", "300"], {"CELERY_BROKER_URL": BROKER}) as server,
                celery_worker(url, args.celery_workers, BROKER) as celery,
            ):
                warm_up((server, celery), tmp)
                for size in sizes:
                    results = [
                        import_size((server, celery), size, args.per_file, args.chars, run, tmp)
                        for run in range(args.runs)
                    ]
                    line = size_line(size, results)
                    print(line, flush=True)
                    lines.append(line)
                    if len(results[0]) > 1:
                        middle = results[statistics_index(results)]
                        parts = "; ".join(
                            f"{u.seconds:.1f} s (load {u.load_average:.1f})" for u in middle
                        )
                        lines.append(f"  the {size:,} articles' files one after another: {parts}")
    finally:
        if not args.keep:
            drop_database(DB_NAME)
    lines.append(
        f"articles of ~{args.chars:,} characters (Arabic/French/English, emoji, CRLF, one in ten "
        f"decomposed), JSONL, ≤ {args.per_file:,} per file, {CODERS} coders, overlap {OVERLAP}; "
        "token sign-in; one supervisor uploading one file at a time and polling its job every "
        f"{POLL_SECONDS} s; gunicorn 2 sync workers (timeout 300 s) and a Celery worker with "
        f"{args.celery_workers} pool process(es), ATHAR_ENV=production"
    )
    command = (
        f"ATHAR_BENCH_DB={DB_NAME} .venv/bin/python bench/bench_import.py --sizes {args.sizes} "
        f"--per-file {args.per_file} --runs {args.runs} --celery-workers {args.celery_workers}"
        " --reuse --keep"
    )
    print_summary("Import over HTTP at three sizes", command, lines)


def statistics_index(results: list[list[Upload]]) -> int:
    """Index of the run with the median total time."""
    totals = [sum(u.seconds for u in uploads) for uploads in results]
    return sorted(range(len(totals)), key=totals.__getitem__)[len(totals) // 2]


def size_line(size: int, results: list[list[Upload]]) -> str:
    def med(key: Any) -> float:
        return statistics.median(key(uploads) for uploads in results)

    seconds = med(lambda u: sum(x.seconds for x in u))
    request = med(lambda u: max(x.request_seconds for x in u))
    gun = med(lambda u: sum(x.gunicorn_cpu for x in u))
    cel = med(lambda u: sum(x.celery_cpu for x in u))
    pg = med(lambda u: sum(x.postgres_cpu for x in u))
    others = med(lambda u: statistics.fmean(x.others_share for x in u))
    load = med(lambda u: statistics.fmean(x.load_average for x in u))
    mib = sum(u.bytes for u in results[0]) / 2**20
    files = len(results[0])
    return (
        f"**{size:,} articles** (~{mib:,.0f} MiB in {files} file{'s' if files > 1 else ''}; "
        f"median of {len(results)}): upload → done **{seconds:.2f} s** "
        f"({size / seconds:,.0f} articles/s); slowest upload request {request:.2f} s; CPU "
        f"gunicorn {gun:.2f} s + Celery {cel:.2f} s + PostgreSQL {pg:.2f} s = "
        f"**{(gun + cel + pg) / size * 1000:.2f} ms per article**; other processes "
        f"{others:.0%} of the machine; load average {load:.1f}"
    )


if __name__ == "__main__":
    main()
