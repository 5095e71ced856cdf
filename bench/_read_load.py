"""Load for bench/bench_assignment_read.py: clients that each *read assignments*, a read being
one request (an assignment of up to one page of events) or several in sequence (the first page
and the pages after it), over keep-alive HTTP/1.1 connections (bench/_load.py's client).

Each client cycles through its own list of reads (its coder's assignments, with its coder's
token). Closed loop by default (the next read starts when the previous one ended); with a
rate, open loop (reads due at fixed times, latency counted from when a read was due, so a slow
server is not hidden by the driver waiting for it).

CPU is counted for every process that worked: the gunicorn master and workers, the PostgreSQL
backends connected to the benchmark's database, and the parallel workers those backends
started (their titles name the leader's pid, not the database), plus this process.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench._common import machine_busy_seconds
from bench._load import _Connection

_TICKS = os.sysconf("SC_CLK_TCK")

Read = Sequence[bytes]  # the raw requests of one read, sent one after the other


@dataclass(frozen=True)
class Cpu:
    machine: float
    driver: float
    app: float
    database: float


def _stat(pid_dir: Path) -> tuple[int, float] | None:
    try:
        fields = (pid_dir / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICKS


@dataclass
class _Snapshot:
    machine: float
    driver: float
    app: dict[int, float]  # gunicorn master and workers
    backends: dict[int, float]  # PostgreSQL backends of the database
    workers: dict[int, tuple[int, float]]  # parallel worker → (its leader, CPU)


def _snapshot(server_pid: int, db_name: str) -> _Snapshot:
    app: dict[int, float] = {}
    backends: dict[int, float] = {}
    workers: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        stat = _stat(entry)
        if stat is None:
            continue
        pid, (ppid, cpu) = int(entry.name), stat
        if server_pid in (pid, ppid):
            app[pid] = cpu
            continue
        try:
            title = (entry / "cmdline").read_text()
        except OSError:
            continue
        if not title.startswith("postgres:"):
            continue
        if f" {db_name} " in title:
            backends[pid] = cpu
        elif "parallel worker for PID " in title:
            leader = int(title.split("parallel worker for PID ", 1)[1].split()[0].strip("\0"))
            workers[pid] = (leader, cpu)
    return _Snapshot(machine_busy_seconds(), time.process_time(), app, backends, workers)


class CpuMeter:
    """CPU used between `start()` and `stop()` by the server, the database's backends (per
    process: a backend that ends meanwhile keeps what it used until last seen) and the
    parallel workers of those backends, which live for one query: /proc is sampled every
    `every` seconds and each worker counts with the most CPU it was seen with (a worker that
    lives less than a sample interval can be missed)."""

    def __init__(self, server_pid: int, db_name: str, every: float = 0.05) -> None:
        self.server_pid, self.db_name, self.every = server_pid, db_name, every
        self.first: _Snapshot | None = None
        self.seen_backends: dict[int, float] = {}
        self.seen_workers: dict[int, tuple[int, float]] = {}
        self.seen_app: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _take(self) -> _Snapshot:
        snap = _snapshot(self.server_pid, self.db_name)
        self.seen_backends.update(snap.backends)
        self.seen_workers.update(snap.workers)
        self.seen_app.update(snap.app)
        return snap

    def _poll(self) -> None:
        while not self._stop.wait(self.every):
            self._take()

    def start(self) -> None:
        self.first = self._take()
        self._thread.start()

    def stop(self) -> Cpu:
        self._stop.set()
        self._thread.join()
        last = self._take()
        assert self.first is not None
        first = self.first
        app = sum(cpu - first.app.get(pid, 0.0) for pid, cpu in self.seen_app.items())
        database = sum(
            cpu - first.backends.get(pid, 0.0) for pid, cpu in self.seen_backends.items()
        )
        ours = set(self.seen_backends)
        database += sum(
            cpu - first.workers.get(pid, (0, 0.0))[1]
            for pid, (leader, cpu) in self.seen_workers.items()
            if leader in ours
        )
        return Cpu(last.machine - first.machine, last.driver - first.driver, app, database)


@dataclass
class ReadResult:
    read_ms: list[float]  # latency of each read (all its requests)
    requests: int
    seconds: float
    errors: int
    error_examples: list[str]
    cpu: Cpu
    load_average: float
    server_pid: int = 0

    def per_read_cpu_ms(self) -> dict[str, float]:
        n = max(1, len(self.read_ms))
        return {
            "app": self.cpu.app / n * 1000,
            "database": self.cpu.database / n * 1000,
            "driver": self.cpu.driver / n * 1000,
        }

    @property
    def other_share(self) -> float:
        ours = self.cpu.driver + self.cpu.app + self.cpu.database
        return max(0.0, self.cpu.machine - ours) / (self.seconds * (os.cpu_count() or 1))


def run_reads(
    base_url: str,
    server_pid: int,
    db_name: str,
    clients: Sequence[Sequence[Read]],
    *,
    warmup: float,
    duration: float,
    rate: float | None = None,
) -> ReadResult:
    """Drive `clients` (each a list of reads it cycles through) for warm-up + duration."""
    return asyncio.run(_run(base_url, server_pid, db_name, clients, warmup, duration, rate))


async def _run(
    base_url: str,
    server_pid: int,
    db_name: str,
    clients: Sequence[Sequence[Read]],
    warmup: float,
    duration: float,
    rate: float | None,
) -> ReadResult:
    loop = asyncio.get_running_loop()
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    begin = loop.time() + warmup
    stop = begin + duration
    interval = len(clients) / rate if rate else 0.0
    samples: list[tuple[float, float, bool, int, str]] = []

    async def client(index: int, reads: Sequence[Read]) -> None:
        connection = _Connection(host, port)
        due = loop.time() + index * interval / len(clients)
        turn = index  # clients start at different places of their lists
        try:
            while True:
                now = loop.time()
                if rate:
                    if due >= stop:
                        return
                    if due > now:
                        await asyncio.sleep(due - now)
                    started, due = due, due + interval
                elif now >= stop:
                    return
                else:
                    started = now
                read = reads[turn % len(reads)]
                turn += 1
                ok, note = True, ""
                for raw in read:
                    try:
                        status, body = await connection.exchange(raw)
                    except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                        connection.close()
                        ok, note = False, f"{type(exc).__name__}: {exc}"
                        break
                    if status != 200:
                        ok, note = False, f"{status} {body[:200].decode(errors='replace')}"
                        break
                samples.append((started, loop.time(), ok, len(read), note))
        finally:
            connection.close()

    meter = CpuMeter(server_pid, db_name)

    async def measure() -> Cpu:
        await asyncio.sleep(max(0.0, begin - loop.time()))
        meter.start()
        await asyncio.sleep(max(0.0, stop - loop.time()))
        return meter.stop()

    cpu = asyncio.ensure_future(measure())
    load_average = 0.0

    async def load() -> None:
        nonlocal load_average
        await asyncio.sleep(max(0.0, begin - loop.time()))
        load_average = os.getloadavg()[0]

    loaded = asyncio.ensure_future(load())
    await asyncio.gather(*(client(i, reads) for i, reads in enumerate(clients)))
    window = [s for s in samples if s[0] >= begin and s[1] <= stop]
    failures = [s[4] for s in samples if not s[2]]
    return ReadResult(
        read_ms=[(end - start) * 1000 for start, end, ok, _, _ in window if ok],
        requests=sum(n for _, _, ok, n, _ in window if ok),
        seconds=duration,
        errors=len(failures),
        error_examples=failures[:3],
        cpu=await cpu,
        load_average=(await loaded) or load_average,
    )
