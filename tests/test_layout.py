"""The layout rule, checked on the source: frontend → api → coding, never back; the pure
packages import nothing from Django or from the rest of the app."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PURE_PACKAGES = [
    "coding/agreement",
    "coding/text",
    "coding/codebook_spec",
    "coding/importing",
    "coding/dictionary_files",
    "coding/exporting",
    "coding/dedup",
    "coding/calibration",
    "coding/recommender",
]
FORBIDDEN_FOR_PURE = (
    "django",
    "rest_framework",
    "celery",
    "api",
    "frontend",
    "config",
    "coding.models",
    "coding.services",
    "coding.selectors",
    "coding.access",
)


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _violations(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


@pytest.mark.parametrize("folder", PURE_PACKAGES)
def test_pure_packages_import_no_django(folder: str) -> None:
    assert (ROOT / folder).is_dir()
    assert _violations(folder, FORBIDDEN_FOR_PURE) == []


def test_coding_never_imports_api_or_frontend() -> None:
    assert _violations("coding", ("api", "frontend")) == []


def test_services_and_views_never_import_the_tasks() -> None:
    # They record work as outbox rows; tasks call services, never the other way round.
    assert _violations("coding/services", ("coding.tasks",)) == []
    assert _violations("api", ("coding.tasks",)) == []


def test_api_never_imports_frontend() -> None:
    assert _violations("api", ("frontend",)) == []


def test_frontend_talks_to_the_domain_only_through_the_api() -> None:
    assert _violations("frontend", ("coding",)) == []


def test_checker_sees_a_violation(tmp_path: Path) -> None:
    # The checker must not be vacuous: a file importing Django is reported.
    bad = tmp_path / "bad.py"
    bad.write_text("from django.db import models\nimport coding.models\n")
    assert _imports(bad) == ["django.db", "coding.models"]
