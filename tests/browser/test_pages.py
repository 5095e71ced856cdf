"""(d) Screenshots of the queue and the coding screen (Arabic and French articles, English,
Arabic and French UI) saved under test-artifacts/screenshots/; the read-only views; the
refusal to code when the rendered text is not the stored text."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from coding.models import CodedEvent
from coding.services.events import EventInput, SpanInput, event_create
from tests.browser.conftest import (
    ARABIC_TEXT,
    SCREENSHOTS,
    BrowserWorld,
    open_coding,
    screenshot,
    sign_in,
)
from tests.browser.helpers import highlights
from tests.factories import ArticleFactory, AssignmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _span(role: str, needle: str, occurrence: int = 0) -> SpanInput:
    start = -1
    for _ in range(occurrence + 1):
        start = ARABIC_TEXT.index(needle, start + 1)
    return SpanInput(role=role, start=start, end=start + len(needle), quote=needle)


def _code_some(world: BrowserWorld) -> None:
    """Two events with nested and overlapping spans, to see how they are drawn."""
    event_create(
        assignment=world.assignment,
        actor=world.coder,
        data=EventInput(
            event_type="ATTACK",
            event_subtype="DRONE_STRIKE",
            values={"actor1": {"id": world.actor.pk}, "location": {"id": world.location.pk}},
            spans=[
                _span("trigger", 'هاجم مسلحو JNIM قرية بولكيسي بـ"الطائرات"'),
                _span("actor1", "JNIM"),
                _span("location", "بولكيسي"),
                _span("date", "١٢ يونيو/ حزيران 2022"),
            ],
        ),
    )
    event_create(
        assignment=world.assignment,
        actor=world.coder,
        data=EventInput(
            event_type="ATTACK",
            values={"fatalities": 2},
            spans=[
                _span("actor1", "JNIM", 1),
                _span("trigger", "الهجوم"),
                _span("location", "FAMa"),
            ],
        ),
    )


def _switch_language(page: Page, code: str) -> None:
    with page.expect_navigation():
        page.select_option("#lang-select", code)


def test_screenshots_of_queue_and_coding_screens(
    page: Page, live_server, web_world: BrowserWorld
) -> None:  # type: ignore[no-untyped-def]
    _code_some(web_world)
    base = live_server.url
    sign_in(page, base, web_world.coder.username)
    page.goto(f"{base}/queue/")
    page.wait_for_selector("body[data-ready=true]")
    assert page.inner_text("#progress-text") == "0 of 2 submitted"
    assert page.get_attribute("#continue-link", "href") == f"/code/{web_world.assignment.pk}/"
    screenshot(page, "queue-en.png")

    page.fill("#queue-search", "Ménaka")
    page.wait_for_function("() => document.querySelectorAll('#queue-body tr').length === 1")
    assert "Tidermène" in page.inner_text("#queue-body")
    page.fill("#queue-search", "")
    page.select_option("#queue-status", "in_progress")
    page.wait_for_function("() => document.querySelectorAll('#queue-body tr').length === 1")

    open_coding(page, base, web_world.assignment.pk)
    page.click(".event-row >> nth=0")
    screenshot(page, "code-arabic-article-en.png")

    _switch_language(page, "ar")
    page.wait_for_selector("body[data-ready=true]")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.inner_text("#btn-submit") == "إرسال"
    screenshot(page, "code-arabic-article-ar.png")
    page.goto(f"{base}/queue/")
    page.wait_for_selector("body[data-ready=true]")
    assert page.inner_text("h1") == "قائمتي"
    screenshot(page, "queue-ar.png")

    _switch_language(page, "fr")
    open_coding(page, base, web_world.french_assignment.pk)
    assert page.get_attribute("html", "dir") == "ltr"
    assert page.eval_on_selector_all("#article-text p", "ps => ps.map(p => p.dir)") == ["ltr"] * 3
    page.keyboard.press("/")
    page.keyboard.type("attaqué")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.keyboard.press("n")
    page.wait_for_selector("#type-picker[open]")
    page.keyboard.type("attaque")
    screenshot(page, "type-picker-fr.png")
    page.keyboard.press("Alt+1")
    page.wait_for_function("() => window.athar.store.list()[0]?.id > 0")
    assert page.inner_text("#save-state") == "Tout est enregistré"
    screenshot(page, "code-french-article-fr.png")
    names = sorted(p.name for p in SCREENSHOTS.glob("*.png"))
    for name in [
        "code-arabic-article-ar.png",
        "code-arabic-article-en.png",
        "code-french-article-fr.png",
        "queue-ar.png",
        "queue-en.png",
        "type-picker-fr.png",
    ]:
        assert name in names


def test_a_supervisor_sees_the_coding_screen_read_only(
    page: Page, live_server, web_world: BrowserWorld
) -> None:  # type: ignore[no-untyped-def]
    _code_some(web_world)
    sign_in(page, live_server.url, web_world.supervisor.username)
    assert page.locator("nav a", has_text="My queue").count() == 0
    open_coding(page, live_server.url, web_world.assignment.pk)
    assert page.inner_text("#read-only") == (
        "You are viewing another coder's assignment: it is read-only."
    )
    assert page.is_disabled("#btn-new-event")
    assert page.is_disabled("#btn-submit")
    assert page.locator(".event-row").count() == 2
    assert page.is_disabled("#field-fatalities")


def test_coding_is_refused_when_the_rendered_text_is_not_the_stored_text(
    page: Page, live_server, web_world: BrowserWorld
) -> None:  # type: ignore[no-untyped-def]
    text = "هاجم مسلحون قرية.\nJNIM claimed it."
    # Broken paragraph metadata: the page would render one character too few.
    article = ArticleFactory(
        project=web_world.project, text=text, paragraphs=[[0, 16, "rtl"], [18, 34, "ltr"]]
    )
    assignment = AssignmentFactory(article=article, coder=web_world.coder)
    sign_in(page, live_server.url, web_world.coder.username)
    open_coding(page, live_server.url, assignment.pk)
    assert page.inner_text("#text-problem").startswith(
        "The text shown is not the stored text (33 vs 34 UTF-16 units)."
    )
    assert page.is_disabled("#btn-new-event")
    page.keyboard.press("j")
    page.keyboard.press("n")
    assert page.locator("#type-picker[open]").count() == 0


def test_events_are_stepped_through_and_deleted_then_the_coder_signs_out(
    page: Page, live_server, web_world: BrowserWorld
) -> None:  # type: ignore[no-untyped-def]
    _code_some(web_world)
    sign_in(page, live_server.url, web_world.coder.username)
    open_coding(page, live_server.url, web_world.assignment.pk)
    first = CodedEvent.objects.filter(assignment=web_world.assignment).order_by("id")[0]
    assert page.get_attribute(".event-row[aria-current=true]", "data-key") == f"e{first.pk}"
    page.focus("#article-text")
    page.keyboard.press("]")
    assert page.inner_text("#event-form-title") == "Event 2: Attack"
    # Clicking highlighted words selects their event: "بولكيسي" belongs to event 1 only.
    rect = page.evaluate(
        "() => { const a = window.athar; const i = a.index.text.indexOf('بولكيسي');"
        " return a.index.range(i + 2, i + 3).getBoundingClientRect().toJSON(); }"
    )
    page.mouse.click(rect["x"] + rect["width"] / 2, rect["y"] + rect["height"] / 2)
    assert page.inner_text("#event-form-title") == "Event 1: Attack › Drone strike"
    page.keyboard.press("]")
    page.click("text=Delete event")
    assert page.inner_text("#confirm-text") == "Delete event 2 (Attack) and its spans?"
    page.click("#confirm-dialog button[value=delete]")
    page.wait_for_function("() => window.athar.store.list().length === 1")
    assert CodedEvent.objects.filter(assignment=web_world.assignment).count() == 1
    assert page.locator(".event-row").count() == 1
    assert [row[0] for row in highlights(page)] == ["trigger", "actor1", "location", "date"]

    page.click("header form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/login/")
