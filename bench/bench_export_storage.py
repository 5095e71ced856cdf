"""How stored JSONL texts should be kept: PostgreSQL's CPU per row to send them (issue 19.2).

JSONL lines are ~2,300 bytes: above PostgreSQL's 2 kB toast threshold, so each is compressed
inline or moved out of line, and every export decompresses or fetches it again. This copies
the first 100,000 stored JSONL texts of a bench_export database into three tables — pglz
inline (what the refresh's staging table used to produce), LZ4 inline (the column's method),
uncompressed out of line (``SET STORAGE EXTERNAL``) — and times ``COPY (SELECT jsonl … ORDER
BY event_id) TO STDOUT`` of each, interleaved, five rounds: CPU of the backend (utime + stime
from /proc) per row, medians. The tables are dropped at the end.

    .venv/bin/python bench/bench_export_storage.py athar_bench_exportscale
"""

# Table names come from the constant KINDS, never from input.
# ruff: noqa: S608

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import psycopg

TICKS = os.sysconf("SC_CLK_TCK")
ROWS = 100_000
KINDS = ("pglz", "lz4", "external")
SERVER = os.environ.get("ATHAR_BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _build(conn: psycopg.Connection) -> None:
    conn.execute("DROP TABLE IF EXISTS bench_jsonl_pglz, bench_jsonl_lz4, bench_jsonl_external")
    conn.execute(
        "CREATE TABLE bench_jsonl_pglz (event_id bigint PRIMARY KEY, jsonl text COMPRESSION pglz)"
    )
    # `|| ''` makes a new value, so each table compresses (or not) by its own setting.
    conn.execute(
        "INSERT INTO bench_jsonl_pglz SELECT event_id, jsonl || '' FROM coding_exportcsvrow "
        f"WHERE jsonl IS NOT NULL ORDER BY event_id LIMIT {ROWS}"
    )
    conn.execute(
        "CREATE TABLE bench_jsonl_lz4 (event_id bigint PRIMARY KEY, jsonl text COMPRESSION lz4)"
    )
    conn.execute("CREATE TABLE bench_jsonl_external (event_id bigint PRIMARY KEY, jsonl text)")
    conn.execute("ALTER TABLE bench_jsonl_external ALTER COLUMN jsonl SET STORAGE EXTERNAL")
    for kind in ("lz4", "external"):
        conn.execute(
            f"INSERT INTO bench_jsonl_{kind} SELECT event_id, jsonl || '' FROM bench_jsonl_pglz"
        )
    conn.execute("VACUUM ANALYZE bench_jsonl_pglz, bench_jsonl_lz4, bench_jsonl_external")


def main() -> None:
    db = sys.argv[1] if len(sys.argv) > 1 else "athar_bench_exportscale"
    with psycopg.connect(f"{SERVER}/{db}", autocommit=True) as conn:
        _build(conn)
        for kind in KINDS:
            method, size, table = conn.execute(
                "SELECT min(pg_column_compression(jsonl)), avg(pg_column_size(jsonl))::int, "
                f"pg_total_relation_size('bench_jsonl_{kind}') FROM bench_jsonl_{kind}"
            ).fetchone() or (None, 0, 0)
            print(f"{kind}: compression {method}, {size} bytes a text, table {table / 1e6:.0f} MB")
        row = conn.execute("SELECT pg_backend_pid()").fetchone()
        assert row is not None
        pid = row[0]
        runs: dict[str, list[tuple[float, float]]] = {kind: [] for kind in KINDS}
        for _ in range(5):
            for kind in KINDS:
                cpu, wall = _cpu(pid), time.perf_counter()
                query = f"COPY (SELECT jsonl FROM bench_jsonl_{kind} ORDER BY event_id) TO STDOUT"
                with conn.cursor().copy(query) as copy:
                    for _data in copy:
                        pass
                runs[kind].append(((_cpu(pid) - cpu) / ROWS * 1e6, time.perf_counter() - wall))
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
        for kind, figures in runs.items():
            print(
                f"{kind}: PostgreSQL CPU µs/row median "
                f"{statistics.median(f[0] for f in figures):.2f} "
                f"(runs {', '.join(f'{f[0]:.2f}' for f in figures)}), wall median "
                f"{statistics.median(f[1] for f in figures):.2f} s; load {load}"
            )
        conn.execute("DROP TABLE bench_jsonl_pglz, bench_jsonl_lz4, bench_jsonl_external")


if __name__ == "__main__":
    main()
