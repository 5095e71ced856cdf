"""Adding a member must not reveal accounts the manager cannot see (issue 13, item 15).

The rule (coding.access.access_member_candidate): site admins (staff, superusers) may add
any account; a project supervisor or admin may add only members of projects they actively
manage. Every other id, whether it exists or not, gets the same 422 and changes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from coding.models import AuditEntry, Membership, User
from coding.services.projects import membership_set, project_create
from tests.api.conftest import World
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NO_SUCH_USER = {
    "code": "invalid",
    "detail": "no such user",
    "errors": [{"field": "user", "code": "does_not_exist", "message": "no such user"}],
}


def _rows() -> list[Any]:
    return [
        list(Membership.objects.order_by("pk").values_list("pk", "user_id", "role", "is_active")),
        AuditEntry.objects.count(),
    ]


def _add(world: World, actor: User, user_id: int, role: str = "coder") -> Any:
    return world.client(actor).post(
        f"/api/v1/projects/{world.project.pk}/members/",
        {"user": user_id, "role": role},
        format="json",
    )


def _unused_id() -> int:
    return (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


@pytest.mark.parametrize("manager", ["supervisor", "admin"])
def test_unseen_accounts_get_the_answer_of_missing_ones(world: World, manager: str) -> None:
    actor = getattr(world, manager)
    lonely = UserFactory(username="lonely")  # in no project at all
    before = _rows()
    answers = [
        _add(world, actor, user_id)
        for user_id in (_unused_id(), world.outsider.pk, lonely.pk, 2**40)
    ]
    assert [answer.status_code for answer in answers] == [422, 422, 422, 422]
    assert all(answer.json() == NO_SUCH_USER for answer in answers)
    assert _rows() == before


def test_a_manager_adds_members_of_other_projects_they_run(world: World) -> None:
    other = world.other_project  # outsider codes there
    membership_set(project=other, user=world.supervisor, role="supervisor")
    response = _add(world, world.supervisor, world.outsider.pk)
    assert response.status_code == 201, response.json()
    assert response.json()["username"] == "outsider"
    assert Membership.objects.get(project=world.project, user=world.outsider).role == "coder"


def test_coding_or_an_inactive_role_elsewhere_reveals_nobody(world: World) -> None:
    other = world.other_project
    third = project_create(slug="p3", name="P3", codebook_version=world.project.codebook_version)
    membership_set(project=other, user=world.supervisor, role="coder")  # not managing p2
    membership_set(project=third, user=world.supervisor, role="supervisor", is_active=False)
    membership_set(project=third, user=world.outsider, role="coder")
    before = _rows()
    response = _add(world, world.supervisor, world.outsider.pk)
    assert (response.status_code, response.json()) == (422, NO_SUCH_USER)
    assert _rows() == before


@pytest.mark.parametrize("flags", [{"is_superuser": True}, {"is_staff": True}])
def test_site_admins_add_any_account(world: World, flags: dict[str, bool]) -> None:
    site_admin = UserFactory(username="site", **flags)
    if not flags.get("is_superuser"):
        membership_set(project=world.project, user=site_admin, role="admin")
    lonely = UserFactory(username="lonely")
    response = _add(world, site_admin, lonely.pk)
    assert response.status_code == 201, response.json()
    assert Membership.objects.filter(project=world.project, user=lonely).exists()
    missing = _add(world, site_admin, _unused_id())
    assert (missing.status_code, missing.json()) == (422, NO_SUCH_USER)


def test_members_already_in_the_project_stay_addable(world: World) -> None:
    response = _add(world, world.supervisor, world.coder_a.pk, role="researcher")
    assert response.status_code == 201, response.json()
    assert Membership.objects.get(project=world.project, user=world.coder_a).role == "researcher"


def test_reassigning_to_any_non_coder_id_gets_one_answer(world: World) -> None:
    """Reassignment (assignments/{id}/reassign/) takes a user id too: an unknown id, another
    project's coder and an account in no project are refused alike, and nothing changes."""
    from coding.models import Assignment

    lonely = UserFactory(username="lonely")
    url = f"/api/v1/assignments/{world.assignment_a.pk}/reassign/"
    before = list(Assignment.objects.order_by("pk").values_list("pk", "coder_id", "status"))
    audit = AuditEntry.objects.count()
    answers = [
        world.client(world.supervisor).post(url, {"coder": user_id}, format="json")
        for user_id in (_unused_id(), world.outsider.pk, lonely.pk, world.researcher.pk)
    ]
    assert {answer.status_code for answer in answers} == {422}
    assert all(answer.json() == answers[0].json() for answer in answers)
    assert answers[0].json()["errors"] == [
        {"field": "coder", "code": "not_a_coder", "message": "not an active coder of this project"}
    ]
    assert list(Assignment.objects.order_by("pk").values_list("pk", "coder_id", "status")) == (
        before
    )
    assert AuditEntry.objects.count() == audit
