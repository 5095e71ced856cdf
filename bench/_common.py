"""Shared setup for the workflow benchmarks: a throw-away PostgreSQL database, Django in this
process, deterministic multilingual article texts, a gunicorn server in the production shape,
and latency statistics.

Each benchmark uses its own database (``athar_bench_<name>``), dropped and re-created at the
start and dropped at the end, so it never touches the development or test databases.
The server is reached at ``ATHAR_BENCH_PG`` (default ``postgres://postgres@127.0.0.1:5432``).
"""

from __future__ import annotations

import os
import platform
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

REPO = Path(__file__).resolve().parent.parent
PYTHON = REPO / ".venv" / "bin" / "python"
GUNICORN = REPO / ".venv" / "bin" / "gunicorn"
PG_SERVER = os.environ.get("ATHAR_BENCH_PG", "postgres://postgres@127.0.0.1:5432")

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


# --- Database --------------------------------------------------------------------------------


def database_url(name: str) -> str:
    return f"{PG_SERVER}/{name}"


def recreate_database(name: str) -> str:
    """Drop `name` if it exists, create it empty, migrate it; return its URL."""
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = database_url(name)
    subprocess.run(
        [str(PYTHON), "manage.py", "migrate", "--no-input", "--skip-checks", "-v", "0"],
        cwd=REPO,
        env=in_process_env(url),
        check=True,
    )
    return url


def drop_database(name: str) -> None:
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def in_process_env(url: str) -> dict[str, str]:
    """Environment for Django inside the benchmark: test settings, DEBUG off (no query log
    growing in memory), persistent connections as in production, Celery eager, local-memory
    cache."""
    env = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "REDIS_URL"}}
    env.update(
        ATHAR_ENV="test", DEBUG="false", DATABASE_URL=url, LOG_LEVEL="WARNING", CONN_MAX_AGE="60"
    )
    return env


def production_env(url: str) -> dict[str, str]:
    """Environment of a production-shaped server: ATHAR_ENV=production, DEBUG off, a fresh
    random SECRET_KEY, Redis as the cache, persistent connections (CONN_MAX_AGE default 60);
    no SSL redirect because the benchmark talks plain HTTP to 127.0.0.1."""
    env = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "REDIS_URL"}}
    env.update(
        ATHAR_ENV="production",
        # Production needs the shared cache for throttles; a database of its own on the local
        # Redis (BENCH_REDIS_URL to choose another).
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=url,
        LOG_LEVEL="WARNING",
        # WhiteNoise warns that collectstatic was not run; the API does not serve static files.
        PYTHONWARNINGS="ignore:No directory at:UserWarning",
    )
    env.pop("DEBUG", None)
    return env


