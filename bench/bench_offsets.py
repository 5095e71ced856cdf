"""Benchmark: code-point <-> UTF-16 offset conversion on a 20,000-character mixed text.

Run: .venv/bin/python bench/bench_offsets.py [--runs 50]
Compares OffsetMap (bisect over astral positions) with the naive reference
``len(text[:cp].encode("utf-16-le")) // 2`` and prints medians.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coding.text.offsets import OffsetMap, utf16_len
from coding.text.spans import snap_span

TEXT_CHARS = 20_000
LOOKUPS = 1_000
SENTENCE = (
    "قالت مصادر أمنية إن مسلحين من JNIM هاجموا قافلة للجيش المالي قرب غوسي 🇲🇱 في إقليم "
    "تمبكتو، ما أسفر عن مقتل ١٢ جنديًا 😢. Le porte-parole a déclaré que la situation reste "
    "tendue à Ménaka\u200c.\n"
)


def make_text() -> str:
    return (SENTENCE * (TEXT_CHARS // len(SENTENCE) + 1))[:TEXT_CHARS]


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """(median wall-clock ms, median CPU ms) over ``runs`` calls."""
    wall, cpu = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def report(label: str, fn: Callable[[], object], runs: int, per: int = 1) -> None:
    wall, cpu = timed(fn, runs)
    unit = "ms     " if per == 1 else "us/call"
    scale = 1 if per == 1 else 1000 / per
    calls = "" if per == 1 else f"  (median of batches of {per} calls)"
    print(f"{label:<38} {wall * scale:8.3f} {unit} wall {cpu * scale:8.3f} {unit} CPU{calls}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    text = make_text()
    bmp_text = text.replace("🇲🇱", "ML").replace("😢", ":(")
    offsets = OffsetMap(text)
    rng = random.Random(7)
    cps = [rng.randint(0, len(text)) for _ in range(LOOKUPS)]
    u16s = [offsets.cp_to_u16(cp) for cp in cps]
    spans = [(cp, min(cp + 12, len(text))) for cp in cps if cp < len(text)]
    astral = offsets.len_u16 - offsets.len_cp
    print(f"text: {len(text)} code points, {offsets.len_u16} UTF-16 units ({astral} astral chars)")

    report("utf16_len", lambda: utf16_len(text), args.runs)
    report("OffsetMap build", lambda: OffsetMap(text), args.runs)
    report("OffsetMap build, all-BMP text", lambda: OffsetMap(bmp_text), args.runs)
    report("cp_to_u16", lambda: [offsets.cp_to_u16(cp) for cp in cps], args.runs, LOOKUPS)
    report("u16_to_cp (strict)", lambda: [offsets.u16_to_cp(u) for u in u16s], args.runs, LOOKUPS)
    report(
        "reference cp->u16 (encode prefix)",
        lambda: [len(text[:cp].encode("utf-16-le")) // 2 for cp in cps],
        args.runs,
        LOOKUPS,
    )
    report(
        "build + convert one span (per save)",
        lambda: OffsetMap(text).span_u16_to_cp(u16s[0], u16s[1] + 1),
        args.runs,
    )
    report("snap_span", lambda: [snap_span(text, s, e) for s, e in spans[:100]], args.runs, 100)


if __name__ == "__main__":
    main()
