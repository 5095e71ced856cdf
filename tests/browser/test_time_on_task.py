"""The active-time counter in a real Chromium: it advances while the coder presses keys,
stops once they stop for the project's idle setting (5 s here), and what it counted reaches
the server with the autosave and when the page is left; two tabs open on one assignment at
once are counted once.

Not driven here: a hidden tab. Chromium as Playwright drives it keeps every page `visible`.
Tried (2026-12-07, Chromium 156, Playwright 1.65): another page or a popup tab brought to the
front, Target.activateTarget on a second tab of the same window, the window minimized
through Browser.setWindowBounds, each in headless mode, in headful mode on the headless
Ozone platform, and headful on Xvfb with Playwright's --disable-backgrounding-occluded-windows
and --disable-renderer-backgrounding removed and focus emulation turned off: the first page's
visibilityState stayed "visible" and no visibilitychange fired. So the hidden-tab rule is
covered by the server tests' contract only (tests/time_on_task/test_time_accounting.py): the
screen simply never reports that time.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Page

from coding.models import Project, TimeLedger
from tests.browser.conftest import BrowserWorld, open_coding, sign_in
from tests.browser.helpers import double_click_word, pick_type, wait_all_saved

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IDLE = 5


def counter(page: Page) -> int:
    """The counter's value in whole seconds ("m:ss")."""
    text = page.inner_text("#active-time")
    minutes, seconds = text.split(":")
    return int(minutes) * 60 + int(seconds)