def setup_django(url: str) -> None:
    """Configure and start Django in this process against the database at `url`."""
    os.environ.update(in_process_env(url))
    for key in ("CELERY_BROKER_URL", "REDIS_URL"):
        os.environ.pop(key, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


# --- Deterministic article texts ---------------------------------------------------------------

AR_SENTENCES = [
    "هاجم مسلحون مجهولون قرية بولكيسي في وسط مالي فجر يوم الثلاثاء",
    "قالت مصادر أمنية إن الجيش المالي رد على الهجوم بعد ساعات",
    "أعلنت جماعة نصرة الإسلام والمسلمين مسؤوليتها عن الكمين قرب غوسي",
    "نزح مئات السكان نحو مدينة موبتي بحثا عن الأمان",
    "أفاد شهود عيان بسماع دوي انفجارات في محيط معسكر تمبكتو",
    "وصلت تعزيزات عسكرية إلى منطقة ميناكا يوم ١٢ يونيو/ حزيران 2022",
]
FR_SENTENCES = [
    "Des hommes armés ont attaqué le poste de Boulkessi mardi à l'aube",
    "Les FAMa ont riposté et affirment avoir neutralisé plusieurs assaillants",
    "Selon une source locale, une dizaine de civils ont été tués à Ménaka",
    "La MINUSMA a dépêché une patrouille vers Gao dans la soirée",
    "Le gouverneur de la région a décrété un couvre-feu de trois jours",
    "Des déplacés sont arrivés à Sévaré après l'incendie du marché",
]
EN_SENTENCES = [
    "Gunmen attacked a military post near Boulkessi early on Tuesday",
    "Security sources said the army repelled the assault after heavy fighting",
    "JNIM claimed responsibility for the ambush in a statement on Telegram",
    "Aid workers reported that hundreds of families fled towards Mopti",
    "Witnesses described explosions near the Timbuktu camp overnight",
    "The regional governor announced a three-day curfew on 13 June 2022",
]
EMOJI = ["🇲🇱", "😢", "🔥", "📍", "⚠️"]
LANGUAGES = {"ar": AR_SENTENCES, "fr": FR_SENTENCES, "en": EN_SENTENCES}
ALL_POOLS = [AR_SENTENCES, FR_SENTENCES, EN_SENTENCES]


def article_text(index: int, chars: int, rng: random.Random) -> tuple[str, str]:
    """(language, text) of about `chars` code points: sentences mostly in one language with
    some of the others, emoji now and then, CRLF line breaks in two articles of three, and
    a decomposed "é" (e + U+0301) in one article of ten, so canonicalization has work to do.
    The text starts with a reference unique to `index`, so every text is distinct."""
    language = ("ar", "ar", "fr", "en")[index % 4]
    newline = "\n" if index % 3 == 0 else "\r\n"
    parts = [f"Réf. {index:07d}{newline}"]
    size = len(parts[0])
    paragraph_length = 0
    while size < chars:
        pool = LANGUAGES[language] if rng.random() < 0.75 else rng.choice(ALL_POOLS)
        sentence = rng.choice(pool)
        if rng.random() < 0.15:
            sentence += " " + rng.choice(EMOJI)
        piece = sentence + ". "
        paragraph_length += 1
        if paragraph_length >= rng.randint(3, 6):
            piece = sentence + "." + newline
            paragraph_length = 0
        parts.append(piece)
        size += len(piece)
    text = "".join(parts)
    if index % 10 == 0:
        text = text.replace("é", unicodedata.normalize("NFD", "é"), 1)
    return language, text


# --- Statistics --------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency_summary(latencies_ms: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(latencies_ms),
        "p50": percentile(latencies_ms, 50),
        "p95": percentile(latencies_ms, 95),
        "p99": percentile(latencies_ms, 99),
        "mean": statistics.fmean(latencies_ms) if latencies_ms else float("nan"),
        "max": max(latencies_ms) if latencies_ms else float("nan"),
    }


_TICKS = os.sysconf("SC_CLK_TCK")


def _process_stats() -> dict[int, tuple[int, float]]:
    """pid → (parent pid, CPU seconds used so far) for every process."""
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICKS)
    return stats


@dataclass(frozen=True)
class CpuSnapshot:
    """CPU seconds used so far: the whole machine (busy time), this process (the load
    generator), the gunicorn master and workers, the PostgreSQL backends of the bench DB."""

    machine: float
    driver: float
    app: float
    database: float

    def __sub__(self, other: CpuSnapshot) -> CpuSnapshot:
        return CpuSnapshot(
            self.machine - other.machine,
            self.driver - other.driver,
            self.app - other.app,
            self.database - other.database,
        )


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has been busy, all cores: user, nice, system, irq and
    softirq time (not idle, iowait, steal, nor guest, which user already counts)."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq = ticks[:7]
    return (user + nice + system + irq + softirq) / _TICKS


def process_cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by process `pid` (0 if it is gone)."""
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


def cpu_snapshot(server_pid: int, db_name: str) -> CpuSnapshot:
    machine = machine_busy_seconds()
    app = database = 0.0
    for pid, (ppid, cpu) in _process_stats().items():
        if server_pid in (pid, ppid):
            app += cpu
            continue
        try:
            title = (Path("/proc") / str(pid) / "cmdline").read_text()
        except OSError:
            continue
        if title.startswith("postgres:") and f" {db_name} " in title:
            database += cpu
    return CpuSnapshot(machine, time.process_time(), app, database)


def rss_mib() -> float:
    """Current resident set size of this process, in MiB (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- Machine note and summary block ---------------------------------------------------------


def machine_note() -> str:
    cpu = platform.processor() or "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    with psycopg.connect(database_url("postgres")) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    pg = row[0].split()[0] if row else "?"
    return (
        f"{os.cpu_count()} CPU ({cpu}), {mem_gib:.0f} GiB RAM, Python {platform.python_version()}, "
        f"PostgreSQL {pg} on 127.0.0.1"
    )


def print_summary(title: str, command: str, lines: Sequence[str]) -> None:
    """A block the lead can paste into docs/PERFORMANCE.md."""
    print()
    print(f"### {title}")
    print()
    print(f"Command: `{command}`  ")
    print(f"Machine: {machine_note()}")
    print()
    for line in lines:
        print(f"- {line}")
    print()


# --- gunicorn ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen[bytes]


@contextmanager
def gunicorn(
    url: str,
    workers: int,
    extra_args: Sequence[str] = (),
    extra_env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """Run `gunicorn config.wsgi` (sync workers) on a free port against the database at
    `url` in the production shape (with config/gunicorn.conf.py, as `make serve-prod`); wait
    until /healthz answers; stop it on exit."""
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
        *extra_args,
    ]
    process = subprocess.Popen(command, cwd=REPO, env={**production_env(url), **(extra_env or {})})
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        _wait_ready(server)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(server: Server, timeout: float = 180.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.process.returncode}")
        try:
            answer = httpx.get(f"{server.base_url}/healthz", timeout=15)
            if answer.status_code == 200:
                return
            last = f"{answer.status_code} {answer.text[:300]}"
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not become ready (last /healthz: {last})")


def token_for(user: Any) -> str:
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=user)
    return str(token.key)


