"""Dictionary search over 100,000 aliases in PostgreSQL: median latency of the ranked query.

Target (issue 3): ≤ 20 ms median. Uses its own database (athar_bench_dict), created and
dropped here. Prints medians per query kind (exact, prefix, substring, Arabic variants).

    .venv/bin/python bench/bench_dictionary_search.py
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = "athar_bench_dict"
os.environ.update(
    {
        "ATHAR_ENV": "test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
)
sys.path.insert(0, str(ROOT))

N_ENTRIES = 20_000
ALIASES_PER_ENTRY = 5  # 100,000 aliases in all
ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
LATIN = "abcdefghijklmnopqrstuvwxyz"


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql],
        check=True,
        capture_output=True,
    )


def _word(rng: random.Random, alphabet: str, lo: int = 4, hi: int = 9) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def main() -> None:
    _psql(f"DROP DATABASE IF EXISTS {DB}")
    _psql(f"CREATE DATABASE {DB}")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        from coding.dictionary_search import dictionary_search
        from coding.models import Location, LocationAlias
        from coding.text.matching import normalize_for_search

        rng = random.Random(7)
        places = Location.objects.bulk_create(
            Location(key=f"p{i}", name=f"Place {i}") for i in range(N_ENTRIES)
        )
        aliases = []
        samples: dict[str, list[str]] = {
            "exact": [],
            "prefix": [],
            "substring": [],
            "arabic variant": [],
        }
        for place in places:
            for j in range(ALIASES_PER_ENTRY):
                if j % 2:
                    text = "ال" + _word(rng, ARABIC) + "ى"
                else:
                    text = _word(rng, LATIN).capitalize() + " " + _word(rng, LATIN)
                aliases.append(
                    LocationAlias(location=place, text=text, normalized=normalize_for_search(text))
                )
                if rng.random() < 0.002:
                    samples["exact"].append(text)
                    samples["prefix"].append(text[:4])
                    samples["substring"].append(text[2:7])
                    if j % 2:
                        samples["arabic variant"].append(text[:-1] + "ي")
        LocationAlias.objects.bulk_create(aliases, batch_size=5000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE coding_locationalias")
        print(f"{LocationAlias.objects.count():,} aliases for {N_ENTRIES:,} places")
        for kind, queries in samples.items():
            for query in queries[:5]:  # warm-up
                dictionary_search("location", query)
            times = []
            for query in queries * 3:
                start = time.perf_counter()
                hits = dictionary_search("location", query, limit=20)
                times.append((time.perf_counter() - start) * 1000)
                assert hits, query
            print(
                f"{kind:>15}: median {statistics.median(times):6.2f} ms   "
                f"p95 {sorted(times)[int(len(times) * 0.95)]:6.2f} ms   ({len(times)} queries)"
            )
        connection.close()
    finally:
        _psql(f"DROP DATABASE IF EXISTS {DB}")


if __name__ == "__main__":
    main()
