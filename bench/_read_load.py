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

    def __sub__(self, other: Cpu) -> Cpu:
        return Cpu(
            self.machine - other.machine,
            self.driver - other.driver,
            self.app - other.app,
            self.database - other.database,
        )


def _stat(pid_dir: Path) -> tuple[int, float] | None:
    try:
        fields = (pid_dir / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICKS


def cpu_now(server_pid: int, db_name: str) -> Cpu:
    """CPU seconds so far of the server (gunicorn master + workers), of the PostgreSQL
    backends of `db_name` and their parallel workers, of this process, and of the machine."""
    app = 0.0
    backends: dict[int, float] = {}
    workers: dict[int, tuple[int, float]] = {}  # parallel worker pid → (leader pid, cpu)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        stat = _stat(entry)
        if stat is None:
            continue
        pid, (ppid, cpu) = int(entry.name), stat
        if server_pid in (pid, ppid):
            app += cpu
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
    database = sum(backends.values())
    database += sum(cpu for leader, cpu in workers.values() if leader in backends)
    return Cpu(machine_busy_seconds(), time.process_time(), app, database)


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

    async def at(moment: float, what):  # type: ignore[no-untyped-def]
        await asyncio.sleep(max(0.0, moment - loop.time()))
        return what()

    cpu_begin = asyncio.ensure_future(at(begin, lambda: cpu_now(server_pid, db_name)))
    cpu_stop = asyncio.ensure_future(at(stop, lambda: cpu_now(server_pid, db_name)))
    load = asyncio.ensure_future(at(begin, lambda: os.getloadavg()[0]))
    await asyncio.gather(*(client(i, reads) for i, reads in enumerate(clients)))
    window = [s for s in samples if s[0] >= begin and s[1] <= stop]
    failures = [s[4] for s in samples if not s[2]]
    return ReadResult(
        read_ms=[(end - start) * 1000 for start, end, ok, _, _ in window if ok],
        requests=sum(n for _, _, ok, n, _ in window if ok),
        seconds=duration,
        errors=len(failures),
        error_examples=failures[:3],
        cpu=(await cpu_stop) - (await cpu_begin),
        load_average=await load,
    )
