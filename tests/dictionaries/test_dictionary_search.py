"""Dictionary search and suggestions on the shipped Mali/Sahel starter set."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from rest_framework.test import APIClient

from coding.dictionary_files import read_actors, read_places
from coding.models import Actor, Location
from coding.services.dictionaries import actors_load, places_load
from tests.api.conftest import World
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
FIXTURES = Path(settings.BASE_DIR) / "fixtures"


@pytest.fixture
def starter_set(db) -> None:  # type: ignore[no-untyped-def]
    places_load(records=read_places(FIXTURES / "gazetteer" / "mali.yaml"))
    actors_load(records=read_actors(FIXTURES / "actors" / "sahel.yaml"))


def _search(kind: str, query: str) -> list[dict]:  # type: ignore[type-arg]
    client = APIClient()
    client.force_authenticate(UserFactory())
    response = client.get(f"/api/v1/dictionary/{kind}/", {"q": query})
    assert response.status_code == 200
    return response.json()["results"]


def test_alef_maqsura_spelling_finds_mali(starter_set) -> None:  # type: ignore[no-untyped-def]
    assert _search("locations", "مالى")[0]["name"] == "Mali"


@pytest.mark.parametrize("query", ["تمبكتو", "تنبكتو", "Tombouctou", "Timbuktu", "tombouctou"])
def test_every_spelling_of_timbuktu_finds_the_same_place(starter_set, query: str) -> None:  # type: ignore[no-untyped-def]
    assert _search("locations", query)[0]["name"] == "Tombouctou"


def test_actor_search_by_arabic_alias(starter_set) -> None:  # type: ignore[no-untyped-def]
    hits = _search("actors", "نصرة الإسلام")
    assert hits[0]["name"].startswith("Jama")  # JNIM's English name
    assert "نصرة" in hits[0]["matched_alias"]


def test_search_needs_a_valid_limit(starter_set) -> None:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(UserFactory())
    assert client.get("/api/v1/dictionary/actors/", {"q": "x", "limit": "0"}).status_code == 422
    assert client.get("/api/v1/dictionary/actors/", {"q": ""}).json() == {"results": []}
    assert APIClient().get("/api/v1/dictionary/actors/", {"q": "x"}).status_code in (401, 403)


def test_load_is_idempotent_and_export_round_trips(starter_set, tmp_path) -> None:  # type: ignore[no-untyped-def]
    counts = (Location.objects.count(), Actor.objects.count())
    out = io.StringIO()
    call_command("export_gazetteer", "--format", "csv", stdout=out)
    exported = tmp_path / "places.csv"
    exported.write_text(out.getvalue(), encoding="utf-8")
    call_command("load_gazetteer", str(exported), stdout=io.StringIO())
    assert (Location.objects.count(), Actor.objects.count()) == counts
    again = io.StringIO()
    call_command("export_gazetteer", "--format", "csv", stdout=again)
    assert again.getvalue() == out.getvalue()
    assert read_places(exported) == sorted(
        read_places(FIXTURES / "gazetteer" / "mali.yaml"), key=lambda p: p.key
    )


def test_suggestions_find_actors_places_and_dates_with_both_offset_units(
    world: World,
    starter_set,  # type: ignore[no-untyped-def]
) -> None:
    response = world.client(world.coder_a).get(
        f"/api/v1/assignments/{world.assignment_a.pk}/suggestions/"
    )
    assert response.status_code == 200
    body = response.json()
    text = world.article.text
    places = {(p["name"], text[p["start"] : p["end"]]) for p in body["locations"]}
    # The longest name wins: "منطقة موبتي" is the region, not the town.
    assert ("Région de Mopti", "منطقة موبتي") in places
    assert ("Gao", "Gao") in places
    actors = {text[a["start"] : a["end"]] for a in body["actors"]}
    assert "JNIM" in actors
    june = [d for d in body["dates"] if d["date_start"] == "2022-06-12"]
    assert june
    assert june[0]["precision"] == "day"
    flag_shift = next(p for p in body["locations"] if p["name"] == "Région de Mopti")
    assert flag_shift["start_u16"] - flag_shift["start"] == 3  # 🇲🇱 (2 astral) and 😢 before it


def test_suggestions_carry_a_confidence_and_are_ranked_by_it(world: World, starter_set) -> None:  # type: ignore[no-untyped-def]
    body = (
        world.client(world.coder_a)
        .get(f"/api/v1/assignments/{world.assignment_a.pk}/suggestions/")
        .json()
    )
    for group in ("actors", "locations"):
        hits = body[group]
        assert hits
        assert all(0 < h["confidence"] <= 1 for h in hits)
        assert hits == sorted(hits, key=lambda h: (-h["confidence"], h["start"]))
    # the fields the screen already reads are unchanged
    assert set(body["actors"][0]) == {
        *("id", "name", "alias", "start", "end", "start_u16", "end_u16", "confidence"),
    }


def test_suggestions_are_blind_and_validate_the_region(world: World, starter_set) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/assignments/{world.assignment_a.pk}/suggestions/"
    assert world.client(world.coder_b).get(url).status_code == 404
    assert world.client(world.coder_a).get(url, {"start": "5", "end": "2"}).status_code == 422
    assert world.client(world.coder_a).get(url, {"end": "999999"}).status_code == 422
    only_first_line = world.client(world.coder_a).get(url, {"start": "0", "end": "20"}).json()
    assert all(s["end"] <= 20 for group in only_first_line.values() for s in group)


def test_entries_can_be_looked_up_by_id(starter_set) -> None:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(UserFactory())
    mali = Location.objects.get(key="ml")
    body = client.get("/api/v1/dictionary/locations/", {"ids": f"{mali.pk},999999"}).json()
    assert [(r["id"], r["name"]) for r in body["results"]] == [(mali.pk, "Mali")]
    assert client.get("/api/v1/dictionary/actors/", {"ids": "1,x"}).status_code == 422


def test_suggestions_work_with_empty_dictionaries(world: World) -> None:
    from coding.models import ActorAlias, LocationAlias

    ActorAlias.objects.all().delete()
    LocationAlias.objects.all().delete()
    response = world.client(world.coder_a).get(
        f"/api/v1/assignments/{world.assignment_a.pk}/suggestions/"
    )
    assert response.status_code == 200
    assert response.json()["actors"] == []
