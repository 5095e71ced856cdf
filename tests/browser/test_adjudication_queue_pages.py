"""The adjudication queue page with more articles than one page: a supervisor pages forward
and back with the buttons (cursor pages), reads how many articles are left, filters, and the
filter starts again from the first page."""

from __future__ import annotations

from playwright.sync_api import Page

from coding.review_queue_selectors import adjudication_queue
from tests.adjudication.queue_scene import queued_articles
from tests.browser.conftest import screenshot, sign_in
from tests.world import World

PAGE = 25  # the page's PAGE_SIZE (frontend/static/frontend/js/adjudication/queue.js)


def _shown(page: Page) -> list[int]:
    rows = page.locator("#queue-body tr")
    return [int(rows.nth(i).get_attribute("data-article") or 0) for i in range(rows.count())]


def _wait_for_first(page: Page, article_id: int) -> None:
    page.wait_for_selector(f"#queue-body tr:first-child[data-article='{article_id}']")


def test_pages_forward_and_back_and_filters(page: Page, live_server, world: World) -> None:
    queued_articles(world.project, [world.coder_a, world.coder_b], 60)
    order = [row["article_id"] for row in adjudication_queue(world.project)]
    attacks = [row["article_id"] for row in adjudication_queue(world.project, event_type="ATTACK")]
    assert len(order) == 55  # the 5 unanimous articles of the 60 are in the other tab
    assert PAGE < len(attacks) < len(order)

    sign_in(page, live_server.url, world.supervisor.username)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/adjudication/")
    page.wait_for_selector("body[data-ready=true]")
    _wait_for_first(page, order[0])
    assert _shown(page) == order[:PAGE]
    assert page.inner_text("#queue-status") == "55 articles"
    assert page.inner_text("#page-text") == "Articles 1–25"
    assert page.is_disabled("#page-prev")

    page.click("#page-next")
    _wait_for_first(page, order[PAGE])
    assert _shown(page) == order[PAGE : 2 * PAGE]
    assert page.inner_text("#page-text") == "Articles 26–50"
    page.click("#page-next")
    _wait_for_first(page, order[2 * PAGE])
    assert _shown(page) == order[2 * PAGE :]
    assert page.inner_text("#page-text") == "Articles 51–55"
    assert page.is_disabled("#page-next")
    screenshot(page, "adjudication-queue-last-page.png")

    page.click("#page-prev")
    _wait_for_first(page, order[PAGE])
    assert _shown(page) == order[PAGE : 2 * PAGE]
    page.focus("#page-prev")  # the buttons work from the keyboard too
    page.keyboard.press("Enter")
    _wait_for_first(page, order[0])
    assert page.inner_text("#page-text") == "Articles 1–25"
    assert page.is_disabled("#page-prev")

    page.click("#page-next")
    _wait_for_first(page, order[PAGE])
    page.select_option("#f-event-type", "ATTACK")  # a filter starts from its first page
    _wait_for_first(page, attacks[0])
    assert _shown(page) == attacks[:PAGE]
    assert page.inner_text("#queue-status") == f"{len(attacks)} articles"
    assert page.inner_text("#page-text") == "Articles 1–25"
    page.click("#page-next")
    _wait_for_first(page, attacks[PAGE])
    assert _shown(page) == attacks[PAGE : 2 * PAGE]

    page.select_option("#f-severity", "5")
    severe = [
        row["article_id"]
        for row in adjudication_queue(world.project, event_type="ATTACK", min_severity=5)
    ]
    assert 0 < len(severe) < PAGE
    _wait_for_first(page, severe[0])
    assert _shown(page) == severe
    assert page.inner_text("#queue-status") == f"{len(severe)} articles"
    assert page.is_disabled("#page-next")
    assert page.is_disabled("#page-prev")