def press_for(page: Page, seconds: float) -> None:
    """Real key presses (J: next word) every half second for `seconds`."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        page.keyboard.press("j")
        page.wait_for_timeout(500)


def test_the_counter_runs_while_coding_and_stops_when_idle(
    page: Page, live_server, web_world: BrowserWorld
) -> None:  # type: ignore[no-untyped-def]
    Project.objects.filter(pk=web_world.project.pk).update(settings={"idle_seconds": IDLE})
    sign_in(page, live_server.url, web_world.coder.username)
    open_coding(page, live_server.url, web_world.assignment.pk)
    page.wait_for_selector("[data-active-time]:not([hidden])")
    assert counter(page) == 0
    page.wait_for_timeout(2500)
    assert counter(page) == 0, "no input yet: nothing counts"

    page.click("#article-text")
    press_for(page, 4)
    running = counter(page)
    assert 3 <= running <= 6
    assert page.get_attribute("#active-time", "data-active") == "true"

    # No more input: it goes on for the idle setting at most, then stops.
    page.wait_for_timeout((IDLE + 2) * 1000)
    stopped = counter(page)
    assert page.get_attribute("#active-time", "data-active") == "false"
    assert stopped <= running + IDLE + 1
    page.wait_for_timeout(3000)
    assert counter(page) == stopped, "idle time does not count"

    # Typing again resumes it; the autosave of a new event carries the time to the server.
    double_click_word(page, "هاجم")
    page.keyboard.press("n")
    pick_type(page, "attack")
    wait_all_saved(page)
    ledger = TimeLedger.objects.get(assignment=web_world.assignment)
    shown = page.evaluate("window.athar.activeTime.seconds()")
    assert stopped <= ledger.seconds <= shown + 0.5
    assert ledger.user_id == web_world.coder.pk

    # Leaving the page sends what is left (keepalive report on pagehide).
    press_for(page, 2)
    shown = page.evaluate("window.athar.activeTime.seconds()")
    before_leaving = time.monotonic()
    page.goto(f"{live_server.url}/queue/")
    # The page went on counting (its last key press was less than the idle setting ago)
    # until it was left.
    shown_at_most = shown + (time.monotonic() - before_leaving)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        ledger.refresh_from_db()
        if ledger.seconds >= shown - 0.5:
            break
        time.sleep(0.1)
    assert shown - 0.5 <= ledger.seconds <= shown_at_most + 0.5

    # Back on the page, the counter starts from what the server counted.
    open_coding(page, live_server.url, web_world.assignment.pk)
    assert counter(page) == int(ledger.seconds)

    # The queue shows the coder's own time today and this week.
    page.goto(f"{live_server.url}/queue/")
    page.wait_for_selector("#my-time:not([hidden])")
    ledger.refresh_from_db()
    total = int(ledger.seconds)
    shown_total = f"{total // 60}:{total % 60:02d}"
    assert page.inner_text("#my-time") == (
        f"Your active time today: {shown_total}; this week: {shown_total}"
    )


def test_the_dashboard_draws_filters_and_offers_the_csv(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    from tests.time_on_task.generated import generate

    plan = generate(seed=5, n_articles=12)
    base = live_server.url
    sign_in(page, base, plan.supervisor.username)
    page.goto(f"{base}/")
    page.click(f"a[href='/projects/{plan.project.pk}/throughput/']")
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#progress-plot svg polygon").count() == 4
    assert page.locator("#weekly-plot svg rect.bar").count() >= 1
    all_rows = page.locator("#rows-table tbody tr").count()
    assert all_rows >= 4
    last = page.locator("#progress-table tbody tr").last.locator("td").all_inner_texts()
    assert sum(int(n) for n in last) == 12  # every article in exactly one state

    coder = plan.coders[0]
    page.select_option("#tp-coder", str(coder.pk))
    page.fill("#tp-from", "2026-02-09")
    page.click("#tp-filters button[type=submit]")
    page.wait_for_selector("#tp-status:has-text('Rows shown')")
    people = page.locator("#rows-table tbody tr td:first-of-type").all_inner_texts()
    assert people
    assert set(people) == {coder.username}
    assert page.locator("#progress-table tbody tr th").first.inner_text() == "Feb 9, 2026"
    assert page.get_attribute("#tp-csv", "href") == (
        f"/api/v1/projects/{plan.project.pk}/throughput/csv/?coder={coder.pk}&from=2026-02-09"
    )
    with page.expect_download() as download:
        page.click("#tp-csv")
    text = Path(download.value.path()).read_text("utf-8")
    assert text.splitlines()[0].startswith("week,user,username,articles,events")
    assert all(f",{coder.pk},{coder.username}," in line for line in text.splitlines()[1:])


def test_two_tabs_on_one_assignment_count_the_shared_time_once(
    page: Page, live_server, web_world: BrowserWorld
) -> None:  # type: ignore[no-untyped-def]
    """The coder opens the assignment in a second tab and types in both, turn about, for
    6 seconds: each tab counts about 6 s, and the server keeps the union, not the sum."""
    Project.objects.filter(pk=web_world.project.pk).update(settings={"idle_seconds": IDLE})
    sign_in(page, live_server.url, web_world.coder.username)
    open_coding(page, live_server.url, web_world.assignment.pk)
    second = page.context.new_page()
    open_coding(second, live_server.url, web_world.assignment.pk)
    for tab in (page, second):
        tab.wait_for_selector("[data-active-time]:not([hidden])")
        tab.click("#article-text")
    end = time.monotonic() + 6
    while time.monotonic() < end:
        for tab in (page, second):
            tab.keyboard.press("j")
        page.wait_for_timeout(400)
    counted = [tab.evaluate("window.athar.activeTime.seconds()") for tab in (page, second)]
    assert all(5 <= c <= 8 for c in counted), counted
    # Both tabs are left: each sends its stretches (keepalive report on pagehide).
    for tab in (second, page):
        tab.goto(f"{live_server.url}/queue/")
    ledger = None
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        ledger = TimeLedger.objects.filter(assignment=web_world.assignment).first()
        if (
            ledger is not None
            and TimeLedger.objects.filter(pk=ledger.pk, tabs__isnull=False).count() == 2
        ):
            break
        time.sleep(0.2)
    assert ledger is not None
    assert ledger.tabs.count() == 2, "both tabs reported"
    ledger.refresh_from_db()
    # The union of two stretches over the same 6 seconds (each anchored at the server's
    # receipt time, so a little apart), not their sum of about 12 s.
    assert max(counted) - 1 <= ledger.seconds <= max(counted) + 2.5, (ledger.seconds, counted)
    assert ledger.seconds < sum(counted) - 3
    second.close()
