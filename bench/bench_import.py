"""Benchmark: a supervisor imports articles over HTTP, as a user does it: sign in for a token
(POST /api/v1/auth/token/), upload JSONL files (multipart POST
/api/v1/projects/{id}/articles/import/) to gunicorn in the production shape; the server parses,
canonicalizes, deduplicates, stores and assigns each article to 2 of 3 coders, in the request.

Run: ATHAR_BENCH_DB=athar_bench_import .venv/bin/python bench/bench_import.py
     [--sizes 1000,10000,100000] [--per-file 10000] [--chars 3000] [--runs 1] [--keep-db]
Target (issue 4): 10,000 articles of ~3,000 characters in <= 5 s, in bounded memory.

Each size is imported into a new, empty project of the bench database. A file holds at most
--per-file articles (10,000 are ~43 MiB, under the default 200 MiB upload limit
ATHAR_MAX_IMPORT_BYTES), so 100,000 articles are ten uploads, one after another, into the
same project, and each upload's time is printed (the project grows between them). Larger files
risk the worker timeout on a busy machine: a 25,000-article upload outlived it at load 28
(docs/PERFORMANCE.md, 19.6). gunicorn runs 2 sync workers with the production timeout (300 s,
`make serve-prod`) and is started afresh for each size, so its workers' peak RSS (VmHWM) is
that size's.

CPU of every process that worked, from /proc: the gunicorn master and workers, the PostgreSQL
backends of the bench database (parallel workers included; sampled through the request, so a
connection closed at its end still counts), and this process (the HTTP client); no Celery
worker, because the import does its work in the request (it writes no outbox row: checked).
The rest of the machine's busy time is printed as "other processes".
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (
    article_text,
    cpu_snapshot,
    drop_database,
    gunicorn,
    print_summary,
    process_cpu_seconds,
    recreate_database,
    setup_django,
)

DB_NAME = os.environ.get("ATHAR_BENCH_DB", "athar_bench_import")
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
    seconds: float
    gunicorn_cpu: float
    postgres_cpu: float
    client_cpu: float
    others_share: float  # of all cores, busy time outside the processes above
    load_average: float
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


class BackendCpu:
    """CPU of the PostgreSQL backends of one database over a stretch of time, sampled every
    0.2 s in a thread: a backend that ends within the stretch (a web worker's connection
    outliving CONN_MAX_AGE is closed at the end of the request) keeps the CPU it was last
    seen with, which a snapshot at the end would miss."""

    def __init__(self, db_name: str) -> None:
        self.db_name = db_name
        self.first: dict[int, float] = self._read()
        self.last: dict[int, float] = dict(self.first)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _read(self) -> dict[int, float]:
        out = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                title = (entry / "cmdline").read_text()
            except OSError:
                continue
            if title.startswith("postgres:") and f" {self.db_name} " in title:
                out[int(entry.name)] = process_cpu_seconds(int(entry.name))
        return out

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            for pid, cpu in self._read().items():
                self.last[pid] = max(cpu, self.last.get(pid, 0.0))

    def stop(self) -> float:
        """Stop sampling; CPU seconds the backends used since the start."""
        self._stop.set()
        self._thread.join()
        for pid, cpu in self._read().items():
            self.last[pid] = max(cpu, self.last.get(pid, 0.0))
        return sum(cpu - self.first.get(pid, 0.0) for pid, cpu in self.last.items())


def upload(
    base_url: str, server_pid: int, db_name: str, project_id: int, token: str, path: Path
) -> tuple[dict[str, Any], dict[str, float]]:
    """POST `path` as a multipart upload; return the answer and the CPU/time figures."""
    import httpx

    before = cpu_snapshot(server_pid, db_name)
    backends = BackendCpu(db_name)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    with path.open("rb") as handle:
        response = httpx.post(
            f"{base_url}/api/v1/projects/{project_id}/articles/import/",
            headers={"Authorization": f"Token {token}"},
            files={"file": (path.name, handle, "application/x-ndjson")},
            timeout=600,
        )
    seconds = time.perf_counter() - start
    database = backends.stop()
    spent = cpu_snapshot(server_pid, db_name) - before
    if response.status_code != 201:
        raise SystemExit(f"import answered {response.status_code}: {response.text[:400]}")
    ours = spent.app + database + spent.driver
    return response.json(), {
        "seconds": seconds,
        "gunicorn": spent.app,
        "postgres": database,
        "client": spent.driver,
        "others": max(0.0, spent.machine - ours) / (seconds * (os.cpu_count() or 1)),
        "load": load,
    }


def worker_peak_rss_mib(master_pid: int) -> float:
    """The largest peak resident set (VmHWM) among the gunicorn master's children."""
    peak = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master_pid):
            peak = max(peak, int(fields.get("VmHWM", "0 kB").split()[0]))
    return peak / 1024


def outbox_rows() -> int:
    from coding.models import OutboxItem

    return int(OutboxItem.objects.count())


def files_for(size: int, per_file: int) -> Iterator[tuple[int, int]]:
    """(first article index, count) of each file that makes up `size` articles."""
    for first in range(0, size, per_file):
        yield first, min(per_file, size - first)


