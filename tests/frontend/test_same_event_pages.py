"""The "Same event?" pages on the Django side: only supervisors and admins open them (403 for
coders and researchers, 404 outside the project or for a pair of another project), only they
get the tab, and the comparison renders both articles' text once, escaped, exactly as stored."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from django.test import Client

from coding.models import CodedEvent, DuplicateCandidate, User
from coding.services.projects import membership_set
from tests.dataset_events.scene import validated_report
from tests.world import World

pytestmark = pytest.mark.django_db

TEXT_A = '<script>alert("x")</script> هاجم مسلحون بولكيسي 😢\n</div><p dir="ltr">injected'
TEXT_B = "Des hommes armés ont attaqué le camp de Boulkessi le 12 juin 2022."


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _report(world: World, text: str, trigger: str, title: str) -> CodedEvent:
    values = {
        "actor1": {"id": world.actor.pk},
        "location": {"id": world.location.pk},
        "event_date": {"start": "2022-06-12"},
        "time_precision": "1",
    }
    return validated_report(
        project=world.project,
        supervisor=world.supervisor,
        text=text,
        trigger=trigger,
        values=values,
        title=title,
    )


@pytest.fixture
def candidate(world: World) -> DuplicateCandidate:
    a = _report(world, TEXT_A, "هاجم", '<img src=x onerror="alert(1)">')
    b = _report(world, TEXT_B, "attaqué", "Boulkessi")
    return DuplicateCandidate.objects.create(
        project=world.project, event_a=a, event_b=b, score=0.8, reasons={"summary": "same day"}
    )


def _urls(world: World, candidate: DuplicateCandidate) -> list[str]:
    base = f"/projects/{world.project.pk}/same-events/"
    return [base, f"{base}{candidate.pk}/"]


def test_the_pages_need_a_signed_in_user(world: World, candidate: DuplicateCandidate) -> None:
    for url in _urls(world, candidate):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/login/?next={url}"


@pytest.mark.parametrize(
    ("who", "status"),
    [("coder_a", 403), ("researcher", 403), ("outsider", 404), ("supervisor", 200), ("admin", 200)],
)
def test_only_supervisors_and_admins_open_the_pages(
    world: World, candidate: DuplicateCandidate, who: str, status: int
) -> None:
    client = client_for(getattr(world, who))
    pages = [client.get(url) for url in _urls(world, candidate)]
    assert [p.status_code for p in pages] == [status, status]
    if status != 200:
        for page in pages:
            assert "Boulkessi" not in page.content.decode()
            assert "same day" not in page.content.decode()


def test_a_pair_of_another_project_or_no_pair_is_not_found(
    world: World, candidate: DuplicateCandidate
) -> None:
    membership_set(project=world.other_project, user=world.supervisor, role="supervisor")
    client = client_for(world.supervisor)
    other = f"/projects/{world.other_project.pk}/same-events/{candidate.pk}/"
    assert client.get(other).status_code == 404
    assert client.get(f"/projects/{world.project.pk}/same-events/999999/").status_code == 404


@pytest.mark.parametrize(("who", "shown"), [("researcher", False), ("supervisor", True)])
def test_the_tab_is_offered_to_supervisors_only(world: World, who: str, shown: bool) -> None:
    page = client_for(getattr(world, who)).get(f"/projects/{world.project.pk}/agreement/")
    tabs = re.search(r'<nav class="project-tabs"[^>]*>(.*?)</nav>', page.content.decode(), re.S)
    assert tabs is not None
    link = f'<a href="/projects/{world.project.pk}/same-events/">Same event?</a>'
    assert (link in tabs.group(1)) is shown


def _boot(page: str) -> Any:
    found = re.search(r'<script id="boot" type="application/json">(.*?)</script>', page)
    assert found is not None
    return json.loads(found.group(1))


def test_the_comparison_renders_both_texts_escaped_exactly_as_stored(
    world: World, candidate: DuplicateCandidate
) -> None:
    page = client_for(world.supervisor).get(_urls(world, candidate)[1]).content.decode()
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert '<p dir="ltr">injected' not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    for side, text in (("a", TEXT_A), ("b", TEXT_B)):
        block = re.search(rf'<div id="text-{side}"[^>]*>(.*?)</div>\n    </div>', page, re.S)
        assert block is not None
        assert html.unescape(re.sub(r"<[^>]+>", "", block.group(1))) == text
    boot = _boot(page)
    for side in ("a", "b"):
        assert "text" not in boot["view"][side]["article"]
        assert "text" not in (boot["view"][side].get("report") or {}).get("article", {})
    assert boot["view"]["a"]["gold_event"] == candidate.event_a_id
    assert boot["view"]["a"]["article"]["title"] == '<img src=x onerror="alert(1)">'


def test_the_queue_hands_the_open_pairs_to_its_module(
    world: World, candidate: DuplicateCandidate
) -> None:
    boot = _boot(client_for(world.supervisor).get(_urls(world, candidate)[0]).content.decode())
    assert [row["id"] for row in boot["candidates"]["results"]] == [candidate.pk]
    assert boot["candidates"]["results"][0]["reasons"]["summary"] == "same day"
