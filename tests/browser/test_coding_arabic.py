"""(a) A coder codes an Arabic article that has an emoji before the target words: words
selected by mouse and by keyboard, an event with actor, location and date, a reload that
shows the same highlights on the same characters, and a submit."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from coding.models import Assignment, CodedEvent
from tests.browser.conftest import ARABIC_TEXT, BrowserWorld, sign_in
from tests.browser.helpers import (
    double_click_word,
    drag_over,
    highlights,
    pick_type,
    selected_quote,
    wait_all_saved,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def u16(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """UTF-16 [start, end) of the `occurrence`-th `needle` (what the browser counts)."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    before = len(text[:start].encode("utf-16-le")) // 2
    return before, before + len(needle.encode("utf-16-le")) // 2


def cp(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def test_code_an_arabic_article_with_an_emoji_end_to_end(
    page: Page, live_server, web_world: BrowserWorld
) -> None:  # type: ignore[no-untyped-def]
    base = live_server.url
    sign_in(page, base, web_world.coder.username)
    page.goto(f"{base}/queue/")
    page.wait_for_selector("body[data-ready=true]")
    page.click(f"#queue-body a.button[href='/code/{web_world.assignment.pk}/']")
    page.wait_for_selector("body[data-ready=true]")

    # The page shows exactly the stored text, one block per paragraph, direction from the server.
    assert page.evaluate("document.getElementById('article-text').textContent") == ARABIC_TEXT
    assert page.eval_on_selector_all("#article-text p", "ps => ps.map(p => p.dir)") == [
        "rtl",
        "rtl",
        "ltr",
    ]
    assert page.is_hidden("#text-problem")

    # Mouse: double-click the verb after the 🇲🇱 flag, create the event from it.
    double_click_word(page, "هاجم")
    assert selected_quote(page) == "هاجم"
    page.keyboard.press("n")
    pick_type(page, "attack")  # the top-level type only: its sub-type is left for later
    page.wait_for_function("() => window.athar.store.list()[0]?.id > 0")

    # The dictionaries' entries and the dates written in the text are offered in the form.
    page.wait_for_selector("[data-field=actor1] .found .suggestion")
    assert page.inner_text("[data-field=actor1] .found .suggestion") == (
        "Jama'at Nusrat al-Islam wal-Muslimin (2)"
    )
    assert page.inner_text("[data-field=location] .found .suggestion") == "Boulkessi"
    assert "١٢ يونيو/ حزيران 2022 → 2022-06-12" in page.inner_text("[data-field=event_date] .found")

    # Keyboard: J steps word by word in reading order (from the start: هاجم, مسلحو, JNIM).
    page.focus("#article-text")
    for _ in range(3):
        page.keyboard.press("j")
    assert selected_quote(page) == "JNIM"
    page.keyboard.press("2")  # evidence role 2 = Actor 1; the dictionary is searched for it
    page.wait_for_selector("#field-actor1[aria-expanded=true]")
    page.wait_for_selector('.combo-list li:has-text("Jama\'at Nusrat")')
    page.keyboard.press("ArrowDown")  # WAI-ARIA combobox: nothing is highlighted before ↓
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "article-text"

    # Mouse drag, right to left, over the village name.
    drag_over(page, "بولكيسي", rtl=True)
    assert selected_quote(page) == "بولكيسي"
    page.keyboard.press("3")
    page.wait_for_selector(".combo-list li:has-text('Boulkessi')")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")

    # Keyboard: find the day, then grow the end word by word (Shift+F) up to the year.
    page.keyboard.press("/")
    page.keyboard.type("١٢")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    assert selected_quote(page) == "١٢"
    for _ in range(3):
        page.keyboard.press("Shift+F")
    assert selected_quote(page) == "١٢ يونيو/ حزيران 2022"
    page.keyboard.press("4")
    page.fill("#field-event_date", "2022-06-12")
    wait_all_saved(page)

    # Submitting without the required ones that are left lists them, each a link to the field.
    page.click("#btn-submit")
    page.wait_for_selector("#submit-problems:not([hidden])")
    links = page.eval_on_selector_all(
        "#submit-problems a", "links => links.map(a => [a.textContent, a.getAttribute('href')])"
    )
    assert links == [["Event 1 (Attack): Sub-type — a sub-type is needed", "#field-event_subtype"]]
    page.click("#submit-problems a")
    assert page.evaluate("document.activeElement.id") == "field-event_subtype"
    page.keyboard.press("t")
    pick_type(page, "assault")
    wait_all_saved(page)

    event = CodedEvent.objects.get(assignment=web_world.assignment)
    assert (event.event_type.code, event.event_subtype.code) == ("ATTACK", "ARMED_ASSAULT")
    stored = sorted((s.role, s.start, s.end, s.quote) for s in event.spans.all())
    assert stored == sorted(
        [
            ("trigger", *cp(ARABIC_TEXT, "هاجم"), "هاجم"),
            ("actor1", *cp(ARABIC_TEXT, "JNIM"), "JNIM"),
            ("location", *cp(ARABIC_TEXT, "بولكيسي"), "بولكيسي"),
            ("date", *cp(ARABIC_TEXT, "١٢ يونيو/ حزيران 2022"), "١٢ يونيو/ حزيران 2022"),
        ]
    )
    assert event.values == {
        "actor1": {"id": web_world.actor.pk},
        "location": {"id": web_world.location.pk},
        "event_date": {"start": "2022-06-12"},
    }
    drawn = highlights(page)
    assert drawn == [
        ["trigger", *u16(ARABIC_TEXT, "هاجم"), "هاجم"],
        ["actor1", *u16(ARABIC_TEXT, "JNIM"), "JNIM"],
        ["location", *u16(ARABIC_TEXT, "بولكيسي"), "بولكيسي"],
        ["date", *u16(ARABIC_TEXT, "١٢ يونيو/ حزيران 2022"), "١٢ يونيو/ حزيران 2022"],
    ]
    # UTF-16 and code points differ by the flag's two surrogate pairs (4 units, 2 code points).
    assert u16(ARABIC_TEXT, "هاجم")[0] - cp(ARABIC_TEXT, "هاجم")[0] == 2

    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert highlights(page) == drawn
    assert page.input_value("#field-event_date") == "2022-06-12"

    page.click("#btn-submit")
    page.wait_for_selector("#submitted:not([hidden])")
    assert page.is_hidden("#submit-problems")
    assert Assignment.objects.get(pk=web_world.assignment.pk).status == "submitted"
    assert page.is_disabled("#btn-new-event")
