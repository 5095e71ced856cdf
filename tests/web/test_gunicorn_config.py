"""config/gunicorn.conf.py: the worker hook freezes the start-up heap out of the garbage
collector and raises the young threshold; the command line of `make serve-prod` still sets
workers, bind address and timeout. Nothing is started."""

from __future__ import annotations

import gc
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from gunicorn.app.wsgiapp import WSGIApplication

ROOT = Path(__file__).resolve().parents[2]
CONFIG = "config/gunicorn.conf.py"


def _load(monkeypatch: pytest.MonkeyPatch, *flags: str) -> Any:
    """gunicorn's own reading of its command line and config file (nothing is started)."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "argv", ["gunicorn", "config.wsgi", "-c", CONFIG, *flags])
    return WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").cfg


def test_makefile_serve_prod_uses_the_config_file() -> None:
    makefile = (ROOT / "Makefile").read_text()
    line = next(x for x in makefile.splitlines() if "bin/gunicorn" in x)
    assert f"-c {CONFIG}" in line
    assert re.search(r"--bind \S+ --workers \S+ --timeout \S+", line)


def test_command_line_flags_override_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = _load(monkeypatch, "--bind", "127.0.0.1:8123", "--workers", "5", "--timeout", "300")
    assert (cfg.workers, cfg.bind, cfg.timeout) == (5, ["127.0.0.1:8123"], 300)
    assert cfg.preload_app is False  # the app loads in each worker, before the hook runs
    assert cfg.post_worker_init.__module__ != "gunicorn.config"  # the file's hook, not the default


def test_worker_hook_freezes_the_heap_and_raises_the_threshold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cfg = _load(monkeypatch)
    before = gc.get_threshold()
    gc.unfreeze()
    try:
        cfg.post_worker_init(worker=None)
        assert gc.get_threshold() == (50_000, 20, 20)
        assert gc.get_freeze_count() > 10_000  # Django, DRF and the app loaded in this process
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
