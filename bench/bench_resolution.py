"""How long resolving one dataset event takes (coding.dedup.resolution.resolve), pure Python,
with the ACLED preset's fields: events of 1, 2, 5 and 10 reports, each report with 6 evidence
spans, without and with supervisor choices. Exports resolve every dataset event they write, so
this is the per-row cost the one-row-per-dataset-event exports add.

    .venv/bin/python bench/bench_resolution.py [--events 20000] [--runs 5]

Prints the median over the runs of microseconds per event and events per second, and the load
of the machine (it is shared) before and after.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from coding.codebook_spec import load_preset  # noqa: E402
from coding.dedup.resolution import FieldInfo, Report, Span, resolve  # noqa: E402

ROLES = ["trigger", "actor1", "actor2", "location", "date", "fatalities"]


def _fields() -> list[FieldInfo]:
    spec = load_preset("acled")
    return [FieldInfo(f.key, f.kind, f.evidence_role, f.typed_column) for f in spec.fields]


def _report(gold_id: int, n: int) -> Report:
    day = dt.date(2024, 3, 1) + dt.timedelta(days=n % 3)
    return Report(
        gold_event_id=gold_id,
        event_type="battles",
        event_subtype="armed_clash",
        values={
            "event_date": {"start": day.isoformat(), "end": day.isoformat()},
            "time_precision": "1",
            "actor1": {"id": 4 + n % 2},
            "actor2": {"id": 9},
            "location": {"id": 30 + n % 4},
            "fatalities": 3 + n,
            "notes": f"تقرير رقم {n}",
        },
        date_start=day,
        date_end=day,
        date_precision=1,
        fatalities=3 + n,
        spans=tuple(Span(role, 10 * i, 10 * i + 6, "كلمات") for i, role in enumerate(ROLES)),
    )


def _time(reports: list[Report], fields: list[FieldInfo], resolution: dict, events: int) -> float:
    start = time.perf_counter()
    for _ in range(events):
        resolve(reports, fields, resolution)
    return (time.perf_counter() - start) / events * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    fields = _fields()
    print(f"load before: {os.getloadavg()}")
    print("reports  choices  median µs/event  events/s")
    for count in (1, 2, 5, 10):
        reports = [_report(100 + i, i) for i in range(count)]
        choices = {
            "date": {"rule": "union"},
            "location": {"report": reports[-1].gold_event_id},
            "notes": {"rule": "typed", "value": "مدمج"},
        }
        for label, resolution in (("none", {}), ("3", choices if count > 1 else {})):
            if label == "3" and count == 1:
                continue
            runs = [_time(reports, fields, resolution, args.events) for _ in range(args.runs)]
            median = statistics.median(runs)
            print(f"{count:7d}  {label:>7}  {median:15.1f}  {1e6 / median:9.0f}")
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
