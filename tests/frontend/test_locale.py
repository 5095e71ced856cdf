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


TN_CALL = re.compile(r'\btn\(\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"')
NPLURALS = {"ar": 6, "fr": 2}


def plural_entries(lang: str) -> dict[tuple[str, str], list[str]]:
    """(msgid, msgid_plural) → the msgstr[i] forms, of a .po written with --no-wrap."""
    text = (ROOT / "locale" / lang / "LC_MESSAGES" / "django.po").read_text("utf-8")
    found = {}
    for block in re.findall(
        r'^msgid ".*"\nmsgid_plural ".*"\n(?:msgstr\[\d\] ".*"\n?)+', text, re.M
    ):
        lines = block.strip().split("\n")
        key = (json.loads(lines[0][6:]), json.loads(lines[1][13:]))
        found[key] = [json.loads(line.split(" ", 1)[1]) for line in lines[2:]]
    return found


def test_every_counted_string_of_the_modules_is_listed() -> None:
    from frontend.ui_plurals import PLURALS

    used = set()
    for path in JS.rglob("*.js"):
        used |= {json.loads(f'"{s}"') for s, _p in TN_CALL.findall(path.read_text("utf-8"))}
    assert len(used) >= 10
    assert used == set(PLURALS)


@pytest.mark.parametrize("lang", LOCALES)
def test_every_counted_string_has_all_its_plural_forms(lang: str) -> None:
    used = set()
    for path in JS.rglob("*.js"):
        used |= {
            (json.loads(f'"{s}"'), json.loads(f'"{p}"'))
            for s, p in TN_CALL.findall(path.read_text("utf-8"))
        }
    entries = plural_entries(lang)
    assert sorted(used - set(entries)) == []
    for key in used:
        forms = entries[key]
        assert len(forms) == NPLURALS[lang], key
        assert all(forms), key
        # The general form keeps every placeholder (the zero/one/two forms may spell it out).
        assert sorted(re.findall(r"\{\w+\}", key[1])) == sorted(re.findall(r"\{\w+\}", forms[-1]))


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [
        ("en", 1, "{n} type shown"),
        ("en", 0, "{n} types shown"),
        ("fr", 0, "{n} type affiché"),
        ("fr", 2, "{n} types affichés"),
        ("ar", 0, "لا أنواع معروضة"),
        ("ar", 1, "نوع واحد معروض"),
        ("ar", 2, "نوعان معروضان"),
        ("ar", 3, "{n} أنواع معروضة"),
        ("ar", 11, "{n} نوعًا معروضًا"),
        ("ar", 100, "{n} نوع معروض"),
    ],
)
def test_the_pages_get_each_plural_category_from_gettext(lang: str, n: int, expected: str) -> None:
    from django.utils import translation

    from frontend.ui_plurals import CATEGORY_SAMPLES, ui_catalog

    with translation.override(lang):
        forms = ui_catalog()["__plurals__"]["{n} type shown"]
    category = {v: k for k, v in CATEGORY_SAMPLES.items()}[n]
    assert forms[category] == expected
