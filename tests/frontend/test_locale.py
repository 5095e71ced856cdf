"""Translations: every string the modules show is translatable and translated into Arabic
and French, and each committed .mo is exactly what msgfmt makes of its .po."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from frontend.ui_strings import ui_strings

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ["ar", "fr"]
JS = ROOT / "frontend" / "static" / "frontend" / "js"
T_CALL = re.compile(r'\bt\(\s*"((?:[^"\\]|\\.)*)"')


def po_entries(lang: str) -> dict[str, str]:
    """msgid → msgstr of a .po written with --no-wrap (one line each)."""
    text = (ROOT / "locale" / lang / "LC_MESSAGES" / "django.po").read_text("utf-8")
    pairs = re.findall(r'^msgid "(.*)"\nmsgstr "(.*)"$', text, re.M)
    return {json.loads(f'"{k}"'): json.loads(f'"{v}"') for k, v in pairs if k}


@pytest.mark.parametrize("lang", LOCALES)
def test_committed_mo_matches_a_fresh_compile(lang: str, tmp_path: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    assert msgfmt is not None, "gettext's msgfmt is needed (apt-get install gettext)"
    folder = ROOT / "locale" / lang / "LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check", "-o", str(fresh), str(folder / "django.po")], check=True)
    assert (folder / "django.mo").read_bytes() == fresh.read_bytes()


def test_every_string_of_the_modules_is_listed_for_translation() -> None:
    used = set()
    for path in JS.rglob("*.js"):
        used |= {json.loads(f'"{m}"') for m in T_CALL.findall(path.read_text("utf-8"))}
    assert len(used) > 80
    assert used == set(ui_strings())


@pytest.mark.parametrize("lang", LOCALES)
def test_every_ui_string_is_translated(lang: str) -> None:
    entries = po_entries(lang)
    assert sorted(set(ui_strings()) - set(entries)) == []
    untranslated = sorted(k for k, v in entries.items() if not v)
    assert untranslated == []
    text = (ROOT / "locale" / lang / "LC_MESSAGES" / "django.po").read_text("utf-8")
    assert "#, fuzzy" not in text


@pytest.mark.parametrize("lang", LOCALES)
def test_placeholders_survive_translation(lang: str) -> None:
    for msgid, msgstr in po_entries(lang).items():
        assert sorted(re.findall(r"\{\w+\}", msgid)) == sorted(re.findall(r"\{\w+\}", msgstr)), (
            msgid
        )
