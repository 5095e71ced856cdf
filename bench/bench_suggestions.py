"""Benchmark: quality and speed of suggestions.

Quality: the shipped dictionaries (fixtures/gazetteer/, fixtures/actors/) against the
annotated Sahel test set (fixtures/evaluation/sahel_suggestions.yaml): recall for names in
the dictionary and overall, precision, wrong suggestions per passage.
Speed: median ``suggest`` time for a 20,000-character article against 25,000 generated
aliases (the generator of bench/bench_suggest.py).

Run: .venv/bin/python bench/bench_suggestions.py [--runs 30] [--verbose] [--held-out]
     [--aside-every 40]
Targets: recall >= 0.95 in dictionary, >= 0.9 overall; <= 1 wrong per passage; <= 50 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_suggest import make_article, make_dictionary, timed  # noqa: E402

from coding.text.evaluation import load_test_set, score_passages  # noqa: E402
from coding.text.matching import AliasMatcher  # noqa: E402
from coding.text.shipped import shipped_suggester  # noqa: E402
from coding.text.suggest import suggest  # noqa: E402

TEST_SET = REPO / "fixtures" / "evaluation" / "sahel_suggestions.yaml"
HELD_OUT = REPO / "fixtures" / "evaluation" / "sahel_suggestions_heldout.yaml"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--verbose", action="store_true", help="list misses and wrong ones")
    parser.add_argument(
        "--aside-every",
        type=int,
        default=40,
        help="words between the year asides of the speed test",
    )
    parser.add_argument("--held-out", action="store_true", help="score the held-out passages")
    args = parser.parse_args()

    test_set = HELD_OUT if args.held_out else TEST_SET
    passages = load_test_set(test_set)
    suggester = shipped_suggester(REPO / "fixtures")
    score = score_passages(passages, suggester.suggest, suggester.keys)
    print(f"test set: {test_set.name}, {len(passages)} passages, {score.mentions} mentions")
    print(f"dictionary: {len(suggester.keys)} entries, {len(suggester.matcher)} aliases")
    print(
        f"recall in dictionary   {score.recall_in_dictionary:.3f} "
        f"({score.found_in_dictionary}/{score.mentions_in_dictionary})   target >= 0.95"
    )
    print(
        f"recall overall         {score.recall:.3f} ({score.found}/{score.mentions})"
        "   target >= 0.9"
    )
    print(f"precision              {score.precision:.3f} ({score.hits} hits, {score.wrong} wrong)")
    print(f"wrong per passage      {score.wrong_per_passage:.2f}   target <= 1")
    print(f"tolerated (low-ranked wrong friends) {score.tolerated}")
    if args.verbose:
        for line in score.missed:
            print("  missed", line)
        for line in score.wrong_items:
            print("  wrong ", line)

    rng = random.Random(20250912)
    entries = make_dictionary(rng)
    article = make_article(entries, rng)
    matcher = AliasMatcher(entries)
    anchor = dt.date(2025, 9, 12)
    wall, cpu = timed(lambda: suggest(article, matcher, anchor=anchor), args.runs)
    print(
        f"suggest, {len(article)} chars vs {len(matcher)} aliases: {wall:.1f} ms median wall, "
        f"{cpu:.1f} ms median CPU ({args.runs} runs; target <= 50 ms)"
    )
    # The matcher searches the text around every short parenthesis a second time without it
    # (coding/text/asides.py): the same article with a year aside after every n-th word.
    words = article.split(" ")
    every = args.aside_every
    with_asides = " ".join(
        w + (" (2012)" if i % every == every - 1 else "") for i, w in enumerate(words)
    )
    wall, cpu = timed(lambda: suggest(with_asides, matcher, anchor=anchor), args.runs)
    print(
        f"  the same with {len(words) // every} year asides: {wall:.1f} ms median wall, "
        f"{cpu:.1f} ms median CPU"
    )
    print(f"load average: {os.getloadavg()[0]:.2f} (1 min)")


if __name__ == "__main__":
    main()
