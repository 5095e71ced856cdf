"""Who may do what with calibration items, scores and drift: every route × method × actor with
the exact status (same form and rules as test_permission_matrix.py: reads and refusals change
nothing, an allowed write changes something; session writes need the CSRF token).

Roles: supervisors and admins manage items and the policy and read every coder's scores and
drift; a coder reads only their own (scores of submitted work only); researchers get 403;
non-members 404.

Targets (path placeholders)
    {p}, {q}   p1, p2
    {g}        a validated article of p1 already marked as a calibration item
    {h}        another validated article of p1, not marked (POST items/ marks it)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from coding.models import CalibrationAssignment, CalibrationItem, CalibrationPolicy, Project, User
from coding.services.calibration import calibration_item_mark
from coding.services.projects import membership_set, project_create
from tests.api.test_permission_matrix import route_key, snapshot
from tests.calibration.conftest import submitted_real
from tests.dataset_events.scene import validated_report
from tests.factories import ActorFactory, LocationFactory, UserFactory
from tests.world import mini_version

MANAGE = {
    "anonymous": 401,
    "coder": 403,
    "other_coder": 403,
    "supervisor": 200,
    "researcher": 403,
    "admin": 200,
    "outsider": 404,
    "superuser": 200,
    "ex_coder": 404,
}
READ_OWN = {**MANAGE, "coder": 200, "other_coder": 200}


def _rows(method: str, endpoint: str, answers: dict[str, int], ok: int = 200) -> list[Any]:
    return [
        (method, endpoint, actor, ok if status == 200 else status)
        for actor, status in answers.items()
    ]


# fmt: off
CALIBRATION_MATRIX: list[tuple[str, str, str, int]] = [
    *_rows("GET",    "projects/{p}/calibration/",              MANAGE),
    ("GET",          "projects/{q}/calibration/",              "supervisor", 404),
    *_rows("PATCH",  "projects/{p}/calibration/",              MANAGE),
    ("PATCH",        "projects/{q}/calibration/",              "admin",      404),
    *_rows("POST",   "projects/{p}/calibration/items/",        MANAGE, 201),
    ("POST",         "projects/{q}/calibration/items/",        "supervisor", 404),
    *_rows("DELETE", "projects/{p}/calibration/items/{g}/",    MANAGE),
    ("DELETE",       "projects/{q}/calibration/items/{g}/",    "supervisor", 404),
    *_rows("GET",    "projects/{p}/calibration/scores/",       READ_OWN),
    ("GET",          "projects/{q}/calibration/scores/",       "coder",      404),
    *_rows("GET",    "projects/{p}/calibration/drift/",        READ_OWN),
    ("GET",          "projects/{q}/calibration/drift/",        "supervisor", 404),
]
# fmt: on


@dataclass
class CalibrationScene:
    project: Project
    other: Project
    users: dict[str, User | None]
    gold: int
    unmarked: int
    baseline: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def ids(self) -> dict[str, int]:
        return {"p": self.project.pk, "q": self.other.pk, "g": self.gold, "h": self.unmarked}


def build_scene() -> CalibrationScene:
    version = mini_version()
    project = project_create(slug="p1", name="P1", codebook_version=version, overlap=1)
    other = project_create(slug="p2", name="P2", codebook_version=version, overlap=1)
    names = ["admin1", "super1", "research1", "coder_a", "coder_b", "outsider"]
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
    values = {
        "actor1": {"id": ActorFactory(name="JNIM").pk},
        "location": {"id": LocationFactory(name="Boulkessi").pk},
        "event_date": {"start": "2022-06-12"},
    }
    articles = []
    for text in ("هاجم مسلحون قاعدة في بولكيسي.", "هاجم مسلحون سوقا في موبتي."):
        event = validated_report(
            project=project, supervisor=users["super1"], text=text, trigger="هاجم", values=values
        )
        submitted_real(project, event.article_id, users["coder_b"])
        articles.append(event.article_id)
    calibration_item_mark(project=project, article_id=articles[0], actor=users["super1"])
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
    return CalibrationScene(project, other, actors, articles[0], articles[1])


def calibration_snapshot() -> dict[str, list[tuple[Any, ...]]]:
    return {
        **snapshot(),
        "calibration_item": list(
            CalibrationItem.objects.order_by("pk").values_list("pk", "article_id", "active")
        ),
        "calibration_policy": list(
            CalibrationPolicy.objects.order_by("pk").values_list(
                "pk", "rate", "drift_threshold", "drift_drop", "drift_min_items", "drift_window"
            )
        ),
        "calibration_assignment": list(
            CalibrationAssignment.objects.order_by("pk").values_list("pk", "status", "f1")
        ),
    }


REQUESTS: dict[tuple[str, str], Callable[[CalibrationScene], dict[str, Any]]] = {
    ("PATCH", "projects/#/calibration/"): lambda s: {"data": {"rate": 0.5}},
    ("POST", "projects/#/calibration/items/"): lambda s: {"data": {"article": s.unmarked}},
}


def prepare(scene: CalibrationScene, actor: str) -> None:
    if actor == "ex_coder":
        coder = scene.users["coder"]
        assert coder is not None
        membership_set(project=scene.project, user=coder, role="coder", is_active=False)


def _request(scene: CalibrationScene, method: str, endpoint: str) -> tuple[str, dict[str, Any]]:
    build = REQUESTS.get((method, route_key(endpoint)))
    request = build(scene) if build else {}
    if method != "GET":
        request.setdefault("format", "json")
    return "/api/v1/" + endpoint.format(**scene.ids()), request


@pytest.fixture(scope="module")
def shared_scene(django_db_setup: None, django_db_blocker: Any) -> Iterator[CalibrationScene]:
    with django_db_blocker.unblock(), transaction.atomic():
        scene = build_scene()
        scene.baseline = calibration_snapshot()
        yield scene
        transaction.set_rollback(True)


@pytest.fixture
def scene(shared_scene: CalibrationScene, db: None) -> CalibrationScene:
    assert calibration_snapshot() == shared_scene.baseline, "a previous test's writes leaked"
    return shared_scene


def _row_id(row: tuple[str, str, str, int]) -> str:
    method, endpoint, actor, expected = row
    return f"{method} {endpoint} as {actor} -> {expected}"


@pytest.mark.parametrize(
    ("method", "endpoint", "actor", "expected"),
    CALIBRATION_MATRIX,
    ids=map(_row_id, CALIBRATION_MATRIX),
)
def test_calibration_permission_matrix(
    scene: CalibrationScene, method: str, endpoint: str, actor: str, expected: int
) -> None:
    prepare(scene, actor)
    before = calibration_snapshot()
    client = APIClient()
    user = scene.users[actor]
    if user is not None:
        client.force_authenticate(user)
    url, request = _request(scene, method, endpoint)
    response = getattr(client, method.lower())(url, **request)
    assert response.status_code == expected, response.content[:500]
    after = calibration_snapshot()
    if method == "GET" or expected >= 400:
        assert after == before
    else:
        assert after != before, "an allowed write changed nothing"
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"
    if expected >= 400:
        assert set(response.json()) >= {"detail"}


def test_a_coder_reads_only_their_own_submitted_scores(scene: CalibrationScene) -> None:
    """coder_a holds an open calibration assignment of {g}: not listed to them (not
    submitted), listed to supervisors; coder_b sees nothing of it."""
    from coding.services.assignment import assignments_balance
    from coding.services.calibration import calibration_policy_update

    supervisor = scene.users["supervisor"]
    assert supervisor is not None
    calibration_policy_update(project=scene.project, actor=supervisor, changes={"rate": 1.0})
    from coding.services.articles import articles_create
    from tests.world import Item

    articles_create(project=scene.project, items=[Item("New", "A new article.", "en")], actor=None)
    assert assignments_balance(project=scene.project).calibration == 1
    url = f"/api/v1/projects/{scene.project.pk}/calibration/scores/"
    answers = {}
    for actor in ("coder", "other_coder", "supervisor"):
        client = APIClient()
        client.force_authenticate(scene.users[actor])
        answers[actor] = client.get(url).json()
    assert answers["coder"] == []
    assert answers["other_coder"] == []
    assert [(r["coder"]["username"], r["status"]) for r in answers["supervisor"]] == [
        ("coder_a", "open")
    ]


WRITES = sorted(
    {
        (method, endpoint, actor)
        for method, endpoint, actor, expected in CALIBRATION_MATRIX
        if method != "GET" and 200 <= expected < 300
    }
)


@pytest.mark.parametrize(("method", "endpoint", "actor"), WRITES, ids=[" ".join(w) for w in WRITES])
def test_session_writes_need_the_csrf_token(
    scene: CalibrationScene, method: str, endpoint: str, actor: str
) -> None:
    user = scene.users[actor]
    assert user is not None
    url, request = _request(scene, method, endpoint)
    refused = APIClient(enforce_csrf_checks=True)
    refused.force_login(user)
    before = calibration_snapshot()
    response = getattr(refused, method.lower())(url, **request)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed")
    assert calibration_snapshot() == before

    csrf = "a" * 32
    refused.cookies["csrftoken"] = csrf
    response = getattr(refused, method.lower())(url, headers={"X-CSRFToken": csrf}, **request)
    assert response.status_code < 300, response.content[:300]
    assert calibration_snapshot() != before
