"""`import coding.agreement`, and a script computing one α, do not pay for SciPy's optimizer
(or pygamma's stack): it is imported only where events or spans are matched (issue #19,
item 7). Checked in a fresh interpreter, where nothing was imported before."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("scipy.optimize", "scipy.stats", "pygamma_agreement", "krippendorff", "django")


def _loaded_after(code: str) -> dict[str, object]:
    script = (
        "import json, sys\n"
        + code
        + f"\nprint(json.dumps({{m: m in sys.modules for m in {HEAVY!r}}} | {{'out': out}}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_importing_the_package_loads_no_optimizer() -> None:
    loaded = _loaded_after("import coding.agreement\nout = None")
    assert loaded == dict.fromkeys(HEAVY, False) | {"out": None}


def test_computing_one_alpha_with_its_interval_loads_no_optimizer() -> None:
    loaded = _loaded_after(
        "from coding.agreement import AlphaAccumulator, krippendorff_alpha\n"
        "acc = AlphaAccumulator('interval')\n"
        "acc.add([[1, 2, 3, None], [1, 2, 4, 4]])\n"
        "out = [round(krippendorff_alpha([[1, 2, 3, None], [1, 2, 4, 4]]), 6),\n"
        "       round(acc.bootstrap(n_boot=20, seed=1).n_boot)]"
    )
    assert loaded == dict.fromkeys(HEAVY, False) | {"out": [0.615385, 20]}


def test_aligning_events_does_load_the_optimizer_when_it_is_needed() -> None:
    loaded = _loaded_after(
        "from coding.agreement import AlignableEvent, align_events\n"
        "events = [AlignableEvent(n, n, 'a', None, (), {}) for n in (1, 2)]\n"
        "out = len(align_events(events))"
    )
    assert loaded["scipy.optimize"] is True
    assert loaded["out"] == 1
