"""Side-by-side with doccano 1.8.4 under the same conditions (optional: needs doccano).

Set doccano up once, in a virtual environment of its own, never in the project's .venv:

    python3 -m venv /work/doccano-venv
    /work/doccano-venv/bin/pip install doccano==1.8.4 psycopg2-binary redis \
        "marshmallow<3.21" "numpy<2" "djangorestframework<3.15"

(doccano's loose pins pull releases newer than it that break its start: marshmallow 4, numpy 2
under pandas 1.5, DRF 3.17; the three pins are what was current when 1.8.4 came out.)

Run: .venv/bin/python bench/compare_doccano.py [--doccano-venv /work/doccano-venv]
     [--clients 8] [--duration 15] [--rounds 2] [--import-articles 1000]

Same conditions for both: gunicorn with 2 sync workers on 127.0.0.1, PostgreSQL on the same
server (each its own database: ATHAR_BENCH_DB, default athar_bench_compare, and
DOCCANO_BENCH_DB, default doccano_bench_compare), Redis as the Celery broker, the same load
generator (bench/_load.py) with the same number of clients, each client a different user with
their own token writing on their own documents, and the runs interleaved (Athar, doccano,
doccano, Athar, …). CPU is read from /proc for every process that worked: gunicorn master and
workers, the PostgreSQL backends of that system's database, doccano's Celery worker (its import
runs there), and the client.

What is measured:
- writes: Athar creates an event with 4 evidence spans per request; doccano creates one span
  annotation per request (its data model has no event). Reported per request and per span.
- read: one document with 500 annotations read back by every client: Athar's coding-screen
  read of an assignment with 500 events (each with 4 spans: text, paragraphs, events and spans
  in one request); doccano's span list of an example with 500 spans (its text comes in another
  request, not counted: that favours doccano).
- import: 1,000 articles of ~3,000 characters over HTTP as a user does it, each system with one
  Celery worker process (its CPU counted): Athar, one multipart upload (a file this small is
  imported in the request and answered 201 with the finished job; a larger one is answered 202
  with a job, polled until its worker has stored and assigned the articles); doccano, the
  file upload (filepond) then the import request, then polling its task until its worker is
  done. Both polled every 50 ms; each worker has run one unmeasured import of 10 articles
  first, and each freshly started gunicorn two (WARM_IMPORTS).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import (
    Call,
    LoadResult,
    Server,
    article_text,
    cpu_snapshot,
    database_url,
    drop_database,
    free_port,
    gunicorn,
    latency_summary,
    machine_note,
    process_cpu_seconds,
    recreate_database,
    run_load,
    setup_django,
)
from bench._import_processes import celery_worker

ATHAR_DB = os.environ.get("ATHAR_BENCH_DB", "athar_bench_compare")
DOCCANO_DB = os.environ.get("DOCCANO_BENCH_DB", "doccano_bench_compare")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
# Athar's import jobs go through a broker of their own: doccano's worker listens on the default
# queue of REDIS and would take (and drop) a task it does not know.
ATHAR_BROKER = os.environ.get("BENCH_ATHAR_BROKER_URL", "redis://127.0.0.1:6379/12")
WORD = re.compile(r"\w{3,}")
DOCS_PER_CODER = 20
READ_ANNOTATIONS = 500
# Unmeasured imports of 10 articles into each freshly started gunicorn before the measured one,
# so that both of its workers, most likely, have run an import (loaded the import code, built
# their tables) as long-lived workers have: a small upload is imported in Athar's web process.
WARM_IMPORTS = 2


# --- doccano ------------------------------------------------------------------------------------


def doccano_backend(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python3*/site-packages/backend/config/wsgi.py"))
    if not found or not (venv / "bin" / "gunicorn").exists():
        raise SystemExit(
            f"doccano is not installed in {venv}. Set it up once (its own venv, not the "
            "project's):\n  python3 -m venv /work/doccano-venv\n  /work/doccano-venv/bin/pip "
            "install doccano==1.8.4 psycopg2-binary redis 'marshmallow<3.21' 'numpy<2' "
            "'djangorestframework<3.15'\nthen run this script again "
            "(--doccano-venv PATH if elsewhere). Nothing was compared."
        )
    return found[0].parent.parent


def doccano_env(media: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ATHAR_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATABASE_URL=f"{database_url(DOCCANO_DB)}?sslmode=disable",
        CELERY_BROKER_URL=REDIS,
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="False",
        MEDIA_ROOT=str(media),
        PYTHONWARNINGS="ignore",
    )
    return env


SEED_DOCCANO = r"""
import json, sys, django
django.setup()
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from projects.models import SequenceLabelingProject, Member
from roles.models import Role
from examples.models import Example
from label_types.models import SpanType
from labels.models import Span
from django.conf import settings

