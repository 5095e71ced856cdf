"""Issue 20, items 9–13 and 15: the supervisor and researcher pages without traps, driven
in Chromium with real clicks and keys."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page

from coding.models import Article, DatasetRelease, Location
from tests.browser.conftest import SCREENSHOTS, screenshot, sign_in
from tests.browser.test_project_pages import _adjudicate as adjudicate_and_validate
from tests.world import ARTICLE_TEXT, World, code_and_submit, complete_event, span

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_empty_release_is_refused_until_the_supervisor_confirms_it(
    page: Page, live_server, disputed: World
) -> None:
    """Nothing is validated yet: the first click explains and creates nothing; ticking the
    box and clicking again creates the (empty) release."""
    world = disputed
    sign_in(page, live_server.url, world.supervisor.username)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/data/")
    page.wait_for_selector("body[data-ready=true]")
    assert page.is_hidden("#release-empty-warning")
    page.fill("#release-tag", "v0")
    page.click("#release-form button[type=submit]")
    page.wait_for_selector("#release-empty-warning", state="visible")
    assert "no validated event yet" in page.inner_text("#release-empty-warning")
    assert page.inner_text("#release-status") == (
        "Nothing was created: tick the box to create an empty release."
    )
    assert DatasetRelease.objects.count() == 0
    page.check("#release-confirm-empty")
    page.click("#release-form button[type=submit]")
    page.wait_for_selector("#release-list [data-status=ready]")
    release = DatasetRelease.objects.get(project=world.project)
    assert (release.tag, release.row_count) == ("v0", 0)
    assert page.is_hidden("#release-empty-warning")


@pytest.fixture
def differing(world: World, django_capture_on_commit_callbacks) -> World:  # type: ignore[no-untyped-def]
    """Two coders on one attack: different time precision (choice codes 1 and 2), remarks
    typed with capitals and accents, different date evidence; coder A also found a truce."""
    first = complete_event(world)
    first["values"] = dict(first["values"]) | {"notes_text": "Témoin À Ménaka"}  # type: ignore[arg-type]
    second = complete_event(world)
    second["values"] = dict(second["values"]) | {  # type: ignore[arg-type]
        "time_precision": "2",
        "notes_text": "Source: ÉCOLE",
    }
    second["spans"] = [s for s in second["spans"] if s["role"] != "date"] + [  # type: ignore[attr-defined]
        span(ARTICLE_TEXT, "2022", "date")
    ]
    truce = {
        "event_type": "TRUCE",
        "values": {
            k: v
            for k, v in first["values"].items()  # type: ignore[attr-defined]
            if k != "fatalities"
        },
        "spans": [span(ARTICLE_TEXT, "أعلنت", "trigger")],
    }
    code_and_submit(
        world, world.assignment_a, world.coder_a, [first, truce], django_capture_on_commit_callbacks
    )
    code_and_submit(
        world, world.assignment_b, world.coder_b, [second], django_capture_on_commit_callbacks
    )
    return world


def _disagreement_rows(page: Page) -> dict[str, list[str]]:
    """What the list says, by its "what" column: the coders' lines."""
    rows: dict[str, list[str]] = {}
    for row in page.locator("#dis-body tr").all():
        what = row.locator("td").nth(2).inner_text()
        rows[what] = row.locator("td").nth(3).locator("li").all_inner_texts()
    return rows


def test_the_disagreement_list_reads_as_coded(page: Page, live_server, differing: World) -> None:
    """Labels instead of choice codes, quotes instead of offsets, role labels, and the
    remarks as typed (not folded for matching)."""
    world = differing
    sign_in(page, live_server.url, world.supervisor.username)
    page.click(f"a[href='/projects/{world.project.pk}/agreement/']")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#dis-body tr")
    rows = _disagreement_rows(page)
    assert rows["another field: Time precision"] == ["coder_a: Day", "coder_b: Week"]
    assert rows["another field: Remarks"] == ["coder_a: Témoin À Ménaka", "coder_b: Source: ÉCOLE"]
    assert rows["evidence spans: Date"] == [
        "coder_a: ١٢ يونيو/ حزيران 2022",
        "coder_b: 2022",
    ]
    assert rows["event found by some coders only"] == [
        "coder_a: found it أعلنت",
        "coder_b: did not find it",
    ]
    quotes = page.locator("#dis-body q.quote")
    assert quotes.all_inner_texts() == ["أعلنت", "١٢ يونيو/ حزيران 2022", "2022"]
    assert quotes.first.get_attribute("dir") == "rtl"  # the article's own direction
    assert "[[" not in page.inner_text("#dis-body")
    page.select_option("#dis-kind", "other_field")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#dis-body tr td:nth-child(3)')]"
        ".every((td) => td.textContent.startsWith('another field'))"
    )
    screenshot(page, "agreement-disagreements-en.png", full_page=True)
    page.locator("#dis-table").screenshot(path=str(SCREENSHOTS / "agreement-list-en.png"))
    with page.expect_navigation():
        page.select_option("#lang-select", "ar")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#dis-body tr")
    screenshot(page, "agreement-disagreements-ar.png", full_page=True)
    page.locator("#dis-table").screenshot(path=str(SCREENSHOTS / "agreement-list-ar.png"))


