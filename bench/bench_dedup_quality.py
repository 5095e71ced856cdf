"""Quality of the "same event?" finder on the hand-labelled reports.

usage: .venv/bin/python bench/bench_dedup_quality.py [--window 2] [--threshold 0.6]
                                                     [--near-km 25] [--verbose]

Reads tests/data/dedup_pairs.yaml, takes each report in turn as the newly validated one,
ranks all the others (coding.dedup.candidates.rank_candidates) and prints precision, recall
and top-3 recall (see coding.dedup.quality). --verbose lists the wrong and missed pairs
with their reasons.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coding.dedup.candidates import FinderSettings, pair_score  # noqa: E402
from coding.dedup.quality import labelled_reports, measure  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "dedup_pairs.yaml"
DEFAULTS = FinderSettings()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=int, default=DEFAULTS.window_days)
    parser.add_argument("--threshold", type=float, default=DEFAULTS.threshold)
    parser.add_argument("--near-km", type=float, default=DEFAULTS.near_km)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    settings = FinderSettings(
        window_days=args.window, threshold=args.threshold, near_km=args.near_km
    )
    document = yaml.safe_load(LABELLED.read_text("utf-8"))
    reports, same = labelled_reports(document)
    started = time.perf_counter()
    quality = measure(reports, same, settings)
    elapsed_ms = (time.perf_counter() - started) * 1000
    not_same = len(document["pairs"]["not_same"])
    print(
        f"labelled set: {len(reports)} reports, {len(same)} same pairs, {not_same} hard negatives"
    )
    print(f"settings: window {args.window} d, threshold {args.threshold}, near {args.near_km} km")
    print(f"pairs proposed: {quality.proposed} ({len(quality.wrong)} wrong)")
    print(f"precision: {quality.precision:.3f}")
    print(f"recall: {quality.recall:.3f}")
    print(f"top-3 recall: {quality.top3_recall:.3f}")
    print(f"time for all {len(reports)} queries: {elapsed_ms:.1f} ms")
    if args.verbose:
        by_id = {r.id: r for r in reports}
        everything = FinderSettings(window_days=args.window, threshold=0.0, near_km=args.near_km)
        for label, pairs in (("wrong", quality.wrong), ("missed", quality.missed)):
            for a, b in pairs:
                found = pair_score(by_id[a], by_id[b], everything)
                detail = (
                    "blocked" if found is None else f"{found.score:.3f} {found.reasons['summary']}"
                )
                print(f"  {label} {a}~{b}: {detail}")


if __name__ == "__main__":
    main()
