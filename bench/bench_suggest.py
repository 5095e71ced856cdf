"""Benchmark: suggestions for a 20,000-character Arabic/French article against a dictionary of
5,000 entries with 25,000 aliases (Arabic and Latin), generated deterministically.

Run: .venv/bin/python bench/bench_suggest.py [--runs 50]
Prints the matcher build time and median times per article (target: suggest <= 50 ms).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coding.text.arabic import fold
from coding.text.dates import find_dates
from coding.text.matching import AliasMatcher
from coding.text.suggest import suggest

ENTRIES = 5_000
ALIASES_PER_ENTRY = 5
ARTICLE_CHARS = 20_000

AR_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
AR_VARIANTS = {"ا": "أإآ", "ي": "ى", "ه": "ة"}
LATIN_SYLLABLES = [
    "ba",
    "ma",
    "ko",
    "ga",
    "ki",
    "dal",
    "me",
    "na",
    "tim",
    "bu",
    "tu",
    "se",
    "gou",
    "djé",
    "nné",
    "so",
    "sso",
    "kou",
    "li",
    "ro",
    "fa",
    "ni",
    "ou",
    "ta",
    "ssa",
]
FILLER_AR = (
    "قالت مصادر محلية إن الوضع الأمني ما زال متوترا في المنطقة، وأضاف شهود عيان أن "
    "السكان فروا من القرى المجاورة خوفا من هجمات جديدة، بينما لم يصدر أي تعليق رسمي. "
    "وأشار مسؤول إلى أن التعزيزات وصلتْ صباحاً، وأن الاتصالات مقطوعة منذ أيام. "
)
FILLER_FR = (
    "Selon une source sécuritaire, la situation reste tendue dans la région, où les "
    "habitants ont fui les villages voisins par crainte de nouvelles attaques. "
)


def arabic_name(rng: random.Random) -> str:
    return "".join(rng.choice(AR_LETTERS) for _ in range(rng.randint(3, 7)))


def latin_name(rng: random.Random) -> str:
    return "".join(rng.choice(LATIN_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def make_dictionary(rng: random.Random) -> list[tuple[int, str, str]]:
    """5,000 entries x 5 aliases: Arabic, spelling variant, article or two-word form, Latin,
    Latin variant."""
    entries: list[tuple[int, str, str]] = []
    for entry_id in range(1, ENTRIES + 1):
        kind = "actor" if entry_id % 3 == 0 else "location"
        base = arabic_name(rng)
        variant = "".join(
            rng.choice(AR_VARIANTS[c]) if c in AR_VARIANTS and rng.random() < 0.5 else c
            for c in base
        )
        if variant == base:
            variant = base + rng.choice(AR_LETTERS)
        third = "ال" + base if kind == "actor" else f"{base} {arabic_name(rng)}"
        latin = latin_name(rng)
        aliases = [base, variant, third, latin, latin + " " + latin_name(rng)]
        entries.extend((entry_id, kind, alias) for alias in aliases)
    return entries


def decorate(alias: str, rng: random.Random) -> str:
    """Write an alias the way it appears in text: proclitics, harakat, tatweel, ZWNJ."""
    if alias.isascii():
        return rng.choice(["", "", "لـ", "و"]) + alias
    if alias.startswith("ال"):
        return rng.choice(["", "و", "ب", "وب"]) + alias if rng.random() < 0.8 else "ل" + alias[1:]
    word = rng.choice(["", "", "و", "ب", "وب", "ل", "بـ"]) + alias
    if rng.random() < 0.3:
        word = word[:2] + "\u064e" + word[2:]
    if rng.random() < 0.2:
        word += "\u200c"
    return word


def make_article(entries: list[tuple[int, str, str]], rng: random.Random) -> str:
    pieces: list[str] = []
    size = 0
    dates = [
        *("في 31 أغسطس 2024", "يوم الخميس الماضي", "le 12 juin 2022", "أمس"),
        *("يونيو/ حزيران 2022", "منذ ٣ أيام", "الأسبوع الماضي", "١٢/٠٣/٢٠٢٤", "hier"),
    ]
    paragraph = 0
    while size < ARTICLE_CHARS:
        french = paragraph % 4 == 3
        parts = []
        for _ in range(12):
            _, _, alias = rng.choice(entries)
            if french:
                parts.append(FILLER_FR[: rng.randint(40, 140)] + " " + alias.split(" ")[0])
            else:
                parts.append(FILLER_AR[: rng.randint(40, 160)] + " " + decorate(alias, rng))
            if rng.random() < 0.3:
                parts.append(rng.choice(dates))
            if rng.random() < 0.1:
                parts.append(rng.choice(["🇲🇱", "😢", "🔥"]))
        text = " ".join(parts) + ".\n"
        pieces.append(text)
        size += len(text)
        paragraph += 1
    return "".join(pieces)[:ARTICLE_CHARS]


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """(median wall-clock ms, median CPU ms of this process) over ``runs`` calls. The CPU
    figure is less disturbed when other processes share the machine."""
    wall, cpu = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def report(label: str, fn: Callable[[], object], runs: int) -> None:
    wall, cpu = timed(fn, runs)
    print(f"{label:<34} {wall:8.2f} ms median wall   {cpu:8.2f} ms median CPU")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    rng = random.Random(20250912)
    entries = make_dictionary(rng)
    article = make_article(entries, rng)
    anchor = dt.date(2025, 9, 12)

    w0, c0 = time.perf_counter(), time.process_time()
    matcher = AliasMatcher(entries)
    build_wall, build_cpu = (time.perf_counter() - w0) * 1000, (time.process_time() - c0) * 1000

    result = suggest(article, matcher, anchor=anchor)
    print(f"dictionary: {ENTRIES} entries, {len(entries)} aliases ({len(matcher)} indexed)")
    print(f"article: {len(article)} code points, {args.runs} runs per figure")
    print(
        f"suggestions: {len(result.actors)} actors, {len(result.locations)} locations, "
        f"{len(result.dates)} dates"
    )
    print(
        f"{'matcher build (once)':<34} {build_wall:8.0f} ms wall          {build_cpu:8.0f} ms CPU"
    )
    report("fold", lambda: fold(article), args.runs)
    report("matcher.find", lambda: matcher.find(article), args.runs)
    report("find_dates", lambda: find_dates(article, anchor=anchor), args.runs)
    report("suggest (target <= 50 ms)", lambda: suggest(article, matcher, anchor=anchor), args.runs)
    report(
        "suggest, 1,000-char region",
        lambda: suggest(article, matcher, anchor=anchor, start=5_000, end=6_000),
        args.runs,
    )


if __name__ == "__main__":
    main()
