"""The demo: users, the ACLED preset, Sahel dictionaries and articles written for Athar.

Idempotent: running it again changes nothing that exists and adds only what is missing.
The demo passwords live here (and are printed by `manage.py seed_demo`), never in settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction

from coding.codebook_spec import load_preset
from coding.dictionary_files import read_actors, read_places
from coding.models import Codebook, CodebookVersion, Membership, Project, User
from coding.services.articles import articles_create
from coding.services.assignment import assignments_balance
from coding.services.codebooks import codebook_version_create
from coding.services.dictionaries import actors_load, places_load
from coding.services.projects import membership_set, project_create

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_PROJECT_SLUG = "sahel-demo"

# (username, password, role in the demo project, is_superuser)
DEMO_USERS: list[tuple[str, str, str, bool]] = [
    ("admin", "athar-admin", "admin", True),
    ("supervisor", "athar-supervisor", "supervisor", False),
    ("researcher", "athar-researcher", "researcher", False),
    ("coder1", "athar-coder1", "coder", False),
    ("coder2", "athar-coder2", "coder", False),
    ("coder3", "athar-coder3", "coder", False),
]


@dataclass(frozen=True)
class DemoArticle:
    title: str
    text: str
    language: str | None
    source: str | None
    url: str | None
    published_at: dt.datetime | None
    external_id: str | None
    metadata: dict[str, Any] = field(default_factory=dict)


def load_demo_articles(path: Path | None = None) -> list[DemoArticle]:
    data = yaml.safe_load((path or FIXTURES / "demo" / "articles.yaml").read_text("utf-8"))
    items = data["articles"] if isinstance(data, dict) else data
    articles = []
    for item in items:
        published = item.get("published_at")
        if isinstance(published, str):
            published = dt.datetime.fromisoformat(published)
        articles.append(
            DemoArticle(
                title=item["title"],
                text=item["text"],
                language=item.get("language"),
                source=item.get("source"),
                url=item.get("url"),
                published_at=published,
                external_id=str(item.get("external_id") or ""),
            )
        )
    return articles


def _demo_user(username: str, password: str, superuser: bool) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "is_staff": superuser,
            "is_superuser": superuser,
            "display_name": username.capitalize(),
        },
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def _acled_version() -> CodebookVersion:
    existing = (
        CodebookVersion.objects.filter(
            codebook__slug="acled", status=CodebookVersion.Status.PUBLISHED
        )
        .order_by("number")
        .first()
    )
    if existing:
        return existing
    spec = load_preset("acled")
    if Codebook.objects.filter(slug=spec.slug).exists():
        # A draft exists (someone loaded it by hand): publish a fresh version from the preset.
        from dataclasses import replace

        spec = replace(spec, version=None)
    return codebook_version_create(spec=spec, publish=True)


@transaction.atomic
def seed_demo() -> dict[str, Any]:
    users = {name: _demo_user(name, password, su) for name, password, _, su in DEMO_USERS}
    places_load(records=read_places(FIXTURES / "gazetteer" / "mali.yaml", "yaml"))
    actors_load(records=read_actors(FIXTURES / "actors" / "sahel.yaml", "yaml"))
    project = Project.objects.filter(slug=DEMO_PROJECT_SLUG).first()
    if project is None:
        project = project_create(
            slug=DEMO_PROJECT_SLUG,
            name="Sahel demo (ACLED)",
            description="Demo articles about the Sahel, coded with the ACLED preset.",
            codebook_version=_acled_version(),
            overlap=2,
            assignment_seed=2026,
            settings={"auto_accept_unanimous": False},
        )
    for name, _, role, _ in DEMO_USERS:
        if not Membership.objects.filter(project=project, user=users[name]).exists():
            membership_set(project=project, user=users[name], role=role)
    imported = articles_create(
        project=project, items=load_demo_articles(), actor=users["admin"], origin="seed_demo"
    )
    assigned = assignments_balance(project=project, actor=users["admin"])
    return {
        "project": project.slug,
        "articles_created": len(imported.created),
        "articles_existing": len(imported.duplicates),
        "assignments_created": assigned.created,
        "users": [(name, password, role) for name, password, role, _ in DEMO_USERS],
    }