# --- A coding world: coders, their assignments, an event payload ----------------------------

EVENT_LEAD = "🇲🇱 هاجم مسلحو JNIM قرية بولكيسي يوم ١٢ يونيو/ حزيران 2022، وقتل 5 جنود.\n"
EVENT_NEEDLES = [
    ("trigger", "هاجم"),
    ("actor1", "JNIM"),
    ("location", "بولكيسي"),
    ("date", "١٢ يونيو/ حزيران 2022"),
]


@dataclass(frozen=True)
class Seat:
    """One coder with an API token and one assignment of their own."""

    username: str
    token: str
    assignment_id: int
    text: str


@dataclass(frozen=True)
class _Item:
    title: str
    text: str
    language: str | None = None
    source: str | None = "Bench Wire"
    url: str | None = None
    published_at: None = None
    external_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


def seed_seats(slug: str, texts: Sequence[str]) -> tuple[list[Seat], dict[str, int]]:
    """A project on the ACLED preset with one coder per text, each assigned that text (overlap
    1), plus one actor and one location for event values. Returns the seats and the ids of
    the actor and location ({"actor": id, "location": id})."""
    from coding.codebook_spec.presets import load_preset
    from coding.models import Actor, Assignment, CodebookVersion, Location, User
    from coding.services.articles import articles_create
    from coding.services.assignment import assignments_balance
    from coding.services.codebooks import codebook_version_create
    from coding.services.projects import membership_set, project_create

    version = CodebookVersion.objects.filter(
        codebook__slug="acled", status=CodebookVersion.Status.PUBLISHED
    ).first() or codebook_version_create(spec=load_preset("acled"), publish=True)
    project = project_create(slug=slug, name=slug, codebook_version=version, overlap=1)
    users = []
    for i in range(len(texts)):
        user = User.objects.create(username=f"{slug}-coder{i}")
        membership_set(project=project, user=user, role="coder")
        users.append(user)
    items = [_Item(f"{slug} {i}", text) for i, text in enumerate(texts)]
    articles_create(project=project, items=items, actor=None)
    assignments_balance(project=project)
    seats = []
    for user in users:
        assignment = Assignment.objects.select_related("article").get(project=project, coder=user)
        seats.append(Seat(user.username, token_for(user), assignment.pk, assignment.article.text))
    actor, _ = Actor.objects.get_or_create(key="jnim", defaults={"name": "JNIM"})
    location, _ = Location.objects.get_or_create(key="boulkessi", defaults={"name": "Boulkessi"})
    return seats, {"actor": actor.pk, "location": location.pk}


def event_payload(text: str, refs: dict[str, int], unit: str = "utf16") -> dict[str, Any]:
    """An ACLED battle with every draft value a coder fills and 4 evidence spans on the
    sentence EVENT_LEAD, offsets in `unit` ("utf16" as the browser sends them, or "cp")."""
    from coding.text.offsets import OffsetMap

    offsets = OffsetMap(text)
    spans = []
    for role, needle in EVENT_NEEDLES:
        start = text.index(needle)
        end = start + len(needle)
        if unit == "utf16":
            start, end = offsets.cp_to_u16(start), offsets.cp_to_u16(end)
        spans.append({"role": role, "start": start, "end": end, "quote": needle})
    return {
        "event_type": "BATTLES",
        "event_subtype": "ARMED_CLASH",
        "values": {
            "event_date": {"start": "2022-06-12"},
            "time_precision": "1",
            "actor1": {"id": refs["actor"]},
            "location": {"id": refs["location"]},
            "geo_precision": "1",
            "fatalities": 5,
            "notes": "JNIM attacked the Boulkessi post; five soldiers killed.",
        },
        "memo": "",
        "spans": spans,
    }


