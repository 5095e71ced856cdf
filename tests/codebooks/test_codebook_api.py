from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from coding.models import CodebookVersion, EventType
from tests.api.conftest import World
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_members_read_their_projects_codebook_version(world: World) -> None:
    version_id = world.project.codebook_version_id
    body = world.client(world.coder_a).get(f"/api/v1/codebook-versions/{version_id}/").json()
    assert body["slug"] == "mini"
    assert body["status"] == "published"
    assert [t["code"] for t in body["spec"]["event_types"]] == ["ATTACK", "TRUCE"]
    export = world.client(world.coder_a).get(f"/api/v1/codebook-versions/{version_id}/export/")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/yaml")
    assert export.content.decode().startswith("format: athar-codebook/1\n")


def test_non_members_do_not_see_a_codebook_version(world: World) -> None:
    stranger = UserFactory()
    version_id = world.project.codebook_version_id
    assert _client(stranger).get(f"/api/v1/codebook-versions/{version_id}/").status_code == 404
    assert _client(stranger).get("/api/v1/codebook-versions/").json() == []


def test_only_site_admins_load_codebooks_and_bad_documents_write_nothing(world: World) -> None:
    admin = UserFactory(is_staff=True, is_superuser=True)
    assert (
        world.client(world.supervisor)
        .post("/api/v1/codebook-versions/", {"preset": "ucdp"}, format="json")
        .status_code
        == 403
    )
    before = (CodebookVersion.objects.count(), EventType.objects.count())
    bad = "format: athar-codebook/1\nslug: x\nname: X\nlanguages: [en]\nevent_types: nope\n"
    response = _client(admin).post("/api/v1/codebook-versions/", {"document": bad}, format="json")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_codebook"
    assert response.json()["errors"][0]["field"].startswith("event_types")
    assert (CodebookVersion.objects.count(), EventType.objects.count()) == before
    unknown = _client(admin).post("/api/v1/codebook-versions/", {"preset": "nope"}, format="json")
    assert unknown.status_code == 422
    created = _client(admin).post("/api/v1/codebook-versions/", {"preset": "ucdp"}, format="json")
    assert created.status_code == 201
    assert created.json()["status"] == "draft"
    version_id = created.json()["id"]
    assert (
        _client(admin).post(f"/api/v1/codebook-versions/{version_id}/publish/").status_code == 200
    )
    assert (
        _client(admin).post(f"/api/v1/codebook-versions/{version_id}/publish/").status_code == 409
    )
    draft = _client(admin).post(f"/api/v1/codebook-versions/{version_id}/new-draft/")
    assert draft.status_code == 201
    assert draft.json()["number"] == 2
    assert _client(admin).get("/api/v1/codebook-presets/").json() == {
        "presets": ["acled", "cameo", "plover", "ucdp"]
    }
