"""Issue #20, items 4–6: what a coder selects with the mouse or the keyboard in Arabic news
with numbers, Latin names and quoted names is what is stored, and the quote is echoed back
in the order it is stored. Every gesture is a real one: mouse presses at glyph coordinates
found by the test's own Range, keys pressed on the keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from coding.models import Assignment, CodedEvent
from coding.services.articles import articles_create
from coding.services.events import EventInput, SpanInput, event_create
from tests.browser.conftest import BrowserWorld, open_coding, screenshot, sign_in
from tests.browser.helpers import pick_type, rect_of, selected_quote, wait_all_saved
from tests.factories import AssignmentFactory
from tests.world import Item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TRAPS_TEXT = (
    "وقعت الاشتباكات في العاشر من أكتوبر 2024، قرب بولكيسي.\n"
    "وصلت القوات في 12 مارس/ آذار إلى المدينة.\n"
    "هاجمت جماعة (ISWAP) الموالية لتنظيم الدولة قرية قرب بولكيسي.\n"
    'واتهم المصدر بـ"الخيانة" ونسب الهجوم لـ “حركة أزواد” في البيان.'
)


def open_traps(page: Page, base: str, world: BrowserWorld) -> int:
    article = articles_create(
        project=world.project, items=[Item("فخاخ", TRAPS_TEXT, "ar")], actor=None
    ).created[0]
    assignment = AssignmentFactory(article=article, coder=world.coder)
    sign_in(page, base, world.coder.username)
    open_coding(page, base, assignment.pk)
    return int(assignment.pk)


def press_and_release(page: Page, press: tuple[float, float], release: tuple[float, float]) -> None:
    """A mouse drag from `press` to `release` (viewport points), in small steps."""
    page.mouse.move(*press)
    page.mouse.down()
    page.mouse.move((press[0] + release[0]) / 2, (press[1] + release[1]) / 2, steps=4)
    page.mouse.move(*release, steps=4)
    page.mouse.up()


def middle(rect: dict[str, float]) -> float:
    return (rect["top"] + rect["bottom"]) / 2


def test_a_drag_keeps_the_number_or_latin_word_at_the_edge_of_an_arabic_phrase(
    page: Page, live_server, web_world: BrowserWorld
) -> None:  # type: ignore[no-untyped-def]
    open_traps(page, live_server.url, web_world)

    # Release anywhere on "2024", at the end of an Arabic phrase: its outer edge, its middle,
    # its inner edge (where Chromium puts the caret at the other end of the Latin run).
    first, year = rect_of(page, "العاشر"), rect_of(page, "2024")
    for x in (year["left"] + 1, (year["left"] + year["right"]) / 2, year["right"] - 1):
        page.keyboard.press("Escape")
        press_and_release(page, (first["right"] - 2, middle(first)), (x, middle(year)))
        assert selected_quote(page) == "العاشر من أكتوبر 2024", x - year["left"]
        # and the same drag the other way round, pressing on "2024"
        page.keyboard.press("Escape")
        press_and_release(page, (x, middle(year)), (first["right"] - 2, middle(first)))
        assert selected_quote(page) == "العاشر من أكتوبر 2024", x - year["left"]

    # Press inside the "12" at the start of the phrase (at its inner edge and its middle).
    twelve, last = rect_of(page, "12"), rect_of(page, "آذار")
    for x in (twelve["left"] + 1, (twelve["left"] + twelve["right"]) / 2):
        page.keyboard.press("Escape")
        press_and_release(page, (x, middle(twelve)), (last["left"] + 2, middle(last)))
        assert selected_quote(page) == "12 مارس/ آذار"

    # Press at the left of "ISWAP)" and drag over the Arabic words that follow it.
    iswap, state = rect_of(page, "ISWAP"), rect_of(page, "الدولة")
    press_and_release(page, (iswap["left"] + 1, middle(iswap)), (state["left"] + 2, middle(state)))
    assert selected_quote(page) == "ISWAP) الموالية لتنظيم الدولة"

    # Alt while dragging keeps the exact letters under the pointer (here: inside a word).
    word = rect_of(page, "الاشتباكات")
    width = word["right"] - word["left"]
    page.keyboard.down("Alt")
    press_and_release(
        page,
        (word["right"] - 2, middle(word)),
        (word["right"] - width * 0.25, middle(word)),
    )
    page.keyboard.up("Alt")
    quote = selected_quote(page)
    assert quote
    assert "الاشتباكات".startswith(quote)
    assert quote != "الاشتباكات"


def quote_order(page: Page, selector: str, first: str, second: str) -> dict[str, float]:
    """Where `first` and `second` are drawn inside the element `selector` (a test Range)."""
    return page.evaluate(  # type: ignore[no-any-return]
        """([selector, first, second]) => {
          const node = document.querySelector(selector);
          const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
          const where = (needle) => {
            for (let t = walker.currentNode; t; t = walker.nextNode()) {
              const at = t.data ? t.data.indexOf(needle) : -1;
              if (at === -1) continue;
              const range = document.createRange();
              range.setStart(t, at);
              range.setEnd(t, at + needle.length);
              return range.getBoundingClientRect().toJSON();
            }
            return null;
          };
          const a = where(first);
          walker.currentNode = node;
          const b = where(second);
          return {first_left: a.left, second_right: b.right};
        }""",
        [selector, first, second],
    )


def test_quotes_are_echoed_in_the_paragraphs_direction(
    page: Page, live_server, web_world: BrowserWorld
) -> None:  # type: ignore[no-untyped-def]
    open_traps(page, live_server.url, web_world)
    page.keyboard.press("/")
    page.keyboard.type("ISWAP) الموالية لتنظيم الدولة")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    assert selected_quote(page) == "ISWAP) الموالية لتنظيم الدولة"

    # Read right to left as in the paragraph: "ISWAP" (stored first) is to the right.
    status = quote_order(page, "#selection-status .quote", "ISWAP", "الموالية")
    assert status["first_left"] > status["second_right"]

    page.keyboard.press("n")
    pick_type(page, "assault")
    chip = ".role[data-role=trigger] .span-list button.quote"
    page.wait_for_selector(chip)
    in_chip = quote_order(page, chip, "ISWAP", "الموالية")
    assert in_chip["first_left"] > in_chip["second_right"]
    screenshot(page, "code-quotes-direction-en.png")
    wait_all_saved(page)


def test_drop_proclitic_takes_the_tatweel_and_the_quotes(
    page: Page, live_server, web_world: BrowserWorld
) -> None:  # type: ignore[no-untyped-def]
    assignment = open_traps(page, live_server.url, web_world)

    def find(text: str) -> None:
        page.keyboard.press("/")
        page.keyboard.type(text)
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")

    find('بـ"الخيانة"')
    assert selected_quote(page) == 'بـ"الخيانة"'
    page.keyboard.press("p")
    assert selected_quote(page) == "الخيانة"
    page.keyboard.press("n")
    pick_type(page, "truce")

    find("لـ “حركة أزواد”")
    page.keyboard.press("p")
    assert selected_quote(page) == "حركة أزواد"
    page.keyboard.press("p")  # nothing more to drop: no proclitic is left
    assert selected_quote(page) == "حركة أزواد"
    page.keyboard.press("1")
    wait_all_saved(page)
    event = CodedEvent.objects.get(assignment_id=assignment)
    assert sorted(s.quote for s in event.spans.all()) == ["الخيانة", "حركة أزواد"]


def test_the_conflict_dialog_shows_quotes_in_the_paragraphs_direction(
    page: Page, live_server, web_world: BrowserWorld
) -> None:  # type: ignore[no-untyped-def]
    assignment_id = open_traps(page, live_server.url, web_world)
    quote = "ISWAP) الموالية لتنظيم الدولة"
    start = TRAPS_TEXT.index(quote)
    event_create(
        assignment=Assignment.objects.get(pk=assignment_id),
        actor=web_world.coder,
        data=EventInput(
            event_type="ATTACK",
            event_subtype="ARMED_ASSAULT",
            values={"fatalities": 1},
            spans=[SpanInput(role="trigger", start=start, end=start + len(quote), quote=quote)],
        ),
    )
    open_coding(page, live_server.url, assignment_id)
    second = page.context.new_page()  # another tab saves first
    open_coding(second, live_server.url, assignment_id)
    second.fill("#field-fatalities", "3")
    wait_all_saved(second)
    page.click("#field-fatalities")
    page.keyboard.press("Backspace")
    page.keyboard.type("7")
    page.wait_for_selector("#conflict-dialog[open]")
    for side in ("[data-conflict-mine]", "[data-conflict-theirs]"):
        order = quote_order(page, f"{side} .quote", "ISWAP", "الموالية")
        assert order["first_left"] > order["second_right"]
    page.click("#conflict-dialog button[value=later]")