spec = json.load(open(sys.argv[1]))
User = get_user_model()
admin = User.objects.create_superuser("bench-admin", "a@example.org", spec["password"])
project = SequenceLabelingProject.objects.create(
    name="bench", description="bench", project_type="SequenceLabeling", created_by=admin)
annotator = Role.objects.get(name=settings.ROLE_ANNOTATOR)
manager = Role.objects.get(name=settings.ROLE_PROJECT_ADMIN)
Member.objects.create(user=admin, project=project, role=manager)
labels = [SpanType.objects.create(project=project, text=t, prefix_key=None, suffix_key=k)
          for t, k in (("trigger", "t"), ("actor", "a"), ("location", "l"), ("date", "d"))]
out = {"project": project.pk, "labels": [l.pk for l in labels], "coders": [],
       "admin_token": Token.objects.create(user=admin).key}
for c, texts in enumerate(spec["coder_texts"]):
    user = User.objects.create_user(f"bench-coder{c}", f"c{c}@example.org", spec["password"])
    Member.objects.create(user=user, project=project, role=annotator)
    examples = Example.objects.bulk_create(
        [Example(project=project, text=t, upload_name="bench", meta={}) for t in texts])
    out["coders"].append({"token": Token.objects.create(user=user).key,
                          "examples": [e.pk for e in examples]})
# Annotations already stored: 12 spans on each filler example, by the admin.
fillers = Example.objects.bulk_create(
    [Example(project=project, text=t, upload_name="bench", meta={}) for t in spec["filler_texts"]])
Span.objects.bulk_create(
    [Span(example=e, user=admin, label=labels[i % 4], start_offset=10 * i, end_offset=10 * i + 6)
     for e in fillers for i in range(12)])
reader = User.objects.get(username="bench-coder0")
heavy = Example.objects.create(project=project, text=spec["read_text"], upload_name="bench",
                               meta={})
Span.objects.bulk_create(
    [Span(example=heavy, user=reader, label=labels[i % 4], start_offset=s, end_offset=e)
     for i, (s, e) in enumerate(spec["read_spans"])])
