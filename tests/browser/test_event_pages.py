"""An assignment with more events than the coding page embeds: the module loads the other pages
(/events/page/) before the screen is ready, every event is listed and highlighted where its
words are, and an event from a later page is edited and saved with real keys."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from coding.models import CodedEvent
from coding.services.events import EventInput, SpanInput, event_create
from tests.browser.conftest import ARABIC_TEXT, BrowserWorld, open_coding, sign_in
from tests.browser.helpers import highlights, wait_all_saved

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Words after the flag emoji (two astral characters) and after 😢: UTF-16 offsets differ.
NEEDLES = ["هاجم", "JNIM", "بولكيسي", "يونيو", "مسؤوليتها", "موبتي", "riposté", "Gao"]


def _u16(cp: int) -> int:
    return len(ARABIC_TEXT[:cp].encode("utf-16-le")) // 2


def test_every_page_of_events_is_loaded_shown_and_editable(
    page: Page, live_server, web_world: BrowserWorld, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("frontend.views.pages.CODING_EVENTS_PAGE", 3)  # pages of 3: 3 + 3 + 2
    events = []
    for i, needle in enumerate(NEEDLES):
        start = ARABIC_TEXT.index(needle)
        events.append(
            event_create(
                assignment=web_world.assignment,
                actor=web_world.coder,
                data=EventInput(
                    event_type="ATTACK",
                    memo=f"event {i}",
                    spans=[SpanInput("trigger", start, start + len(needle), needle)],
                ),
            )
        )
    pages: list[str] = []
    page.on("request", lambda r: pages.append(r.url) if "/events/page/" in r.url else None)

    sign_in(page, live_server.url, web_world.coder.username)
    open_coding(page, live_server.url, web_world.assignment.pk)

    assert len(pages) == 2  # the page embedded 3 events; two more pages brought 3 and 2
    assert page.inner_text("#event-count") == "8"
    keys = page.eval_on_selector_all(
        "#event-list .event-row", "rows => rows.map(r => r.dataset.key)"
    )
    assert keys == [f"e{event.pk}" for event in events]
    expected = sorted(
        [
            "trigger",
            _u16(ARABIC_TEXT.index(n)),
            _u16(ARABIC_TEXT.index(n) + len(n)),
            n,
        ]
        for n in NEEDLES
    )
    assert sorted(highlights(page)) == expected

    # The seventh event came with the last page: select it in the list, edit its memo.
    last_page_event = events[6]
    page.click(f"#event-list .event-row[data-key=e{last_page_event.pk}]")
    assert page.input_value("#event-memo") == "event 6"
    page.click("#event-memo")
    page.keyboard.press("End")
    page.keyboard.type(" — checked")
    wait_all_saved(page)
    last_page_event.refresh_from_db()
    assert (last_page_event.memo, last_page_event.version) == ("event 6 — checked", 2)
    untouched = CodedEvent.objects.exclude(pk=last_page_event.pk).filter(
        assignment=web_world.assignment
    )
    assert {e.version for e in untouched} == {1}


def test_a_page_that_cannot_be_loaded_leaves_the_screen_read_only(
    page: Page, live_server, web_world: BrowserWorld, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """If the rest of the events cannot be had, the coder is told and nothing can be written
    (a draft of an event not loaded would otherwise look like the event was deleted)."""
    monkeypatch.setattr("frontend.views.pages.CODING_EVENTS_PAGE", 1)
    for needle in NEEDLES[:2]:
        start = ARABIC_TEXT.index(needle)
        event_create(
            assignment=web_world.assignment,
            actor=web_world.coder,
            data=EventInput(
                event_type="ATTACK",
                spans=[SpanInput("trigger", start, start + len(needle), needle)],
            ),
        )
    page.route("**/events/page/**", lambda route: route.fulfill(status=404, body="{}"))
    sign_in(page, live_server.url, web_world.coder.username)
    open_coding(page, live_server.url, web_world.assignment.pk)
    banner = page.locator("#read-only")
    assert banner.is_visible()
    assert "could be loaded" in banner.inner_text()
    writers = page.locator("[data-write]")
    assert writers.count() > 0
    assert writers.evaluate_all("nodes => nodes.every(n => n.disabled)")
    assert CodedEvent.objects.filter(assignment=web_world.assignment).count() == 2
