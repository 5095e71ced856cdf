"""What a test does in the page: find words on screen, select them with the mouse or the
keyboard, read what the page shows. Word positions are found by the test itself (its own
DOM Range over the article's text nodes), not through the app's code."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

RECT_OF = """([needle, occurrence]) => {
  const root = document.getElementById('article-text');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let seen = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    let at = node.data.indexOf(needle);
    while (at !== -1) {
      if (seen === occurrence) {
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + needle.length);
        const r = range.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
      }
      seen += 1;
      at = node.data.indexOf(needle, at + 1);
    }
  }
  return null;
}"""

HIGHLIGHTS = """() => {
  const root = document.getElementById('article-text');
  const out = [];
  for (const [name, highlight] of CSS.highlights) {
    if (!name.startsWith('athar-role-')) continue;
    for (const range of highlight) {
      const before = document.createRange();
      before.setStart(root, 0);
      before.setEnd(range.startContainer, range.startOffset);
      const start = before.toString().length;
      out.push([name.slice('athar-role-'.length), start, start + range.toString().length,
                range.toString()]);
    }
  }
  return out.sort((a, b) => a[1] - b[1] || a[2] - b[2] || (a[0] < b[0] ? -1 : 1));
}"""


def rect_of(page: Page, needle: str, occurrence: int = 0) -> dict[str, float]:
    rect = page.evaluate(RECT_OF, [needle, occurrence])
    assert rect is not None, f"{needle!r} is not in the article"
    page.evaluate(
        "([t, b]) => { if (t < 120 || b > innerHeight - 20) document.getElementById("
        "'article-pane').scrollBy(0, t - innerHeight / 3); }",
        [rect["top"], rect["bottom"]],
    )
    return page.evaluate(RECT_OF, [needle, occurrence])  # type: ignore[no-any-return]


def double_click_word(page: Page, word: str, occurrence: int = 0) -> None:
    rect = rect_of(page, word, occurrence)
    page.mouse.dblclick((rect["left"] + rect["right"]) / 2, (rect["top"] + rect["bottom"]) / 2)


def drag_over(page: Page, words: str, occurrence: int = 0, *, rtl: bool) -> None:
    """Press inside the first letter's leading half and release inside the last letter's
    trailing half (right to left for Arabic), as a person dragging over the words does."""
    rect = rect_of(page, words, occurrence)
    y = (rect["top"] + rect["bottom"]) / 2
    if rtl:
        start, end = rect["right"] - 2, rect["left"] + 2
    else:
        start, end = rect["left"] + 2, rect["right"] - 2
    page.mouse.move(start, y)
    page.mouse.down()
    page.mouse.move((start + end) / 2, y, steps=4)
    page.mouse.move(end, y, steps=4)
    page.mouse.up()


def selected_quote(page: Page) -> str:
    page.wait_for_timeout(30)
    return page.evaluate("window.athar.selection.quote")  # type: ignore[no-any-return]


def highlights(page: Page) -> list[list[Any]]:
    return page.evaluate(HIGHLIGHTS)  # type: ignore[no-any-return]


def wait_all_saved(page: Page) -> None:
    page.wait_for_function(
        "() => window.athar.store.saveState() === 'saved'"
        " && window.athar.store.list().every(e => e.id && !e.inFlight)"
    )
    page.wait_for_selector("#save-state[data-state=saved]")


def pick_type(page: Page, search: str) -> None:
    page.wait_for_selector("#type-picker[open]")
    page.keyboard.type(search)
    page.keyboard.press("Enter")
    page.wait_for_selector("#type-picker:not([open])", state="attached")
