"""Who may do what with dataset events and candidate pairs: every route × method × actor with
the exact status (same form and rules as test_permission_matrix.py: reads and refusals change
nothing, an allowed write changes something; session writes need the CSRF token).

Roles: researchers, supervisors and admins read dataset events; only supervisors and admins
link, split, resolve, and see or answer candidate pairs. Coders get 403 (they may see the
project, not this); non-members 404, as for another project's objects.

Targets (path placeholders)
    {p}, {q}     p1, p2
    {de}         p1's dataset event with two reports (gold events {g1} < {g2}, linked)
    {de_c}       p1's dataset event of a third report {g3}
    {cand}       p1's open candidate pair g1 ~ g3 (two dataset events: {de} and {de_c})
    {cand_n}     p1's open candidate pair g2 ~ g3
    {de_q}, {cand_q}   p2's dataset event and candidate pair
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from coding.models import DatasetEvent, DatasetEventReport, DuplicateCandidate, Project, User
from coding.services.dataset_events import dataset_events_link
from coding.services.projects import membership_set, project_create
from tests.api.test_permission_matrix import route_key, snapshot
from tests.dataset_events.scene import validated_report
from tests.factories import ActorFactory, LocationFactory, UserFactory
from tests.world import mini_version

READ = {
    "anonymous": 401,
    "coder": 403,
    "other_coder": 403,
    "supervisor": 200,
    "researcher": 200,
    "admin": 200,
    "outsider": 404,
    "superuser": 200,
    "ex_coder": 404,
}
MANAGE = {**READ, "researcher": 403}


def _rows(method: str, endpoint: str, answers: dict[str, int], ok: int = 200) -> list[Any]:
    return [
        (method, endpoint, actor, ok if status == 200 else status)
        for actor, status in answers.items()
    ]


# fmt: off
DATASET_MATRIX: list[tuple[str, str, str, int]] = [
    *_rows("GET",  "projects/{p}/dataset-events/",                        READ),
    ("GET",        "projects/{q}/dataset-events/",                        "supervisor", 404),
    ("GET",        "projects/{q}/dataset-events/",                        "outsider",   403),
    *_rows("GET",  "projects/{p}/dataset-events/{de}/",                   READ),
    ("GET",        "projects/{p}/dataset-events/{de_q}/",                 "supervisor", 404),
    ("GET",        "projects/{q}/dataset-events/{de_q}/",                 "researcher", 404),
    *_rows("POST", "projects/{p}/dataset-events/{de}/split/",             MANAGE, 201),
    ("POST",       "projects/{p}/dataset-events/{de_q}/split/",           "supervisor", 404),
    *_rows("POST", "projects/{p}/dataset-events/{de}/resolve/",           MANAGE),
    ("POST",       "projects/{q}/dataset-events/{de_q}/resolve/",         "supervisor", 404),
    *_rows("POST", "projects/{p}/dataset-events/{de_c}/link/",            MANAGE),
    ("POST",       "projects/{p}/dataset-events/{de_q}/link/",            "admin",      404),
    *_rows("GET",  "projects/{p}/duplicate-candidates/",                  MANAGE),
    ("GET",        "projects/{q}/duplicate-candidates/",                  "supervisor", 404),
    ("GET",        "projects/{q}/duplicate-candidates/",                  "outsider",   403),
    *_rows("GET",  "projects/{p}/duplicate-candidates/{cand}/",           MANAGE),
    ("GET",        "projects/{p}/duplicate-candidates/{cand_q}/",         "supervisor", 404),
    *_rows("POST", "projects/{p}/duplicate-candidates/{cand}/link/",      MANAGE),
    ("POST",       "projects/{p}/duplicate-candidates/{cand_q}/link/",    "supervisor", 404),
    *_rows("POST", "projects/{p}/duplicate-candidates/{cand_n}/not-same/", MANAGE),
    ("POST",       "projects/{q}/duplicate-candidates/{cand_q}/not-same/", "supervisor", 404),
]
# fmt: on


@dataclass
class DatasetScene:
    project: Project
    other: Project
    users: dict[str, User | None]
    gold: list[int]  # g1, g2, g3 (p1), then p2's two
    candidates: dict[str, DuplicateCandidate]
    baseline: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def ids(self) -> dict[str, int]:
        g1, g2, g3, q1, _ = self.gold
        return {
            "p": self.project.pk,
            "q": self.other.pk,
            "de": g1,
            "de_c": g3,
            "de_q": q1,
            "g2": g2,
            "cand": self.candidates["cand"].pk,
            "cand_n": self.candidates["cand_n"].pk,
            "cand_q": self.candidates["cand_q"].pk,
        }


TEXTS = [
    "هاجم مسلحون قاعدة للجيش في بولكيسي.",
    "Des hommes armés ont attaqué Boulkessi.",
    "Gunmen attacked the Boulkessi base 🇲🇱.",
]


def build_dataset_scene() -> DatasetScene:
    version = mini_version()
    project = project_create(slug="p1", name="P1", codebook_version=version, overlap=2)
    other = project_create(slug="p2", name="P2", codebook_version=version, overlap=1)
    names = ["admin1", "super1", "research1", "coder_a", "coder_b", "outsider", "super_q"]
    users = {name: UserFactory(username=name) for name in names}
    for name, role in [
        ("admin1", "admin"),
        ("super1", "supervisor"),
        ("research1", "researcher"),
        ("coder_a", "coder"),
        ("coder_b", "coder"),
    ]:
        membership_set(project=project, user=users[name], role=role)
    membership_set(project=other, user=users["outsider"], role="coder")
    membership_set(project=other, user=users["super_q"], role="supervisor")
    values = {
        "actor1": {"id": ActorFactory(name="JNIM").pk},
        "location": {"id": LocationFactory(name="Boulkessi").pk},
        "event_date": {"start": "2022-06-12"},
    }
    gold = []
    for target, supervisor in ((project, users["super1"]), (other, users["super_q"])):
        for text in TEXTS[: 3 if target == project else 2]:
            trigger = text.split()[1] if target == project else text.split()[0]
            made = validated_report(
                project=target, supervisor=supervisor, text=text, trigger=trigger, values=values
            )
            gold.append(made.pk)
    g1, g2, g3, q1, q2 = gold
    dataset_events_link(
        project=project,
        event_ids=(g1, g2),
        expected_versions={g1: 1, g2: 1},
        actor=users["super1"],
        reason="same",
    )
    candidates = {
        "cand": DuplicateCandidate.objects.create(
            project=project, event_a_id=g1, event_b_id=g3, score=0.9
        ),
        "cand_n": DuplicateCandidate.objects.create(
            project=project, event_a_id=g2, event_b_id=g3, score=0.6
        ),
        "cand_q": DuplicateCandidate.objects.create(
            project=other, event_a_id=q1, event_b_id=q2, score=0.7
        ),
    }
    actors: dict[str, User | None] = {
        "anonymous": None,
        "coder": users["coder_a"],
        "other_coder": users["coder_b"],
        "supervisor": users["super1"],
        "researcher": users["research1"],
        "admin": users["admin1"],
        "outsider": users["outsider"],
        "superuser": UserFactory(username="root", is_superuser=True, is_staff=True),
        "ex_coder": users["coder_a"],
    }
    return DatasetScene(project, other, actors, gold, candidates)


def dataset_snapshot() -> dict[str, list[tuple[Any, ...]]]:
    return {
        **snapshot(),
        "dataset_event": list(
            DatasetEvent.objects.order_by("pk").values_list(
                "pk", "version", "resolution", "retired_at", "merged_into_id"
            )
        ),
        "dataset_report": list(
            DatasetEventReport.objects.order_by("pk").values_list("pk", "dataset_event_id")
        ),
        "candidate": list(
            DuplicateCandidate.objects.order_by("pk").values_list("pk", "status", "reason")
        ),
    }


REQUESTS: dict[tuple[str, str], Callable[[DatasetScene], dict[str, Any]]] = {
    ("POST", "projects/#/dataset-events/#/split/"): lambda s: {
        "data": {"report": s.ids()["g2"], "version": 2, "reason": "another day"}
    },
    ("POST", "projects/#/dataset-events/#/resolve/"): lambda s: {
        "data": {"field": "date", "choice": {"rule": "union"}, "version": 2}
    },
    ("POST", "projects/#/dataset-events/#/link/"): lambda s: {
        "data": {"other": s.ids()["de"], "version": 1, "other_version": 2, "reason": "same"}
    },
    ("POST", "projects/#/duplicate-candidates/#/link/"): lambda s: {
        "data": {"versions": {str(s.ids()["de"]): 2, str(s.ids()["de_c"]): 1}}
    },
    ("POST", "projects/#/duplicate-candidates/#/not-same/"): lambda s: {
        "data": {"reason": "another attack"}
    },
}


def prepare(scene: DatasetScene, actor: str) -> None:
    if actor == "ex_coder":
        coder = scene.users["coder"]
        assert coder is not None
        membership_set(project=scene.project, user=coder, role="coder", is_active=False)


def _request(scene: DatasetScene, method: str, endpoint: str) -> tuple[str, dict[str, Any]]:
    build = REQUESTS.get((method, route_key(endpoint)))
    request = build(scene) if build else {}
    if method != "GET":
        request.setdefault("format", "json")
    return "/api/v1/" + endpoint.format(**scene.ids()), request


@pytest.fixture(scope="module")
def shared_scene(django_db_setup: None, django_db_blocker: Any) -> Iterator[DatasetScene]:
    with django_db_blocker.unblock(), transaction.atomic():
        scene = build_dataset_scene()
        scene.baseline = dataset_snapshot()
        yield scene
        transaction.set_rollback(True)


@pytest.fixture
def scene(shared_scene: DatasetScene, db: None) -> DatasetScene:
    assert dataset_snapshot() == shared_scene.baseline, "a previous test's writes leaked"
    return shared_scene


def _row_id(row: tuple[str, str, str, int]) -> str:
    method, endpoint, actor, expected = row
    return f"{method} {endpoint} as {actor} -> {expected}"


@pytest.mark.parametrize(
    ("method", "endpoint", "actor", "expected"), DATASET_MATRIX, ids=map(_row_id, DATASET_MATRIX)
)
def test_dataset_permission_matrix(
    scene: DatasetScene, method: str, endpoint: str, actor: str, expected: int
) -> None:
    prepare(scene, actor)
    before = dataset_snapshot()
    client = APIClient()
    user = scene.users[actor]
    if user is not None:
        client.force_authenticate(user)
    url, request = _request(scene, method, endpoint)
    response = getattr(client, method.lower())(url, **request)
    assert response.status_code == expected, response.content[:500]
    after = dataset_snapshot()
    if method == "GET" or expected >= 400:
        assert after == before
    else:
        assert after != before, "an allowed write changed nothing"
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"
    if expected >= 400:
        assert set(response.json()) >= {"detail"}


WRITES = sorted(
    {
        (method, endpoint, actor)
        for method, endpoint, actor, expected in DATASET_MATRIX
        if method != "GET" and 200 <= expected < 300
    }
)


@pytest.mark.parametrize(("method", "endpoint", "actor"), WRITES, ids=[" ".join(w) for w in WRITES])
def test_session_writes_need_the_csrf_token(
    scene: DatasetScene, method: str, endpoint: str, actor: str
) -> None:
    user = scene.users[actor]
    assert user is not None
    url, request = _request(scene, method, endpoint)
    refused = APIClient(enforce_csrf_checks=True)
    refused.force_login(user)  # a real session (Client.login passes django-axes no request)
    before = dataset_snapshot()
    response = getattr(refused, method.lower())(url, **request)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed")
    assert dataset_snapshot() == before

    csrf = "a" * 32  # a session's CSRF cookie and the header that proves it
    refused.cookies["csrftoken"] = csrf
    response = getattr(refused, method.lower())(url, headers={"X-CSRFToken": csrf}, **request)
    assert response.status_code < 300, response.content[:300]
    assert dataset_snapshot() != before
