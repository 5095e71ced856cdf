"""A small world for API tests, registered for the whole suite in tests/conftest.py.

One project on the mini codebook with every role, an Arabic article with an emoji and
mixed-direction lines, and a second project a user does not belong to."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from coding.codebook_spec import load_codebook_text
from coding.models import Actor, Article, Assignment, Location, Project, User
from coding.services.articles import articles_create
from coding.services.assignment import assignments_balance
from coding.services.codebooks import codebook_version_create
from coding.services.projects import membership_set, project_create
from tests.factories import ActorFactory, LocationFactory, UserFactory

DATA = Path(__file__).resolve().parent / "data"

ARTICLE_TEXT = (
    '🇲🇱 هاجم مسلحو JNIM قرية بولكيسي بـ"الطائرات" يوم ١٢ يونيو/ حزيران 2022.\n'
    "JNIM أعلنت مسؤوليتها عن الهجوم 😢 في منطقة موبتي.\n"
    "Le « FAMa » a riposté à Gao le 13 juin."
)


@dataclass
class Item:
    title: str
    text: str
    language: str | None = "ar"
    source: str | None = "Sahel Wire"
    url: str | None = None
    published_at: None = None
    external_id: str | None = None
    metadata: dict | None = None  # type: ignore[type-arg]


@dataclass
class World:
    project: Project
    other_project: Project
    admin: User
    supervisor: User
    researcher: User
    coder_a: User
    coder_b: User
    outsider: User
    article: Article
    assignment_a: Assignment
    assignment_b: Assignment
    actor: Actor
    location: Location

    def client(self, user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client


def mini_version():  # type: ignore[no-untyped-def]
    spec = load_codebook_text((DATA / "mini_codebook.yaml").read_text("utf-8"))
    return codebook_version_create(spec=spec, publish=True)


@pytest.fixture
def world(db) -> World:  # type: ignore[no-untyped-def]
    version = mini_version()
    project = project_create(slug="p1", name="P1", codebook_version=version, overlap=2)
    other = project_create(slug="p2", name="P2", codebook_version=version, overlap=1)
    users = {
        name: UserFactory(username=name)
        for name in ["admin1", "super1", "research1", "coder_a", "coder_b", "outsider"]
    }
    membership_set(project=project, user=users["admin1"], role="admin")
    membership_set(project=project, user=users["super1"], role="supervisor")
    membership_set(project=project, user=users["research1"], role="researcher")
    membership_set(project=project, user=users["coder_a"], role="coder")
    membership_set(project=project, user=users["coder_b"], role="coder")
    membership_set(project=other, user=users["outsider"], role="coder")
    created = articles_create(project=project, items=[Item("Attack", ARTICLE_TEXT)], actor=None)
    articles_create(project=other, items=[Item("Other", "Another article.", "en")], actor=None)
    assignments_balance(project=project)
    assignments_balance(project=other)
    article = created.created[0]
    return World(
        project=project,
        other_project=other,
        admin=users["admin1"],
        supervisor=users["super1"],
        researcher=users["research1"],
        coder_a=users["coder_a"],
        coder_b=users["coder_b"],
        outsider=users["outsider"],
        article=article,
        assignment_a=Assignment.objects.get(article=article, coder=users["coder_a"]),
        assignment_b=Assignment.objects.get(article=article, coder=users["coder_b"]),
        actor=ActorFactory(name="JNIM"),
        location=LocationFactory(name="Boulkessi"),
    )


def span(text: str, needle: str, role: str, occurrence: int = 0) -> dict[str, object]:
    """A code-point span on the `occurrence`-th appearance of `needle`."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return {"role": role, "start": start, "end": start + len(needle), "quote": needle}


def complete_event(world: World) -> dict[str, object]:
    return {
        "event_type": "ATTACK",
        "event_subtype": "ARMED_ASSAULT",
        "values": {
            "actor1": {"id": world.actor.pk},
            "location": {"id": world.location.pk},
            "event_date": {"start": "2022-06-12"},
            "time_precision": "1",
            "fatalities": 5,
        },
        "spans": [
            span(ARTICLE_TEXT, "هاجم", "trigger"),
            span(ARTICLE_TEXT, "JNIM", "actor1"),
            span(ARTICLE_TEXT, "بولكيسي", "location"),
            span(ARTICLE_TEXT, "١٢ يونيو/ حزيران 2022", "date"),
        ],
    }


def code_and_submit(world: World, assignment, coder, events, capture) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    client = world.client(coder)
    created = []
    for body in events:
        response = client.post(f"/api/v1/assignments/{assignment.pk}/events/", body, format="json")
        assert response.status_code == 201, response.json()
        created.append(response.json())
    with capture(execute=True):
        assert client.post(f"/api/v1/assignments/{assignment.pk}/submit/").status_code == 200
    return created


@pytest.fixture
def disputed(world: World, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """coder_a: the attack (5 dead) and a truce; coder_b: the attack with 7 dead."""
    cache.clear()
    truce = {
        "event_type": "TRUCE",
        "values": dict(complete_event(world)["values"])
        | {  # type: ignore[arg-type]
            "fatalities": None
        },
        "spans": [span(ARTICLE_TEXT, "أعلنت", "trigger")],
    }
    other = complete_event(world)
    other["values"] = dict(other["values"]) | {"fatalities": 7}  # type: ignore[arg-type]
    world.events_a = code_and_submit(  # type: ignore[attr-defined]
        world,
        world.assignment_a,
        world.coder_a,
        [complete_event(world), truce],
        django_capture_on_commit_callbacks,
    )
    world.events_b = code_and_submit(  # type: ignore[attr-defined]
        world, world.assignment_b, world.coder_b, [other], django_capture_on_commit_callbacks
    )
    return world
