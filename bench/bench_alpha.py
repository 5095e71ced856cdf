"""Benchmark coding.agreement.krippendorff_alpha against krippendorff.alpha (PyPI 0.9.0).

usage: .venv/bin/python bench/bench_alpha.py [--runs 7] [--coders 10] [--units 100000]
                                             [--categories 20] [--levels nominal,ordinal,...]

Data: coders × units floats, 80% of values equal a unit's "true" category, 10%
missing (NaN), one fixed seed; both implementations get the same array.

Each (implementation, level) runs in its own fresh subprocess, so neither sees the
other's memory or warm caches. In the subprocess: build the data, import the
implementation, record the peak RSS so far (baseline), make one first call (timed
separately: krippendorff's first call pays page faults on ~1 GB of fresh memory),
then `--runs` timed calls (median reported), then read the peak RSS
(resource.getrusage ru_maxrss) and finally one more call under tracemalloc for the
peak of Python/NumPy allocations made by the call itself.

Memory figures: "peak RSS" is the whole process (interpreter, NumPy, SciPy for ours,
the input data); "call RSS" is peak minus the baseline taken right before the first
call; "tracemalloc" is the allocation peak inside one call. The requirement check
uses the whole-process peak RSS, the least flattering figure for us (we also load SciPy).

Threads: NumPy's BLAS may run a second thread, which shortens wall time without saving
CPU. Every subprocess pins BLAS/OpenMP to one thread (`--threads 1`, the default), and the
CPU time (process_time: all threads) is printed beside the wall time, so neither ratio is
flattered by a second core. The load average is printed before and after.

Import cost (issue #19, item 7): `import coding.agreement` in a fresh interpreter, median
of 5, as it is (SciPy's optimizer imported only where events are aligned) and as it was
(with scipy.optimize imported eagerly, emulated by importing it first).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Literal, cast

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
IMPLEMENTATIONS = ("athar", "krippendorff")


def make_data(coders: int, units: int, categories: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, categories, units)
    agree = rng.random((coders, units)) < 0.8
    data = np.where(agree, truth, rng.integers(0, categories, (coders, units))).astype(float)
    data[rng.random((coders, units)) < 0.1] = np.nan
    return data


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(impl: str, level: str, runs: int, coders: int, units: int, categories: int) -> None:
    data = make_data(coders, units, categories)
    call: Callable[[], float]
    if impl == "athar":
        sys.path.insert(0, str(ROOT))
        from coding.agreement import krippendorff_alpha

        def call() -> float:
            return krippendorff_alpha(data, level)
    else:
        import krippendorff

        measurement = cast(Literal["nominal", "ordinal", "interval", "ratio"], level)

        def call() -> float:
            return float(
                krippendorff.alpha(reliability_data=data, level_of_measurement=measurement)
            )

    baseline = peak_rss_mb()
    start = time.perf_counter()
    alpha = call()
    first = time.perf_counter() - start
    times, cpu_times = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - start_cpu)
    peak = peak_rss_mb()
    tracemalloc.start()
    call()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "impl": impl,
                "level": level,
                "alpha": alpha,
                "first_s": first,
                "median_s": statistics.median(times),
                "min_s": min(times),
                "median_cpu_s": statistics.median(cpu_times),
                "peak_rss_mb": peak,
                "call_rss_mb": peak - baseline,
                "tracemalloc_mb": traced_peak / 2**20,
            }
        )
    )


def run_worker(impl: str, level: str, args: argparse.Namespace) -> dict[str, float | str]:
    command = [
        sys.executable,
        __file__,
        "--worker",
        impl,
        level,
        "--runs",
        str(args.runs),
        "--coders",
        str(args.coders),
        "--units",
        str(args.units),
        "--categories",
        str(args.categories),
    ]
    output = subprocess.run(
        command, check=True, capture_output=True, text=True, env=_thread_env(args.threads)
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _thread_env(threads: int) -> dict[str, str]:
    """The environment of a subprocess whose BLAS/OpenMP pools have `threads` threads."""
    count = str(threads)
    names = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
    return dict(os.environ) | dict.fromkeys(names, count)


def import_seconds(before: str, runs: int = 5) -> float:
    """Median wall seconds of `import coding.agreement` in a fresh interpreter, after
    `before` (e.g. "import scipy.optimize", to emulate the eager import it replaced)."""
    code = (
        f"import time, sys; {before}\n"
        "t = time.perf_counter(); import coding.agreement\n"
        "print(time.perf_counter() - t)"
    )
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worker", nargs=2, metavar=("IMPL", "LEVEL"))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--coders", type=int, default=10)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--categories", type=int, default=20)
    parser.add_argument("--levels", default="nominal,ordinal,interval,ratio")
    parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads per process")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], args.runs, args.coders, args.units, args.categories)
        return
    print(
        f"{args.coders} coders × {args.units:,} units × {args.categories} categories, "
        f"10% missing; median of {args.runs} warm calls, one subprocess per cell; "
        f"Python {sys.version.split()[0]}, NumPy {np.__version__}; BLAS threads "
        f"{args.threads}; load average {os.getloadavg()[0]:.1f}"
    )
    now = import_seconds("pass")
    eager = import_seconds("import scipy.optimize")
    print(
        f"python -c 'import coding.agreement' (interpreter start included, median of 5): "
        f"{1000 * now:.0f} ms now; {1000 * eager:.0f} ms with scipy.optimize imported eagerly "
        "as before"
    )
    header = (
        f"{'level':9} {'impl':13} {'first s':>8} {'median s':>9} {'min s':>7} {'CPU s':>6} "
        f"{'peak RSS MB':>12} {'call RSS MB':>12} {'tracemalloc MB':>15}"
    )
    print(header)
    summary = []
    for level in args.levels.split(","):
        cells = {impl: run_worker(impl, level, args) for impl in IMPLEMENTATIONS}
        for impl, cell in cells.items():
            print(
                f"{level:9} {impl:13} {cell['first_s']:8.3f} {cell['median_s']:9.3f} "
                f"{cell['min_s']:7.3f} {cell['median_cpu_s']:6.3f} {cell['peak_rss_mb']:12.0f} "
                f"{cell['call_rss_mb']:12.0f} "
                f"{cell['tracemalloc_mb']:15.1f}"
            )
        ours, theirs = cells["athar"], cells["krippendorff"]
        summary.append(
            (
                level,
                float(theirs["median_s"]) / float(ours["median_s"]),
                float(theirs["median_cpu_s"]) / float(ours["median_cpu_s"]),
                float(ours["peak_rss_mb"]) / float(theirs["peak_rss_mb"]),
                float(ours["call_rss_mb"]) / max(float(theirs["call_rss_mb"]), 1e-9),
                float(ours["tracemalloc_mb"]) / float(theirs["tracemalloc_mb"]),
                abs(float(ours["alpha"]) - float(theirs["alpha"])),
            )
        )
    print()
    print(
        f"{'level':9} {'speed-up':>9} {'CPU speed-up':>13} {'peak RSS ratio':>15} "
        f"{'call RSS ratio':>15} "
        f"{'tracemalloc ratio':>18} {'|Δα|':>9}"
    )
    for level, speed, cpu, rss, call_rss, traced, diff in summary:
        print(
            f"{level:9} {speed:8.1f}× {cpu:12.1f}× {rss:15.3f} {call_rss:15.3f} {traced:18.3f} "
            f"{diff:9.1e}"
        )
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    speed_ok = all(s[2] >= 3 for s in summary)  # CPU, one thread each: nothing flatters it
    memory_ok = all(s[3] <= 0.2 for s in summary)
    print(
        f"\nrequirement ≥ 3× less CPU (median, one BLAS thread): "
        f"{'met' if speed_ok else 'NOT met'}; "
        f"≤ 1/5 peak RSS: {'met' if memory_ok else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
