"""Built-in codebook presets: the YAML files in ``<repo root>/fixtures/codebooks/``."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from .errors import UnknownPresetError
from .load import load_codebook_text
from .model import CodebookSpec

PRESETS_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "codebooks"
_PRESET_NAME = re.compile(r"[a-z0-9-]+", flags=re.ASCII)


def list_presets() -> list[str]:
    """Names of the built-in presets (file names without ``.yaml``), sorted."""
    return sorted(
        path.stem for path in PRESETS_DIR.glob("*.yaml") if _PRESET_NAME.fullmatch(path.stem)
    )


def preset_path(name: str) -> Path:
    """Path of preset ``name``; raises ``UnknownPresetError`` if there is no such preset."""
    path = PRESETS_DIR / f"{name}.yaml"
    if not _PRESET_NAME.fullmatch(name) or not path.is_file():
        raise UnknownPresetError(f"no codebook preset named {name!r}; known: {list_presets()}")
    return path


def load_preset(name: str) -> CodebookSpec:
    """The parsed, validated preset ``name`` (cached: specs are immutable)."""
    return _load_preset(name)


@cache
def _load_preset(name: str) -> CodebookSpec:
    return load_codebook_text(preset_path(name).read_text(encoding="utf-8"))
