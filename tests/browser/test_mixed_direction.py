"""(b) Mixed-direction paragraphs: an Arabic paragraph that starts with "JNIM" and a French
line with « guillemets ». The stored quotes are the words the coder meant, and the Arabic
paragraph is laid out right to left although its first word is Latin."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from coding.models import CodedEvent
from coding.services.articles import articles_create
from tests.browser.conftest import ARABIC_TEXT, BrowserWorld, open_coding, sign_in
from tests.browser.helpers import (
    double_click_word,
    drag_over,
    pick_type,
    rect_of,
    selected_quote,
    wait_all_saved,
)
from tests.factories import AssignmentFactory
from tests.world import Item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def at(needle: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = ARABIC_TEXT.index(needle, start + 1)
    return start, start + len(needle)


def test_mixed_direction_selections_store_the_intended_words(
    page: Page, live_server, web_world: BrowserWorld
) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, live_server.url, web_world.coder.username)
    open_coding(page, live_server.url, web_world.assignment.pk)

    # The paragraph that begins with a Latin word is still right-aligned (explicit dir=rtl):
    # "JNIM" sits at the right edge of its line, not the left.
    box = page.evaluate(
        "() => document.querySelectorAll('#article-text p')[1].getBoundingClientRect().toJSON()"
    )
    jnim = rect_of(page, "JNIM", 1)
    assert box["right"] - jnim["right"] < 4
    assert jnim["left"] - box["left"] > 200

    double_click_word(page, "الهجوم")
    assert selected_quote(page) == "الهجوم"
    page.keyboard.press("n")
    pick_type(page, "assault")
    page.wait_for_function("() => window.athar.store.list()[0]?.id > 0")

    # The Latin word at the start of the RTL paragraph, by double-click.
    double_click_word(page, "JNIM", 1)
    assert selected_quote(page) == "JNIM"
    page.keyboard.press("2")
    page.keyboard.press("Escape")  # leave the dictionary search; focus returns to the text

    # An Arabic word just after the 😢 emoji, by dragging right to left.
    drag_over(page, "موبتي", rtl=True)
    assert selected_quote(page) == "موبتي"
    page.keyboard.press("3")
    page.keyboard.press("Escape")

    # Inside « guillemets » on the French line: the word, without marks or spaces.
    double_click_word(page, "FAMa")
    assert selected_quote(page) == "FAMa"
    page.keyboard.press("2")
    page.keyboard.press("Escape")

    # A drag that starts on the « and ends on the » is trimmed of the spaces only.
    drag_over(page, "« FAMa »", rtl=False)
    assert selected_quote(page) == "« FAMa »"

    # Keyboard on the French line: find, then grow by a character over the accent.
    page.keyboard.press("/")
    page.keyboard.type("ripost")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.keyboard.press("f")
    assert selected_quote(page) == "riposté"
    page.keyboard.press("1")
    wait_all_saved(page)

    event = CodedEvent.objects.get(assignment=web_world.assignment)
    stored = sorted((s.start, s.end, s.role, s.quote) for s in event.spans.all())
    assert stored == [
        (*at("JNIM", 1), "actor1", "JNIM"),
        (*at("الهجوم"), "trigger", "الهجوم"),
        (*at("موبتي"), "location", "موبتي"),
        (*at("FAMa"), "actor1", "FAMa"),
        (*at("riposté"), "trigger", "riposté"),
    ]
    for start, end, _, quote in stored:
        assert ARABIC_TEXT[start:end] == quote


PROCLITIC_TEXT = "وقع الهجوم وبغاو أمس، ونسبه مصدر لـJNIM في منطقة موبتي."


def test_word_steps_follow_reading_order_and_proclitics_can_be_dropped(
    page: Page, live_server, web_world: BrowserWorld
) -> None:  # type: ignore[no-untyped-def]
    article = articles_create(
        project=web_world.project, items=[Item("بغاو", PROCLITIC_TEXT, "ar")], actor=None
    ).created[0]
    assignment = AssignmentFactory(article=article, coder=web_world.coder)
    sign_in(page, live_server.url, web_world.coder.username)
    open_coding(page, live_server.url, assignment.pk)

    def find(text: str) -> None:
        page.keyboard.press("/")
        page.fill("#find", text)
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")

    find("منطقة")
    page.keyboard.press("Shift+F")  # end: one word later
    assert selected_quote(page) == "منطقة موبتي"
    page.keyboard.press("Shift+S")  # start: one word later
    assert selected_quote(page) == "موبتي"
    page.keyboard.press("Shift+A")
    page.keyboard.press("Shift+A")
    assert selected_quote(page) == "في منطقة موبتي"
    page.keyboard.press("s")  # start: one character later
    assert selected_quote(page) == "ي منطقة موبتي"
    page.keyboard.press("a")  # and back
    page.keyboard.press("d")  # end: one character earlier
    assert selected_quote(page) == "في منطقة موبت"
    page.keyboard.press("k")  # the previous word (Intl.Segmenter: one orthographic word)
    assert selected_quote(page) == "لـJNIM"
    page.keyboard.press("j")
    assert selected_quote(page) == "في"

    find("وبغاو")
    page.keyboard.press("p")
    assert selected_quote(page) == "بغاو"
    page.click("#btn-proclitic")  # the toolbar button does the same
    assert selected_quote(page) == "غاو"
    page.keyboard.press("p")  # a proclitic is dropped only when a word is left
    assert selected_quote(page) == "غاو"

    double_click_word(page, "لـJNIM")
    assert selected_quote(page) == "لـJNIM"  # one orthographic word, tatweel included
    page.keyboard.press("p")
    assert selected_quote(page) == "JNIM"