# --- Load driver ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One HTTP request a client repeats: method, path, headers, body bytes."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None = None


@dataclass
class LoadResult:
    latencies_ms: list[float]
    seconds: float  # length of the measured window
    errors: int  # over the whole run, warm-up included
    error_examples: list[str]
    cpu: CpuSnapshot  # CPU used in the measured window
    offered_rate: float | None = None  # requests/s offered (open loop), None for closed loop
    load_average: float = float("nan")  # the machine's 1-minute load average as the window began

    @property
    def driver_share(self) -> float:
        """CPU used by the load generator, as a share of one core."""
        return self.cpu.driver / self.seconds

    @property
    def other_cpu_share(self) -> float:
        """Share of all cores used in the window by processes outside this benchmark."""
        ours = self.cpu.driver + self.cpu.app + self.cpu.database
        return max(0.0, self.cpu.machine - ours) / (self.seconds * (os.cpu_count() or 1))

    def cpu_ms_per_request(self) -> dict[str, float]:
        """CPU milliseconds per measured request: app (gunicorn), database, load generator."""
        n = max(1, len(self.latencies_ms))
        return {
            "app": self.cpu.app / n * 1000,
            "database": self.cpu.database / n * 1000,
            "driver": self.cpu.driver / n * 1000,
        }

    @property
    def requests_per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds


def run_load(
    server: Server,
    calls: Sequence[Call | Sequence[Call]],
    *,
    warmup: float,
    duration: float,
    expect: int,
    db_name: str,
    rate: float | None = None,
) -> LoadResult:
    """One client (one keep-alive connection, bench/_load.py) per item of `calls` (one call
    the client repeats, or a list of calls it sends in turn), for
    `warmup` + `duration` seconds. Closed loop by default: each client sends its request again
    as soon as the previous answer arrives. With `rate`, open loop: `rate` requests per second
    spread evenly over the clients, latency counted from when each request was due. Only
    requests that start (are due) after the warm-up and finish inside the window count. A
    status other than `expect`, or a transport error, is an error. The CPU used by other
    processes in the window (not this one, not the server, not the PostgreSQL backends of
    `db_name`) is measured too: on a shared machine it skews every figure."""
    import asyncio

    return asyncio.run(_load(server, calls, warmup, duration, expect, db_name, rate))


async def _load(
    server: Server,
    calls: Sequence[Call | Sequence[Call]],
    warmup: float,
    duration: float,
    expect: int,
    db_name: str,
    rate: float | None = None,
) -> LoadResult:
    import asyncio

    from bench._load import Request, build_request, drive

    loop = asyncio.get_running_loop()
    begin = loop.time() + warmup
    stop = begin + duration

    def wire(call: Call) -> Request:
        raw = build_request(server.base_url, call.method, call.path, call.headers, call.body)
        return Request(raw, expect)

    requests: list[Request | list[Request]] = [
        wire(item) if isinstance(item, Call) else [wire(call) for call in item] for item in calls
    ]

    async def cpu_at(moment: float) -> CpuSnapshot:
        await asyncio.sleep(max(0.0, moment - loop.time()))
        return cpu_snapshot(server.process.pid, db_name)

    async def load_at(moment: float) -> float:
        await asyncio.sleep(max(0.0, moment - loop.time()))
        return os.getloadavg()[0]

    at_begin = asyncio.ensure_future(cpu_at(begin))
    at_stop = asyncio.ensure_future(cpu_at(stop))
    load = asyncio.ensure_future(load_at(begin))
    samples = await drive(server.base_url, requests, stop=stop, rate=rate)
    window = [s for s in samples if s[0] >= begin and s[1] <= stop]
    failures = [s[3] for s in samples if not s[2]]  # warm-up included: errors are never ok
    return LoadResult(
        latencies_ms=[(end - start) * 1000 for start, end, ok, _ in window if ok],
        seconds=duration,
        errors=len(failures),
        error_examples=failures[:3],
        cpu=(await at_stop) - (await at_begin),
        offered_rate=rate,
        load_average=await load,
    )


# --- Where a request's time goes (in-process) ---------------------------------------------------

# (label, nesting depth, "module:attribute" or "module:Class.attribute") — timed inclusively.
Component = tuple[str, int, str]