# The side-by-side fills the window exactly: the panes scroll, the page does not (it was
# taller than the window, with a blank band, and scrolling the window cut the panes off).
_FILLS_THE_WINDOW = """() => {
  const layout = document.querySelector('.adj-layout').getBoundingClientRect();
  const page = document.scrollingElement;
  return {
    scrollable: page.scrollHeight - window.innerHeight,
    gapBelow: Math.round(window.innerHeight - layout.bottom),
    height: Math.round(layout.height),
    scrollY: window.scrollY,
    body: Math.round(document.body.getBoundingClientRect().height),
  };
}"""


def test_the_side_by_side_fits_the_window_and_its_panes_scroll(
    page: Page, live_server, disputed: World
) -> None:
    world = disputed
    sign_in(page, live_server.url, world.supervisor.username)
    page.click(f"a[href='/projects/{world.project.pk}/adjudication/']")
    page.wait_for_selector(f"#queue-body tr[data-article='{world.article.pk}'] a")
    page.click(f"#queue-body tr[data-article='{world.article.pk}'] a")
    page.wait_for_selector("body[data-ready=true]")
    page.click("#btn-open")
    page.wait_for_selector("#adj-status:has-text('open')")
    fit = page.evaluate(_FILLS_THE_WINDOW)
    assert fit["scrollable"] <= 0, str(fit)
    assert 0 <= fit["gapBelow"] <= 16, fit  # the main padding, not a blank band
    assert fit["height"] > 400, fit
    # Validating too early lists the problems above the panes: the panes give way, the page
    # still fits, and scrolling with the wheel moves a pane, never the page.
    page.click("#btn-validate")
    page.wait_for_selector("#problems", state="visible")
    fit = page.evaluate(_FILLS_THE_WINDOW)
    assert fit["scrollable"] <= 0, str(fit)
    assert 0 <= fit["gapBelow"] <= 16, fit  # the main padding, not a blank band
    page.hover("#rows")
    page.mouse.wheel(0, 600)
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.scrollY") == 0
    screenshot(page, "side-by-side-fits-en.png")


def test_an_unknown_address_shows_the_friendly_page_even_with_debug_on(
    page: Page, live_server, world: World, settings
) -> None:
    """`make run` has DEBUG on: a mistyped address showed Django's technical page."""
    settings.DEBUG = True
    sign_in(page, live_server.url, world.supervisor.username)
    response = page.goto(f"{live_server.url}/projects/{world.project.pk}/no-such-page/")
    assert response is not None
    assert response.status == 404
    assert page.inner_text("h1") == "Not found"
    assert "There is no page at this address" in page.inner_text("main")
    assert "URLconf" not in page.content()
    page.click("main a")  # back to the projects, as the page offers
    page.wait_for_url(f"{live_server.url}/")
    response = page.goto(f"{live_server.url}/queue")  # the slash is still added
    assert response is not None
    assert response.status == 200
    assert page.url == f"{live_server.url}/queue/"


def test_the_queue_shows_each_articles_source_and_date(page: Page, live_server, web_world) -> None:
    """A coder choosing what to code next sees where and when each article appeared."""
    Article.objects.filter(pk=web_world.arabic.pk).update(
        published_at=dt.datetime(2022, 6, 13, 9, 30, tzinfo=dt.UTC)
    )
    sign_in(page, live_server.url, web_world.coder.username)
    page.click("a[href='/queue/']")
    page.wait_for_selector("body[data-ready=true]")
    heads = page.locator("#queue-table thead th").all_inner_texts()
    assert heads[:3] == ["Article", "Source", "Published"]
    cells = {
        row.locator("td").nth(0).inner_text(): row.locator("td").all_inner_texts()[1:3]
        for row in page.locator("#queue-body tr").all()
    }
    assert cells[web_world.arabic.title] == ["Sahel Wire", "Jun 13, 2022"]
    assert cells[web_world.french.title] == ["Sahel Wire", "—"]
    stamp = page.locator("#queue-body time").get_attribute("datetime")
    assert stamp == "2022-06-13T09:30:00+00:00"


def test_events_off_the_map_are_counted_and_explained_beside_it(
    page: Page, live_server, disputed: World
) -> None:
    """The place of the validated event has no coordinates: the map has no dot, and the page
    says so next to it instead of inside the folded list of places."""
    world = disputed
    Location.objects.filter(pk=world.location.pk).update(latitude=None, longitude=None)
    adjudicate_and_validate(world)
    sign_in(page, live_server.url, world.researcher.username)
    page.click(f"a[href='/projects/{world.project.pk}/data/']")
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#map svg circle.dot").count() == 0
    note = page.locator("#map-unmapped")
    assert note.is_visible()
    assert note.inner_text() == (
        "1 event is not on the map: its place has no coordinates in the dictionary (Boulkessi)."
    )
    assert page.evaluate("() => document.getElementById('map-unmapped').closest('details')") is None