def import_size(
    url: str, size: int, per_file: int, chars: int, run: int, tmp: Path
) -> tuple[list[Upload], float]:
    """Import `size` articles into a new project; the uploads and the workers' peak RSS."""
    from coding.models import Assignment

    project_id, username = project_for(f"imp-{size}-{run}")
    uploads: list[Upload] = []
    outbox_before = outbox_rows()
    with gunicorn(url, 2, ["--timeout", "300"]) as server:
        token = sign_in(server.base_url, username, PASSWORD)
        for first, n in files_for(size, per_file):
            # Offsets keep every size's texts distinct from the others' (no duplicates).
            path = tmp / f"articles-{size}-{first}.jsonl"
            nbytes = write_jsonl(path, size * 10 + first, n, chars)
            answer, figures = upload(
                server.base_url, server.process.pid, DB_NAME, project_id, token, path
            )
            path.unlink()
            uploads.append(
                Upload(
                    articles=n,
                    bytes=nbytes,
                    seconds=figures["seconds"],
                    gunicorn_cpu=figures["gunicorn"],
                    postgres_cpu=figures["postgres"],
                    client_cpu=figures["client"],
                    others_share=figures["others"],
                    load_average=figures["load"],
                    created=answer["created"],
                    assignments=answer["assignments_created"],
                )
            )
            print(f"  {size:,}: {describe_upload(uploads[-1])}")
        peak = worker_peak_rss_mib(server.process.pid)
    created = sum(u.created for u in uploads)
    assigned = Assignment.objects.filter(project_id=project_id).count()
    if created != size or assigned != size * OVERLAP:
        raise SystemExit(
            f"expected {size} articles and {size * OVERLAP} assignments, got "
            f"{created} and {assigned}"
        )
    if outbox_rows() != outbox_before:
        raise SystemExit("the import wrote outbox rows: a Celery worker's CPU must be counted")
    return uploads, peak


def describe_upload(u: Upload) -> str:
    return (
        f"{u.articles:,} articles ({u.bytes / 2**20:.0f} MiB) in {u.seconds:.2f} s "
        f"({u.articles / u.seconds:,.0f}/s); CPU gunicorn {u.gunicorn_cpu:.2f} s + PostgreSQL "
        f"{u.postgres_cpu:.2f} s + client {u.client_cpu:.2f} s; other processes "
        f"{u.others_share:.0%} of the machine; load average {u.load_average:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--per-file", type=int, default=10_000)
    parser.add_argument("--chars", type=int, default=3_000)
    parser.add_argument("--runs", type=int, default=1, help="runs per size (medians printed)")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    url = recreate_database(DB_NAME)
    setup_django(url)
    lines: list[str] = []
    met: bool | None = None
    try:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            for size in sizes:
                results = [
                    import_size(url, size, args.per_file, args.chars, run, tmp)
                    for run in range(args.runs)
                ]
                line, seconds = size_line(size, args, results)
                print(line)
                lines.append(line)
                if size == 10_000:
                    met = seconds <= TARGET_SECONDS
                if len(results[0][0]) > 1:
                    parts = "; ".join(
                        f"{u.seconds:.1f} s" for u in results[statistics_index(results)][0]
                    )
                    lines.append(f"  the {size:,} uploads one after another: {parts}")
    finally:
        if not args.keep_db:
            drop_database(DB_NAME)
    lines.append(
        f"target: 10,000 articles in ≤ {TARGET_SECONDS:.0f} s: "
        f"{'not measured' if met is None else 'met' if met else 'MISSED'} "
        "(wall time of the upload request as the client sees it, parsing and assigning included)"
    )
    lines.append(
        f"articles of ~{args.chars:,} characters (Arabic/French/English, emoji, CRLF, one in ten "
        f"decomposed), JSONL, {CODERS} coders, overlap {OVERLAP}; token sign-in; one supervisor "
        "uploading one file at a time; gunicorn 2 sync workers, ATHAR_ENV=production"
    )
    command = (
        f"ATHAR_BENCH_DB={DB_NAME} .venv/bin/python bench/bench_import.py --sizes {args.sizes} "
        f"--per-file {args.per_file} --runs {args.runs}"
    )
    print_summary("Article import over HTTP (upload → articles + assignments)", command, lines)


def statistics_index(results: list[tuple[list[Upload], float]]) -> int:
    """Index of the run with the median total time."""
    totals = [sum(u.seconds for u in uploads) for uploads, _ in results]
    return sorted(range(len(totals)), key=totals.__getitem__)[len(totals) // 2]


def size_line(
    size: int, args: argparse.Namespace, results: list[tuple[list[Upload], float]]
) -> tuple[str, float]:
    def med(key: Any) -> float:
        return statistics.median(key(uploads, peak) for uploads, peak in results)

    seconds = med(lambda u, _: sum(x.seconds for x in u))
    gun = med(lambda u, _: sum(x.gunicorn_cpu for x in u))
    pg = med(lambda u, _: sum(x.postgres_cpu for x in u))
    client = med(lambda u, _: sum(x.client_cpu for x in u))
    others = med(lambda u, _: statistics.fmean(x.others_share for x in u))
    load = med(lambda u, _: statistics.fmean(x.load_average for x in u))
    peak = med(lambda _, p: p)
    mib = sum(u.bytes for u in results[0][0]) / 2**20
    files = len(results[0][0])
    return (
        f"**{size:,} articles** (~{mib:,.0f} MiB in {files} file{'s' if files > 1 else ''}; "
        f"median of {len(results)}): **{seconds:.2f} s** wall ({size / seconds:,.0f} articles/s, "
        f"{seconds / size * 1000:.2f} s per 1,000); CPU gunicorn {gun:.2f} s + PostgreSQL "
        f"{pg:.2f} s + client {client:.2f} s = {(gun + pg) / size * 1000:.2f} ms of server CPU "
        f"per article; gunicorn worker peak RSS {peak:.0f} MiB; other processes {others:.0%} of "
        f"the machine; load average {load:.1f}",
        seconds,
    )


if __name__ == "__main__":
    main()
