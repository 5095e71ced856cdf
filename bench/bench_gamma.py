"""γ's cost per article (coding.agreement.gamma_agreement, pygamma-agreement + GLPK).

An article as the agreement benchmark generates it: 5 events per coder, 4 evidence spans
per event (trigger, actor, place, date) labelled with their role, on a text of ~3,000 code
points; the other coders find 90% of the spans, with boundaries moved by up to 3 code
points, and add 5% spurious spans. Prints the import time, then for 2 and 3 coders the
median and spread of seconds per article (30 random continua each, one seed per article),
its CPU, and what 10,000 articles would take on N worker processes (γ runs in the
recompute's chunks, so it divides over the workers).

    .venv/bin/python bench/bench_gamma.py [--articles 10]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROLES = ("trigger", "actor", "place", "date")


def article(rng: random.Random, n_coders: int) -> list:
    from coding.agreement import CodedSpan

    truth = []
    for event in range(5):
        base = 100 + event * 550
        for r, role in enumerate(ROLES):
            start = base + r * 120 + rng.randrange(0, 40)
            truth.append((role, start, start + rng.randrange(4, 30)))
    units = []
    for coder in range(n_coders):
        for role, start, end in truth:
            if coder and rng.random() > 0.9:
                continue  # missed
            shift = 0 if coder == 0 else rng.randrange(-3, 4)
            units.append(CodedSpan(coder, role, max(0, start + shift), end + shift))
        for _ in range(max(1, len(truth) // 20)):
            start = rng.randrange(0, 2900)
            units.append(CodedSpan(coder, rng.choice(ROLES), start, start + 10))
    return units


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10)
    args = parser.parse_args()
    start = time.perf_counter()
    import pygamma_agreement  # noqa: F401  (the import is part of a worker's cost)

    print(f"import pygamma_agreement: {time.perf_counter() - start:.1f} s")
    from coding.agreement import gamma_agreement

    rng = random.Random(7)
    gamma_agreement(article(rng, 2), seed=0)  # numba's JIT, paid once per process
    for n_coders in (2, 3):
        seconds, cpu, gammas, spreads = [], [], [], []
        for i in range(args.articles):
            units = article(rng, n_coders)
            t, c = time.perf_counter(), time.process_time()
            result = gamma_agreement(units, seed=i)
            seconds.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            gammas.append(result.gamma)
            spreads.append(result.gamma_se)
        median = statistics.median(seconds)
        print(
            f"{n_coders} coders, {len(units)} spans: median {median:.2f} s per article "
            f"(min {min(seconds):.2f}, max {max(seconds):.2f}; {args.articles} articles), "
            f"γ median {statistics.median(gammas):.3f}, Monte-Carlo s.e. median "
            f"{statistics.median(spreads):.4f}; CPU median {statistics.median(cpu):.2f} s"
        )
        # γ is computed in the recompute's chunks, so it divides over the worker processes
        # like α does (coding.services.agreement_chunks).
        per_cpu = statistics.median(cpu)
        print(
            "  10,000 articles with γ on N worker processes ≈ "
            + ", ".join(f"N={n}: {per_cpu * 10_000 / n / 3600:.2f} h" for n in (1, 2, 4, 8, 16))
        )
    print(f"load average {os.getloadavg()[0]:.1f} (2 cores, shared)")


if __name__ == "__main__":
    main()