out["read_example"] = heavy.pk
print(json.dumps(out))
"""


@contextmanager
def doccano_gunicorn(venv: Path, backend: Path, env: dict[str, str]) -> Iterator[Server]:
    port = free_port()
    process = subprocess.Popen(
        [
            str(venv / "bin" / "gunicorn"),
            "config.wsgi",
            "--chdir",
            str(backend),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "300",
        ],
        cwd=backend,
        env=env,
    )
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        _wait_any_answer(server)
        yield server
    finally:
        _stop(process)


@contextmanager
def doccano_worker(venv: Path, backend: Path, env: dict[str, str]) -> Iterator[int]:
    """doccano's Celery worker (its imports run there), one process as `doccano task
    --concurrency 1` would start it; yields its pid."""
    process = subprocess.Popen(
        [
            str(venv / "bin" / "celery"),
            "--app=config",
            f"--workdir={backend}",
            "worker",
            "--loglevel=warning",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=backend,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(5)
        yield process.pid
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_any_answer(server: Server, timeout: float = 180.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"doccano's gunicorn exited with {server.process.returncode}")
        try:
            httpx.get(f"{server.base_url}/v1/projects", timeout=15)  # any answer will do
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError("doccano did not answer")


def tree_cpu(pid: int) -> float:
    """CPU seconds of `pid` and its children (a Celery worker forks its pool)."""
    total = process_cpu_seconds(pid)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if ppid == pid:
                total += process_cpu_seconds(int(entry.name))
    return total


# --- the data both get ----------------------------------------------------------------------------


def texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [article_text(seed * 100_000 + i, 3000, rng)[1].replace("\r\n", "\n") for i in range(n)]


def word_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in WORD.finditer(text)]


def read_text() -> str:
    rng = random.Random(5)
    return article_text(999_999, 20_000, rng)[1].replace("\r\n", "\n")


def doccano_setup(
    venv: Path, backend: Path, env: dict[str, str], clients: int, fillers: int
) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DOCCANO_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DOCCANO_DB}"')
    python = str(venv / "bin" / "python")
    for command in (["migrate", "-v", "0"], ["create_roles"]):
        subprocess.run(
            [python, "manage.py", *command],
            cwd=backend,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    heavy = read_text()
    spec = {
        "password": secrets.token_urlsafe(12),
        "coder_texts": [texts(DOCS_PER_CODER, 10 + c) for c in range(clients)],
        "filler_texts": texts(fillers, 3),
        "read_text": heavy,
        "read_spans": word_spans(heavy)[:READ_ANNOTATIONS],
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(spec, handle)
    seeded = subprocess.run(
        [python, "-c", SEED_DOCCANO, handle.name],
        cwd=backend,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    os.unlink(handle.name)
    out: dict[str, Any] = json.loads(seeded.stdout.strip().splitlines()[-1])
    out["coder_texts"] = spec["coder_texts"]
    return out


def doccano_write_calls(
    seeded: dict[str, Any], per_client: int, round_no: int = 0
) -> list[list[Call]]:
    """Each client: spans on distinct words of its own examples (doccano refuses a span that
    overlaps one of the same user's), labels in turn; each round takes words no earlier round
    took (a replayed span would be refused as overlapping)."""
    project, labels = seeded["project"], seeded["labels"]
    out = []
    for coder, docs in zip(seeded["coders"], seeded["coder_texts"], strict=True):
        calls = []
        spans = [
            (e, s) for e, t in zip(coder["examples"], docs, strict=True) for s in word_spans(t)
        ]
        random.Random(len(calls)).shuffle(spans)
        mine = spans[round_no * per_client : (round_no + 1) * per_client]
        for i, (example, (start, end)) in enumerate(mine):
            body = {"label": labels[i % 4], "start_offset": start, "end_offset": end}
            calls.append(
                Call(
                    "POST",
                    f"/v1/projects/{project}/examples/{example}/spans",
                    {
                        "Authorization": f"Token {coder['token']}",
                        "Content-Type": "application/json",
                    },
                    json.dumps(body).encode(),
                )
            )
        out.append(calls)
    return out


def doccano_examples(seeded: dict[str, Any]) -> int:
    import psycopg

    with psycopg.connect(database_url(DOCCANO_DB)) as conn:
        row = conn.execute(
            "SELECT count(*) FROM examples_example WHERE project_id = %s", [seeded["project"]]
        ).fetchone()
    return int(row[0]) if row else 0


def doccano_read_call(seeded: dict[str, Any]) -> Call:
    return Call(
        "GET",
        f"/v1/projects/{seeded['project']}/examples/{seeded['read_example']}/spans",
        {"Authorization": f"Token {seeded['coders'][0]['token']}"},
    )


def doccano_import(
    server: Server, worker_pid: int, seeded: dict[str, Any], path: Path
) -> dict[str, float]:
    import httpx

    headers = {"Authorization": f"Token {seeded['admin_token']}"}
    examples_before = doccano_examples(seeded)
    before = cpu_snapshot(server.process.pid, DOCCANO_DB)
    worker_before = tree_cpu(worker_pid)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=600) as http:
        with path.open("rb") as handle:
            answer = http.post(
                "/v1/fp/process/",
                files={"filepond": (path.name, handle, "application/octet-stream")},
                data={"filepond": "{}"},
            )
        answer.raise_for_status()
        upload_id = answer.text.strip()
        answer = http.post(
            f"/v1/projects/{seeded['project']}/upload",
            json={
                "format": "JSONL",
                "task": "SequenceLabeling",
                "uploadIds": [upload_id],
                "column_data": "text",
                "column_label": "label",
                "delimiter": "",
                "encoding": "utf_8",
            },
        )
        answer.raise_for_status()
        task = answer.json()["task_id"]
        while True:
            status = http.get(f"/v1/tasks/status/{task}").json()
            if status["ready"]:
                break
            time.sleep(0.05)
    seconds = time.perf_counter() - start
    spent = cpu_snapshot(server.process.pid, DOCCANO_DB) - before
    if status.get("error") or (status.get("result") or {}).get("error"):
        raise SystemExit(f"doccano's import failed: {status}")
    imported = doccano_examples(seeded) - examples_before
    if imported != count_lines(path):
        raise SystemExit(f"doccano imported {imported} of {count_lines(path)} articles")
    return {
        "seconds": seconds,
        "web": spent.app,
        "worker": tree_cpu(worker_pid) - worker_before,
        "database": spent.database,
        "client": spent.driver,
        "load": load,
    }


# --- Athar --------------------------------------------------------------------------------------


def athar_setup(clients: int, per_client: int, articles: int) -> dict[str, Any]:
    url = recreate_database(ATHAR_DB)
    setup_django(url)
    from bench._common import seed_seats, token_for
    from bench._world import grow_world
    from bench.bench_event_create import client_calls
    from coding.models import Assignment, User
    from coding.services.events import EventInput, SpanInput, event_create

    world = grow_world(articles)
    writes = client_calls(world, clients, per_client, seed=11)
    heavy = read_text()
    seats, refs = seed_seats("read", [heavy])
    assignment = Assignment.objects.select_related("project__codebook_version", "article").get(
        pk=seats[0].assignment_id
    )
    coder = User.objects.get(username=seats[0].username)
    text = assignment.article.text
    words = word_spans(text)
    rng = random.Random(3)
    for i in range(READ_ANNOTATIONS):
        spans = [
            SpanInput(role, s, e, text[s:e])
            for role, (s, e) in zip(
                ("trigger", "actor1", "location", "date"), rng.sample(words, 4), strict=True
            )
        ]
        values = {
            "event_date": {"start": "2022-06-12"},
            "time_precision": "1",
            "actor1": {"id": refs["actor"]},
            "location": {"id": refs["location"]},
            "fatalities": i % 17,
        }
        event_create(
            assignment=assignment,
            actor=coder,
            data=EventInput(
                event_type="BATTLES", event_subtype="ARMED_CLASH", values=values, spans=spans
            ),
        )
    read = Call(
        "GET",
        f"/api/v1/assignments/{assignment.pk}/",
        {"Authorization": f"Token {token_for(coder)}"},
    )
    return {"url": url, "writes": writes, "read": read}


def athar_import(server: Server, celery_pid: int, label: str, path: Path) -> dict[str, float]:
    """Upload `path` as a supervisor and wait for the import job to be done: the web processes
    have the broker set, so the upload is stored and answered at once and the Celery worker
    imports it (doccano's import also runs in its worker); the job is polled as often as
    doccano's task."""
    from bench.bench_import import PASSWORD, project_for, sign_in, upload_and_wait

    project_id, username = project_for(f"cmp-{label}")
    token = sign_in(server.base_url, username, PASSWORD)
    job, figures = upload_and_wait(
        server.base_url,
        server.process.pid,
        celery_pid,
        project_id,
        token,
        path,
        db_name=ATHAR_DB,
        poll_seconds=0.05,
    )
    if job["result"]["created"] != count_lines(path):
        raise SystemExit(f"Athar imported {job['result']['created']} articles")
    return {
        "seconds": figures["seconds"],
        "web": figures["gunicorn"],
        "worker": figures["celery"],
        "database": figures["postgres"],
        "client": figures["client"],
        "load": figures["load"],
    }


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def write_import_file(path: Path, n: int, first: int, *, doccano: bool) -> None:
    """The same articles for both: `text`, a title and a source (doccano keeps the last two as
    metadata); doccano's rows also carry its `label` column, empty (without it doccano imports
    the rows but reports an error)."""
    rng = random.Random(first)
    with path.open("w", encoding="utf-8") as out:
        for i in range(first, first + n):
            text = article_text(i, 3000, rng)[1]
            row: dict[str, Any] = {"title": f"Dépêche {i}", "text": text, "source": "Sahel Wire"}
            if doccano:
                row["label"] = []
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


# --- Measuring ------------------------------------------------------------------------------------


def load_figures(result: LoadResult, spans_per_request: int) -> dict[str, float]:
    stats = latency_summary(result.latencies_ms)
    per = result.cpu_ms_per_request()
    server = per["app"] + per["database"]
    return {
        "rps": result.requests_per_second,
        "p50": stats["p50"],
        "p95": stats["p95"],
        "cpu": server,
        "cpu_app": per["app"],
        "cpu_db": per["database"],
        "cpu_span": server / spans_per_request,
        "errors": result.errors,
        "load": result.load_average,
        "others": result.other_cpu_share,
    }


def show(system: str, what: str, f: dict[str, float]) -> str:
    if what == "import":
        return (
            f"{system:7} import: {f['seconds']:.2f} s; CPU web {f['web']:.2f} s + Celery worker "
            f"{f['worker']:.2f} s + PostgreSQL {f['database']:.2f} s (client {f['client']:.2f} s);"
            f" load average {f['load']:.1f}"
        )
    return (
        f"{system:7} {what}: {f['rps']:.0f} req/s, p50 {f['p50']:.1f} ms, p95 {f['p95']:.1f} ms; "
        f"server CPU {f['cpu']:.2f} ms per request (gunicorn {f['cpu_app']:.2f} + PostgreSQL "
        f"{f['cpu_db']:.2f}) = {f['cpu_span']:.3f} ms per span; errors {f['errors']:.0f}; "
        f"load average {f['load']:.1f}, other processes {f['others']:.0%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--doccano-venv", type=Path, default=Path("/work/doccano-venv"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--warmup", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--import-articles", type=int, default=1000)
    parser.add_argument(
        "--documents",
        type=int,
        default=1000,
        help="documents already stored in each database (Athar: with ~3 events of 4 spans; "
        "doccano: with 12 spans)",
    )
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--only",
        choices=("all", "import"),
        default="all",
        help="import: only the import part (no write or read load)",
    )
    args = parser.parse_args()
    venv = args.doccano_venv
    backend = doccano_backend(venv)
    figures: dict[tuple[str, str], list[dict[str, float]]] = {}

    def record(system: str, what: str, f: dict[str, float]) -> None:
        figures.setdefault((system, what), []).append(f)
        print(show(system, what, f), flush=True)

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = doccano_env(tmp / "media")
        try:
            print("setting up doccano …", flush=True)
            doc = doccano_setup(venv, backend, env, args.clients, args.documents)
            print("setting up Athar …", flush=True)
            ath = athar_setup(args.clients, 1000, args.documents)
            athar_env = {"CELERY_BROKER_URL": ATHAR_BROKER}
            with (
                doccano_worker(venv, backend, env) as worker,
                celery_worker(ath["url"], 1, ATHAR_BROKER) as athar_worker,
            ):
                # One import of 10 articles into each system first, not measured: both
                # workers have booted and run an import before the measured ones.
                warm = {s: tmp / f"warm-up-{s}.jsonl" for s in ("athar", "doccano")}
                for system, path in warm.items():
                    write_import_file(path, 10, 1, doccano=system == "doccano")
                with gunicorn(ath["url"], 2, ["--timeout", "300"], athar_env) as server:
                    athar_import(server, athar_worker.pid, "warm-up", warm["athar"])
                with doccano_gunicorn(venv, backend, env) as server:
                    doccano_import(server, worker, doc, warm["doccano"])
                for round_no in range(args.rounds):
                    order = ("athar", "doccano") if round_no % 2 == 0 else ("doccano", "athar")
                    for system in order:
                        path = tmp / f"import-{system}-{round_no}.jsonl"
                        write_import_file(
                            path,
                            args.import_articles,
                            10_000_000 * (round_no + 1),
                            doccano=system == "doccano",
                        )
                        if system == "athar":
                            with gunicorn(ath["url"], 2, ["--timeout", "300"], athar_env) as server:
                                if args.only == "all":
                                    measure(
                                        server,
                                        ATHAR_DB,
                                        ath["writes"],
                                        ath["read"],
                                        4,
                                        args,
                                        "athar",
                                        record,
                                    )
                                for n in range(WARM_IMPORTS):
                                    athar_import(
                                        server, athar_worker.pid, f"w{round_no}-{n}", warm["athar"]
                                    )
                                record(
                                    "athar",
                                    "import",
                                    athar_import(server, athar_worker.pid, str(round_no), path),
                                )
                        else:
                            with doccano_gunicorn(venv, backend, env) as server:
                                if args.only == "all":
                                    measure(
                                        server,
                                        DOCCANO_DB,
                                        doccano_write_calls(doc, 400, round_no),
                                        doccano_read_call(doc),
                                        1,
                                        args,
                                        "doccano",
                                        record,
                                    )
                                for _ in range(WARM_IMPORTS):
                                    doccano_import(server, worker, doc, warm["doccano"])
                                record(
                                    "doccano", "import", doccano_import(server, worker, doc, path)
                                )
                        path.unlink()
        finally:
            if not args.keep_db:
                drop_database(ATHAR_DB)
                drop_database(DOCCANO_DB)
    summary(figures, args)


def measure(
    server: Server,
    db: str,
    writes: list[list[Call]],
    read: Call,
    spans: int,
    args: argparse.Namespace,
    system: str,
    record: Any,
) -> None:
    result = run_load(
        server, writes, warmup=args.warmup, duration=args.duration, expect=201, db_name=db
    )
    for example in result.error_examples:
        print(f"  {system} write error: {example}")
    record(system, "writes", load_figures(result, spans))
    result = run_load(
        server,
        [read] * args.clients,
        warmup=args.warmup,
        duration=args.duration,
        expect=200,
        db_name=db,
    )
    record(system, "read", load_figures(result, 1))


def summary(
    figures: dict[tuple[str, str], list[dict[str, float]]], args: argparse.Namespace
) -> None:
    def med(system: str, what: str, key: str) -> float:
        return statistics.median(f[key] for f in figures[(system, what)])

    def both(what: str, key: str) -> tuple[float, float]:
        return med("athar", what, key), med("doccano", what, key)

    def import_cpu(system: str) -> float:
        return statistics.median(
            f["web"] + f["worker"] + f["database"] for f in figures[(system, "import")]
        )

    i_sec = both("import", "seconds")
    i_cpu = import_cpu("athar"), import_cpu("doccano")
    i_parts = {k: both("import", k) for k in ("web", "worker", "database")}
    import_lines = [
        f"import of {args.import_articles:,} articles over HTTP: {i_sec[0]:.2f} vs "
        f"{i_sec[1]:.2f} s (**{i_sec[1] / i_sec[0]:.2f}× faster**); CPU of every process "
        f"{i_cpu[0]:.2f} vs {i_cpu[1]:.2f} s (**{i_cpu[1] / i_cpu[0]:.2f}× less**): web "
        f"{i_parts['web'][0]:.2f} vs {i_parts['web'][1]:.2f} s, worker "
        f"{i_parts['worker'][0]:.2f} vs {i_parts['worker'][1]:.2f} s, PostgreSQL "
        f"{i_parts['database'][0]:.2f} vs {i_parts['database'][1]:.2f} s",
    ]
    head = [
        f"Machine: {machine_note()}",
        f"{args.clients} clients each way, gunicorn 2 sync workers each, {args.rounds} "
        f"interleaved rounds of {args.duration:g} s per load (medians; Athar vs doccano)",
    ]
    if args.only == "import":
        lines = [*head, *import_lines]
    else:
        lines = [*head, *_load_lines(both), *import_lines]
    lines.append(
        "load average as each load began: "
        + ", ".join(f"{f['load']:.1f}" for v in figures.values() for f in v)
    )
    command = (
        f".venv/bin/python bench/compare_doccano.py --clients {args.clients} --duration "
        f"{args.duration:g} --rounds {args.rounds} --import-articles {args.import_articles}"
        + (" --only import" if args.only == "import" else "")
    )
    print()
    print("### Athar and doccano 1.8.4 under the same conditions")
    print()
    print(f"Command: `{command}`")
    print()
    for line in lines:
        print(f"- {line}")


def _load_lines(both: Any) -> list[str]:
    w_rps, w_cpu, w_span, w_p95 = (both("writes", k) for k in ("rps", "cpu", "cpu_span", "p95"))
    r_rps, r_cpu, r_p95 = (both("read", k) for k in ("rps", "cpu", "p95"))
    return [
        "writes (Athar: an event with 4 spans per request; doccano: one span per request): "
        f"{w_rps[0]:.0f} vs {w_rps[1]:.0f} req/s (**{w_rps[0] / w_rps[1]:.2f}×**); server CPU "
        f"per request {w_cpu[0]:.2f} vs {w_cpu[1]:.2f} ms (**{w_cpu[1] / w_cpu[0]:.2f}× less**);"
        f" per span {w_span[0]:.3f} vs {w_span[1]:.3f} ms (**{w_span[1] / w_span[0]:.1f}× "
        f"less**); p95 {w_p95[0]:.0f} vs {w_p95[1]:.0f} ms",
        f"read of a {READ_ANNOTATIONS}-annotation document: {r_rps[0]:.0f} vs {r_rps[1]:.0f} "
        f"req/s; server CPU per read {r_cpu[0]:.1f} vs {r_cpu[1]:.1f} ms "
        f"(**{r_cpu[1] / r_cpu[0]:.2f}× less**); p95 {r_p95[0]:.0f} vs {r_p95[1]:.0f} ms "
        f"(Athar's read carries the text and {READ_ANNOTATIONS * 4:,} spans, doccano's "
        f"{READ_ANNOTATIONS} spans without the text)",
    ]


if __name__ == "__main__":
    main()
