"""A release of a project with no validated event would be empty files: refused, with the
reason, unless the request confirms it; a refused request creates nothing at all."""

from __future__ import annotations

import pytest

from coding.errors import ValidationFailed
from coding.models import AuditEntry, DatasetRelease, OutboxItem
from coding.services.releases import release_request
from tests.exports.test_export_api import _adjudicate
from tests.world import World

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    return (
        DatasetRelease.objects.count(),
        AuditEntry.objects.filter(action="release.request").count(),
        OutboxItem.objects.filter(kind="release_build").count(),
    )


def test_the_service_refuses_an_empty_release_unless_confirmed(world: World) -> None:
    with pytest.raises(ValidationFailed) as refused:
        release_request(project=world.project, actor=world.supervisor, tag="v0")
    assert refused.value.code == "empty_release"
    assert refused.value.errors[0]["field"] == "confirm_empty"
    assert _counts() == (0, 0, 0)
    release = release_request(
        project=world.project, actor=world.supervisor, tag="v0", confirm_empty=True
    )
    assert release.tag == "v0"
    audit = AuditEntry.objects.get(action="release.request")
    assert audit.data["empty"] is True
    assert _counts() == (1, 1, 1)


def test_the_api_refuses_an_empty_release_and_creates_nothing(world: World) -> None:
    client = world.client(world.supervisor)
    url = f"/api/v1/projects/{world.project.pk}/releases/"
    for body in ({"tag": "v0"}, {"tag": "v0", "confirm_empty": False}):
        answer = client.post(url, body, format="json")
        assert answer.status_code == 422
        data = answer.json()
        assert data["code"] == "empty_release"
        assert "no validated event" in data["detail"]
        assert data["errors"][0]["field"] == "confirm_empty"
        assert _counts() == (0, 0, 0)
    confirmed = client.post(url, {"tag": "v0", "confirm_empty": True}, format="json")
    assert confirmed.status_code == 202
    assert confirmed.json()["tag"] == "v0"
    assert _counts() == (1, 1, 1)


def test_a_project_with_validated_events_needs_no_confirmation(disputed: World) -> None:
    _adjudicate(disputed)
    client = disputed.client(disputed.supervisor)
    url = f"/api/v1/projects/{disputed.project.pk}/releases/"
    answer = client.post(url, {"tag": "v1"}, format="json")
    assert answer.status_code == 202
    assert AuditEntry.objects.get(action="release.request").data["empty"] is False
