"""(c) Autosave with optimistic locking: a change saved in a second tab makes the first
tab's next save a conflict that is shown with both versions and never overwrites silently;
edits left unsaved by a reload are restored and saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from coding.models import CodedEvent
from coding.services.events import EventInput, SpanInput, event_create
from tests.browser.conftest import ARABIC_TEXT, BrowserWorld, open_coding, screenshot, sign_in
from tests.browser.helpers import wait_all_saved

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _event(world: BrowserWorld) -> CodedEvent:
    start = ARABIC_TEXT.index("هاجم")
    return event_create(
        assignment=world.assignment,
        actor=world.coder,
        data=EventInput(
            event_type="ATTACK",
            event_subtype="ARMED_ASSAULT",
            values={"fatalities": 1},
            spans=[SpanInput(role="trigger", start=start, end=start + 4, quote="هاجم")],
        ),
    )


def test_a_conflict_from_a_second_tab_is_shown_not_lost(
    page: Page, live_server, web_world: BrowserWorld
) -> None:  # type: ignore[no-untyped-def]
    event = _event(web_world)
    sign_in(page, live_server.url, web_world.coder.username)
    open_coding(page, live_server.url, web_world.assignment.pk)
    second = page.context.new_page()  # another tab, same session
    open_coding(second, live_server.url, web_world.assignment.pk)

    second.fill("#field-fatalities", "3")
    wait_all_saved(second)
    event.refresh_from_db()
    assert (event.version, event.values["fatalities"]) == (2, 3)

    page.fill("#field-fatalities", "7")
    page.wait_for_selector("#conflict-dialog[open]")
    screenshot(page, "conflict-dialog.png")
    assert page.get_attribute("#save-state", "data-state") == "conflict"
    mine = page.inner_text("[data-conflict-mine]")
    theirs = page.inner_text("[data-conflict-theirs]")
    assert "Your version (not saved)" in mine
    assert "Fatalities\n7" in mine
    assert "Saved version 2" in theirs
    assert "Fatalities\n3" in theirs
    event.refresh_from_db()
    assert (event.version, event.values["fatalities"]) == (2, 3)  # nothing overwritten

    # Deciding later keeps the conflict visible, and nothing is sent meanwhile.
    page.click("#conflict-dialog button[value=later]")
    assert page.is_visible("#btn-conflicts")
    page.wait_for_timeout(900)
    event.refresh_from_db()
    assert event.version == 2

    page.click("#btn-conflicts")
    page.click("[data-conflict-keep]")
    wait_all_saved(page)
    event.refresh_from_db()
    assert (event.version, event.values["fatalities"]) == (3, 7)

    # The second tab, now stale, takes the saved version when its coder says so.
    second.fill("#field-fatalities", "4")
    second.wait_for_selector("#conflict-dialog[open]")
    second.click("[data-conflict-take]")
    wait_all_saved(second)
    assert second.input_value("#field-fatalities") == "7"
    event.refresh_from_db()
    assert (event.version, event.values["fatalities"]) == (3, 7)


def test_unsaved_edits_survive_a_reload(page: Page, live_server, web_world: BrowserWorld) -> None:  # type: ignore[no-untyped-def]
    event = _event(web_world)
    sign_in(page, live_server.url, web_world.coder.username)
    open_coding(page, live_server.url, web_world.assignment.pk)
    # Writes fail for a while (the network is down): the edit cannot reach the server, not
    # even the last-chance request sent when the page is left.
    blocked = {"writes": True}
    page.route(
        "**/api/v1/events/**",
        lambda route: (
            route.abort()
            if blocked["writes"] and route.request.method == "PUT"
            else route.continue_()
        ),
    )
    page.fill("#field-fatalities", "12")
    page.wait_for_selector("#save-state[data-state=error]")
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    blocked["writes"] = False
    event.refresh_from_db()
    assert event.values["fatalities"] == 1
    assert page.input_value("#field-fatalities") == "12"
    wait_all_saved(page)
    event.refresh_from_db()
    assert (event.version, event.values["fatalities"]) == (2, 12)
    assert "restored" in page.inner_text("#announce")