@dataclass
class Breakdown:
    requests: int
    total_ms: dict[str, float]  # latency summary of the whole in-process request
    cpu_ms: float  # mean CPU time of this process per request (Python side only)
    components: list[tuple[str, int, float]]  # label, depth, mean ms per request
    queries: list[tuple[str, float, float]]  # statement, count per request, ms per request


def _wrap_target(target: str, on_time: Any) -> Any:
    """Replace `target` by a timing wrapper; return a function that puts it back."""
    import importlib

    module_name, _, attr_path = target.partition(":")
    owner: Any = importlib.import_module(module_name)
    *parents, attr = attr_path.split(".")
    for parent in parents:
        owner = getattr(owner, parent)
    original = getattr(owner, attr)
    inherited = isinstance(owner, type) and attr not in owner.__dict__

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            on_time(time.perf_counter() - start)

    setattr(owner, attr, timed)
    if inherited:
        return lambda: delattr(owner, attr)
    return lambda: setattr(owner, attr, original)


def measure_breakdown(
    call: Call, components: Sequence[Component], *, requests: int, expect: int
) -> Breakdown:
    """Replay `call` `requests` times through Django's test client in this process (after a
    warm-up) with each component timed and every SQL statement timed and counted."""
    from django.db import connection
    from django.test import Client

    client = Client()
    headers = {k.lower(): v for k, v in call.headers.items()}
    content_type = headers.pop("content-type", "application/octet-stream")

    def send() -> None:
        response = client.generic(
            call.method, call.path, call.body or b"", content_type=content_type, headers=headers
        )
        if response.status_code != expect:
            raise RuntimeError(f"{response.status_code}: {response.content[:300]!r}")

    for _ in range(20):
        send()
    spent: dict[str, float] = {label: 0.0 for label, _, _ in components}
    restore = [
        _wrap_target(target, lambda s, label=label: spent.__setitem__(label, spent[label] + s))
        for label, _, target in components
    ]
    statements: dict[str, list[float]] = {}

    def time_query(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = " ".join(sql.split())[:90]
            statements.setdefault(key, []).append(time.perf_counter() - start)

    totals = []
    cpu_start = time.process_time()
    try:
        with connection.execute_wrapper(time_query):
            for _ in range(requests):
                start = time.perf_counter()
                send()
                totals.append((time.perf_counter() - start) * 1000)
        cpu_ms = (time.process_time() - cpu_start) / requests * 1000
    finally:
        for undo in restore:
            undo()
    return Breakdown(
        requests=requests,
        total_ms=latency_summary(totals),
        cpu_ms=cpu_ms,
        components=[
            (label, depth, spent[label] / requests * 1000) for label, depth, _ in components
        ],
        queries=sorted(
            ((sql, len(t) / requests, sum(t) / requests * 1000) for sql, t in statements.items()),
            key=lambda q: -q[2],
        ),
    )


def breakdown_lines(report: Breakdown) -> list[str]:
    """Summary lines: the components (nested) and the SQL statements, per request."""
    n_queries = sum(count for _, count, _ in report.queries)
    query_ms = sum(ms for _, _, ms in report.queries)
    lines = [
        f"where the time goes (in-process replay of {report.requests} identical requests "
        f"through Django's test client, one process, no network): mean "
        f"{report.total_ms['mean']:.2f} ms, p50 {report.total_ms['p50']:.2f} ms per request, "
        f"{report.cpu_ms:.2f} ms of it CPU in Python; {n_queries:.1f} SQL statements "
        f"taking {query_ms:.2f} ms (round trips included)"
    ]
    for label, depth, ms in report.components:
        share = ms / report.total_ms["mean"] * 100
        lines.append(f"{'  ' * (depth + 1)}- {label}: {ms:.2f} ms ({share:.0f}%)")
    lines.append("SQL statements per request (count × → ms):")
    for sql, count, ms in report.queries:
        lines.append(f"  - {count:.1f} × `{sql}` → {ms:.2f} ms")
    return lines


def describe_cpu(result: LoadResult) -> str:
    """Where the machine's CPU went during a load run, per request, and the throughput the
    server could reach on this machine if it had the cores to itself."""
    per = result.cpu_ms_per_request()
    cores = os.cpu_count() or 1
    server = per["app"] + per["database"]
    return (
        f"CPU per request: gunicorn {per['app']:.1f} ms + PostgreSQL {per['database']:.1f} ms "
        f"+ load generator {per['driver']:.1f} ms; other processes used "
        f"{result.other_cpu_share:.0%} of the machine meanwhile; {cores} cores spent only on "
        f"the server would cap it near {cores * 1000 / server:.0f} req/s"
    )
