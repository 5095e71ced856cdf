"""A lean HTTP/1.1 load generator: asyncio streams, keep-alive, nothing else.

The benchmarks' load generator shares the machine with the server and PostgreSQL, so every
millisecond of its CPU is one the server does not get. httpx spends about 2.4 ms of CPU per
request; this client sends pre-built request bytes and parses only the status line and the
framing headers (Content-Length, chunked, Connection), well under 0.5 ms per request.

Two shapes:
- closed loop (`rate=None`): each client sends its request again as soon as the previous
  answer arrived;
- open loop (`rate` requests/s over all clients): each client sends at fixed times
  (`clients / rate` seconds apart, clients staggered); a request that cannot go out on time
  (the previous answer is late) goes as soon as it can, and its latency counts from the time
  it was due, so a slow server is not hidden by the driver waiting for it (no coordinated
  omission).

A connection the server closes (`Connection: close`, or EOF) is opened again for the next
request; the time to reconnect counts in that request's latency.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

# (due or start time, end time, ok, note) in loop time (seconds)
Sample = tuple[float, float, bool, str]


@dataclass(frozen=True)
class Request:
    """One request as bytes on the wire, and the status it should get."""

    raw: bytes
    expect: int


def build_request(
    base_url: str, method: str, path: str, headers: dict[str, str], body: bytes | None
) -> bytes:
    host = urlsplit(base_url).netloc
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: keep-alive"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body is not None or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body or b'')}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


class _Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def exchange(self, raw: bytes) -> tuple[int, bytes]:
        """Send `raw`, return (status, body). Reconnects if the server closed the connection."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, _, header_block = head.partition(b"\r\n")
        status = int(status_line.split(b" ", 2)[1])
        length: int | None = None
        chunked = close = False
        for line in header_block.split(b"\r\n"):
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                close = value.strip().lower() == b"close"
        if chunked:
            body = await self._read_chunked()
        elif length is not None:
            body = await self.reader.readexactly(length)
        else:  # no framing: the body lasts until the server closes
            body = await self.reader.read()
            close = True
        if close:
            self.close()
        return status, body

    async def _read_chunked(self) -> bytes:
        assert self.reader is not None
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")  # no trailers expected
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def drive(
    base_url: str,
    requests: Sequence[Request | Sequence[Request]],
    *,
    stop: float,
    rate: float | None,
) -> list[Sample]:
    """One client per item of `requests`, until loop time `stop`; returns every sample. An
    item is one request the client repeats, or a list of requests the client sends in turn
    (cycling), so that clients can write different events rather than replay one."""
    loop = asyncio.get_running_loop()
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    samples: list[Sample] = []
    interval = len(requests) / rate if rate else 0.0
    start_all = loop.time()

    async def client(index: int, mine: Request | Sequence[Request]) -> None:
        connection = _Connection(host, port)
        due = start_all + index * interval / len(requests)
        turn = [mine] if isinstance(mine, Request) else list(mine)
        sent = 0
        try:
            while True:
                request = turn[sent % len(turn)]
                sent += 1
                now = loop.time()
                if rate:
                    if due >= stop:
                        return
                    if due > now:
                        await asyncio.sleep(due - now)
                    started = due
                    due += interval
                else:
                    if now >= stop:
                        return
                    started = now
                try:
                    status, body = await connection.exchange(request.raw)
                    ok = status == request.expect
                    note = "" if ok else f"{status} {body[:200].decode(errors='replace')}"
                except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                    connection.close()
                    ok, note = False, f"{type(exc).__name__}: {exc}"
                samples.append((started, loop.time(), ok, note))
        finally:
            connection.close()

    await asyncio.gather(*(client(i, r) for i, r in enumerate(requests)))
    return samples
