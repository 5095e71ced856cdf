"""An assignment's events a page at a time: GET /assignments/{id}/?events_limit=n (the first
page and `events_next`) and GET /assignments/{id}/events/page/?after=&limit= (keyset pages).
The pages add up to the whole read, in order; bad parameters are refused (422) with nothing
answered; text that JSON or HTML must escape survives both the API and the coding page."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from coding.event_pages import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from coding.models import Assignment, CodedEvent
from coding.services.articles import articles_create
from coding.services.assignment import assignments_balance
from coding.services.events import EventInput, SpanInput, event_create
from tests.world import Item, World

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]

TEXT = "🇲🇱 هاجم مسلحون قرية بولكيسي 😢 فجر الثلاثاء.\nLes FAMa ont riposté à Gao 🚀."
TRICKY_MEMO = 'a "quote", a \\ backslash,\na newline,\ta tab, \x01, \u2028, </script><b>&amp;'


def _assignment_with_events(world: World, n: int) -> Assignment:
    created = articles_create(project=world.project, items=[Item("Pages", TEXT)], actor=None)
    assignments_balance(project=world.project)
    assignment = Assignment.objects.get(article=created.created[0], coder=world.coder_a)
    for i in range(n):
        needle = ("بولكيسي", "riposté", "Gao 🚀")[i % 3]
        start = TEXT.index(needle)
        event_create(
            assignment=assignment,
            actor=world.coder_a,
            data=EventInput(
                event_type="ATTACK",
                values={"fatalities": i},
                memo=TRICKY_MEMO if i == 1 else f"event {i}",
                spans=[SpanInput("trigger", start, start + len(needle), needle)],
            ),
        )
    return assignment


def _relative(url: str) -> str:
    return url.split("testserver", 1)[1]


def test_the_pages_add_up_to_the_whole_assignment_in_order(world: World) -> None:
    assignment = _assignment_with_events(world, 7)
    client = world.client(world.coder_a)
    whole = client.get(f"/api/v1/assignments/{assignment.pk}/").json()
    assert whole["events_next"] is None
    assert len(whole["events"]) == 7

    first = client.get(f"/api/v1/assignments/{assignment.pk}/?events_limit=3").json()
    assert first["assignment"] == whole["assignment"]  # n_events etc. count every event
    assert first["assignment"]["n_events"] == 7
    assert first["article"] == whole["article"]
    events, url, pages = list(first["events"]), first["events_next"], [len(first["events"])]
    while url:
        assert f"/api/v1/assignments/{assignment.pk}/events/page/?after=" in url
        page = client.get(_relative(url)).json()
        events += page["events"]
        pages.append(len(page["events"]))
        url = page["next"]
    assert pages == [3, 3, 1]
    assert events == whole["events"]
    ids = [e["id"] for e in events]
    assert (
        ids
        == sorted(ids)
        == list(
            CodedEvent.objects.filter(assignment=assignment)
            .order_by("id")
            .values_list("id", flat=True)
        )
    )


def test_offsets_and_escaped_text_on_a_page(world: World) -> None:
    assignment = _assignment_with_events(world, 3)
    client = world.client(world.coder_a)
    page = client.get(f"/api/v1/assignments/{assignment.pk}/events/page/?limit=2")
    assert page.status_code == 200
    body = page.json()
    assert [e["memo"] for e in body["events"]] == ["event 0", TRICKY_MEMO]
    assert b"\xe2\x80\xa8" not in page.content  # U+2028 escaped, as the renderer always does
    gao = client.get(body["next"]).json()["events"][0]["spans"][0]
    prefix = TEXT[: gao["start"]]
    assert gao["quote"] == "Gao 🚀"
    assert gao["start_u16"] == len(prefix.encode("utf-16-le")) // 2 == gao["start"] + 3
    assert gao["end_u16"] - gao["start_u16"] == 6  # "Gao " + one astral character


def test_the_default_page_and_an_empty_page(world: World) -> None:
    assignment = _assignment_with_events(world, 2)
    client = world.client(world.coder_a)
    body = client.get(f"/api/v1/assignments/{assignment.pk}/events/page/").json()
    assert (len(body["events"]), body["next"]) == (2, None)
    last = body["events"][-1]["id"]
    after = client.get(f"/api/v1/assignments/{assignment.pk}/events/page/?after={last}").json()
    assert after == {"events": [], "next": None}
    assert DEFAULT_PAGE_SIZE == 200
    assert MAX_PAGE_SIZE == 1000


@pytest.mark.parametrize(
    "query",
    [
        "events/page/?limit=0",
        f"events/page/?limit={MAX_PAGE_SIZE + 1}",
        "events/page/?limit=ten",
        "events/page/?limit=%C2%B2",  # "²" is a digit to str.isdigit(), not to int()
        "events/page/?after=-1",
        "events/page/?after=1.5",
        "?events_limit=0",
        f"?events_limit={MAX_PAGE_SIZE + 1}",
        "?events_limit=",
    ],
)
def test_bad_parameters_are_refused(world: World, query: str) -> None:
    assignment = _assignment_with_events(world, 1)
    before = list(CodedEvent.objects.values_list("id", "version", "updated_at").order_by("id"))
    response = world.client(world.coder_a).get(f"/api/v1/assignments/{assignment.pk}/{query}")
    assert response.status_code == 422, response.content
    body: dict[str, Any] = response.json()
    assert body["errors"][0]["field"] in {"limit", "after", "events_limit"}
    assert "events" not in body
    after = list(CodedEvent.objects.values_list("id", "version", "updated_at").order_by("id"))
    assert after == before


def test_blind_coding_holds_for_pages(world: World) -> None:
    """The other coder of the same article cannot read coder A's pages (404, as if absent),
    nor reach them through a cursor; the supervisor can."""
    assignment = _assignment_with_events(world, 2)
    url = f"/api/v1/assignments/{assignment.pk}/events/page/?after=0&limit=1"
    assert world.client(world.coder_b).get(url).status_code == 404
    other = Assignment.objects.get(article=assignment.article, coder=world.coder_b)
    response = world.client(world.coder_b).get(f"/api/v1/assignments/{other.pk}/events/page/")
    assert response.json() == {"events": [], "next": None}
    supervisor = world.client(world.supervisor).get(url).json()
    assert len(supervisor["events"]) == 1
    assert supervisor["next"] is not None


def test_the_coding_page_embeds_the_first_page_escaped(world: World) -> None:
    """The page's boot data is the API's first page spliced into a <script> element: nothing
    in the events can close the element, and it parses to what the API answers."""
    assignment = _assignment_with_events(world, 3)
    client = Client()
    client.force_login(world.coder_a)
    html = client.get(f"/code/{assignment.pk}/").content.decode()
    match = re.search(r'<script id="boot" type="application/json">(.*?)</script>', html, re.S)
    assert match is not None
    assert "</script>" not in match.group(1)
    assert "<b>" not in match.group(1)
    boot = json.loads(match.group(1))
    api = world.client(world.coder_a).get(f"/api/v1/assignments/{assignment.pk}/").json()
    assert boot["events"] == api["events"]
    assert boot["events"][1]["memo"] == TRICKY_MEMO
    assert boot["events_next"] is None
